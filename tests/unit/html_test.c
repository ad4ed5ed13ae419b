#include "lib/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "t.h"

/* Links as "line tag.attr url" lines, for one-string comparisons. */
static char *
fmt_links(const struct sy_links *l)
{
	struct sy_buf b;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 0; i < l->n; i++)
		if (sy_buf_printf(&b, "%zu %s.%s %s\n", l->v[i].line,
		        l->v[i].tag, l->v[i].attr, l->v[i].url) != SY_OK)
			break;
	return sy_buf_steal(&b);
}

struct lcase {
	const char *name;
	const char *in;
	const char *want;
};

static const struct lcase html_cases[] = {
    {"a href", "<p><a href=\"https://ex.com/a\">a</a></p>",
        "1 a.href https://ex.com/a\n"},
    {"area href", "<map><area href=\"/m\" shape=rect></map>",
        "1 area.href /m\n"},
    {"link href", "<link rel=stylesheet href=s.css>", "1 link.href s.css\n"},
    {"img src", "<img src=\"i.png\" alt=\"x\">", "1 img.src i.png\n"},
    {"img srcset", "<img srcset=\"a.jpg 1x, b.jpg 2x,c.jpg 3x\" src=d.jpg>",
        "1 img.srcset a.jpg\n1 img.srcset b.jpg\n1 img.srcset c.jpg\n"
        "1 img.src d.jpg\n"},
    {"srcset no descriptors, commas", "<img srcset=\"a.jpg,, b.jpg\">",
        "1 img.srcset a.jpg\n1 img.srcset b.jpg\n"},
    {"srcset width descriptors and comma in URL",
        "<img srcset=\"/x,y.jpg 480w,  /z.jpg 800w,/w(1,2).jpg\">",
        "1 img.srcset /x,y.jpg\n1 img.srcset /z.jpg\n"
        "1 img.srcset /w(1,2).jpg\n"},
    {"picture source src and srcset",
        "<picture><source srcset=\"p.webp\" type=image/webp>"
        "<source src=\"s.mp4\"></picture>",
        "1 source.srcset p.webp\n1 source.src s.mp4\n"},
    {"iframe src",
        "<iframe src=\"https://www.youtube.com/embed/dQw4w9WgXcQ\">"
        "</iframe>",
        "1 iframe.src https://www.youtube.com/embed/dQw4w9WgXcQ\n"},
    {"embed src", "<embed src=e.swf>", "1 embed.src e.swf\n"},
    {"video src and poster", "<video src=v.mp4 poster=p.jpg controls></video>",
        "1 video.src v.mp4\n1 video.poster p.jpg\n"},
    {"audio and track",
        "<audio src=a.mp3><track src=t.vtt kind=captions></audio>",
        "1 audio.src a.mp3\n1 track.src t.vtt\n"},
    {"script src", "<script src=\"/j.js\"></script>", "1 script.src /j.js\n"},
    {"object data", "<object data=\"o.pdf\"></object>",
        "1 object.data o.pdf\n"},
    {"other tags and attributes ignored",
        "<div href=x><a name=n title=\"https://t\">x</a>"
        "<form action=f></form><img data-src=lazy.png></div>",
        ""},
    {"entities decoded", "<a href=\"/s?a=1&amp;b=2&#38;c=&#x33;\">x</a>",
        "1 a.href /s?a=1&b=2&c=3\n"},
    {"bare ampersand and unterminated entity kept",
        "<a href=\"/s?x=1&copy=2&b\">x</a><a href='/t?a=&lt;&gt;'>y</a>",
        "1 a.href /s?x=1&copy=2&b\n1 a.href /t?a=<>\n"},
    {"white space trimmed", "<a href=\"  https://ex.com/x \n\">x</a>",
        "2 a.href https://ex.com/x\n"},
    {"empty href skipped",
        "<a href=\"\">self</a><a href=\" \">s</a>"
        "<a href=\"#top\">top</a>",
        "1 a.href #top\n"},
    {"mailto and tel kept",
        "<a href=\"mailto:ed@ex.com\">e</a> <a href=\"tel:+886-2\">t</a>",
        "1 a.href mailto:ed@ex.com\n1 a.href tel:+886-2\n"},
    {"upper-case tags and attributes", "<A HREF=\"/u\">x</A>", "1 a.href /u\n"},
    {"line 7 after CJK text",
        "<p>深度求索後發先至</p>\n<p>2025年1月28日，「開源」模型。</p>\n"
        "\n<p>中文段落，第四行。</p>\n<!-- 註解\n跨行 -->\n"
        "<p>看<a href=\"https://ex.com/七\">這裡</a></p>\n",
        "7 a.href https://ex.com/七\n"},
    {"lines after script, style, multi-line attribute",
        "<script>\nvar a = \"<a href='no'>\";\n</script>\n"
        "<style>\np { color: red }\n</style>\n"
        "<img alt=\"line\nbreak\" src=x.png>\n<a href=y>y</a>",
        "8 img.src x.png\n9 a.href y\n"},
    {"line of a start tag spanning lines is its last line",
        "<a\nhref=\"/a\"\n>x</a>", "2 a.href /a\n"},
    {"CRLF lines", "<p>一</p>\r\n<p>二</p>\r\n<a href=z>z</a>", "3 a.href z\n"},
    {"malformed markup still yields links",
        "<p><b><a href=1>x</b><td><img src=2><a href=3 <a href=4>",
        "1 a.href 1\n1 img.src 2\n1 a.href 3\n"},
    {"meta charset does not switch encoding",
        "<meta charset=\"big5\"><a href=\"/文\">x</a>", "1 a.href /文\n"},
    {"invalid UTF-8 replaced", "<a href=\"/a\xff\">x</a>",
        "1 a.href /a\xef\xbf\xbd\n"},
    {"NUL byte does not end the input", "<a href=1>x</a>\n\0\n<a href=2>y</a>",
        "1 a.href 1\n3 a.href 2\n"},
    {"plain text", "just words, no tags", ""},
    {"empty input", "", ""},
};

