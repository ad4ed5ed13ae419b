/*
 * feedread_test: fixtures/feeds/lint/good/ must lint clean, each
 * fixtures/feeds/lint/bad/<name>.{xml,json} must give exactly the lines of
 * <name>.expected; plus tables of dates, format detection, the size cap,
 * entity attacks and the libxml2 error handler being left as found.
 * Run from the top of the tree.
 */
#include "lib/feedread.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "lib/util.h"
#include "t.h"

#define GOOD "fixtures/feeds/lint/good"
#define BAD "fixtures/feeds/lint/bad"
#define RNG "schemas/atom.rng"

/* A fixed "now" (2026-01-01T00:00:00Z) keeps "far future" stable. */
static const struct sy_feedread_opts opts = {
    .schema = RNG, .check_links = true, .now = 1767225600};

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) != NULL) {
		*len = fread(p, 1, (size_t)n, fp);
		p[*len] = '\0';
	}
	fclose(fp);
	return p;
}

/* Lints data and returns the text diagnostics (caller frees). */
static char *
lint_text(const char *path, const char *data, size_t len,
    const struct sy_feedread_opts *o, enum sy_err *err)
{
	struct sy_emit_opts eo = {"syndic-lint", "test", false, 0, NULL, NULL};
	struct sy_diags d;
	char *out = NULL;
	size_t n = 0;
	FILE *fp;

	sy_diags_init(&d);
	*err = sy_feedread_lint(path, data, len, o, &d);
	if ((fp = open_memstream(&out, &n)) != NULL) {
		(void)sy_diags_emit(&d, SY_FMT_TEXT, &eo, fp);
		fclose(fp);
	}
	sy_diags_fini(&d);
	return out;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in dir ending in one of the suffixes. */
static size_t
listdir(const char *dir, char ***out)
{
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(dp)) != NULL) {
		size_t k = strlen(de->d_name);
		char **nv;

		if (!(k > 4 && strcmp(de->d_name + k - 4, ".xml") == 0) &&
		    !(k > 5 && strcmp(de->d_name + k - 5, ".json") == 0))
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		v[n++] = strdup(de->d_name);
	}
	closedir(dp);
	qsort(v, n, sizeof(*v), cmpstr);
	*out = v;
	return n;
}

static void
test_good(void)
{
	char **names = NULL, path[512], *data, *out;
	size_t n, i, len;
	enum sy_err e;

	n = listdir(GOOD, &names);
	T_OK(n >= 3, "good fixtures found (%zu)", n);
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", GOOD, names[i]);
		data = slurp(path, &len);
		out = lint_text(path, data, len, &opts, &e);
		T_INTEQ(e, SY_OK, "%s: lint returns SY_OK", path);
		T_STREQ(out, "", "%s: no diagnostics", path);
		free(out);
		free(data);
		free(names[i]);
	}
	free(names);
}

static void
test_bad(void)
{
	char **names = NULL, path[512], exp[512], *data, *want, *out;
	size_t n, i, len, wlen;
	enum sy_err e;

	n = listdir(BAD, &names);
	T_OK(n >= 30, "bad fixtures found (%zu)", n);
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", BAD, names[i]);
		(void)snprintf(exp, sizeof(exp), "%s/%.*s.expected", BAD,
		    (int)(strrchr(names[i], '.') - names[i]), names[i]);
		data = slurp(path, &len);
		want = slurp(exp, &wlen);
		T_OK(want != NULL, "%s exists", exp);
		out = lint_text(path, data, len, &opts, &e);
		T_INTEQ(e, SY_OK, "%s: lint returns SY_OK", path);
		T_STREQ(
		    out, want ? want : "", "%s: diagnostics as expected", path);
		T_OK(out != NULL && *out != '\0', "%s: at least one problem",
		    path);
		free(out);
		free(want);
		free(data);
		free(names[i]);
	}
	free(names);
}

