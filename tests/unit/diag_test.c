/*
 * diag_test: the diagnostics sink and every output format.
 *
 * The output of each format for a fixed set of diagnostics is compared
 * byte for byte with fixtures/diag/<format>.out (and the empty case with
 * fixtures/diag/empty.<format>.out).  To regenerate the golden files after
 * an intended change, run from the top of the tree
 *
 *	SY_REGEN=1 build/tests/diag_test
 *
 * then read every changed file by eye and check it with a parser:
 *
 *	/usr/bin/python3 -m json.tool fixtures/diag/json.out
 *	/usr/bin/python3 -m json.tool fixtures/diag/sarif.out
 *	xmllint --noout fixtures/diag/junit.out
 *
 * The fixtures are found under $SY_TOP (tests/run.sh sets the working
 * directory to the top of the tree, which is the default).
 */
#include "lib/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/parser.h>

#include "lib/util.h"
#include "tests/unit/t.h"

static const char *const fmtnames[] = {
    "text", "json", "github", "junit", "sarif", "markdown"};

static const struct sy_emit_opts opts = {
    "syndic-lint", "0.1.0", false, 12, "https://example.org/syndic", NULL};

struct fixture {
	const char *path;
	size_t line, column;
	enum sy_severity sev;
	enum sy_rule rule;
	const char *msg;
	const char *entry, *field, *url;
	int status;
};

/* Deliberately out of order; two share a position to show stability. */
static const struct fixture set[] = {
    {"feeds/manifest.csv", 12, 5, SY_ERROR, SY_R_DATE_SYNTAX,
        "published: cannot parse \"2025年13月40日\"", "deepseek", "published",
        NULL, 0},
    {"feeds/manifest.csv", 3, 3, SY_ERROR, SY_R_REQUIRED, "title is empty",
        "a1", "title", NULL, 0},
    {"feeds/manifest.csv", 12, 5, SY_NOTE, SY_R_DATE_RANGE,
        "no zone: Asia/Taipei assumed", "deepseek", "published", NULL, 0},
    {"feeds/articles/深度求索.md", 7, 0, SY_WARNING, SY_R_LINK_BROKEN,
        "深度求索後發先至: the link is gone", NULL, NULL,
        "https://example.org/a?b=1&c=<2>", 404},
    {"feeds/manifest.csv", 20, 4, SY_WARNING, SY_R_URL_SCHEME,
        "link \"javascript:alert(1)\" has scheme <javascript> & 100% | "
        "not http\nsee https://example.org/help|x",
        "x9", "link", "javascript:alert(1)", 0},
    {"columns.csv", 2, 1, SY_ERROR, SY_R_LANGUAGE_TAG,
        "\"zh_TW\" is not BCP 47 (write `zh-Hant-TW`)", NULL, "language", NULL,
        0},
    {"feeds/manifest.csv", 0, 0, SY_ERROR, SY_R_HEADER_MISSING,
        "the column \"link\" is missing", NULL, NULL, NULL, 0},
    {"feeds/rss.xml", 40, 0, SY_NOTE, SY_R_LINK_REDIRECT,
        "moved permanently to https://example.com/new", NULL, NULL,
        "http://example.com/old", 301},
    {"feeds/odd dir/a:b.csv", 2, 2, SY_WARNING, SY_R_XML_CHARS,
        "bad bytes \xff\xfe and a control \x01 here", NULL, NULL, NULL, 0},
};

static void
fill(struct sy_diags *d)
{
	size_t i;

	sy_diags_init(d);
	for (i = 0; i < SY_NELEM(set); i++) {
		const struct fixture *f = &set[i];
		struct sy_pos pos = {f->path, f->line, f->column};
		struct sy_diag *dg;

		dg = sy_diag_add(d, &pos, f->sev, f->rule, "%s", f->msg);
		if (dg == NULL || sy_diag_set_entry(dg, f->entry) != SY_OK ||
		    sy_diag_set_field(dg, f->field) != SY_OK ||
		    sy_diag_set_url(dg, f->url) != SY_OK) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		dg->status = f->status;
	}
}

