/*
 * out_test: the output block and its escapers.  libxml2 and jansson are
 * the oracles: what is escaped must parse back with them to the text
 * given (or, for text no document may hold, to that text with U+FFFD in
 * place of what was wrong), and on the text both libraries write, the
 * bytes must be theirs.  Each case below fails on a naive escaper (one
 * that replaces only < > & " and copies everything else).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/entities.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "lib/out.h"
#include "lib/util.h"
#include "t.h"

/* s escaped by esc, as a new string. */
static char *
esc(const char *s, const struct sy_esc *e)
{
	struct sy_out o;
	char *r;

	sy_out_init(&o, NULL);
	sy_out_esc(&o, s, e);
	SY_OUT_LIT(&o, "\0");
	if (o.err != SY_OK || (r = sy_strdup(o.data)) == NULL)
		abort();
	sy_out_fini(&o);
	return r;
}

/* <a>TEXT</a> or <a v="TEXT"/> parsed by libxml2: the text, or NULL. */
static char *
xml_back(const char *s, bool attr)
{
	char *e = esc(s, attr ? &sy_esc_xml_attr : &sy_esc_xml_text);
	char *doc = malloc(strlen(e) + 32), *r = NULL;
	xmlDocPtr d;
	xmlChar *v;

	if (doc == NULL)
		abort();
	if (attr)
		snprintf(doc, strlen(e) + 32, "<a v=\"%s\"/>", e);
	else
		snprintf(doc, strlen(e) + 32, "<a>%s</a>", e);
	d = xmlReadMemory(doc, (int)strlen(doc), NULL, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (d != NULL) {
		v = attr ? xmlGetProp(xmlDocGetRootElement(d), BAD_CAST "v")
		         : xmlNodeGetContent(xmlDocGetRootElement(d));
		if (v != NULL)
			r = sy_strdup((const char *)v);
		xmlFree(v);
		xmlFreeDoc(d);
	}
	free(doc);
	free(e);
	return r;
}

/* The JSON string escaped by us, loaded by jansson: the text, or NULL. */
static char *
json_back(const char *s)
{
	char *e = esc(s, &sy_esc_json), *doc, *r = NULL;
	json_error_t jerr;
	json_t *v;

	if ((doc = malloc(strlen(e) + 3)) == NULL)
		abort();
	snprintf(doc, strlen(e) + 3, "\"%s\"", e);
	v = json_loads(doc, JSON_DECODE_ANY, &jerr);
	if (v != NULL && json_is_string(v))
		r = sy_strdup(json_string_value(v));
	json_decref(v);
	free(doc);
	free(e);
	return r;
}

/* What a byte string no document may hold must read back as. */
struct bad {
	const char *desc, *in, *want;
};

static const struct bad bad[] = {
    {"a stray continuation byte", "a\x80z", "a\xEF\xBF\xBDz"},
    {"a truncated sequence", "a\xE6\x97z", "a\xEF\xBF\xBDz"},
    {"a truncated sequence at the end", "a\xF0\x9F\x98", "a\xEF\xBF\xBD"},
    {"an overlong '/'", "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"an overlong three-byte form", "\xE0\x80\xAF",
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"a lone high surrogate (CESU-8)", "x\xED\xA0\x80y",
        "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy"},
    {"a lone low surrogate", "\xED\xBF\xBF",
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"a surrogate pair in CESU-8", "\xED\xA0\xBD\xED\xB8\x80",
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"above U+10FFFF", "\xF4\x90\x80\x80",
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
    {"byte F5", "\xF5z", "\xEF\xBF\xBDz"},
    {"byte FF", "\xFF", "\xEF\xBF\xBD"},
    {"Latin-1 text", "caf\xE9 cr\xE8me", "caf\xEF\xBF\xBD cr\xEF\xBF\xBDme"},
};

static void
test_invalid_utf8(void)
{
	size_t i;
	char *x, *a, *j;

	for (i = 0; i < SY_NELEM(bad); i++) {
		x = xml_back(bad[i].in, false);
		a = xml_back(bad[i].in, true);
		j = json_back(bad[i].in);
		T_STREQ(
		    x, bad[i].want, "xml text: %s becomes U+FFFD", bad[i].desc);
		T_STREQ(a, bad[i].want, "xml attribute: %s becomes U+FFFD",
		    bad[i].desc);
		T_STREQ(j, bad[i].want, "json: %s becomes U+FFFD", bad[i].desc);
		free(x);
		free(a);
		free(j);
	}
}

/* XML 1.0's forbidden characters, and what XML would normalise away. */
static void
test_xml_chars(void)
{
	char in[8], *x, *a;
	unsigned c;
	int bad_text = 0, bad_attr = 0;

	for (c = 1; c < 0x80; c++) {
		bool ok = c >= 0x20 || c == '\t' || c == '\n' || c == '\r';

		snprintf(in, sizeof(in), "a%cb", (char)c);
		x = xml_back(in, false);
		a = xml_back(in, true);
		if (ok) {
			bad_text += x == NULL || strcmp(x, in) != 0;
			bad_attr += a == NULL || strcmp(a, in) != 0;
		} else {
			bad_text += x == NULL ||
			    strcmp(x,
			        "a\xEF\xBF\xBD"
			        "b") != 0;
			bad_attr += a == NULL ||
			    strcmp(a,
			        "a\xEF\xBF\xBD"
			        "b") != 0;
		}
		free(x);
		free(a);
	}
	T_INTEQ(bad_text, 0,
	    "xml text: every ASCII character reads back "
	    "(CR too), a forbidden one as U+FFFD");
	T_INTEQ(bad_attr, 0,
	    "xml attribute: every ASCII character reads "
	    "back (tab, LF, CR too), a forbidden one as U+FFFD");
	x = esc("\xEF\xBF\xBE and \xEF\xBF\xBF", &sy_esc_xml_text);
	T_STREQ(x, "\xEF\xBF\xBD and \xEF\xBF\xBD",
	    "xml: U+FFFE and U+FFFF become U+FFFD");
	free(x);
	x = xml_back("\xEF\xBF\xBE", false);
	T_STREQ(x, "\xEF\xBF\xBD", "xml: U+FFFE as U+FFFD parses");
	free(x);
	x = esc("a]]>b ]]]>", &sy_esc_xml_text);
	T_OK(x != NULL && strstr(x, "]]>") == NULL, "xml text: no ]]> (%s)", x);
	free(x);
	x = xml_back("<![CDATA[x]]>", false);
	T_STREQ(x, "<![CDATA[x]]>",
	    "xml text: CDATA markup reads back "
	    "as text");
	free(x);
	x = esc("\xF0\x9F\x98\x80 \xE4\xB8\xAD \xC3\xA9 \xEF\xBF\xBD",
	    &sy_esc_xml_text);
	T_STREQ(x, "\xF0\x9F\x98\x80 \xE4\xB8\xAD \xC3\xA9 \xEF\xBF\xBD",
	    "xml: good UTF-8 of every length is copied");
	free(x);
}

/* On what libxml2 writes, the bytes are libxml2's. */
static void
test_xml_like_libxml2(void)
{
	char in[4];
	xmlChar *want;
	char *got;
	unsigned c;
	int diff = 0;

	for (c = 0x20; c < 0x80; c++) {
		snprintf(in, sizeof(in), "%c", (char)c);
		want = xmlEncodeSpecialChars(NULL, BAD_CAST in);
		got = esc(in, &sy_esc_xml_text);
		diff += want == NULL || strcmp(got, (const char *)want) != 0;
		free(got);
		xmlFree(want);
	}
	want = xmlEncodeSpecialChars(NULL, BAD_CAST "\t\n\r");
	got = esc("\t\n\r", &sy_esc_xml_text);
	diff += want == NULL || strcmp(got, (const char *)want) != 0;
	free(got);
	xmlFree(want);
	T_INTEQ(diff, 0,
	    "xml text: printable ASCII, tab, LF, CR escaped as "
	    "xmlEncodeSpecialChars does");
}

/* jansson's bytes for s (valid UTF-8), dumped as a string. */
static char *
jansson(const char *s)
{
	json_t *v = json_string(s);
	char *d = v != NULL ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	char *r = NULL;

	if (d != NULL && strlen(d) >= 2) {
		r = sy_strndup(d + 1, strlen(d) - 2);
	}
	free(d);
	json_decref(v);
	return r;
}

static void
test_json(void)
{
	char in[4], *got, *want, *back;
	unsigned c;
	int diff = 0, lost = 0;

	for (c = 1; c < 0x80; c++) {
		snprintf(in, sizeof(in), "%c", (char)c);
		got = esc(in, &sy_esc_json);
		want = jansson(in);
		diff += want == NULL || strcmp(got, want) != 0;
		back = json_back(in);
		lost += back == NULL || strcmp(back, in) != 0;
		free(got);
		free(want);
		free(back);
	}
	T_INTEQ(diff, 0, "json: every ASCII character escaped as jansson does");
	T_INTEQ(lost, 0, "json: every ASCII character reads back");
	got = esc("a\xE2\x80\xA8"
	          "b\xE2\x80\xA9"
	          "c\xE2\x80\xA7\xE2\x80\xAA",
	    &sy_esc_json);
	T_STREQ(got, "a\\u2028b\\u2029c\xE2\x80\xA7\xE2\x80\xAA",
	    "json: U+2028 and U+2029 escaped, their neighbours not");
	free(got);
	back = json_back("a\xE2\x80\xA8"
	                 "b\xE2\x80\xA9");
	T_STREQ(back,
	    "a\xE2\x80\xA8"
	    "b\xE2\x80\xA9",
	    "json: U+2028 and U+2029 read back");
	free(back);
	back = json_back("\xF0\x9F\x98\x80 \xEF\xBF\xBF");
	T_STREQ(back, "\xF0\x9F\x98\x80 \xEF\xBF\xBF",
	    "json: a character beyond the BMP and U+FFFF read back");
	free(back);
}

/* The vector scan's byte lists agree with the tables. */
static void
test_spec(void)
{
	const struct sy_esc *t[] = {
	    &sy_esc_xml_text, &sy_esc_xml_attr, &sy_esc_json};
	const char *name[] = {"xml text", "xml attribute", "json"};
	size_t i;
	unsigned c, k;

	for (i = 0; i < SY_NELEM(t); i++) {
		int wrong = 0;

		for (c = 0x20; c < 0x80; c++) {
			bool in = false;

			for (k = 0; k < t[i]->nspec; k++)
				in |= t[i]->spec[k] == c;
			wrong += in != (t[i]->cls[c] != 0);
		}
		for (c = 0x80; c < 0x100; c++)
			wrong += t[i]->cls[c] != SY_ESC_UTF8;
		wrong += t[i]->cls[0] != SY_ESC_END;
		T_INTEQ(
		    wrong, 0, "%s: spec lists the bytes cls escapes", name[i]);
	}
}

/*
 * Pieces of text, each escaped alone the same way as inside any string
 * (none ends in a sequence that the next could complete): CJK characters
 * (the five-at-a-time scan), ASCII, specials, other characters, and what
 * must be stopped at: U+2028 (JSON), U+FFFE (XML), a surrogate, a lone
 * continuation byte, a truncated character (always before an 'a').
 */
static const char *const pieces[] = {"\xE4\xB8\xAD", "\xE6\x96\x87",
    "\xE3\x80\x8C", "\xEC\x9F\xBF", "\xEA\xB0\x80", "a", "<", "&", "\"", "\\",
    "\n", "\xC3\xA9", "\xE2\x80\xA8", "\xEF\xBF\xBE", "\xEF\xBC\x81",
    "\xED\xA0\x80", "\x80",
    "\xE4\xB8"
    "a",
    "\xF0\x9F\x98\x80", "\xE0\xA4\x85", "\xC0\xAF"};

/* Appends src to the string in dst[0..cap); aborts when it cannot. */
static void
append(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(dst), m = strlen(src);

	if (n + m >= cap)
		abort();
	memcpy(dst + n, src, m + 1);
}

/* A string of pieces, and the pieces escaped alone, put together. */
struct pieced {
	char s[1024];
	char want[4096];
};

static void
add_piece(struct pieced *ps, const char *piece, const struct sy_esc *e)
{
	char *w = esc(piece, e);

	append(ps->s, sizeof(ps->s), piece);
	append(ps->want, sizeof(ps->want), w);
	free(w);
}

/* 1 when the string escaped whole is not the pieces escaped alone. */
static int
pieced_differs(struct pieced *ps, const struct sy_esc *e)
{
	char *got = esc(ps->s, e);
	int d = strcmp(got, ps->want) != 0;

	free(got);
	ps->s[0] = ps->want[0] = '\0';
	return d;
}

/*
 * Long strings of pieces against the pieces escaped one by one (each
 * shorter than the vector scans' 16 bytes, so a byte at a time): any
 * character the CJK scan took that it should have stopped at, or any
 * misplaced stop, makes them differ.  Runs of CJK with one misfit at
 * every offset, and random strings.
 */
static void
test_cjk_runs(void)
{
	const struct sy_esc *t[] = {
	    &sy_esc_xml_text, &sy_esc_xml_attr, &sy_esc_json};
	static struct pieced ps;
	size_t i, k, n, run, at, p;
	unsigned long long x = 42;
	int diff = 0, cases = 0;

	for (i = 0; i < SY_NELEM(t); i++) {
		/* run CJK characters, the misfit p after the at-th */
		for (p = 0; p < SY_NELEM(pieces); p++)
			for (run = 1; run <= 12; run++)
				for (at = 0; at <= run; at++) {
					for (k = 0; k < run; k++) {
						if (k == at)
							add_piece(&ps,
							    pieces[p], t[i]);
						add_piece(
						    &ps, pieces[k % 5], t[i]);
					}
					diff += pieced_differs(&ps, t[i]);
					cases++;
				}
		/* random strings of pieces, CJK most often */
		for (n = 0; n < 3000; n++) {
			for (k = 0; k < 1 + n % 60; k++) {
				x = x * 6364136223846793005ULL +
				    1442695040888963407ULL;
				p = (size_t)(x >> 33) % (SY_NELEM(pieces) + 10);
				if (p >= SY_NELEM(pieces))
					p %= 5; /* CJK */
				add_piece(&ps, pieces[p], t[i]);
			}
			diff += pieced_differs(&ps, t[i]);
			cases++;
		}
	}
	T_INTEQ(diff, 0,
	    "CJK runs with a misfit at every offset, and random pieces "
	    "(%d strings): as the pieces escaped alone",
	    cases);
}

/*
 * A naive one-byte-at-a-time reference for clean text, against the
 * vector scan: a special byte, a CJK character and a bad byte at every
 * offset of strings of every length up to 70 bytes.
 */
static char *
ref(const char *s, const struct sy_esc *e)
{
	struct sy_out o;
	const unsigned char *p;
	char *r;

	sy_out_init(&o, NULL);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x80 && e->cls[*p] == SY_ESC_REP)
			sy_out_write(&o, e->rep[*p], e->len[*p]);
		else
			sy_out_write(&o, p, 1);
	SY_OUT_LIT(&o, "\0");
	r = sy_strdup(o.data);
	sy_out_fini(&o);
	return r;
}

static void
test_offsets(void)
{
	const char *ins[] = {"<", "\"", "\\", "\n", "\xE4\xB8\xAD", "&&"};
	char s[128], *got, *want;
	size_t len, at, k;
	int diff = 0, badx = 0;

	for (len = 0; len <= 70; len++)
		for (at = 0; at <= len; at++) {
			for (k = 0; k < SY_NELEM(ins); k++) {
				/* at x's, the insert, len - at y's */
				size_t m = strlen(ins[k]);

				memset(s, 'x', at);
				memcpy(s + at, ins[k], m);
				memset(s + at + m, 'y', len - at);
				s[at + m + len - at] = '\0';
				got = esc(s, &sy_esc_json);
				want = ref(s, &sy_esc_json);
				diff += strcmp(got, want) != 0;
				free(got);
				free(want);
				got = esc(s, &sy_esc_xml_attr);
				want = ref(s, &sy_esc_xml_attr);
				diff += strcmp(got, want) != 0;
				free(got);
				free(want);
			}
			/* A bad byte at 'at' */
			memset(s, 'x', len + 1);
			s[at] = '\x80';
			s[len + 1] = '\0';
			got = esc(s, &sy_esc_xml_text);
			badx += strstr(got, "\xEF\xBF\xBD") != got + at ||
			    strlen(got) != len + 3;
			free(got);
		}
	T_INTEQ(diff, 0, "every special byte at every offset, lengths 0-70");
	T_INTEQ(badx, 0, "a bad byte at every offset becomes U+FFFD");
}

/* Random byte strings: always well-formed, always valid UTF-8 out. */
static void
test_random(void)
{
	uint32_t r = 20250128;
	char s[64], *x, *doc;
	size_t i, k, n;
	int bad_xml = 0, bad_json = 0, bad_utf8 = 0;
	xmlDocPtr d;
	json_t *v;
	json_error_t jerr;

	for (i = 0; i < 3000; i++) {
		n = 1 + i % 60;
		for (k = 0; k < n; k++) {
			r = r * 1103515245u + 12345u;
			s[k] = (char)((r >> 16) & 0xFF);
			if (s[k] == '\0')
				s[k] = '\x01';
		}
		s[n] = '\0';
		x = esc(s, &sy_esc_xml_text);
		bad_utf8 += sy_utf8_valid_prefix(x, strlen(x)) != strlen(x);
		if ((doc = malloc(strlen(x) + 8)) == NULL)
			abort();
		snprintf(doc, strlen(x) + 8, "<a>%s</a>", x);
		d = xmlReadMemory(doc, (int)strlen(doc), NULL, "UTF-8",
		    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		bad_xml += d == NULL;
		xmlFreeDoc(d);
		free(doc);
		free(x);
		x = esc(s, &sy_esc_json);
		if ((doc = malloc(strlen(x) + 3)) == NULL)
			abort();
		snprintf(doc, strlen(x) + 3, "\"%s\"", x);
		v = json_loads(doc, JSON_DECODE_ANY, &jerr);
		bad_json += v == NULL;
		json_decref(v);
		free(doc);
		free(x);
	}
	T_INTEQ(bad_utf8, 0, "3000 random byte strings: valid UTF-8 out");
	T_INTEQ(bad_xml, 0, "3000 random byte strings: libxml2 parses them");
	T_INTEQ(bad_json, 0, "3000 random byte strings: jansson parses them");
}

/* The block to a FILE: large writes in order, errors kept. */
static void
test_file(void)
{
	struct sy_out o;
	FILE *fp = tmpfile();
	char chunk[1000], *back;
	size_t i, n = 0, total = 0;
	bool same = true;

	if (fp == NULL)
		abort();
	sy_out_init(&o, fp);
	for (i = 0; i < 3 * SY_OUT_BLOCK / 1000 + 7; i++) {
		memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
		sy_out_write(&o, chunk, i % 2 ? sizeof(chunk) : 17);
		total += i % 2 ? sizeof(chunk) : 17;
	}
	/* One write larger than the block goes out as it is. */
	if ((back = malloc(SY_OUT_BLOCK + 5)) == NULL)
		abort();
	memset(back, 'Z', SY_OUT_BLOCK + 5);
	sy_out_write(&o, back, SY_OUT_BLOCK + 5);
	total += SY_OUT_BLOCK + 5;
	sy_out_ll(&o, -9007199254740993LL);
	sy_out_ll(&o, 0);
	total += 18;
	T_INTEQ(sy_out_flush(&o), SY_OK, "file: flushed");
	sy_out_fini(&o);
	free(back);
	if ((back = malloc(total + 1)) == NULL)
		abort();
	rewind(fp);
	n = fread(back, 1, total + 1, fp);
	T_INTEQ(n, total, "file: every byte written, in order");
	for (i = 0; i < 3 * SY_OUT_BLOCK / 1000 + 7 && same; i++) {
		size_t m = i % 2 ? sizeof(chunk) : 17, k;
		static size_t at;

		if (i == 0)
			at = 0;
		for (k = 0; k < m; k++)
			same &= back[at + k] == 'a' + (int)(i % 26);
		at += m;
	}
	T_OK(same && n == total &&
	        memcmp(back + total - 18, "-90071992547409930", 18) == 0,
	    "file: the same bytes, numbers in decimal");
	free(back);
	fclose(fp);

	if ((fp = fopen("/dev/full", "w")) != NULL) {
		sy_out_init(&o, fp);
		for (i = 0; i < 2 * SY_OUT_BLOCK / 1000; i++)
			sy_out_write(&o, chunk, sizeof(chunk));
		T_INTEQ(
		    sy_out_flush(&o), SY_EIO, "file: a full disk is SY_EIO");
		sy_out_fini(&o);
		fclose(fp);
	} else
		T_OK(1, "file: no /dev/full # skip");
}

int
main(void)
{
	test_invalid_utf8();
	test_xml_chars();
	test_xml_like_libxml2();
	test_json();
	test_spec();
	test_offsets();
	test_cjk_runs();
	test_random();
	test_file();
	return t_done();
}