/* The external entity must never be read, whatever the entity syntax. */
static void
test_xxe(void)
{
	static const char *const files[] = {
	    BAD "/xxe.xml", BAD "/xxe-param.xml", BAD "/xxe-dtd.xml"};
	char *data, *out, *pw;
	size_t i, len, pwlen;
	enum sy_err e;

	pw = slurp("/etc/passwd", &pwlen);
	for (i = 0; i < SY_NELEM(files); i++) {
		data = slurp(files[i], &len);
		T_OK(data != NULL, "%s readable", files[i]);
		out = lint_text(
		    files[i], data ? data : "", data ? len : 0, &opts, &e);
		T_INTEQ(e, SY_OK, "%s: SY_OK", files[i]);
		T_OK(out != NULL && strstr(out, "root:") == NULL &&
		        strstr(out, "/bin/") == NULL,
		    "%s: /etc/passwd not in output", files[i]);
		T_OK(out != NULL && strstr(out, "[feed-xml]") != NULL,
		    "%s: reported as feed-xml", files[i]);
		free(out);
		free(data);
	}
	T_OK(pw != NULL && strstr(pw, "root:") != NULL,
	    "/etc/passwd holds the marker the test looks for");
	free(pw);
}

/* Entity bombs in content and in attributes finish with a diagnostic. */
static void
test_bombs(void)
{
	static const char *const files[] = {
	    BAD "/billion-laughs.xml", BAD "/billion-laughs-attr.xml"};
	char *data, *out;
	size_t i, len;
	enum sy_err e;

	for (i = 0; i < SY_NELEM(files); i++) {
		data = slurp(files[i], &len);
		out = lint_text(
		    files[i], data ? data : "", data ? len : 0, &opts, &e);
		T_INTEQ(e, SY_OK, "%s: SY_OK", files[i]);
		T_OK(out != NULL && strlen(out) < 4096 &&
		        strstr(out, "declares entity") != NULL,
		    "%s: entity declaration reported, output small", files[i]);
		T_OK(out != NULL && strstr(out, "lol") != NULL &&
		        strstr(out, "lollollol") == NULL,
		    "%s: nothing expanded", files[i]);
		free(out);
		free(data);
	}
}

static void
test_limits(void)
{
	struct sy_feedread_opts o = {
	    .schema = RNG, .check_links = true, .max_size = 16};
	struct sy_feedread_opts nors = {
	    .schema = "/nonexistent/atom.rng", .check_links = true};
	static const char atom[] =
	    "<feed xmlns='http://www.w3.org/2005/Atom'/>";
	static const char rss[] = "<rss version='2.0'><channel/></rss>";
	struct sy_diags d;
	enum sy_err e;
	char *out;

	sy_diags_init(&d);
	T_INTEQ(sy_feedread_lint("big.xml", rss, sizeof(rss) - 1, &o, &d),
	    SY_ELIMIT, "over the size cap: SY_ELIMIT");
	T_INTEQ(d.n, 0, "over the size cap: no diagnostic");
	T_INTEQ(sy_feedread_lint("a.xml", atom, sizeof(atom) - 1, &nors, &d),
	    SY_EXML, "missing Atom schema: SY_EXML");
	T_INTEQ(d.n, 0, "missing Atom schema: no diagnostic");
	sy_diags_fini(&d);

	out = lint_text("e.xml", "", 0, &opts, &e);
	T_STREQ(out, "e.xml:1:0: error: the file is empty [feed-xml]\n",
	    "empty file");
	free(out);
	out = lint_text("e.xml", " \n\t", 3, &opts, &e);
	T_STREQ(out, "e.xml:1:0: error: the file is empty [feed-xml]\n",
	    "blank file");
	free(out);
	/* Not NUL-terminated: the parser must stop at len. */
	out = lint_text("n.json", "{\"version\": 1}garbage", 14, &opts, &e);
	T_STREQ(out,
	    "n.json:1:2: error: not a JSON Feed: no \"version\" "
	    "starting with \"https://jsonfeed.org/version/\" [feed-schema]\n",
	    "length respected, JSON without a JSON Feed version");
	free(out);
}