/* Emits d in fmt into a new string; *rc receives the result. */
static char *
emit(struct sy_diags *d, enum sy_format fmt, const struct sy_emit_opts *o,
    enum sy_err *rc)
{
	char *p = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&p, &n);

	if (fp == NULL)
		exit(2);
	*rc = sy_diags_emit(d, fmt, o, fp);
	if (fclose(fp) != 0)
		exit(2);
	return p;
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *p = NULL;
	size_t n = 0, cap = 0, r;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			if ((p = realloc(p, cap + 1)) == NULL)
				exit(2);
		}
		r = fread(p + n, 1, cap - n, fp);
		n += r;
	} while (r > 0);
	fclose(fp);
	p[n] = '\0';
	return p;
}

static void
golden(const char *name, const char *got)
{
	const char *top = getenv("SY_TOP");
	char path[512];
	char *want;

	snprintf(path, sizeof(path), "%s/fixtures/diag/%s.out", top ? top : ".",
	    name);
	if (getenv("SY_REGEN") != NULL) {
		FILE *fp = fopen(path, "wb");

		T_OK(fp != NULL && fputs(got, fp) >= 0 && fclose(fp) == 0,
		    "%s regenerated", path);
		return;
	}
	want = slurp(path);
	if (want == NULL) {
		T_OK(0, "%s readable", path);
		return;
	}
	T_OK(strcmp(got, want) == 0, "%s matches byte for byte", name);
	if (strcmp(got, want) != 0)
		printf("# got:\n%s\n", got);
	free(want);
}

/* Every JSON and XML output must parse; the checks below look inside. */
static void
parses(enum sy_format fmt, const char *s, const char *what)
{
	if (fmt == SY_FMT_JSON || fmt == SY_FMT_SARIF) {
		json_error_t err;
		json_t *j = json_loads(s, 0, &err);

		T_OK(j != NULL, "%s: jansson parses it (%s)", what,
		    j ? "ok" : err.text);
		json_decref(j);
	} else if (fmt == SY_FMT_JUNIT) {
		xmlDocPtr doc = xmlReadMemory(s, (int)strlen(s), "junit.xml",
		    "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

		T_OK(doc != NULL, "%s: libxml2 parses it", what);
		xmlFreeDoc(doc);
	}
}

static void
test_formats(void)
{
	struct sy_diags d, empty;
	enum sy_err rc;
	size_t f;

	fill(&d);
	sy_diags_init(&empty);
	for (f = 0; f < SY_NELEM(fmtnames); f++) {
		enum sy_format fmt;
		char name[64];
		char *s;

		T_INTEQ(sy_format_parse(fmtnames[f], &fmt), 0, "format %s",
		    fmtnames[f]);
		s = emit(&d, fmt, &opts, &rc);
		T_INTEQ(rc, SY_OK, "%s: emitted", fmtnames[f]);
		golden(fmtnames[f], s);
		parses(fmt, s, fmtnames[f]);
		free(s);

		snprintf(name, sizeof(name), "empty.%s", fmtnames[f]);
		s = emit(&empty, fmt, NULL, &rc);
		T_INTEQ(rc, SY_OK, "%s: emitted", name);
		golden(name, s);
		parses(fmt, s, name);
		free(s);
	}
	sy_diags_fini(&d);
	sy_diags_fini(&empty);
}

static void
test_sort(void)
{
	struct sy_diags d;
	size_t i;
	int bad = 0;

	fill(&d);
	sy_diags_sort(&d);
	for (i = 1; i < d.n; i++) {
		const struct sy_diag *a = &d.v[i - 1], *b = &d.v[i];
		int c = strcmp(a->path, b->path);

		if (c > 0 ||
		    (c == 0 &&
		        (a->line > b->line ||
		            (a->line == b->line &&
		                (a->column > b->column ||
		                    (a->column == b->column &&
		                        a->seq > b->seq))))))
			bad++;
	}
	T_INTEQ(bad, 0, "sorted by path, line, column, insertion");
	T_STREQ(d.v[0].path, "columns.csv", "first path");
	for (i = 1; i < d.n; i++)
		if (d.v[i].line == 12 && d.v[i - 1].line == 12)
			break;
	T_OK(i < d.n && d.v[i - 1].severity == SY_ERROR &&
	        d.v[i].severity == SY_NOTE,
	    "same position keeps insertion order");
	T_INTEQ(d.v[1].line, 7, "feeds/articles/ sorts before manifest.csv");
	T_STREQ(d.v[2].path, "feeds/manifest.csv", "then manifest.csv");
	T_INTEQ(d.v[2].line, 0, "whole-file diagnostic first");
	sy_diags_fini(&d);
}

static void
test_format_parse(void)
{
	static const struct {
		const char *name;
		int rc;
		enum sy_format fmt;
	} cases[] = {
	    {"text", 0, SY_FMT_TEXT},
	    {"json", 0, SY_FMT_JSON},
	    {"github", 0, SY_FMT_GITHUB},
	    {"junit", 0, SY_FMT_JUNIT},
	    {"sarif", 0, SY_FMT_SARIF},
	    {"markdown", 0, SY_FMT_MARKDOWN},
	    {"JSON", -1, SY_FMT_TEXT},
	    {"xml", -1, SY_FMT_TEXT},
	    {"", -1, SY_FMT_TEXT},
	    {"text ", -1, SY_FMT_TEXT},
	};
	enum sy_format fmt;
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++) {
		fmt = SY_FMT_TEXT;
		T_INTEQ(sy_format_parse(cases[i].name, &fmt), cases[i].rc,
		    "sy_format_parse(\"%s\")", cases[i].name);
		T_INTEQ(fmt, cases[i].fmt, "sy_format_parse(\"%s\") value",
		    cases[i].name);
	}
	T_INTEQ(sy_format_parse(NULL, &fmt), -1, "sy_format_parse(NULL)");
}

