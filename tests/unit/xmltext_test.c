/*
 * xmltext_test: our escaping against libxml2's own, byte for byte.
 * sy_xmltext_escape() is compared with xmlEncodeSpecialChars(), and
 * sy_xmltext_elem() / sy_xmltext_write() in an indented document with
 * xmlTextWriterWriteElement() / xmlTextWriterWriteString() in the same
 * document, over fixed strings (every special byte, CJK, empty, only
 * specials, runs around the stack buffer's size) and pseudo-random ones.
 */
#include "lib/xmltext.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/xmlwriter.h>

#include "lib/buf.h"
#include "lib/util.h"
#include "tests/unit/t.h"

#define X(s) ((const xmlChar *)(s))

/* A document with s written three times, by libxml2 (ours == 0) or us. */
static char *
doc(const char *s, int ours)
{
	xmlBufferPtr xb = xmlBufferCreate();
	xmlTextWriterPtr w;
	char *r = NULL;
	int rc = 0;

	if (xb == NULL || (w = xmlNewTextWriterMemory(xb, 0)) == NULL)
		abort();
	rc |= xmlTextWriterSetIndent(w, 1);
	rc |= xmlTextWriterSetIndentString(w, X("  "));
	rc |= xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0;
	rc |= xmlTextWriterStartElement(w, X("feed")) < 0;
	rc |= xmlTextWriterStartElement(w, X("entry")) < 0;
	/* In an element of its own, after elements, after an attribute. */
	if (ours)
		rc |= sy_xmltext_elem(w, "title", s, &sy_xmlesc_text) < 0;
	else
		rc |= xmlTextWriterWriteElement(w, X("title"), X(s)) < 0;
	rc |= xmlTextWriterStartElement(w, X("summary")) < 0;
	rc |= xmlTextWriterWriteAttribute(w, X("type"), X("text")) < 0;
	if (ours)
		rc |= sy_xmltext_write(w, s, &sy_xmlesc_text) < 0;
	else
		rc |= xmlTextWriterWriteString(w, X(s)) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	if (ours)
		rc |= sy_xmltext_elem(w, "id", s, &sy_xmlesc_text) < 0;
	else
		rc |= xmlTextWriterWriteElement(w, X("id"), X(s)) < 0;
	rc |= xmlTextWriterEndElement(w) < 0;
	rc |= xmlTextWriterEndDocument(w) < 0;
	xmlFreeTextWriter(w);
	if (rc == 0)
		r = strdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return r;
}

/* Escapes s both ways and compares; desc names the case. */
static void
check(const char *s, const char *desc)
{
	struct sy_buf b;
	xmlChar *want = xmlEncodeSpecialChars(NULL, X(s));
	char *d1, *d2;

	sy_buf_init(&b, 0);
	T_INTEQ(sy_xmltext_escape(&b, s, strlen(s), &sy_xmlesc_text), SY_OK,
	    "escape %s: ok", desc);
	T_OK(want != NULL && b.len == strlen((const char *)want) &&
	        memcmp(b.data != NULL ? b.data : "", want, b.len) == 0,
	    "escape %s: as xmlEncodeSpecialChars", desc);
	xmlFree(want);
	sy_buf_fini(&b);
	d1 = doc(s, 0);
	d2 = doc(s, 1);
	T_OK(d1 != NULL && d2 != NULL && strcmp(d1, d2) == 0,
	    "document %s: as xmlTextWriterWriteElement/WriteString", desc);
	free(d1);
	free(d2);
}

static char *
repeat(const char *unit, size_t n)
{
	size_t k = strlen(unit);
	char *s = malloc(k * n + 1);
	size_t i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++)
		memcpy(s + i * k, unit, k);
	s[k * n] = '\0';
	return s;
}

static void
test_fixed(void)
{
	static const struct {
		const char *s, *desc;
	} cases[] = {
	    {"", "empty"},
	    {"plain ASCII", "nothing to escape"},
	    {"<", "lt alone"},
	    {">", "gt alone"},
	    {"&", "amp alone"},
	    {"\"", "quot alone"},
	    {"\r", "CR alone"},
	    {"'", "apostrophe (kept)"},
	    {"\t\n", "tab and LF (kept)"},
	    {"<>&\"\r'", "every special"},
	    {"a<b>c&d\"e\rf", "specials between letters"},
	    {"深度求索後發先至", "CJK"},
	    {"<p>DeepSeek 的 R1 模型 &amp; 成本 &lt; 600 萬美元。</p>",
	        "HTML with CJK"},
	    {"x & y", "space around amp"},
	    {"\xf0\x9f\x98\x80<\xf0\x9f\x98\x80", "emoji around lt"},
	};
	size_t i;

	for (i = 0; i < SY_NELEM(cases); i++)
		check(cases[i].s, cases[i].desc);
}