static void
test_detect(void)
{
	static const struct {
		const char *in;
		enum sy_feed_kind want;
	} cases[] = {
	    {"{\"version\":\"https://jsonfeed.org/version/1.1\"}",
	        SY_FEED_JSON},
	    {"\xEF\xBB\xBF  {}", SY_FEED_JSON},
	    {"<?xml version='1.0'?>\n<rss version='2.0'/>", SY_FEED_RSS},
	    {"<!-- c --><!DOCTYPE rss [<!ENTITY a 'b'>]><rss/>", SY_FEED_RSS},
	    {"<feed xmlns='http://www.w3.org/2005/Atom'>", SY_FEED_ATOM},
	    {"<atom:feed xmlns:atom='http://www.w3.org/2005/Atom'>",
	        SY_FEED_ATOM},
	    {"<entry xmlns='http://www.w3.org/2005/Atom'>", SY_FEED_ATOM},
	    {"<rdf:RDF>", SY_FEED_UNKNOWN},
	    {"<html>", SY_FEED_UNKNOWN},
	    {"id,title\n", SY_FEED_UNKNOWN},
	    {"", SY_FEED_UNKNOWN},
	    {"<?xml", SY_FEED_UNKNOWN},
	};
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++)
		T_STREQ(sy_feed_kind_name(sy_feedread_detect(
		            cases[i].in, strlen(cases[i].in))),
		    sy_feed_kind_name(cases[i].want), "detect %zu", i);
}

/* RFC 3339 through a JSON Feed date_published. */
static void
test_rfc3339(void)
{
	static const struct {
		const char *date;
		const char *want; /* substring of the output, "" = clean */
	} cases[] = {
	    {"2025-01-28T09:00:00+08:00", ""},
	    {"2025-01-28T01:00:00Z", ""},
	    {"2025-01-28T01:00:00.123456Z", ""},
	    {"2024-02-29T00:00:00-05:30", ""},
	    {"2016-12-31T23:59:60Z", ""},
	    {"2025-01-28", "without a time"},
	    {"2025-01-28T09:00", "no seconds"},
	    {"2025-01-28T09:00:00", "no time zone"},
	    {"2025-01-28 09:00:00Z", "upper-case \"T\""},
	    {"2025-01-28t09:00:00Z", "upper-case \"T\""},
	    {"2025-01-28T09:00:00z", "upper-case \"Z\""},
	    {"2025-01-28T09:00:00+0800", "+hh:mm"},
	    {"2025-01-28T09:00:00.Z", "digits after the decimal sign"},
	    {"2025-02-29T09:00:00Z", "[date-range]"},
	    {"2025-13-01T09:00:00Z", "[date-range]"},
	    {"2025-01-28T24:00:00Z", "[date-range]"},
	    {"2025-01-28T09:00:00+24:00", "[date-range]"},
	    {"Tue, 28 Jan 2025 09:00:00 +0800", "[date-syntax]"},
	    {"2025年1月28日", "[date-syntax]"},
	    {"2027-01-03T00:00:00Z", "more than a year in the future"},
	    {"2026-12-31T00:00:00Z", ""},
	    {"1989-12-31T23:59:59Z", "before 1990"},
	    {"2025-01-28T09:00:00Z junk", "unexpected \" junk\""},
	};
	char buf[1024], *out;
	enum sy_err e;
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++) {
		(void)snprintf(buf, sizeof(buf),
		    "{\"version\":\"https://jsonfeed.org/version/1.1\","
		    "\"title\":\"t\",\"feed_url\":\"https://e.org/f.json\","
		    "\"items\":[{\"id\":\"1\",\"content_text\":\"x\","
		    "\"date_published\":\"%s\"}]}",
		    cases[i].date);
		out = lint_text("d.json", buf, strlen(buf), &opts, &e);
		if (*cases[i].want == '\0')
			T_STREQ(out, "", "RFC 3339 ok: %s", cases[i].date);
		else if (!T_OK(
		             out != NULL && strstr(out, cases[i].want) != NULL,
		             "RFC 3339 %s -> %s", cases[i].date, cases[i].want))
			printf("#   got: %s", out ? out : "(null)\n");
		free(out);
	}
}

