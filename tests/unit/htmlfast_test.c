/*
 * The module itself, not only its header: the absolutize test below
 * calls the fast path (a static function) and the libxml2 path apart.
 * The archive's html.o is then not linked: every symbol is defined here.
 */
#include "lib/html.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "t.h"

/*
 * sy_html_links answers from a fast scan when the HTML is plain enough
 * and from libxml2 otherwise; this holds the two to the same answers on
 * thousands of documents assembled from pieces, plain and tricky.
 */
static const char *const pieces[] = {
    "<p>",
    "</p>",
    "深度求索後發先至",
    "plain text ",
    "\n",
    "\r\n",
    "<a href=\"https://example.org/a\">",
    "</a>",
    "<a href='/rel/b'>",
    "<A HREF=\"/UPPER\">",
    "<img src=\"/img/1.png\" alt=\"圖\">",
    "<img src=\"x.png\"/>",
    "<img srcset=\"a.jpg 1x, b.jpg 2x\">",
    "<source srcset=\"/w(1,2).jpg 100w,c.jpg\">",
    "<video src=\"v.mp4\" poster=\"p.jpg\" controls>",
    "</video>",
    "<object data=\"o.swf\">",
    "<link href=\"s.css\">",
    "<a href=\"  spaced  \">",
    "<a href=\"\">",
    "<a name=\"x\">",
    "<a href=\"a&amp;b\">",
    "&amp; &lt; &#x4e2d;",
    "<!-- <a href=\"c\"> -->",
    "<script src=\"j.js\"></script>",
    "<script>if (a<b) x();</script>",
    "<style>p{}</style>",
    "<a href=x>",
    "<a href=\"1\" href=\"2\">",
    "<a\nhref=\"nl\">",
    "<br>",
    "<br/>",
    "< not a tag",
    "a > b",
    "<!DOCTYPE html>",
    "<iframe src=\"https://youtu.be/abcdefghijk\">",
    "</iframe>",
    "<div class=\"c\" data-x=\"y\">",
    "</div>",
    "<hr />",
    "<a href = \"sp\">",
    "<a href=\"q\"title=\"t\">",
    "\xef\xbf\xbe",
    "<p><a href=\"https://例子.台灣/文章\">連結</a></p>",
    "<embed src=\"e\">",
    "<area href=\"m\">",
    "<track src=\"t.vtt\">",
    "<audio src=\"a.mp3\">",
    "<textarea><a href=\"no\"></textarea>",
    "<title>t</title>",
    "<![CDATA[x]]>",
    "<?pi?>",
    "</p >",
    "<a href=\"tab\there\">",
};

static char *
describe(const struct sy_links *l)
{
	struct sy_buf b;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 0; i < l->n; i++)
		sy_buf_printf(&b, "%s|%zu|%s|%s;", l->v[i].url, l->v[i].line,
		    l->v[i].tag, l->v[i].attr);
	return sy_buf_steal(&b);
}

static void
test_links_fast(void)
{
	uint64_t rng = 20250128;
	size_t round, k, same = 0, runs = 4000, n;
	struct sy_buf doc;
	bool ok = true;

	for (round = 0; round < runs; round++) {
		struct sy_links fast, slow;
		char *a, *b;

		sy_buf_init(&doc, 0);
		n = 1 + (size_t)(rng >> 60);
		for (k = 0; k < n; k++) {
			rng = rng * 6364136223846793005ULL +
			    1442695040888963407ULL;
			/* Plain pieces most of the time, tricky ones now and
			 * then, so both paths are exercised. */
			sy_buf_puts(&doc,
			    pieces[(rng >> 33) %
			        (round % 3 == 0 ? SY_NELEM(pieces) : 22)]);
		}
		sy_links_init(&fast);
		sy_links_init(&slow);
		if (sy_html_links(doc.data, doc.len, &fast) != SY_OK ||
		    sy_html_links_libxml(doc.data, doc.len, &slow) != SY_OK) {
			ok = false;
		} else {
			a = describe(&fast);
			b = describe(&slow);
			if (strcmp(a, b) == 0) {
				same++;
			} else if (ok) {
				printf(
				    "# input: %s\n# fast: %s\n# libxml2: %s\n",
				    doc.data, a, b);
				ok = false;
			}
			free(a);
			free(b);
		}
		sy_links_fini(&fast);
		sy_links_fini(&slow);
		sy_buf_fini(&doc);
	}
	T_OK(ok && same == runs,
	    "fast path and libxml2 agree on %zu of %zu "
	    "documents",
	    same, runs);
}