static const struct lcase md_cases[] = {
    {"inline link", "See [the post](https://ex.com/p \"t\").\n",
        "1 a.href https://ex.com/p\n"},
    {"image", "![圖](/img/a.png)\n", "1 img.src /img/a.png\n"},
    {"autolink and e-mail autolink", "<https://ex.com/auto> or <ed@ex.com>\n",
        "1 a.href https://ex.com/auto\n1 a.href mailto:ed@ex.com\n"},
    {"reference link resolves to its URL",
        "Read [this][ref] and [that].\n\n[ref]: https://ex.com/r\n"
        "[that]: </t h> \"T\"\n",
        "1 a.href https://ex.com/r\n1 a.href /t h\n"},
    {"entities in the destination", "[x](https://ex.com/?a=1&amp;b=2)\n",
        "1 a.href https://ex.com/?a=1&b=2\n"},
    {"link on line 12",
        "# 標題\n\n深度求索後發先至。\n\n- 一\n- 二\n\n> 引用\n> 文字\n\n"
        "段落第一行\n第二行有[連結](https://ex.com/12)。\n",
        "12 a.href https://ex.com/12\n"},
    {"line after a multi-line code span",
        "text `code\nspan` more\n[x](/after)\n", "3 a.href /after\n"},
    {"raw HTML block with its own line offset",
        "Intro\n\n<div>\n<p>\n<a href=\"/in-block\">x</a>\n</p>\n</div>\n",
        "5 a.href /in-block\n"},
    {"inline raw HTML", "one\ntwo <a href=\"/inline\">x</a> three\n",
        "2 a.href /inline\n"},
    {"multi-line inline HTML, then a link",
        "a <a title=\"t\"\nhref=\"/two\">b</a> c `x\ny`\nd [e](/four)\n",
        "2 a.href /two\n4 a.href /four\n"},
    {"links in a list and a block quote",
        "- [one](/1)\n- item\n  [two](/2)\n\n> quote\n> [three](/3)\n",
        "1 a.href /1\n3 a.href /2\n6 a.href /3\n"},
    {"image inside link",
        "[![alt](/thumb.jpg)](https://youtu.be/dQw4w9WgXcQ)\n",
        "1 a.href https://youtu.be/dQw4w9WgXcQ\n1 img.src /thumb.jpg\n"},
    {"links in code are not links", "`[x](/no)`\n\n    [y](/no2)\n", ""},
    {"empty destination skipped", "[self]()\n", ""},
    {"javascript: link is still reported", "[x](javascript:alert(1))\n",
        "1 a.href javascript:alert(1)\n"},
};