/* RFC 822 through an RSS pubDate. */
static void
test_rfc822(void)
{
	static const struct {
		const char *date;
		const char *want;
	} cases[] = {
	    {"Tue, 28 Jan 2025 09:00:00 +0800", ""},
	    {"28 Jan 2025 09:00 GMT", ""},
	    {"Sat, 1 Feb 2025 00:00:00 Z", ""},
	    {"Thu, 29 Feb 2024 12:00:00 EST", ""},
	    {"Tue, 28 Jan 25 09:00:00 +0800", "two-digit year"},
	    {"Wed, 28 Jan 2025 09:00:00 +0800", "does not match"},
	    {"Tue, 30 Feb 2025 09:00:00 +0800", "[date-range]"},
	    {"Tue, 28 Jan 2025 25:00:00 +0800", "[date-range]"},
	    {"Tue, 28 Jan 2025 09:00:00", "time zone"},
	    {"Tue, 28 Jan 2025 09:00:00 +08:00", "time zone"},
	    {"Tue, 28 Jan 2025 09:00:00 CET", "time zone"},
	    {"Tue, 28 January 2025 09:00:00 +0800", "month"},
	    {"2025-01-28T09:00:00+08:00", "ISO 8601"},
	    {"Tue, 28 Jan 2025", "time"},
	    {"yesterday", "expected a date like"},
	};
	char buf[1024], *out;
	enum sy_err e;
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++) {
		(void)snprintf(buf, sizeof(buf),
		    "<rss version=\"2.0\" "
		    "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
		    "<title>t</title><link>https://e.org/</link>"
		    "<description>d</description><atom:link rel=\"self\" "
		    "href=\"https://e.org/rss.xml\"/>"
		    "<pubDate>%s</pubDate></channel></rss>",
		    cases[i].date);
		out = lint_text("d.xml", buf, strlen(buf), &opts, &e);
		if (*cases[i].want == '\0')
			T_STREQ(out, "", "RFC 822 ok: %s", cases[i].date);
		else if (!T_OK(
		             out != NULL && strstr(out, cases[i].want) != NULL,
		             "RFC 822 %s -> %s", cases[i].date, cases[i].want))
			printf("#   got: %s", out ? out : "(null)\n");
		free(out);
	}
}

/* Without link checks: only the structural URL and address checks. */
static void
test_links_off(void)
{
	struct sy_feedread_opts off = {.schema = RNG};
	char *data, *out;
	enum sy_err e;
	size_t len;

	data = slurp(BAD "/rss-site-rules.xml", &len);
	out = lint_text("s.xml", data ? data : "", data ? len : 0, &off, &e);
	T_STREQ(out, "", "links off: no site-rule or email-domain");
	free(out);
	free(data);
	data = slurp(BAD "/json-urls.json", &len);
	out = lint_text("u.json", data ? data : "", data ? len : 0, &off, &e);
	T_OK(out != NULL &&
	        strstr(out,
	            "u.json:10:7: error: url "
	            "\"/tech/2025/01/deepseek\" is not an absolute URL") !=
	            NULL &&
	        strstr(out, "[url-scheme]") != NULL,
	    "links off: relative and script URLs still reported");
	free(out);
	free(data);
}

