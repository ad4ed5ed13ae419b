/*
 * feedwrite_test: the three writers on one in-memory feed, compared byte
 * for byte with fixtures/feedwrite/{rss.xml,atom.xml,feed.json}.
 *
 * The golden files were validated before they were committed (xmllint
 * against RFC 4287's RELAX NG schema, tests/fv.py, python3-feedparser;
 * tests/cli/1900-feedwrite-valid.t does it again).  After a deliberate
 * change to a writer, regenerate them with
 *	SY_FEEDWRITE_REGEN=1 build/tests/feedwrite_test
 * run from the top of the tree, validate them again, and review the diff.
 */
#include "lib/feedwrite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/entry.h"
#include "lib/syndic.h"
#include "lib/util.h"
#include "tests/unit/t.h"

#define S(s) sy_strdup(s)
#define NENTRY 4

static struct sy_time
mk(int y, unsigned mo, unsigned d, int h, int mi, int offmin)
{
	struct sy_time tm;

	tm.off = offmin * 60;
	tm.t =
	    sy_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 - tm.off;
	return tm;
}

static char **
cats(const char *a, const char *b)
{
	char **c = calloc(2, sizeof(*c));

	if (c == NULL)
		abort();
	c[0] = S(a);
	c[1] = S(b);
	return c;
}

static void
build(struct sy_column *col, struct sy_entry *e, struct sy_feed *f)
{
	memset(col, 0, sizeof(*col));
	memset(e, 0, NENTRY * sizeof(*e));
	memset(f, 0, sizeof(*f));

	col->slug = S("tech");
	col->title = S("科技專欄");
	col->link = S("https://example.org/tech/");
	col->description = S("深度科技評論 & analysis");
	col->language = S("zh-Hant");
	col->base_url = S("https://example.org/feeds/tech/");

	/* Traditional Chinese, HTML content with an image, updated. */
	e[0].id = S("deepseek");
	e[0].title = S("深度求索後發先至");
	e[0].link = S("https://example.org/tech/2025/01/deepseek");
	e[0].author = S("林小明");
	e[0].email = S("lin@example.org");
	e[0].summary = S("中國AI新創以低成本模型震撼市場。");
	e[0].content =
	    S("<p>DeepSeek 的 R1 模型 <img "
	      "src=\"https://example.org/img/r1.png\" alt=\"R1 圖表\"> "
	      "&amp; 成本 &lt; 600 萬美元。</p>");
	e[0].categories = cats("人工智慧", "科技");
	e[0].ncategories = 2;
	e[0].image = S("https://example.org/img/r1.png");
	e[0].guid = S("tag:example.org,2025:deepseek");
	e[0].tag_id = S("tag:example.org,2025:deepseek");
	e[0].uri_id = S("tag:example.org,2025:deepseek");
	e[0].published = mk(2025, 1, 28, 9, 0, 8 * 60);
	e[0].updated = mk(2025, 1, 29, 10, 30, 8 * 60);
	e[0].has_updated = true;
	e[0].enclosure_length = -1;

	/* English podcast episode with an mp3, -05:00. */
	e[1].id = S("ep1");
	e[1].title = S("Episode 1: Chips & Sanctions");
	e[1].link = S("https://example.org/tech/podcast/ep1");
	e[1].author = S("Jane Doe");
	e[1].email = S("jane@example.com");
	e[1].language = S("en");
	e[1].summary =
	    S("Why export controls (< 2 years old) did not stop it.");
	e[1].enclosure = S("https://example.org/audio/ep1.mp3");
	e[1].enclosure_type = S("audio/mpeg");
	e[1].enclosure_length = 12345678;
	e[1].guid = S("tag:example.org,2025:ep1");
	e[1].tag_id = S("tag:example.org,2025:ep1");
	e[1].uri_id = S("tag:example.org,2025:ep1");
	e[1].published = mk(2025, 1, 20, 18, 0, -5 * 60);
	e[1].updated = e[1].published;

	/* No author, no summary, no content. */
	e[2].id = S("notes");
	e[2].title = S("編輯手記：2025年1月15日");
	e[2].link = S("https://example.org/tech/2025/01/notes");
	e[2].guid = S("tag:example.org,2025:notes");
	e[2].tag_id = S("tag:example.org,2025:notes");
	e[2].uri_id = S("tag:example.org,2025:notes");
	e[2].published = mk(2025, 1, 15, 12, 0, 8 * 60);
	e[2].updated = e[2].published;
	e[2].enclosure_length = -1;

	/* The guid is the permalink; an author known by name only. */
	e[3].id = S("chips");
	e[3].title = S("晶片戰爭的下一步");
	e[3].link = S("https://example.org/tech/2025/01/chips");
	e[3].author = S("陳大文");
	e[3].summary = S("台積電與全球供應鏈。");
	e[3].content = S("<p>台積電</p>");
	e[3].categories = cats("半導體", "台灣");
	e[3].ncategories = 2;
	e[3].guid = S("https://example.org/tech/2025/01/chips");
	e[3].guid_is_permalink = true;
	e[3].tag_id = S("tag:example.org,2025:chips");
	e[3].uri_id = S("https://example.org/tech/2025/01/chips");
	e[3].published = mk(2025, 1, 10, 8, 15, 8 * 60);
	e[3].updated = e[3].published;
	e[3].enclosure_length = -1;

	f->col = col;
	f->entries = calloc(NENTRY, sizeof(*f->entries));
	if (f->entries == NULL)
		abort();
	for (size_t i = 0; i < NENTRY; i++)
		f->entries[i] = &e[i];
	f->n = NENTRY;
	f->self_rss = S("https://example.org/feeds/tech/rss.xml");
	f->self_atom = S("https://example.org/feeds/tech/atom.xml");
	f->self_json = S("https://example.org/feeds/tech/feed.json");
	f->id = S("https://example.org/feeds/tech/atom.xml");
	f->updated = e[0].updated;
	f->generator = "syndic 0.1.0";
}