/* ---- sy_html_absolutize: the fast path against libxml2 ---- */

#define ABS_BASE "https://column.example.org/tech-notes/2000/0?p=1#top"

struct gen {
	uint64_t rng;
	struct sy_buf b;
};

static size_t
pick(struct gen *g, size_t n)
{
	g->rng = g->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (size_t)((g->rng >> 33) % n);
}

static const char *const texts[] = {
    "開源學生作者",
    "深度求索後發先至",
    "2025年1月28日",
    "plain text",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "a &amp; b",
    "&lt;tag&gt;",
    "say &quot;hi&quot;",
    "\"quoted\"",
    "it's",
    "延伸閱讀：",
    "x",
    "100% = 1/1",
    "é ü ß",
    "「引號」",
    "a=b;c",
};

static const char *const urls[] = {
    "https://example.org/a",
    "/abs/path",
    "rel/path.html",
    "../up/一",
    "./here",
    "//cdn.example.net/x.png",
    "#frag",
    "?q=1&amp;b=2",
    "",
    " spaced ",
    "mailto:a@example.org",
    "/文章/深度",
    "tel:+886",
    "x.png",
    "../../../../too/far",
    "data:image/png;base64,AAAA",
    "#",
    "?",
    "https://例子.台灣/文章",
    "a b",
};

static const char *const attrvals[] = {
    "圖",
    "",
    "a &amp; b",
    "say &quot;hi&quot;",
    "x &lt; y &gt; z",
    "note",
    "two words",
    "it's",
    "a/b",
    "> arrow",
};

static void
put_url(struct gen *g)
{
	sy_buf_puts(&g->b, urls[pick(g, SY_NELEM(urls))]);
}

/* Some of alt, class, title, id: attributes without links. */
static void
put_extra_attrs(struct gen *g)
{
	static const char *const names[] = {
	    "class", "title", "id", "lang", "data-x"};
	size_t k, n = pick(g, 3), first = pick(g, SY_NELEM(names));

	for (k = 0; k < n && first + k < SY_NELEM(names); k++)
		sy_buf_printf(&g->b, " %s=\"%s\"", names[first + k],
		    attrvals[pick(g, SY_NELEM(attrvals))]);
}

static void
put_text(struct gen *g)
{
	sy_buf_puts(&g->b, texts[pick(g, SY_NELEM(texts))]);
}

static void
put_img(struct gen *g)
{
	size_t k = pick(g, 4);

	sy_buf_puts(&g->b, "<img");
	if (k != 1) {
		sy_buf_puts(&g->b, " src=\"");
		put_url(g);
		sy_buf_putc(&g->b, '"');
	}
	if (k != 0) {
		sy_buf_puts(&g->b, " srcset=\"");
		put_url(g);
		sy_buf_puts(&g->b, " 1x, ");
		put_url(g);
		sy_buf_puts(&g->b, pick(g, 2) ? " 2x\"" : " 480w,\"");
	}
	sy_buf_printf(
	    &g->b, " alt=\"%s\"", attrvals[pick(g, SY_NELEM(attrvals))]);
	if (k == 3)
		put_extra_attrs(g);
	/* cmark writes " />". */
	sy_buf_puts(&g->b, pick(g, 3) == 0 ? " />" : ">");
}