static void
test_links(const struct lcase *cases, size_t n, int md)
{
	struct sy_links l;
	enum sy_err e;
	size_t i;
	char *got;

	for (i = 0; i < n; i++) {
		size_t len = strlen(cases[i].in);

		/* The NUL case: the input runs to the second link. */
		if (strstr(cases[i].name, "NUL") != NULL)
			len += 1 + strlen(cases[i].in + len + 1);
		sy_links_init(&l);
		e = md ? sy_markdown_links(cases[i].in, len, &l)
		       : sy_html_links(cases[i].in, len, &l);
		T_INTEQ(e, SY_OK, "%s: %s (status)", md ? "md" : "html",
		    cases[i].name);
		got = fmt_links(&l);
		T_STREQ(got, cases[i].want, "%s: %s", md ? "md" : "html",
		    cases[i].name);
		free(got);
		sy_links_fini(&l);
	}
}

/*
 * Tag names the fast path sorts: link tags in any case, names that share
 * a prefix with a link tag or a raw-text element, raw-text elements in
 * any case (their content is not markup), attributes of link tags that
 * are not link attributes.  Each document must give libxml2's answer.
 */
static const char *const fast_docs[] = {
    "<A HREF=\"/u\">x</A><IMG SRC=\"/i.png\"><Img SrcSet=\"a 1x\">",
    "<abbr href=\"/no\">x</abbr><ab href=\"/no\"></ab>",
    "<imgx src=\"/no\"><areas href=\"/no\"><sources src=\"/no\">",
    "<aside href=\"/no\"><a2 href=\"/no\"><linked href=\"/no\">",
    "<img href=\"/no\" poster=\"/no\"><a src=\"/no\">",
    "<video poster=\"/p.jpg\" src=\"/v.mp4\"></video>",
    "<source src=\"/s\" srcset=\"/t 1x\"><track src=\"/k\">",
    "<SCRIPT>var a = '<a href=\"/no\">';</SCRIPT><a href=\"/yes\">y</a>",
    "<Style>a{}</Style><TITLE><a href=\"/no\"></TITLE><a href=\"/y\">",
    "<textarea><img src=\"/no\"></textarea><img src=\"/y\">",
    "<xmp><a href=\"/no\"></xmp><a href=\"/y\">",
    "<noscript><a href=\"/ns\"></noscript>",
    "<scripts><a href=\"/y\"></scripts><styles><a href=\"/z\">",
    "<titles><a href=\"/t\"></titles><select><option>o</option></select>",
    "<iframe src=\"/f\"></iframe><IFRAME SRC=\"/g\"></IFRAME>",
    "<embed src=\"/e\"><object data=\"/o\"></object><audio src=\"/a\">",
    "<p class=\"c\" id=\"i\">深度求索<a href=\"/文章\" "
    "title=\"t\">連結</a></p>",
    "<plaintext><a href=\"/no\">",
    "<listing><a href=\"/l\"></listing>",
    "<noembed><a href=\"/ne\"></noembed><noframes>x</noframes>",
};