typedef enum sy_err (*writer)(const struct sy_feed *, FILE *);

/* Runs w into memory; returns its result, the bytes in *out. */
static enum sy_err
run(writer w, const struct sy_feed *f, char **out, size_t *len)
{
	FILE *fp;
	enum sy_err err;

	*out = NULL;
	*len = 0;
	if ((fp = open_memstream(out, len)) == NULL)
		abort();
	err = w(f, fp);
	if (fclose(fp) != 0)
		abort();
	return err;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp;
	char *p = NULL;
	long n;

	if ((fp = fopen(path, "rb")) == NULL)
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

static const struct {
	const char *name;
	writer w;
	const char *golden;
} writers[] = {
    {"rss", sy_rss_write, "rss.xml"},
    {"atom", sy_atom_write, "atom.xml"},
    {"json", sy_json_write, "feed.json"},
};

/* Golden files are fixtures/feedwrite/<prefix><rss.xml|atom.xml|...>. */
static void
test_golden(const struct sy_feed *f, const char *prefix)
{
	const char *regen = getenv("SY_FEEDWRITE_REGEN");
	char *a, *b, *g;
	char path[256];
	size_t alen, blen, glen;
	size_t i;

	for (i = 0; i < SY_NELEM(writers); i++) {
		snprintf(path, sizeof(path), "fixtures/feedwrite/%s%s", prefix,
		    writers[i].golden);
		T_INTEQ(run(writers[i].w, f, &a, &alen), SY_OK, "%s: writes",
		    writers[i].name);
		T_INTEQ(run(writers[i].w, f, &b, &blen), SY_OK,
		    "%s: writes again", writers[i].name);
		T_OK(alen == blen && memcmp(a, b, alen) == 0,
		    "%s: deterministic", writers[i].name);
		if (regen != NULL && strcmp(regen, "1") == 0) {
			FILE *fp = fopen(path, "wb");

			T_OK(fp != NULL && fwrite(a, 1, alen, fp) == alen &&
			        fclose(fp) == 0,
			    "%s: regenerated %s", writers[i].name, path);
		}
		g = slurp(path, &glen);
		T_OK(
		    g != NULL, "%s: golden %s readable", writers[i].name, path);
		if (!T_OK(g != NULL && glen == alen && memcmp(a, g, alen) == 0,
		        "%s: matches %s", writers[i].name, path))
			printf("# got:\n%s\n", a);
		free(a);
		free(b);
		free(g);
	}
}

/* Cuts s at its first newline, in place. */
static const char *
first_line(char *s)
{
	char *nl = strchr(s, '\n');

	if (nl != NULL)
		*nl = '\0';
	return s;
}

/* Spot checks that do not depend on the golden files. */
static void
test_content(const struct sy_feed *f)
{
	char *out;
	size_t len;

	run(sy_rss_write, f, &out, &len);
	T_OK(strstr(out,
	         "<guid isPermaLink=\"false\">tag:example.org,"
	         "2025:deepseek</guid>") != NULL,
	    "rss: tag guid not permalink");
	T_OK(strstr(out,
	         "<guid>https://example.org/tech/2025/01/chips"
	         "</guid>") != NULL,
	    "rss: permalink guid");
	T_OK(
	    strstr(out, "<author>jane@example.com (Jane Doe)</author>") != NULL,
	    "rss: author as email (Name)");
	T_OK(strstr(out, "<dc:creator>陳大文</dc:creator>") != NULL,
	    "rss: name-only author in dc:creator");
	T_OK(strstr(out,
	         "<pubDate>Mon, 20 Jan 2025 18:00:00 -0500"
	         "</pubDate>") != NULL,
	    "rss: RFC 822 date in its own offset");
	T_OK(strstr(out,
	         "<lastBuildDate>Wed, 29 Jan 2025 10:30:00 +0800"
	         "</lastBuildDate>") != NULL,
	    "rss: lastBuildDate is f->updated");
	T_OK(strstr(out, "length=\"12345678\" type=\"audio/mpeg\"") != NULL,
	    "rss: enclosure");
	T_OK(strstr(out, "<title>Episode 1: Chips &#x26; Sanctions</title>") !=
	        NULL,
	    "rss: plain text escaped the RSS Profile's way");
	T_OK(strstr(out, "(&amp;lt; 2 years old)") != NULL,
	    "rss: a plain-text summary escaped as HTML in description");
	T_OK(strstr(out, "<description>&lt;p&gt;台積電") == NULL,
	    "rss: the summary, not the content, when both exist");
	free(out);

	run(sy_atom_write, f, &out, &len);
	T_OK(strstr(out, "<entry xml:lang=\"en\">") != NULL,
	    "atom: xml:lang on an entry in another language");
	T_OK(strstr(out, "<name>科技專欄</name>") != NULL,
	    "atom: author-less entry credited to the column");
	T_OK(
	    strstr(out, "<updated>2025-01-20T18:00:00-05:00</updated>") != NULL,
	    "atom: updated falls back to published");
	T_OK(strstr(out, "<category term=\"人工智慧\"/>") != NULL,
	    "atom: CJK category");
	T_STREQ(first_line(out),
	    "<?xml version=\"1.0\" "
	    "encoding=\"UTF-8\"?>",
	    "atom: XML declaration");
	free(out);

	run(sy_json_write, f, &out, &len);
	T_OK(strstr(out, "\"title\": \"深度求索後發先至\"") != NULL,
	    "json: UTF-8 not escaped");
	T_OK(strstr(out, "\"size_in_bytes\": 12345678") != NULL,
	    "json: attachment size");
	T_OK(strstr(out, "\"content_text\": \"編輯手記：2025年1月15日\"") !=
	        NULL,
	    "json: content_text falls back to the title");
	free(out);
}

/* A bad field anywhere: SY_EINVAL from each writer, nothing written. */
static void
test_einval(struct sy_feed *f, struct sy_entry *e, struct sy_column *col)
{
	static const struct {
		const char *what;
		const char *bad;
	} bad[] = {
	    {"U+0001 in a title", "深度\x01求索"},
	    {"invalid UTF-8 in a title", "abc\xff"},
	    {"truncated UTF-8 in a title", "深\xe5\xba"},
	    {"U+FFFF in a title", "x\xef\xbf\xbf"},
	};
	char *out, *save;
	size_t i, j, len;

	for (j = 0; j < SY_NELEM(bad); j++) {
		save = e[2].title;
		e[2].title = (char *)bad[j].bad;
		for (i = 0; i < SY_NELEM(writers); i++) {
			T_INTEQ(run(writers[i].w, f, &out, &len), SY_EINVAL,
			    "%s: %s is refused", writers[i].name, bad[j].what);
			T_INTEQ(len, 0, "%s: nothing written", writers[i].name);
			free(out);
		}
		e[2].title = save;
	}

	save = col->description;
	col->description = (char *)"tab\tok, but bell \a is not";
	T_INTEQ(run(sy_atom_write, f, &out, &len), SY_EINVAL,
	    "atom: control character in the column description");
	free(out);
	col->description = save;

	save = e[0].categories[1];
	e[0].categories[1] = (char *)"\x1b[31m";
	T_INTEQ(run(sy_rss_write, f, &out, &len), SY_EINVAL,
	    "rss: ESC in a category");
	free(out);
	e[0].categories[1] = save;

	save = e[3].uri_id;
	e[3].uri_id = NULL;
	T_INTEQ(run(sy_json_write, f, &out, &len), SY_EINVAL,
	    "json: an entry without an id");
	free(out);
	e[3].uri_id = save;

	T_INTEQ(run(sy_rss_write, f, &out, &len), SY_OK,
	    "rss: the restored feed is written again");
	free(out);

	/* sy_feed_check: remembered only when true. */
	save = e[2].title;
	e[2].title = (char *)"abc\xff";
	T_OK(!sy_feed_check(f) && !f->checked,
	    "sy_feed_check: a bad title, nothing remembered");
	T_INTEQ(run(sy_atom_write, f, &out, &len), SY_EINVAL,
	    "atom: and the writer still refuses it");
	free(out);
	e[2].title = save;
	T_OK(sy_feed_check(f) && f->checked, "sy_feed_check: a good feed");
	T_INTEQ(run(sy_json_write, f, &out, &len), SY_OK,
	    "json: a checked feed is written");
	free(out);
	f->checked = false;
}

static void
test_empty(struct sy_feed *f)
{
	char *out;
	size_t len, i, n = f->n;

	f->n = 0;
	for (i = 0; i < SY_NELEM(writers); i++) {
		T_INTEQ(run(writers[i].w, f, &out, &len), SY_OK,
		    "%s: a feed without entries", writers[i].name);
		free(out);
	}
	f->n = n;
}

/*
 * The same feed from a column with an author and an e-mail, an enclosure
 * of unknown length and type: goldens fixtures/feedwrite/author-*.
 */
static void
test_column_author(struct sy_feed *f, struct sy_entry *e, struct sy_column *col)
{
	char *out;
	size_t len;

	col->author = S("編輯部");
	col->email = S("editor@example.org");
	free(e[1].enclosure_type);
	e[1].enclosure_type = NULL;
	e[1].enclosure_length = -1;
	free(e[0].email);
	e[0].email = S("林@例子.台灣");
	free(e[1].email);
	e[1].email = S("jane@例子.台灣");
	test_golden(f, "author-");

	run(sy_rss_write, f, &out, &len);
	T_OK(strstr(out,
	         "<managingEditor>editor@example.org (編輯部)"
	         "</managingEditor>") != NULL,
	    "rss: managingEditor");
	T_OK(strstr(out, "length=\"0\" type=\"application/octet-stream\"") !=
	        NULL,
	    "rss: unknown enclosure length and type");
	T_OK(
	    strstr(out, "<author>editor@example.org (編輯部)</author>") != NULL,
	    "rss: an author-less item credited to the column");
	T_OK(strstr(out,
	         "<author>jane@xn--fsqu00a.xn--kpry57d (Jane Doe)"
	         "</author>") != NULL,
	    "rss: IDN domain in A-labels");
	T_OK(strstr(out, "<dc:creator>林小明</dc:creator>") != NULL,
	    "rss: a non-ASCII local part falls back to the name");
	free(out);

	run(sy_atom_write, f, &out, &len);
	T_OK(strstr(out, "<name>科技專欄</name>") == NULL,
	    "atom: no title-as-author when the feed has an author");
	T_OK(strstr(out,
	         "<link rel=\"enclosure\" "
	         "href=\"https://example.org/audio/ep1.mp3\" "
	         "type=\"application/octet-stream\"/>") != NULL,
	    "atom: enclosure without a type: octet-stream, as in RSS and JSON");
	free(out);

	run(sy_json_write, f, &out, &len);
	T_OK(strstr(out, "\"url\": \"mailto:%E6%9E%97@%E4%BE%8B") != NULL,
	    "json: internationalised address percent-encoded in mailto:");
	free(out);
}

static void
test_email_ascii(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
	    {"a@example.org", "a@example.org"},
	    {"jane@例子.台灣", "jane@xn--fsqu00a.xn--kpry57d"},
	    {"jane@BÜCHER.example", "jane@xn--bcher-kva.example"},
	    {"林@例子.台灣", NULL},
	    {"no-at-sign", NULL},
	    {NULL, NULL},
	};
	enum sy_err err;
	char *out;
	size_t i;

	for (i = 0; i < SY_NELEM(t); i++) {
		err = sy_entry_email_ascii(t[i].in, &out);
		T_INTEQ(err, SY_OK, "email_ascii(%s) succeeds",
		    t[i].in ? t[i].in : "NULL");
		T_STREQ(out, t[i].want, "email_ascii(%s)",
		    t[i].in ? t[i].in : "NULL");
		free(out);
	}
}