static void gen_phrasing(struct gen *g, int depth, bool in_a);

static void
gen_inline_elem(struct gen *g, int depth, bool in_a)
{
	static const char *const names[] = {"abbr", "b", "cite", "code", "em",
	    "i", "kbd", "mark", "q", "s", "small", "span", "strong", "sub",
	    "sup", "time", "u", "var", "del", "ins"};
	static const char *const br[] = {"<br>", "<br />", "<br/>"};
	const char *n;

	switch (pick(g, 6)) {
	case 0:
		if (!in_a) {
			sy_buf_puts(&g->b, "<a href=\"");
			put_url(g);
			sy_buf_putc(&g->b, '"');
			put_extra_attrs(g);
			sy_buf_putc(&g->b, '>');
			gen_phrasing(g, depth + 1, true);
			sy_buf_puts(&g->b, "</a>");
			return;
		}
		/* FALLTHROUGH */
	case 1:
		put_img(g);
		return;
	case 2:
		sy_buf_puts(&g->b, br[pick(g, SY_NELEM(br))]);
		return;
	case 3:
		/* Not <wbr>: libxml2 2.9 does not know it is void. */
		put_text(g);
		return;
	default:
		n = names[pick(g, SY_NELEM(names))];
		sy_buf_printf(&g->b, "<%s", n);
		put_extra_attrs(g);
		sy_buf_putc(&g->b, '>');
		gen_phrasing(g, depth + 1, in_a);
		sy_buf_printf(&g->b, "</%s>", n);
		return;
	}
}

static void
gen_phrasing(struct gen *g, int depth, bool in_a)
{
	size_t k, n = pick(g, 4);

	for (k = 0; k < n; k++) {
		if (pick(g, 20) == 0)
			sy_buf_puts(&g->b,
			    pick(g, 2) ? "<!-- raw HTML omitted -->"
			               : "<!-- 註 -->");
		else if (depth < 6 && pick(g, 2))
			gen_inline_elem(g, depth, in_a);
		else
			put_text(g);
	}
}

static void gen_flow(struct gen *g, int depth);

static void
gen_block(struct gen *g, int depth)
{
	static const char *const heads[] = {
	    "p", "h1", "h2", "h3", "h4", "h5", "h6"};
	static const char *const boxes[] = {
	    "div", "blockquote", "figure", "figcaption"};
	static const char *const blanks[] = {"\n", " ", "\t", "\n  ", ""};
	const char *n;
	size_t k, items;

	switch (depth >= 5 ? pick(g, 2) : pick(g, 7)) {
	case 0:
	case 1:
		n = heads[pick(g, 3) == 0 ? pick(g, SY_NELEM(heads)) : 0];
		sy_buf_printf(&g->b, "<%s", n);
		put_extra_attrs(g);
		sy_buf_putc(&g->b, '>');
		gen_phrasing(g, depth + 1, false);
		sy_buf_printf(&g->b, "</%s>", n);
		return;
	case 2:
		sy_buf_puts(&g->b, pick(g, 2) ? "<hr>" : "<hr />");
		return;
	case 3:
		/* Never a newline first: libxml2 drops it. */
		sy_buf_puts(&g->b, "<pre>");
		if (pick(g, 2))
			sy_buf_puts(&g->b, "<code class=\"language-c\">");
		else
			sy_buf_puts(&g->b, "<code>");
		sy_buf_puts(&g->b, "int a &lt; b;\n  x &amp;&amp; y\n");
		sy_buf_puts(&g->b, "</code></pre>");
		return;
	case 4:
		n = pick(g, 2) ? "ul" : "ol";
		sy_buf_printf(&g->b, "<%s%s>", n,
		    n[0] == 'o' && pick(g, 2) ? " start=\"3\"" : "");
		items = 1 + pick(g, 3);
		for (k = 0; k < items; k++) {
			if (pick(g, 2))
				sy_buf_puts(
				    &g->b, blanks[pick(g, SY_NELEM(blanks))]);
			sy_buf_puts(&g->b, "<li");
			if (pick(g, 4) == 0)
				put_extra_attrs(g);
			sy_buf_putc(&g->b, '>');
			if (pick(g, 2))
				gen_phrasing(g, depth + 2, false);
			else
				gen_flow(g, depth + 2);
			sy_buf_puts(&g->b, "</li>");
		}
		if (pick(g, 2))
			sy_buf_puts(&g->b, blanks[pick(g, SY_NELEM(blanks))]);
		sy_buf_printf(&g->b, "</%s>", n);
		return;
	default:
		n = boxes[pick(g, SY_NELEM(boxes))];
		sy_buf_printf(&g->b, "<%s", n);
		put_extra_attrs(g);
		sy_buf_putc(&g->b, '>');
		gen_flow(g, depth + 1);
		sy_buf_printf(&g->b, "</%s>", n);
		return;
	}
}