/* Runs and specials around the stack buffer's size (8192). */
static void
test_long(void)
{
	static const size_t lens[] = {
	    4095, 4096, 8180, 8185, 8191, 8192, 8193, 16384, 20001};
	char desc[80];
	char *s;
	size_t i;

	for (i = 0; i < SY_NELEM(lens); i++) {
		s = repeat("a", lens[i]);
		snprintf(desc, sizeof(desc), "run of %zu plain bytes", lens[i]);
		check(s, desc);
		s[lens[i] - 1] = '&';
		snprintf(desc, sizeof(desc), "run of %zu ending in &", lens[i]);
		check(s, desc);
		s[0] = '"';
		snprintf(
		    desc, sizeof(desc), "run of %zu between specials", lens[i]);
		check(s, desc);
		free(s);
	}
	s = repeat("<", 5000);
	check(s, "5000 lt only");
	free(s);
	s = repeat("\"&\r", 3000);
	check(s, "9000 specials only");
	free(s);
	s = repeat("科技<", 3000);
	check(s, "CJK and lt, 21000 bytes");
	free(s);
	/* A special right where the buffer fills. */
	s = repeat("a", 9000);
	for (i = 8150; i < 8200; i += 7)
		s[i] = '"';
	check(s, "quotes across the buffer's end");
	free(s);
}

/* Pseudo-random strings over specials, ASCII and UTF-8 sequences. */
static void
test_random(void)
{
	static const char *const atoms[] = {"<", ">", "&", "\"", "\r", "'", "a",
	    "Z", " ", "\n", "\t", "語", "é", "\xf0\x9f\x98\x80", "&amp;",
	    "]]>"};
	unsigned long long x = 88172645463325252ULL;
	struct sy_buf s;
	char desc[40];
	int i, j, n;

	sy_buf_init(&s, 0);
	for (i = 0; i < 200; i++) {
		sy_buf_reset(&s);
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = (int)(x % (i < 190 ? 64 : 6000));
		for (j = 0; j < n; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (sy_buf_puts(&s, atoms[x % SY_NELEM(atoms)]) !=
			    SY_OK)
				abort();
		}
		snprintf(desc, sizeof(desc), "random string %d", i);
		check(s.data != NULL ? s.data : "", desc);
	}
	sy_buf_fini(&s);
}

/* Another style, as feed_rss uses one, and an escape that appends. */
static void
test_style(void)
{
	static const struct sy_xmlesc hex = {
	    .cls = {['\0'] = SY_XMLESC_END, ['&'] = 1, ['<'] = 2, ['>'] = 3},
	    .rep = {"&#x26;", "&#x3C;", "&gt;"},
	    .len = {6, 6, 4},
	};
	struct sy_buf b;
	const char in[] = "a&b<c>d\"e\0f<";
	const char want[] = "pre:a&#x26;b&#x3C;c&gt;d\"e\0f&#x3C;";

	sy_buf_init(&b, 0);
	T_INTEQ(sy_buf_puts(&b, "pre:"), SY_OK, "prefix");
	T_INTEQ(sy_xmltext_escape(&b, in, sizeof(in) - 1, &hex), SY_OK,
	    "hex style: ok");
	T_INTEQ(b.len, sizeof(want) - 1, "hex style: length (NUL copied)");
	T_OK(b.len == sizeof(want) - 1 && memcmp(b.data, want, b.len) == 0,
	    "hex style: bytes");
	sy_buf_fini(&b);

	/* The cap is kept and a failure leaves the buffer as it was. */
	sy_buf_init(&b, 10);
	T_INTEQ(sy_buf_puts(&b, "abc"), SY_OK, "capped: prefix");
	T_INTEQ(sy_xmltext_escape(&b, "<<<", 3, &sy_xmlesc_text), SY_ELIMIT,
	    "capped: over the cap");
	T_STREQ(b.data, "abc", "capped: as it was");
	T_INTEQ(b.len, 3, "capped: length as it was");
	sy_buf_fini(&b);
}

int
main(void)
{
	LIBXML_TEST_VERSION
	test_fixed();
	test_long();
	test_random();
	test_style();
	xmlCleanupParser();
	return t_done();
}