/*
 * jansson's dump as s, with U+2028 and U+2029 as \u2028 and \u2029 (the
 * one place where the JSON writer departs from jansson on purpose).
 */
static char *
js_seps(char *s)
{
	char *p, *out;
	size_t n = 0, o = 0;

	for (p = s; *p != '\0'; p++)
		n += p[0] == '\xE2' && p[1] == '\x80' &&
		    (p[2] == '\xA8' || p[2] == '\xA9');
	if (n == 0 || (out = malloc(strlen(s) + 3 * n + 1)) == NULL)
		return s;
	for (p = s; *p != '\0'; p++) {
		if (p[0] == '\xE2' && p[1] == '\x80' &&
		    (p[2] == '\xA8' || p[2] == '\xA9')) {
			memcpy(
			    out + o, p[2] == '\xA8' ? "\\u2028" : "\\u2029", 6);
			o += 6;
			p += 2;
		} else
			out[o++] = *p;
	}
	out[o] = '\0';
	free(s);
	return out;
}

/*
 * The JSON writer writes jansson's layout by hand, item after item: its
 * output must be what jansson gives for the whole tree.  The reference
 * is our output parsed and dumped again by jansson as one tree (the
 * indentation is whitespace to the parser, so a member at the wrong
 * depth shows).
 */