/* Blocks and phrasing content, as at the top or in a div. */
static void
gen_flow(struct gen *g, int depth)
{
	size_t k, n = pick(g, 5);

	for (k = 0; k < n; k++) {
		switch (pick(g, 4)) {
		case 0:
			gen_phrasing(g, depth, false);
			break;
		case 1:
			sy_buf_puts(&g->b, "\n");
			/* FALLTHROUGH */
		default:
			gen_block(g, depth);
			break;
		}
	}
}

/*
 * Runs both paths on s[0..len).  Returns 1 when the fast path took the
 * input and agreed with libxml2, 0 when it gave up, -1 on a difference
 * (printed once).
 */
static int
compare(const char *s, size_t len, bool *printed)
{
	struct uparts b;
	struct sy_buf fast;
	enum sy_err fe, se;
	char *slow = NULL;
	int r = 0;

	uri_split(ABS_BASE, &b);
	sy_buf_init(&fast, 0);
	se = absolutize_libxml(s, len, &b, &slow);
	if (fast_absolutize(s, len, &b, &fast, &fe) == FAST_DONE) {
		/* An empty output leaves the buffer unallocated. */
		r = fe == SY_OK && se == SY_OK && slow != NULL &&
		        strcmp(fast.data == NULL ? "" : fast.data, slow) == 0
		    ? 1
		    : -1;
	}
	if (r < 0 && !*printed) {
		printf("# input:   %.*s\n# fast:    %s\n# libxml2: %s\n",
		    (int)len, s, fast.data ? fast.data : "(null)",
		    slow ? slow : "(null)");
		*printed = true;
	}
	free(slow);
	sy_buf_fini(&fast);
	return r;
}