static void
test_fast_vs_libxml(void)
{
	struct sy_links fast, clean, slow;
	char *a, *b, *c;
	size_t i, len;

	for (i = 0; i < SY_NELEM(fast_docs); i++) {
		len = strlen(fast_docs[i]);
		sy_links_init(&fast);
		sy_links_init(&clean);
		sy_links_init(&slow);
		T_OK(sy_html_links(fast_docs[i], len, &fast) == SY_OK &&
		        sy_html_links_clean(fast_docs[i], len, &clean) ==
		            SY_OK &&
		        sy_html_links_libxml(fast_docs[i], len, &slow) == SY_OK,
		    "fast doc %zu: status", i);
		a = fmt_links(&fast);
		b = fmt_links(&clean);
		c = fmt_links(&slow);
		T_STREQ(a, c, "fast doc %zu: as libxml2", i);
		T_STREQ(b, c, "fast doc %zu: clean as libxml2", i);
		free(a);
		free(b);
		free(c);
		sy_links_fini(&fast);
		sy_links_fini(&clean);
		sy_links_fini(&slow);
	}
}

/* Line numbers past libxml2's 65535 clamp. */
static void
test_big_lines(void)
{
	struct sy_buf b;
	struct sy_links l;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 1; i < 70000; i++)
		sy_buf_puts(&b, "<p>深度求索</p>\n");
	sy_buf_puts(&b, "<p><a href=\"/far\">x</a><img src=i></p>\n");
	sy_links_init(&l);
	T_INTEQ(sy_html_links(b.data, b.len, &l), SY_OK, "70000 lines");
	T_INTEQ(l.n, 2, "70000 lines: two links");
	if (l.n == 2) {
		T_INTEQ(l.v[0].line, 70000, "70000 lines: a on line 70000");
		T_INTEQ(l.v[1].line, 70000, "70000 lines: img on line 70000");
	}
	sy_links_fini(&l);
	sy_buf_fini(&b);
}

static void
test_limits(void)
{
	struct sy_links l;
	size_t n = (16u << 20) + 1;
	char *big = malloc(n), *out = NULL;

	if (big == NULL)
		return;
	memset(big, 'a', n);
	sy_links_init(&l);
	T_INTEQ(sy_html_links(big, n, &l), SY_ELIMIT, "html > 16 MiB");
	T_INTEQ(sy_markdown_links(big, n, &l), SY_ELIMIT, "md > 16 MiB");
	T_INTEQ(sy_markdown_render(big, n, &out), SY_ELIMIT, "render > 16 MiB");
	T_INTEQ(sy_html_absolutize(big, n, "https://ex.com/", &out), SY_ELIMIT,
	    "absolutize > 16 MiB");
	T_OK(out == NULL, "no output on ELIMIT");
	T_INTEQ(sy_html_links(big, n - 1, &l), SY_OK, "html of 16 MiB");
	T_INTEQ(l.n, 0, "html of 16 MiB: no links");
	sy_links_fini(&l);
	free(big);
}

struct rcase {
	const char *name;
	const char *in;
	const char *want_has; /* must be in the output */
	const char *want_not; /* must not be */
};

static const struct rcase render_cases[] = {
    {"paragraph and CJK", "深度求索後發先至\n", "<p>深度求索後發先至</p>\n",
        NULL},
    {"script block dropped", "<script>alert(1)</script>\n", "raw HTML omitted",
        "<script"},
    {"inline script dropped", "a <script>alert(1)</script> b\n",
        "raw HTML omitted", "<script"},
    {"javascript: link emptied", "[x](javascript:alert(1))\n",
        "<a href=\"\">x</a>", "javascript"},
    {"onerror attribute in raw HTML dropped", "<img src=x onerror=alert(1)>\n",
        "raw HTML omitted", "onerror"},
    {"quotes kept as written", "\"quoted\" -- it's...\n",
        "&quot;quoted&quot; -- it's...", "\xe2\x80\x9c"},
    {"link with ampersand", "[x](https://ex.com/?a=1&b=2)\n",
        "<a href=\"https://ex.com/?a=1&amp;b=2\">x</a>", NULL},
    {"invalid UTF-8 replaced", "a\xff b\n", "a\xef\xbf\xbd b", "\xff"},
};