static void
json_like_tree(const struct sy_feed *f, const char *desc)
{
	json_error_t jerr;
	json_t *root;
	char *out = NULL, *want = NULL;
	size_t len;
	enum sy_err err;

	err = run(sy_json_write, f, &out, &len);
	T_INTEQ(err, SY_OK, "json splice %s: written", desc);
	root = out != NULL ? json_loadb(out, len, 0, &jerr) : NULL;
	T_OK(root != NULL, "json splice %s: parses", desc);
	if (root != NULL)
		want = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	if (want != NULL)
		want = js_seps(want);
	T_OK(want != NULL && len == strlen(want) + 1 &&
	        strncmp(out, want, len - 1) == 0 && out[len - 1] == '\n',
	    "json splice %s: the bytes of a whole-tree dump", desc);
	if (want != NULL &&
	    (len != strlen(want) + 1 || strncmp(out, want, len - 1) != 0))
		printf("# got:\n%s# want:\n%s\n", out, want);
	T_INTEQ(json_array_size(json_object_get(root, "items")), f->n,
	    "json splice %s: %zu items", desc, f->n);
	free(want);
	json_decref(root);
	free(out);
}

static void
test_json_splice(struct sy_feed *f, struct sy_entry *e, struct sy_column *col)
{
	const struct sy_entry **saved = f->entries;
	const struct sy_entry *list[3];
	struct sy_column bare;
	struct sy_entry full;
	size_t n = f->n;

	/* Every optional field, nested arrays, text that needs escaping. */
	memset(&full, 0, sizeof(full));
	full.id = S("full");
	full.title = S("全部 \"fields\" \\ tab\tCR\r LF\n end");
	full.link = S("https://example.org/tech/full");
	full.author = S("林小明 \"Lin\"");
	full.email = S("lin@例子.台灣");
	full.language = S("en-GB");
	full.summary = S("line 1\nline 2\n\n  indented \u2028 sep");
	full.content = S("<p>a\n  b</p>\n<pre>\n    code\n</pre>");
	full.categories = calloc(3, sizeof(*full.categories));
	if (full.categories == NULL)
		abort();
	full.categories[0] = S("人工智慧");
	full.categories[1] = S("tag with \"quotes\"");
	full.categories[2] = S("new\nline");
	full.ncategories = 3;
	full.enclosure = S("https://example.org/a.mp3");
	full.enclosure_type = S("audio/mpeg");
	full.enclosure_length = 9007199254740993LL;
	full.image = S("https://example.org/i.png");
	full.guid = S("tag:example.org,2025:full");
	full.tag_id = S("tag:example.org,2025:full");
	full.uri_id = S("tag:example.org,2025:full");
	full.published = mk(2025, 2, 1, 0, 0, 0);
	full.updated = mk(2025, 2, 2, 23, 59, -9 * 60 - 30);
	full.has_updated = true;

	f->entries = list;
	f->n = 0;
	json_like_tree(f, "0 items");
	list[0] = &full;
	f->n = 1;
	json_like_tree(f, "1 item, every field");
	list[1] = &e[1];
	list[2] = &e[2];
	f->n = 3;
	json_like_tree(f, "3 items");
	list[0] = &e[2];
	list[1] = &e[3];
	list[2] = &full;
	json_like_tree(f, "3 items, the full one last");

	/* A column with nothing optional: a shorter root. */
	memset(&bare, 0, sizeof(bare));
	bare.slug = col->slug;
	bare.title = col->title;
	f->col = &bare;
	json_like_tree(f, "bare column, 3 items");
	f->n = 0;
	json_like_tree(f, "bare column, 0 items");
	f->col = col;
	f->entries = saved;
	f->n = n;
	json_like_tree(f, "the golden feed");
	sy_entry_fini(&full);
}