/* Diagnostics carry the item's id and the URL as written. */
static void
test_fields(void)
{
	static const struct {
		const char *file;
		size_t line;
		const char *entry, *url;
	} cases[] = {
	    {BAD "/rss-guid-duplicate.xml", 14, "tech-2025-001", NULL},
	    {BAD "/rss-site-rules.xml", 10, "tech-2025-010",
	        "https://youtu.be/abc123"},
	    {BAD "/atom-duplicate-id.xml", 17,
	        "tag:columns.example.org,2025:tech-2025-001", NULL},
	    {BAD "/json-dates.json", 16, "tech-2025-002", NULL},
	    {BAD "/json-links.json", 10, "tech-2025-001",
	        "https://www.youtube.com/watch?v=short"},
	    {BAD "/rss-content-links.xml", 11, NULL, "javascript:alert(1)"},
	};
	struct sy_diags d;
	size_t i, j, len;
	char *data;

	for (i = 0; i < SY_NELEM(cases); i++) {
		const struct sy_diag *dg = NULL;

		data = slurp(cases[i].file, &len);
		sy_diags_init(&d);
		(void)sy_feedread_lint(
		    cases[i].file, data ? data : "", data ? len : 0, &opts, &d);
		for (j = 0; j < d.n && dg == NULL; j++)
			if (d.v[j].line == cases[i].line)
				dg = &d.v[j];
		T_OK(dg != NULL, "%s:%zu: a diagnostic", cases[i].file,
		    cases[i].line);
		T_STREQ(dg ? dg->entry : NULL, cases[i].entry, "%s:%zu: entry",
		    cases[i].file, cases[i].line);
		T_STREQ(dg ? dg->url : NULL, cases[i].url, "%s:%zu: url",
		    cases[i].file, cases[i].line);
		sy_diags_fini(&d);
		free(data);
	}
}

static enum sy_err
collect(void *arg, const struct sy_feedread_link *k)
{
	FILE *fp = arg;

	fprintf(fp, "%zu:%zu %s %s %s%s%s\n", k->line, k->column, k->field,
	    k->entry ? k->entry : "-", k->url, k->abs ? " -> " : "",
	    k->abs ? k->abs : "");
	return SY_OK;
}

static enum sy_err
stop(void *arg, const struct sy_feedread_link *k)
{
	(void)k;
	return ++*(int *)arg == 2 ? SY_EIO : SY_OK;
}

/*
 * Every link and address reaches the callback, with its place: each
 * fixtures/feeds/lint/links/<name>.links lists what the feed good/<name>.*
 * or bad/<name>.* yields.
 */
static void
test_links_cb(void)
{
	static const char *const files[] = {GOOD "/rss.xml", GOOD "/atom.xml",
	    GOOD "/atom-entry.xml", GOOD "/feed.json", BAD "/json-links.json",
	    BAD "/atom-persons.xml", BAD "/atom-xhtml.xml",
	    BAD "/rss-content-links.xml"};
	char *data, *out, *want, exp[512];
	size_t i, len, n, wlen;
	const char *base;
	int calls = 0;
	FILE *fp;

	for (i = 0; i < SY_NELEM(files); i++) {
		base = strrchr(files[i], '/') + 1;
		(void)snprintf(exp, sizeof(exp), "%s/links/%.*s.links",
		    "fixtures/feeds/lint", (int)(strrchr(base, '.') - base),
		    base);
		data = slurp(files[i], &len);
		want = slurp(exp, &wlen);
		out = NULL;
		n = 0;
		if ((fp = open_memstream(&out, &n)) == NULL)
			break;
		T_INTEQ(sy_feedread_links(files[i], data ? data : "",
		            data ? len : 0, collect, fp),
		    SY_OK, "%s: links walked", files[i]);
		fclose(fp);
		T_STREQ(out, want ? want : "(missing)", "%s: links as in %s",
		    files[i], exp);
		free(out);
		free(want);
		free(data);
	}
	data = slurp(GOOD "/rss.xml", &len);
	T_INTEQ(sy_feedread_links(
	            "r.xml", data ? data : "", data ? len : 0, stop, &calls),
	    SY_EIO, "a callback failure stops the walk and is returned");
	T_INTEQ(calls, 2, "no call after the failure");
	free(data);
}