static void
test_render(void)
{
	size_t i;
	char *out;

	for (i = 0; i < SY_NELEM(render_cases); i++) {
		const struct rcase *c = &render_cases[i];

		out = NULL;
		T_INTEQ(sy_markdown_render(c->in, strlen(c->in), &out), SY_OK,
		    "render: %s (status)", c->name);
		if (!T_OK(out != NULL && strstr(out, c->want_has) != NULL,
		        "render: %s: has the expected text", c->name))
			printf("#   got: %s#   want inside: %s\n",
			    out ? out : "(null)\n", c->want_has);
		if (c->want_not != NULL)
			T_OK(out != NULL && strstr(out, c->want_not) == NULL,
			    "render: %s: has no %s", c->name, c->want_not);
		free(out);
	}
}

struct acase {
	const char *name;
	const char *base;
	const char *in;
	const char *want;
};

#define B "http://ex.com/a/b/c?x=1#f"
static const struct acase abs_cases[] = {
    /* RFC 3986 5.4.1 examples, through href. */
    {"../", B, "<a href=\"../d\">x</a>", "<a href=\"http://ex.com/a/d\">x</a>"},
    {"./", B, "<a href=\"./d\">x</a>", "<a href=\"http://ex.com/a/b/d\">x</a>"},
    {"plain relative", B, "<a href=\"d;p?q\">x</a>",
        "<a href=\"http://ex.com/a/b/d;p?q\">x</a>"},
    {"/root", B, "<a href=\"/g\">x</a>", "<a href=\"http://ex.com/g\">x</a>"},
    {"?q keeps the path", B, "<a href=\"?y\">x</a>",
        "<a href=\"http://ex.com/a/b/c?y\">x</a>"},
    {"#frag keeps path and query", B, "<a href=\"#s\">x</a>",
        "<a href=\"http://ex.com/a/b/c?x=1#s\">x</a>"},
    {"//host", B, "<a href=\"//g.org/p\">x</a>",
        "<a href=\"http://g.org/p\">x</a>"},
    {"too many ..", B, "<a href=\"../../../../g\">x</a>",
        "<a href=\"http://ex.com/g\">x</a>"},
    {"dot segments in the middle", B, "<a href=\"g/./h/../i\">x</a>",
        "<a href=\"http://ex.com/a/b/g/i\">x</a>"},
    {"trailing ..", B, "<a href=\"..\">x</a>",
        "<a href=\"http://ex.com/a/\">x</a>"},
    {"already absolute untouched", B,
        "<a href=\"HTTPS://Other.org/./x/../y\">x</a>",
        "<a href=\"HTTPS://Other.org/./x/../y\">x</a>"},
    {"mailto tel data untouched", B,
        "<a href=\"mailto:ed@ex.com?subject=hi&amp;body=x\">m</a>"
        "<a href=\"tel:+886\">t</a><img src=\"data:image/png;base64,AA\">",
        "<a href=\"mailto:ed@ex.com?subject=hi&amp;body=x\">m</a>"
        "<a href=\"tel:+886\">t</a><img src=\"data:image/png;base64,AA\">"},
    {"empty href untouched", B, "<a href=\"\">x</a>", "<a href=\"\">x</a>"},
    {"CJK path stays UTF-8", "https://ex.com/專欄/",
        "<img src=\"圖片/一.png\" alt=\"圖\">",
        "<img src=\"https://ex.com/專欄/圖片/一.png\" alt=\"圖\">"},
    {"base without trailing slash", "https://ex.com/col",
        "<a href=\"post\">x</a>", "<a href=\"https://ex.com/post\">x</a>"},
    {"base with trailing slash", "https://ex.com/col/",
        "<a href=\"post\">x</a>", "<a href=\"https://ex.com/col/post\">x</a>"},
    {"base without path", "https://ex.com", "<a href=\"p\">x</a>",
        "<a href=\"https://ex.com/p\">x</a>"},
    {"srcset, poster, data, source", "https://ex.com/d/",
        "<video poster=\"p.jpg\" src=\"/v.mp4\"></video>"
        "<object data=\"o.pdf\"></object>"
        "<img srcset=\"a.jpg 1x,  b.jpg 2x\">",
        "<video poster=\"https://ex.com/d/p.jpg\" "
        "src=\"https://ex.com/v.mp4\"></video>"
        "<object data=\"https://ex.com/d/o.pdf\"></object>"
        "<img srcset=\"https://ex.com/d/a.jpg 1x,  "
        "https://ex.com/d/b.jpg 2x\">"},
    {"other attributes untouched", "https://ex.com/",
        "<div title=\"a/b\" data-src=\"x\"><form action=\"f\"></form>"
        "</div>",
        "<div title=\"a/b\" data-src=\"x\"><form action=\"f\"></form>"
        "</div>"},
    {"ampersand in query escaped", "https://ex.com/",
        "<a href=\"s?a=1&amp;b=2\">x</a>",
        "<a href=\"https://ex.com/s?a=1&amp;b=2\">x</a>"},
    {"plain text unchanged", "https://ex.com/",
        "深度求索後發先至 2025年1月28日", "深度求索後發先至 2025年1月28日"},
    {"plain text specials escaped", "https://ex.com/", "  a < b && c > d\n",
        "  a &lt; b &amp;&amp; c &gt; d\n"},
    {"CJK round trip, no entities", "https://ex.com/",
        "<p>「開源」模型 &amp; <b>深度</b>&#x6DF1;&nbsp;é</p>\n<!-- 註 -->",
        "<p>「開源」模型 &amp; <b>深度</b>深\xc2\xa0é</p>\n<!-- 註 -->"},
    {"void elements, boolean attributes, quotes", "https://ex.com/",
        "<p>a<br>b<hr><video controls></video>"
        "<img alt='say \"hi\"' src=x></p>",
        "<p>a<br>b</p><hr><video controls></video>"
        "<img alt=\"say &quot;hi&quot;\" src=\"https://ex.com/x\">"},
    {"script and style raw", "https://ex.com/",
        "<script>if (a < b && c) x = '</p>';</script><style>a>b{}</style>",
        "<script>if (a < b && c) x = '</p>';</script><style>a>b{}</style>"},
    {"unclosed tags are closed", "https://ex.com/", "<ul><li>一<li>二</ul><p>x",
        "<ul><li>一</li><li>二</li></ul><p>x</p>"},
    {"whole document reduced to body", "https://ex.com/",
        "<!DOCTYPE html><html><head><title>t</title></head>"
        "<body><p>b</p></body></html>",
        NULL},
    {"empty input", "https://ex.com/", "", ""},
    {"leading and trailing white space kept", "https://ex.com/",
        "\n <p>x</p>\n\n", "\n <p>x</p>\n\n"},
    {"base with query and fragment", "https://ex.com/p?id=3#top",
        "<a href=\"#s\">x</a><a href=\"q\">y</a>",
        "<a href=\"https://ex.com/p?id=3#s\">x</a>"
        "<a href=\"https://ex.com/q\">y</a>"},
    {"white space around a relative URL dropped", "https://ex.com/",
        "<a href=\" \n/x \">x</a>", "<a href=\"https://ex.com/x\">x</a>"},
    {"forbidden control character replaced", "https://ex.com/",
        "a\x01"
        "b",
        "a\xef\xbf\xbd"
        "b"},
};