static void
test_rules(void)
{
	size_t i, j;
	int roundtrip = 0, shape = 0, unique = 0, help = 0;

	for (i = 1; i < SY_R_COUNT; i++) {
		const char *n = sy_rule_name((enum sy_rule)i);
		const char *h = sy_rule_help((enum sy_rule)i);

		if (n != NULL && sy_rule_by_name(n) == (enum sy_rule)i)
			roundtrip++;
		if (n != NULL && n[0] != '\0' &&
		    strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
		        strlen(n))
			shape++;
		if (h != NULL && h[0] != '\0')
			help++;
		for (j = 1; j < i; j++)
			if (n != NULL &&
			    strcmp(n, sy_rule_name((enum sy_rule)j)) == 0)
				break;
		if (j == i)
			unique++;
	}
	T_INTEQ(roundtrip, SY_R_COUNT - 1, "sy_rule_by_name round trip");
	T_INTEQ(shape, SY_R_COUNT - 1, "rule names are [a-z0-9-]+");
	T_INTEQ(unique, SY_R_COUNT - 1, "rule names are unique");
	T_INTEQ(help, SY_R_COUNT - 1, "every rule has help");
	T_STREQ(sy_rule_name(SY_R_CSV_SYNTAX), "csv-syntax", "contract name");
	T_STREQ(sy_rule_name(SY_R_LINK_REDIRECT_LOOP), "link-redirect-loop",
	    "contract name");
	T_OK(sy_rule_name(SY_R_COUNT) == NULL, "out of range name is NULL");
	T_OK(sy_rule_help(SY_R_COUNT) == NULL, "out of range help is NULL");
	T_INTEQ(sy_rule_by_name("no-such-rule"), SY_R_NONE, "unknown name");
	T_INTEQ(sy_rule_by_name("none"), SY_R_NONE, "none");
	T_INTEQ(sy_rule_by_name("CSV-SYNTAX"), SY_R_NONE, "case-sensitive");
	T_INTEQ(sy_rule_by_name(NULL), SY_R_NONE, "NULL name");
	T_STREQ(sy_severity_name(SY_WARNING), "warning", "severity name");
}

