/* report_test.c: the HTML report's escaper, its links, and the page. */
#include "lib/report.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/diag.h"
#include "lib/linkset.h"
#include "lib/util.h"
#include "tests/unit/t.h"

#define R "\xef\xbf\xbd" /* U+FFFD */

static const struct {
	const char *in;
	size_t len; /* 0: strlen */
	const char *want;
	const char *what;
} esc_cases[] = {
    {"plain text", 0, "plain text", "plain text as it is"},
    {"&<>\"'", 0, "&amp;&lt;&gt;&quot;&#39;", "the five that end text"},
    {"&amp;", 0, "&amp;amp;", "a reference is text too"},
    {"<script>alert(1)</script>", 0, "&lt;script&gt;alert(1)&lt;/script&gt;",
        "a script tag"},
    {"\" onmouseover=\"x", 0, "&quot; onmouseover=&quot;x",
        "an attribute breakout"},
    {"a\tb\nc", 0, "a\tb\nc", "TAB and LF kept"},
    {"a\r\nb", 0, "a\n\nb", "CR becomes LF"},
    {"a\x0c"
     "b",
        0, "a b", "form feed becomes a space"},
    {"a\x01"
     "b\x1b[31m",
        0, "a" R "b" R "[31m", "C0 controls"},
    {"a\x7f"
     "b",
        0, "a" R "b", "DEL"},
    {"a\0b", 3, "a" R "b", "NUL inside the length"},
    {"\xc2\x85", 0, R, "C1 control U+0085"},
    {"\xc2\x9f"
     "x",
        0, R "x", "C1 control U+009F"},
    {"\xc2\xa0", 0, "\xc2\xa0", "U+00A0 is fine"},
    {"\xef\xb7\x90", 0, R, "noncharacter U+FDD0"},
    {"\xef\xbf\xbe", 0, R, "noncharacter U+FFFE"},
    {"\xf0\x9f\xbf\xbf", 0, R, "noncharacter U+1FFFF"},
    {"\xff"
     "a",
        0, R "a", "a byte that is never UTF-8"},
    {"\xe6\x96", 0, R R, "a truncated character: one per byte"},
    {"\xc0\xaf", 0, R R, "an overlong /"},
    {"\xed\xa0\x80", 0, R R R, "a surrogate"},
    {"\xf4\x90\x80\x80", 0, R R R R, "above U+10FFFF"},
    {"開源模型後來居上？", 0, "開源模型後來居上？", "CJK kept"},
    {"\xe2\x80\xae"
     "txt",
        0,
        "\xe2\x80\xae"
        "txt",
        "bidi controls kept (isolated by <bdi>)"},
    {"\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80", "emoji kept"},
    {"x<\xff>", 0, "x&lt;" R "&gt;", "a mix"},
};

static void
test_escape(void)
{
	struct sy_buf b;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 0; i < SY_NELEM(esc_cases); i++) {
		size_t len = esc_cases[i].len ? esc_cases[i].len
		                              : strlen(esc_cases[i].in);

		sy_buf_reset(&b);
		T_OK(sy_report_escape(&b, esc_cases[i].in, len) == SY_OK,
		    "escape: %s: ok", esc_cases[i].what);
		T_STREQ(b.data != NULL ? b.data : "", esc_cases[i].want,
		    "escape: %s", esc_cases[i].what);
	}
	sy_buf_fini(&b);
}