/* One change that may take the fragment out of the subset. */
static void
mutate(struct gen *g, struct sy_buf *out)
{
	static const char *const inserts[] = {
	    ">",
	    "&nbsp;",
	    "&foo;",
	    "&#x4e2d;",
	    "&",
	    "<",
	    "</p>",
	    "</div>",
	    "<p>",
	    "<div>",
	    "<a href=\"in\">",
	    "<li>",
	    "</li>",
	    "<ul>",
	    "\xff",
	    "\xe6\x96",
	    "\r\n",
	    "\r",
	    "<!-- c -->",
	    "<script>x</script>",
	    "<br/>",
	    "<p/>",
	    "<?pi?>",
	    "<![CDATA[x]]>",
	    "<!DOCTYPE html>",
	    "\xef\xbb\xbf",
	    "<textarea>t</textarea>",
	    "<table>",
	    "<td>",
	    "<pre>\n",
	    "\x01",
	    "\xef\xbf\xbe",
	    "<unknown>",
	    "<P>",
	    "</P>",
	    "<img src=x>",
	    "<a href='q'>",
	    " ",
	    "\"",
	    "'",
	    "=",
	    "/",
	};
	const char *s = g->b.data;
	size_t len = g->b.len, at = len == 0 ? 0 : pick(g, len + 1), k;

	sy_buf_reset(out);
	switch (pick(g, 6)) {
	case 4: /* a tag ended with "/>" */
		sy_buf_append(out, s, len);
		for (k = at; k < len; k++)
			if (out->data[k] == '>') {
				out->len = k;
				sy_buf_puts(out, "/>");
				sy_buf_append(out, s + k + 1, len - k - 1);
				break;
			}
		break;
	case 0: /* one byte dropped */
		sy_buf_append(out, s, at);
		if (at < len)
			sy_buf_append(out, s + at + 1, len - at - 1);
		break;
	case 1: /* one letter upper-cased */
		sy_buf_append(out, s, len);
		for (k = at; k < len; k++)
			if (SY_ISLOWER((unsigned char)out->data[k])) {
				out->data[k] = (char)SY_TOUPPER(
				    (unsigned char)out->data[k]);
				break;
			}
		break;
	case 2: /* one double quote made single */
		sy_buf_append(out, s, len);
		for (k = at; k < len; k++)
			if (out->data[k] == '"') {
				out->data[k] = '\'';
				break;
			}
		break;
	default: /* something inserted */
		sy_buf_append(out, s, at);
		sy_buf_puts(out, inserts[pick(g, SY_NELEM(inserts))]);
		sy_buf_append(out, s + at, len - at);
		break;
	}
}

static void
test_absolutize_fast(void)
{
	struct gen g;
	struct sy_buf m;
	size_t k, runs = 20000, took = 0, agreed = 0, mtook = 0, magreed = 0;
	bool printed = false;
	int r;

	g.rng = 19491001;
	sy_buf_init(&g.b, 0);
	sy_buf_init(&m, 0);
	for (k = 0; k < runs; k++) {
		sy_buf_reset(&g.b);
		if (pick(&g, 4) == 0)
			gen_phrasing(&g, 0, false);
		else
			gen_flow(&g, 0);
		if (pick(&g, 2))
			sy_buf_puts(&g.b, "\n");
		r = compare(
		    g.b.data == NULL ? "" : g.b.data, g.b.len, &printed);
		took += r != 0;
		agreed += r >= 0;
		mutate(&g, &m);
		r = compare(m.data == NULL ? "" : m.data, m.len, &printed);
		mtook += r > 0;
		magreed += r >= 0;
	}
	T_INTEQ((long long)agreed, (long long)runs,
	    "absolutize: fast path and libxml2 agree on generated fragments");
	T_OK(took * 100 >= runs * 99,
	    "absolutize: fast path takes %zu of %zu in-subset fragments", took,
	    runs);
	T_INTEQ((long long)magreed, (long long)runs,
	    "absolutize: fast path gives up or agrees on mutated fragments");
	T_OK(mtook < runs, "absolutize: some mutants taken (%zu of %zu)", mtook,
	    runs);
	printf("# absolutize: %zu of %zu fragments and %zu of %zu mutants "
	       "taken by the fast path\n",
	    took, runs, mtook, runs);
	sy_buf_fini(&g.b);
	sy_buf_fini(&m);
}

/*
 * Inputs the fast path must take (1) or leave to libxml2 (0); either way
 * sy_html_absolutize must give libxml2's output.
 */