int
main(void)
{
	struct sy_column col;
	struct sy_entry e[NENTRY];
	struct sy_feed f;
	size_t i;

	test_email_ascii();
	build(&col, e, &f);
	test_golden(&f, "");
	test_content(&f);
	test_einval(&f, e, &col);
	test_empty(&f);
	test_column_author(&f, e, &col);
	test_json_splice(&f, e, &col);

	for (i = 0; i < NENTRY; i++)
		sy_entry_fini(&e[i]);
	sy_column_fini(&col);
	sy_feed_fini(&f);
	T_OK(f.entries == NULL && f.n == 0 && col.title == NULL &&
	        e[0].categories == NULL,
	    "fini zeroes");
	sy_feed_fini(&f);
	sy_column_fini(&col);
	sy_entry_fini(&e[0]);
	T_OK(1, "fini twice is harmless");

	/*
	 * Fields in the entry's block of strings go with it; the others are
	 * their own (under ASan, a field freed twice or not at all fails).
	 */
	{
		struct sy_entry b;
		char *cat;

		memset(&b, 0, sizeof(b));
		b.nstrs = 16;
		b.strs = malloc(b.nstrs);
		b.categories = calloc(2, sizeof(*b.categories));
		cat = sy_strdup("own");
		if (b.strs == NULL || b.categories == NULL || cat == NULL)
			abort();
		memcpy(b.strs, "title\0cat\0link\0\0", 16);
		b.title = b.strs;
		b.categories[0] = b.strs + 6;
		b.categories[1] = cat;
		b.ncategories = 2;
		b.link = b.strs + 10;
		b.tag_id = sy_strdup("tag:x,2026:1");
		sy_entry_drop(&b, b.link); /* in the block: stays */
		b.link = sy_strdup("https://example.com/");
		T_STREQ(
		    b.strs + 10, "link", "drop leaves a field of the block");
		sy_entry_fini(&b);
		T_OK(b.strs == NULL && b.title == NULL && b.link == NULL,
		    "fini frees the block and the fields of their own");
	}
	return t_done();
}