static void
test_move(void)
{
	struct sy_diags a, b;
	struct sy_pos pos = {"x.csv", 1, 1};
	size_t i;
	int seqok = 0;

	fill(&a);
	sy_diags_init(&b);
	sy_diag_add(&b, &pos, SY_WARNING, SY_R_INTEGER, "n=%d", 1);
	sy_diag_add(&b, &pos, SY_NOTE, SY_R_INTEGER, "n=%d", 2);
	T_INTEQ(sy_diags_move(&b, &a), SY_OK, "move");
	T_INTEQ(b.n, SY_NELEM(set) + 2, "all moved");
	T_INTEQ(a.n, 0, "source empty");
	T_OK(a.v == NULL && a.cap == 0 && a.count[SY_ERROR] == 0,
	    "source reset");
	T_INTEQ(b.count[SY_ERROR], 4, "errors counted");
	T_INTEQ(b.count[SY_WARNING], 4, "warnings counted");
	T_INTEQ(b.count[SY_NOTE], 3, "notes counted");
	for (i = 0; i < b.n; i++)
		if (b.v[i].seq == i)
			seqok++;
	T_INTEQ(seqok, b.n, "insertion order continues");
	T_STREQ(b.v[2].message, set[0].msg, "moved data intact");
	T_STREQ(b.v[5].url, set[3].url, "moved url intact");
	T_INTEQ(sy_diags_move(&b, &b), SY_OK, "move into itself");
	T_INTEQ(b.n, SY_NELEM(set) + 2, "move into itself changes nothing");
	a.oom = true;
	T_INTEQ(sy_diags_move(&b, &a), SY_OK, "move of an empty sink");
	T_OK(b.oom && !a.oom, "oom carried over");
	sy_diags_fini(&a);
	sy_diags_fini(&b);
}