static void
test_absolutize(void)
{
	size_t i;
	char *out;
	enum sy_err e;

	for (i = 0; i < SY_NELEM(abs_cases); i++) {
		const struct acase *c = &abs_cases[i];

		out = NULL;
		e = sy_html_absolutize(c->in, strlen(c->in), c->base, &out);
		T_INTEQ(e, SY_OK, "absolutize: %s (status)", c->name);
		if (c->want != NULL)
			T_STREQ(out, c->want, "absolutize: %s", c->name);
		else
			T_OK(out != NULL && strstr(out, "<p>b</p>") != NULL &&
			        strstr(out, "<body") == NULL &&
			        strstr(out, "<html") == NULL &&
			        strstr(out, "DOCTYPE") == NULL,
			    "absolutize: %s (got %s)", c->name,
			    out ? out : "(null)");
		free(out);
	}
	out = NULL;
	T_INTEQ(sy_html_absolutize("<a href=x>", 10, "relative/base", &out),
	    SY_EINVAL, "absolutize: relative base refused");
	T_OK(out == NULL, "absolutize: no output on EINVAL");
}

/* Nesting cap, and a text node longer than libxml2's 10 MB limit. */
static void
test_tree_limits(void)
{
	struct sy_buf b, w;
	char *out = NULL;
	size_t i;

	sy_buf_init(&b, 0);
	sy_buf_init(&w, 0);
	for (i = 0; i < 900; i++)
		sy_buf_puts(&b, "<div>");
	sy_buf_puts(&b, "<a href=x>深</a>");
	for (i = 0; i < 900; i++)
		sy_buf_puts(&b, "</div>");
	for (i = 0; i < 900; i++)
		sy_buf_puts(&w, "<div>");
	sy_buf_puts(&w, "<a href=\"https://ex.com/x\">深</a>");
	for (i = 0; i < 900; i++)
		sy_buf_puts(&w, "</div>");
	T_INTEQ(sy_html_absolutize(b.data, b.len, "https://ex.com/", &out),
	    SY_OK, "900 nested elements");
	T_STREQ(out, w.data, "900 nested elements: round trip");
	free(out);
	out = NULL;
	sy_buf_reset(&b);
	for (i = 0; i < 1200; i++)
		sy_buf_puts(&b, "<div>");
	sy_buf_puts(&b, "x");
	T_INTEQ(sy_html_absolutize(b.data, b.len, "https://ex.com/", &out),
	    SY_ELIMIT, "1200 nested elements refused");
	T_OK(out == NULL, "1200 nested elements: no output");
	sy_buf_reset(&b);
	while (b.len < 11000000)
		sy_buf_puts(&b, "深度求索後發先至 ");
	T_INTEQ(sy_html_absolutize(b.data, b.len, "https://ex.com/", &out),
	    SY_OK, "11 MB text node");
	T_OK(out != NULL && strcmp(out, b.data) == 0,
	    "11 MB text node: unchanged");
	free(out);
	sy_buf_fini(&b);
	sy_buf_fini(&w);
}

/* Serialising what we serialised changes nothing. */
static void
test_idempotent(void)
{
	const char *in = "<p>深度求索<a href=\"../x?a=1&amp;b=2\">連結</a>"
	                 "<img srcset=\"a.png 1x, b.png 2x\"></p>\n<p>二</p>";
	char *once = NULL, *twice = NULL;

	T_INTEQ(sy_html_absolutize(in, strlen(in), "https://ex.com/a/b", &once),
	    SY_OK, "idempotent: first pass");
	if (once == NULL)
		return;
	T_INTEQ(sy_html_absolutize(
	            once, strlen(once), "https://ex.com/a/b", &twice),
	    SY_OK, "idempotent: second pass");
	T_STREQ(twice, once, "idempotent: same output");
	free(once);
	free(twice);
}

int
main(void)
{
	test_links(html_cases, SY_NELEM(html_cases), 0);
	test_links(md_cases, SY_NELEM(md_cases), 1);
	test_fast_vs_libxml();
	test_big_lines();
	test_limits();
	test_render();
	test_absolutize();
	test_idempotent();
	test_tree_limits();
	return t_done();
}