/* The schema may come from memory (compiled in) instead of a file. */
static void
test_schema_mem(void)
{
	struct sy_feedread_opts o = {.schema = "/nonexistent/atom.rng"};
	char *rng, *data, *want, *out;
	size_t rlen, len, wlen;
	enum sy_err e;

	rng = slurp(RNG, &rlen);
	data = slurp(BAD "/atom-no-author.xml", &len);
	want = slurp(BAD "/atom-no-author.expected", &wlen);
	o.schema_mem = rng;
	o.schema_len = rlen;
	o.check_links = true;
	out = lint_text(BAD "/atom-no-author.xml", data ? data : "",
	    data ? len : 0, &o, &e);
	T_INTEQ(e, SY_OK, "schema from memory: SY_OK");
	T_STREQ(out, want, "schema from memory: same diagnostics");
	free(out);
	o.schema_len = rlen / 2;
	out = lint_text("a.xml", data ? data : "", data ? len : 0, &o, &e);
	T_INTEQ(e, SY_EXML, "truncated schema in memory: SY_EXML");
	free(out);
	free(want);
	free(data);
	free(rng);
}

/* Lines past 65535 are reported exactly (XML_PARSE_BIG_LINES). */
static void
test_big_lines(void)
{
	static const char head[] =
	    "<rss version=\"2.0\" "
	    "xmlns:atom=\"http://www.w3.org/2005/Atom\"><channel>"
	    "<title>t</title><link>https://e.org/</link>"
	    "<description>d</description><atom:link rel=\"self\" "
	    "href=\"https://e.org/r.xml\"/>";
	static const char tail[] = "<pubDate>bad</pubDate></channel></rss>";
	size_t n = 70000, len = sizeof(head) - 1 + n + sizeof(tail) - 1;
	char *buf = malloc(len + 1), *out;
	enum sy_err e;

	if (buf == NULL)
		return;
	memcpy(buf, head, sizeof(head) - 1);
	memset(buf + sizeof(head) - 1, '\n', n);
	memcpy(buf + sizeof(head) - 1 + n, tail, sizeof(tail));
	out = lint_text("big.xml", buf, len, &opts, &e);
	T_OK(out != NULL &&
	        strncmp(out,
	            "big.xml:70001:0: error: channel "
	            "<pubDate> \"bad\"",
	            40) == 0,
	    "line 70001 reported as such");
	free(out);
	free(buf);
}

/* libxml2's global handler is restored, nothing goes to stderr. */
static void
test_quiet(void)
{
	static const char bad[] = "<rss><channel><title>x</channel>";
	xmlStructuredErrorFunc before = xmlStructuredError;
	FILE *tmp = tmpfile();
	int saved = dup(2);
	enum sy_err e;
	long size = -1;
	char *out;

	if (tmp != NULL && saved >= 0) {
		fflush(stderr);
		(void)dup2(fileno(tmp), 2);
	}
	out = lint_text("q.xml", bad, sizeof(bad) - 1, &opts, &e);
	free(out);
	out = lint_text(BAD "/truncated.xml", bad, 20, &opts, &e);
	free(out);
	if (tmp != NULL && saved >= 0) {
		fflush(stderr);
		(void)dup2(saved, 2);
		close(saved);
		size = ftell(tmp) >= 0 ? (fseek(tmp, 0, SEEK_END), ftell(tmp))
		                       : -1;
	}
	if (tmp != NULL)
		fclose(tmp);
	T_INTEQ(size, 0, "nothing written to stderr");
	T_OK(xmlStructuredError == before,
	    "libxml2 structured error handler restored");
}

int
main(void)
{
	LIBXML_TEST_VERSION
	test_good();
	test_bad();
	test_xxe();
	test_bombs();
	test_limits();
	test_detect();
	test_rfc3339();
	test_rfc822();
	test_fields();
	test_links_cb();
	test_schema_mem();
	test_links_off();
	test_big_lines();
	test_quiet();
	xmlCleanupParser();
	return t_done();
}