static size_t
count_str(const char *s, const char *needle)
{
	size_t n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void
test_quiet(void)
{
	struct sy_emit_opts q = opts;
	struct sy_diags d;
	enum sy_err rc;
	char *full, *quiet, *want, *w;
	const char *p, *nl;
	json_t *j;
	size_t f;

	fill(&d);
	q.quiet = true;
	full = emit(&d, SY_FMT_TEXT, &opts, &rc);
	quiet = emit(&d, SY_FMT_TEXT, &q, &rc);
	/* The quiet text is the full text without its note lines. */
	want = w = calloc(1, strlen(full) + 1);
	if (want == NULL)
		exit(2);
	for (p = full; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		if (strstr(p, ": note: ") == NULL ||
		    strstr(p, ": note: ") > nl) {
			memcpy(w, p, (size_t)(nl - p + 1));
			w += nl - p + 1;
		}
	}
	T_INTEQ(count_str(full, ": note: "), 2, "text shows notes");
	T_STREQ(quiet, want, "quiet text drops exactly the notes");
	free(full);
	free(quiet);
	free(want);

	quiet = emit(&d, SY_FMT_JSON, &q, &rc);
	j = json_loads(quiet, 0, NULL);
	T_INTEQ(json_array_size(json_object_get(j, "diagnostics")),
	    SY_NELEM(set) - 2, "quiet json drops notes");
	T_INTEQ(json_integer_value(
	            json_object_get(json_object_get(j, "summary"), "notes")),
	    0, "quiet json counts no notes");
	json_decref(j);
	free(quiet);
	for (f = 0; f < SY_NELEM(fmtnames); f++) {
		enum sy_format fmt;

		sy_format_parse(fmtnames[f], &fmt);
		quiet = emit(&d, fmt, &q, &rc);
		T_OK(rc == SY_OK && strstr(quiet, "Asia/Taipei") == NULL &&
		        strstr(quiet, "example.com/new") == NULL,
		    "quiet %s has no note", fmtnames[f]);
		free(quiet);
	}
	sy_diags_fini(&d);
}

/* What the formats promise beyond the golden bytes. */
static void
test_contracts(void)
{
	static const char *keys[] = {"file", "line", "column", "severity",
	    "rule", "message", "entry", "field", "url", "status"};
	struct sy_diags d;
	enum sy_err rc;
	json_t *j, *dg, *res;
	char *s;
	size_t i, k, ok = 0;

	fill(&d);
	s = emit(&d, SY_FMT_JSON, &opts, &rc);
	j = json_loads(s, 0, NULL);
	for (i = 0; i < json_array_size(json_object_get(j, "diagnostics"));
	     i++) {
		dg = json_array_get(json_object_get(j, "diagnostics"), i);
		for (k = 0; k < SY_NELEM(keys); k++)
			if (json_object_get(dg, keys[k]) == NULL)
				break;
		if (k == SY_NELEM(keys) && json_object_size(dg) == k)
			ok++;
	}
	T_INTEQ(ok, SY_NELEM(set), "json: every diagnostic has the ten keys");
	dg = json_array_get(json_object_get(j, "diagnostics"), 7);
	T_STREQ(json_string_value(json_object_get(dg, "message")),
	    "bad bytes \xef\xbf\xbd\xef\xbf\xbd and a control \x01 here",
	    "json: invalid UTF-8 replaced by U+FFFD");
	T_INTEQ(json_integer_value(
	            json_object_get(json_object_get(j, "summary"), "errors")),
	    4, "json: summary errors");
	json_decref(j);
	free(s);

	s = emit(&d, SY_FMT_SARIF, &opts, &rc);
	j = json_loads(s, 0, NULL);
	res = json_object_get(
	    json_array_get(json_object_get(j, "runs"), 0), "results");
	T_INTEQ(json_array_size(res), SY_NELEM(set), "sarif: all results");
	ok = 0;
	for (i = 0; i < json_array_size(res); i++) {
		json_t *r = json_array_get(res, i);
		json_t *rules = json_object_get(
		    json_object_get(
		        json_object_get(
		            json_array_get(json_object_get(j, "runs"), 0),
		            "tool"),
		        "driver"),
		    "rules");
		json_t *rd = json_array_get(rules,
		    (size_t)json_integer_value(
		        json_object_get(r, "ruleIndex")));

		if (strcmp(json_string_value(json_object_get(rd, "id")),
		        json_string_value(json_object_get(r, "ruleId"))) == 0)
			ok++;
	}
	T_INTEQ(ok, SY_NELEM(set), "sarif: ruleIndex points at ruleId");
	T_OK(strstr(s, "\"feeds/odd%20dir/a%3Ab.csv\"") != NULL,
	    "sarif: uri percent-encoded");
	T_OK(strstr(s, "feeds/articles/%E6%B7%B1") != NULL,
	    "sarif: UTF-8 path percent-encoded");
	T_INTEQ(count_str(s, "\"startLine\""), SY_NELEM(set) - 1,
	    "sarif: no startLine for line 0");
	T_INTEQ(count_str(s, "\"startColumn\""), SY_NELEM(set) - 3,
	    "sarif: no startColumn for column 0");
	json_decref(j);
	free(s);

	s = emit(&d, SY_FMT_JUNIT, &opts, &rc);
	T_OK(strstr(s, "tests=\"9\" failures=\"7\" errors=\"0\"") != NULL,
	    "junit: counts");
	T_INTEQ(count_str(s, "<failure "), 7, "junit: one failure each");
	T_INTEQ(count_str(s, "<system-out>"), 2, "junit: notes as output");
	T_OK(strstr(s, "\x01") == NULL, "junit: no control character");
	free(s);

	s = emit(&d, SY_FMT_MARKDOWN, &opts, &rc);
	T_OK(strstr(s, "12 links checked.") != NULL, "markdown: checked");
	T_INTEQ(count_str(s, "| line | col |"), 5, "markdown: a table a file");
	T_OK(strstr(s, "100% \\| not") != NULL, "markdown: pipe escaped");
	T_OK(strstr(s, "`https://example.org/help\\|x`") != NULL,
	    "markdown: URL in message as code");
	free(s);
	sy_diags_fini(&d);
}

/* Out-of-range severity and rule must not index past the tables. */
static void
test_ranges(void)
{
	struct sy_diags d;
	struct sy_pos pos = {NULL, 1, 1};
	enum sy_err rc;
	char *s;

	sy_diags_init(&d);
	sy_diag_add(&d, &pos, (enum sy_severity)7, (enum sy_rule)999, "x");
	T_INTEQ(d.count[SY_ERROR], 1, "odd severity counted as error");
	s = emit(&d, SY_FMT_TEXT, NULL, &rc);
	T_STREQ(s, "-:1:1: error: x [none]\n", "odd values clamped");
	free(s);
	s = emit(&d, (enum sy_format)42, NULL, &rc);
	T_INTEQ(rc, SY_EINVAL, "unknown format refused");
	free(s);
	sy_diags_fini(&d);
}

/* Edge cases of the SARIF URI and of Markdown code spans. */
static void
test_edges(void)
{
	struct sy_emit_opts o = opts;
	struct sy_diags d;
	struct sy_pos rel = {"./a/b c.csv", 1, 0};
	struct sy_pos abs = {"/srv/feeds/x.csv", 2, 0};
	struct sy_pos tick = {"`odd`.csv", 3, 0};
	struct sy_diag *dg;
	enum sy_err rc;
	char *s;

	sy_diags_init(&d);
	sy_diag_add(&d, &rel, SY_ERROR, SY_R_REQUIRED, "%s", "");
	sy_diag_add(&d, &abs, SY_WARNING, SY_R_REQUIRED, "x");
	dg = sy_diag_add(&d, &tick, SY_WARNING, SY_R_LINK_BROKEN, "y");
	sy_diag_set_url(dg, "https://h/`a``b`");
	o.checked = 1;

	s = emit(&d, SY_FMT_SARIF, &o, &rc);
	T_OK(strstr(s, "\"uri\": \"a/b%20c.csv\",\n") != NULL,
	    "sarif: ./ dropped, space encoded");
	T_OK(strstr(s, "\"uri\": \"file:///srv/feeds/x.csv\"\n") != NULL,
	    "sarif: absolute path is a file: URI without uriBaseId");
	T_INTEQ(count_str(s, "%SRCROOT%"), 2, "sarif: relative ones use it");
	T_OK(strstr(s, "\"text\": \"\"") != NULL, "sarif: empty message");
	free(s);

	s = emit(&d, SY_FMT_MARKDOWN, &o, &rc);
	T_OK(strstr(s, "\n1 link checked.\n") != NULL, "markdown: singular");
	T_OK(strstr(s, "## `` `odd`.csv ``\n") != NULL,
	    "markdown: path with backticks gets a longer fence");
	T_OK(strstr(s, "<br>``` https://h/`a``b` ```") != NULL,
	    "markdown: URL with backticks gets a longer fence");
	free(s);

	o.quiet = true;
	s = emit(&d, SY_FMT_MARKDOWN, &o, &rc);
	T_OK(strncmp(s, "# syndic-lint: 1 error, 2 warnings\n", 35) == 0,
	    "markdown: quiet heading has no notes");
	free(s);
	sy_diags_fini(&d);
}

/* A full disk is reported, whatever the format. */
static void
test_write_error(void)
{
	struct sy_diags d;
	size_t f;

	fill(&d);
	for (f = 0; f < SY_NELEM(fmtnames); f++) {
		enum sy_format fmt;
		FILE *fp = fopen("/dev/full", "w");

		if (fp == NULL) {
			T_OK(1, "# SKIP no /dev/full");
			break;
		}
		sy_format_parse(fmtnames[f], &fmt);
		T_OK(sy_diags_emit(&d, fmt, &opts, fp) != SY_OK,
		    "%s: write error reported", fmtnames[f]);
		fclose(fp);
	}
	sy_diags_fini(&d);
}

int
main(void)
{
	LIBXML_TEST_VERSION
	test_formats();
	test_sort();
	test_format_parse();
	test_rules();
	test_move();
	test_quiet();
	test_contracts();
	test_ranges();
	test_edges();
	test_write_error();
	xmlCleanupParser();
	return t_done();
}