/* The escaped text of random bytes is clean, however bad the bytes. */
static void
test_escape_random(void)
{
	static const char *const refs[] = {
	    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	struct sy_buf b;
	uint64_t x = 0x9e3779b97f4a7c15u;
	char in[64];
	size_t i, j, k, bad = 0;

	sy_buf_init(&b, 0);
	for (i = 0; i < 20000 && bad == 0; i++) {
		size_t n = (size_t)(x % sizeof(in));

		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Mostly the bytes that matter. */
			in[j] =
			    (char)(x % 3 == 0 ? "<>&\"'\r\x01\xc2\x85"[x % 9]
			                      : (int)(x >> 24));
		}
		sy_buf_reset(&b);
		if (sy_report_escape(&b, in, n) != SY_OK) {
			bad++;
			break;
		}
		if (sy_utf8_valid_prefix(b.data != NULL ? b.data : "", b.len) !=
		    b.len)
			bad++;
		for (k = 0; k < b.len; k++) {
			unsigned char c = (unsigned char)b.data[k];
			size_t r;

			if (c == '<' || c == '>' || c == '"' || c == '\'' ||
			    (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				bad++;
			if (c != '&')
				continue;
			for (r = 0; r < SY_NELEM(refs); r++)
				if (strncmp(b.data + k, refs[r],
				        strlen(refs[r])) == 0)
					break;
			if (r == SY_NELEM(refs))
				bad++;
		}
	}
	T_INTEQ(bad, 0,
	    "escape: 20000 random inputs give valid UTF-8 with "
	    "no markup character and no control");
	sy_buf_fini(&b);
}

static const struct {
	const char *url;
	bool ok;
} href_cases[] = {
    {"http://example.org/", true},
    {"HTTPS://example.org/a?b=c#d", true},
    {"https://column.example.org/文章/一", true},
    {"javascript:alert(1)", false},
    {"JavaScript:alert(1)", false},
    {" http://example.org/", false},
    {"http://example.org/a b", false},
    {"http://example.org/\tjavascript:x", false},
    {"http://example.org/\x7f", false},
    {"http:example.org", false},
    {"data:text/html,<script>", false},
    {"vbscript:x", false},
    {"ftp://example.org/", false},
    {"//example.org/", false},
    {"", false},
};

static void
test_href(void)
{
	size_t i;

	for (i = 0; i < SY_NELEM(href_cases); i++)
		T_OK(sy_report_is_href(href_cases[i].url) == href_cases[i].ok,
		    "href: \"%s\" %s", href_cases[i].url,
		    href_cases[i].ok ? "is a link" : "is text");
	T_OK(!sy_report_is_href(NULL), "href: NULL is text");
}

/* The page of d with o, in a new string (NULL on failure). */
static char *
page(struct sy_diags *d, const struct sy_emit_opts *o, enum sy_err *e)
{
	char *out = NULL;
	size_t n = 0;
	FILE *fp = open_memstream(&out, &n);

	if (fp == NULL)
		return NULL;
	*e = sy_diags_emit(d, SY_FMT_HTML, o, fp);
	fclose(fp);
	return out;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The <tr> of the hosts table whose data-host is host, or NULL. */
static const char *
host_row(const char *html, const char *host)
{
	char key[128];

	snprintf(key, sizeof(key), "<tr data-host=\"%s\">", host);
	return strstr(html, key);
}

static struct sy_linkres *
add_link(struct sy_linkset *s, const char *key, const char *host,
    enum sy_rule rule, long ms)
{
	struct sy_linkres *r = sy_linkset_add(s, key, host, false);

	if (r != NULL) {
		r->state = SY_LINK_CHECKED;
		r->rule = rule;
		r->response_ms = ms;
	}
	return r;
}

static void
test_page_links(void)
{
	static const char evil[] = "<script>alert(1)</script>\"'&";
	struct sy_diags d;
	struct sy_linkset s;
	struct sy_emit_opts o;
	struct sy_pos pos = {"articles/<b>.md", 3, 0};
	struct sy_diag *dg;
	struct sy_linkres *r;
	const char *row, *end;
	char *html;
	enum sy_err e = SY_EINVAL;

	sy_diags_init(&d);
	sy_linkset_init(&s);
	/* a: 10 30 20 ms, one broken; b: 10 40 ms, rate-limited; c: mail. */
	add_link(&s, "https://a.example/1", "a.example", SY_R_NONE, 10);
	add_link(&s, "https://a.example/2", "a.example", SY_R_NONE, 30);
	r = add_link(
	    &s, "https://a.example/3", "a.example", SY_R_LINK_BROKEN, 20);
	r->status = 404;
	r->failures = 3;
	r->first_failure = 1738000000; /* 2025-01-27 17:46:40 UTC */
	r = add_link(
	    &s, "https://b.example/", "b.example", SY_R_LINK_BLOCKED, 10);
	r->rate_limited = true;
	add_link(&s, "https://b.example/x", "b.example", SY_R_NONE, 40);
	r = sy_linkset_add(&s, "c.example", "c.example", true);
	r->state = SY_LINK_CHECKED;
	s.broken = 1;
	s.blocked = 1;
	s.fine = 4;
	s.occurrences = 6;
	s.duration_ms = 2400;
	s.started = 1738000000;
	dg = sy_diag_add(&d, &pos, SY_ERROR, SY_R_LINK_BROKEN,
	    "https://a.example/3: 404 %s", evil);
	sy_diag_set_url(dg, "https://a.example/3");
	sy_diag_set_title(dg, evil);
	sy_diag_set_entry(dg, evil);
	dg->status = 404;
	dg->link = 3;
	pos.line = 4;
	dg = sy_diag_add(&d, &pos, SY_NOTE, SY_R_LINK_BROKEN, "a note");
	dg->link = 3;
	memset(&o, 0, sizeof(o));
	o.tool = "syndic-links";
	o.version = "0.1.0";
	o.links = &s;
	o.now = 1738000000;
	html = page(&d, &o, &e);
	T_OK(e == SY_OK && html != NULL, "links page: written");
	if (html == NULL)
		goto out;
	T_OK(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\">", 32) == 0,
	    "links page: an HTML5 document");
	T_OK(strstr(html,
	         "<meta charset=\"utf-8\">\n<meta "
	         "http-equiv=\"Content-Security-Policy\" "
	         "content=\"default-src 'none'; style-src "
	         "'sha256-") != NULL,
	    "links page: the CSP comes right after the charset, default none");
	T_OK(strstr(html, sy_report_js_sha256) != NULL &&
	        strstr(html, sy_report_css_sha256) != NULL,
	    "links page: the CSP names the style's and the script's hashes");
	T_INTEQ(count(html, "<script"), 1, "links page: one script element");
	T_INTEQ(count(html, "<style"), 1, "links page: one style element");
	T_INTEQ(count(html, "alert(1)"), 3,
	    "links page: the hostile title, entry and message are there");
	T_INTEQ(count(html, "&lt;script&gt;alert(1)&lt;/script&gt;"), 3,
	    "links page: ... as text");
	T_OK(strstr(html, "data-f=\"articles/&lt;b&gt;.md\"") != NULL,
	    "links page: the file name is escaped in its attribute");
	T_OK(strstr(html, "<b data-n=\"broken\">1</b>") != NULL &&
	        strstr(html, "<b data-n=\"fine\">4</b>") != NULL,
	    "links page: the verdict counts");
	T_OK(strstr(html, "data-n=\"duration\">2.4 s<") != NULL,
	    "links page: how long the run took");
	T_OK(strstr(html,
	         "since <time>2025-01-27</time> <small>(3 runs)</small>") !=
	        NULL,
	    "links page: broken since, from the streak");
	T_OK(strstr(html, "<span class=\"code\">404</span> &lt;script") != NULL,
	    "links page: the status, the message after it");
	T_INTEQ(count(html, "\" data-v=\""), 2, "links page: two rows");
	row = host_row(html, "a.example");
	end = row != NULL ? strstr(row, "</tr>") : NULL;
	T_OK(row != NULL && end != NULL &&
	        strstr(row,
	            "<td class=\"num\" data-k=\"20\">20 ms</td>"
	            "<td class=\"num\" data-k=\"30\">30 ms</td>") ==
	            strstr(row, "<td class=\"num\" data-k=\"20\">") &&
	        strstr(row, "<td class=\"num\" data-k=\"20\">") < end,
	    "hosts: a.example, median of 10 30 20 is 20, worst 30");
	row = host_row(html, "b.example");
	end = row != NULL ? strstr(row, "</tr>") : NULL;
	T_OK(row != NULL && end != NULL &&
	        strstr(row,
	            "data-k=\"25\">25 ms</td><td class=\"num\" "
	            "data-k=\"40\">40 ms</td><td "
	            "class=\"yes\">yes</td>") != NULL &&
	        strstr(row, "data-k=\"25\"") < end,
	    "hosts: b.example, median of 10 40 is 25, worst 40, "
	    "rate-limited");
	row = host_row(html, "c.example");
	T_OK(row != NULL && strstr(row, "(mail)") != NULL &&
	        strstr(row, "data-k=\"-1\">&mdash;") != NULL,
	    "hosts: the mail domain, no time");
	T_OK(host_row(html, "a.example") < host_row(html, "b.example") &&
	        host_row(html, "b.example") < host_row(html, "c.example"),
	    "hosts: most broken first, then most blocked");
	free(html);
	o.quiet = true;
	html = page(&d, &o, &e);
	T_OK(e == SY_OK && html != NULL && count(html, "\" data-v=\"") == 1 &&
	        strstr(html, "a note") == NULL,
	    "links page: quiet drops the note");
	free(html);
out:
	sy_diags_fini(&d);
	sy_linkset_fini(&s);
}

static void
test_page_lint(void)
{
	struct sy_diags d;
	struct sy_emit_opts o;
	struct sy_pos pos = {"feeds/專欄.csv", 2, 4};
	static char in1[] = "feeds/專欄.csv", in2[] = "clean.csv";
	char *inputs[] = {in1, in2};
	char *html;
	enum sy_err e = SY_EINVAL;
	FILE *full;

	sy_diags_init(&d);
	sy_diag_add(&d, &pos, SY_ERROR, SY_R_DATE_SYNTAX, "bad date");
	pos.line = 3;
	sy_diag_add(&d, &pos, SY_WARNING, SY_R_DATE_RANGE, "old date");
	sy_diag_add(&d, &pos, SY_ERROR, SY_R_DATE_SYNTAX, "bad date again");
	memset(&o, 0, sizeof(o));
	o.tool = "syndic-lint";
	o.inputs = inputs;
	o.ninputs = 2;
	o.now = 1738000000;
	html = page(&d, &o, &e);
	T_OK(e == SY_OK && html != NULL, "lint page: written");
	if (html != NULL) {
		T_OK(
		    strstr(html, "<b data-n=\"errors\">2</b> errors") != NULL &&
		        strstr(html, " in 2 files</p>") != NULL,
		    "lint page: the verdict line");
		T_OK(strstr(html,
		         "<tr data-rule=\"date-syntax\"><td><code>"
		         "date-syntax</code></td><td>a date in no "
		         "accepted form</td><td class=\"num\">2</td>") != NULL,
		    "lint page: by rule");
		T_OK(strstr(html, "data-rule=\"date-syntax\"") <
		        strstr(html, "data-rule=\"date-range\""),
		    "lint page: the most broken rule first");
		T_OK(strstr(html,
		         "<tr data-file=\"clean.csv\"><td><bdi "
		         "class=\"mono\">clean.csv</bdi></td><td "
		         "class=\"num\">0</td>") != NULL,
		    "lint page: a clean input is listed by file");
		T_OK(strstr(html, "<bdi>feeds/專欄.csv</bdi>") != NULL,
		    "lint page: a CJK path as it is");
		T_OK(strstr(html,
		         "Checked <time datetime=\"2025-01-27T17:46:"
		         "40Z\">2025-01-27 17:46 UTC</time>") != NULL,
		    "lint page: the date given, not the clock");
	}
	free(html);
	full = fopen("/dev/full", "w");
	if (full != NULL) {
		T_OK(sy_diags_emit(&d, SY_FMT_HTML, &o, full) == SY_EIO,
		    "lint page: a full disk is SY_EIO");
		fclose(full);
	}
	sy_diags_fini(&d);
}

static void
test_empty(void)
{
	struct sy_diags d;
	struct sy_linkset s;
	struct sy_emit_opts o;
	char *html;
	enum sy_err e = SY_EINVAL;

	sy_diags_init(&d);
	sy_linkset_init(&s);
	s.source = SY_LINKSET_OFFLINE;
	memset(&o, 0, sizeof(o));
	o.tool = "syndic-links";
	o.links = &s;
	html = page(&d, &o, &e);
	T_OK(e == SY_OK && html != NULL &&
	        strstr(html, "No problems found offline") != NULL &&
	        strstr(html, "An offline run reads no history") != NULL &&
	        strstr(html, "No link found.") != NULL &&
	        strstr(html, "id=\"rows\"") == NULL,
	    "empty offline page: says so, and has no empty table");
	free(html);
	sy_linkset_add(&s, "https://a.example/", "a.example", false);
	html = page(&d, &o, &e);
	T_OK(e == SY_OK && html != NULL && host_row(html, "a.example") &&
	        strstr(host_row(html, "a.example"), "<rect class=\"fine\"") ==
	            NULL,
	    "offline page: a link not checked is not drawn as fine");
	free(html);
	sy_linkset_fini(&s);
	sy_diags_fini(&d);
}

int
main(void)
{
	test_escape();
	test_escape_random();
	test_href();
	test_page_links();
	test_page_lint();
	test_empty();
	return t_done();
}