static const struct {
	const char *in;
	int fast;
} abs_cases[] = {
    {"", 1},
    {"\n \n", 1},
    {"<p>開源學生作者媒體開源模型論文市場政策</p><p>延伸閱讀：<a "
     "href=\"https://column.example.org/tech-notes/notes/0\">筆記</a></p>"
     "<p>政策作者文化答案</p><img src=\"/img/0.png\" alt=\"圖\">",
        1},
    {"<p>一</p>\n<p><img src=\"/img/0.png\" alt=\"\" title=\"t\" /></p>\n"
     "<ul>\n<li><a href=\"../x?a=1&amp;b=2\">x</a></li>\n</ul>\n"
     "<pre><code class=\"language-sh\">a &amp;&amp; b &gt; c\n</code></pre>\n",
        1},
    {"<p>say &quot;hi&quot;</p>", 1},
    {"<img alt=\"&lt;b&gt;\" src=\"a b\">", 1},
    {"<a href=\"\">x</a>", 1},
    {"<br/><hr/><br />", 1},
    {"<ol start=\"3\">\t<li>x</li> </ol>", 1},
    /* Out of the subset. */
    {"<P>x</P>", 0},
    {"<p class='c'>x</p>", 0},
    {"<p/>", 0},
    {"<p>a > b</p>", 0},
    {"<p>&nbsp;</p>", 0},
    {"<p>&#x4e2d;</p>", 0},
    {"<p>x", 0},
    {"<p><div>x</div></p>", 0},
    {"<a href=\"a\"><a href=\"b\">x</a></a>", 0},
    {"<a href=\"a\"><b><a href=\"b\">x</a></b></a>", 0},
    {"<li>x</li>", 0},
    {"<ul>x<li>y</li></ul>", 0},
    {"<ul><p>y</p></ul>", 0},
    {"<b><p>x</p></b>", 0},
    {"<p>\xff</p>", 0},
    {"\xef\xbb\xbfx", 0},
    {"a\r\nb", 0},
    {"<pre>\nx</pre>", 0},
    {"<script>a<b</script>", 0},
    {"<wbr>x", 0},
    {"<br></br>", 0},
    {"<img src=\"a\" src=\"b\">", 0},
    {"<video controls></video>", 0},
    {"<p >x</p>", 0},
    {"<p  class=\"c\">x</p>", 0},
    {"<p class=\"c\" >x</p>", 0},
    {"<p class=c>x</p>", 0},
    {"<!-- c --><p>x<!-- 註 --></p>", 1},
    {"<!-- a-b --><p>x</p>", 0},
    {"<!----><p>x</p>", 0},
    {"<!-- a > b --><p>x</p>", 0},
    {"<ul><!-- c --><li>x</li></ul>", 0},
    {"<p>x</p >", 0},
    {"<p title=\"a\nb\">x</p>", 0},
};

static void
test_absolutize_cases(void)
{
	struct uparts b;
	struct sy_buf fast;
	enum sy_err fe;
	char *slow, *out;
	size_t i;
	int took;

	uri_split(ABS_BASE, &b);
	for (i = 0; i < SY_NELEM(abs_cases); i++) {
		const char *in = abs_cases[i].in;

		slow = out = NULL;
		sy_buf_init(&fast, 0);
		took = fast_absolutize(in, strlen(in), &b, &fast, &fe) ==
		    FAST_DONE;
		T_INTEQ(took, abs_cases[i].fast, "absolutize case %zu: %s path",
		    i, abs_cases[i].fast ? "fast" : "libxml2");
		T_INTEQ(absolutize_libxml(in, strlen(in), &b, &slow), SY_OK,
		    "absolutize case %zu: libxml2", i);
		T_INTEQ(sy_html_absolutize(in, strlen(in), ABS_BASE, &out),
		    SY_OK, "absolutize case %zu: status", i);
		T_STREQ(out, slow, "absolutize case %zu: same output", i);
		free(slow);
		free(out);
		sy_buf_fini(&fast);
	}
	/* 64 open elements are the fast path's; 65 libxml2's. */
	for (i = 63; i <= 64; i++) {
		size_t k;

		sy_buf_init(&fast, 0);
		out = NULL;
		for (k = 0; k <= i; k++)
			sy_buf_puts(&fast, "<div>");
		sy_buf_puts(&fast, "<img src=\"x\">");
		for (k = 0; k <= i; k++)
			sy_buf_puts(&fast, "</div>");
		T_INTEQ(compare(fast.data, fast.len, &(bool){false}),
		    i < 64 ? 1 : 0, "absolutize: %zu nested divs", i + 1);
		sy_buf_fini(&fast);
	}
}

/* Markdown as a columnist writes it, rendered by cmark. */
static const char *const md_pieces[] = {
    "# 深度求索後發先至\n\n",
    "## Notes\n\n",
    "開源學生作者媒體。\n\n",
    "延伸閱讀：[筆記](/tech-notes/notes/0)\n\n",
    "![圖](/img/0.png)\n\n",
    "![](../x.png \"t\")\n\n",
    "- 一\n- [二](二.html)\n- 三\n\n",
    "1. a\n2. b\n\n",
    "3. c\n\n",
    "- x\n\n  para\n\n- y\n\n",
    "> 引用 *強調* **粗體**\n\n",
    "```c\nif (a < b && c) x();\n```\n\n",
    "    indented code\n\n",
    "`code` and \"quotes\" & <tags>\n\n",
    "line  \nbreak\n\n",
    "---\n\n",
    "<div>raw</div>\n\n",
    "[q](?a=1&b=2 \"title\")\n\n",
    "<https://example.org/auto>\n\n",
    "[frag](#top)\n\n",
    "- [ ] 2025年1月28日\n\n",
};

static void
test_absolutize_markdown(void)
{
	struct gen g;
	struct sy_buf md;
	size_t k, n, runs = 2000, took = 0, agreed = 0;
	bool printed = false;
	char *html;
	int r;

	g.rng = 20250128;
	sy_buf_init(&md, 0);
	for (k = 0; k < runs; k++) {
		sy_buf_reset(&md);
		for (n = 1 + pick(&g, 6); n > 0; n--)
			sy_buf_puts(
			    &md, md_pieces[pick(&g, SY_NELEM(md_pieces))]);
		html = NULL;
		if (sy_markdown_render(md.data, md.len, &html) != SY_OK)
			continue;
		r = compare(html, strlen(html), &printed);
		took += r > 0;
		agreed += r >= 0;
		free(html);
	}
	T_INTEQ(agreed, runs, "absolutize: agree on rendered Markdown");
	T_OK(took * 100 >= runs * 90,
	    "absolutize: fast path takes %zu of %zu rendered Markdown", took,
	    runs);
	printf("# absolutize: %zu of %zu rendered Markdown documents taken\n",
	    took, runs);
	sy_buf_fini(&md);
}

/*
 * text_run against a byte loop: runs of 0 to 47 bytes of ASCII or CJK
 * text, ended by each of '<', '&', '>' or by nothing, at each 16-byte
 * phase of the buffer.
 */
static void
test_text_run(void)
{
	static const char stops[] = "<&>";
	char buf[128];
	size_t len, ph, k, want, bad = 0, cases = 0;
	int st, cjk;

	for (cjk = 0; cjk < 2; cjk++)
		for (st = 0; st < 4; st++)
			for (ph = 0; ph < 16; ph++)
				for (len = 0; len < 48; len++) {
					for (k = 0; k < len; k++)
						buf[ph + k] = cjk
						    ? (char)(0xE4 +
						          (k % 3 ? 0x9C : 0))
						    : (char)('a' + k % 26);
					want = len;
					if (st < 3)
						buf[ph + len] = stops[st];
					else
						buf[ph + len] = 'z';
					/* bytes past the end, never looked at
					 */
					memset(buf + ph + len + 1, '<', 16);
					if (st == 3)
						want = len + 1;
					cases++;
					bad +=
					    text_run(buf + ph, len + 1) != want;
				}
	T_INTEQ(
	    bad, 0, "text_run: %zu runs, ended by '<', '&', '>' or not", cases);
}

int
main(void)
{
	test_text_run();
	test_links_fast();
	test_absolutize_fast();
	test_absolutize_cases();
	test_absolutize_markdown();
	return t_done();
}
