#include "lib/util.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/buf.h"
#include "lib/strmap.h"
#include "t.h"

static const struct {
	const char *in;
	size_t len;
	size_t valid;
} utf8[] = {
    {"", 0, 0}, {"plain ascii text, long enough for the fast path", 47, 47},
    {"深度求索", 12, 12}, {"abcdefgh深", 11, 11}, {"abcdefgh\xff", 9, 8},
    {"\xc0\xaf", 2, 0},         /* overlong "/" */
    {"\xe0\x80\xaf", 3, 0},     /* overlong */
    {"\xed\xa0\x80", 3, 0},     /* surrogate */
    {"\xf4\x90\x80\x80", 4, 0}, /* above U+10FFFF */
    {"ok\xe6\xb7", 4, 2},       /* cut short */
    {"\xf0\x9f\x98\x80 emoji", 10, 10},
    {"12345678\x80", 9, 8}, /* lone continuation */
};

/* The definition, slowly: is s[0..n) one well-formed UTF-8 character? */
static bool
ref_one(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t k, want;

	if (s[0] < 0x80)
		return n == 1;
	want = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	if (want != n)
		return false;
	cp = s[0] & (0x7f >> n);
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return false;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000))
		return false;
	return cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

/*
 * The definition of both prefixes, a character at a time with ref_one:
 * the valid UTF-8 prefix (text: cut at the first NUL, *bad set for a
 * control character but TAB, LF, CR, or U+FFFE, U+FFFF).
 */
static size_t
ref_prefix(const unsigned char *s, size_t n, bool text, bool *bad)
{
	size_t i = 0, k;

	*bad = false;
	while (i < n) {
		k = s[i] < 0x80    ? 1
		    : s[i] >= 0xf8 ? 0
		    : s[i] >= 0xf0 ? 4
		    : s[i] >= 0xe0 ? 3
		    : s[i] >= 0xc0 ? 2
		                   : 0;
		if (text && s[i] == 0)
			return i;
		if (k == 0 || i + k > n || !ref_one(s + i, k))
			return i;
		if (text && k == 1 && s[i] < 0x20 && s[i] != '\t' &&
		    s[i] != '\n' && s[i] != '\r')
			*bad = true;
		if (text && k == 3 && s[i] == 0xef && s[i + 1] == 0xbf &&
		    s[i + 2] >= 0xbe)
			*bad = true;
		i += k;
	}
	return n;
}

/* 1 when either prefix of s[0, n) differs from ref_prefix's. */
static int
prefix_differs(const unsigned char *s, size_t n)
{
	bool bad = false, want_bad;
	size_t want = ref_prefix(s, n, false, &want_bad);
	int wrong = sy_utf8_valid_prefix((const char *)s, n) != want;

	want = ref_prefix(s, n, true, &want_bad);
	wrong |= sy_text_valid_prefix((const char *)s, n, &bad) != want ||
	    bad != want_bad;
	return wrong;
}

/*
 * sy_text_valid_prefix against its definition: the valid UTF-8 prefix
 * cut at the first NUL, and sy_xml_bad_char over that prefix.  Returns
 * 1 on disagreement.
 */
static int
text_differs(const unsigned char *s, size_t n)
{
	const char *nul = memchr(s, '\0', n);
	size_t want = sy_utf8_valid_prefix((const char *)s, n), got;
	bool bad = false;
	uint32_t cp;

	if (nul != NULL && (size_t)(nul - (const char *)s) < want)
		want = (size_t)(nul - (const char *)s);
	got = sy_text_valid_prefix((const char *)s, n, &bad);
	return got != want ||
	    bad != (sy_xml_bad_char((const char *)s, want, &cp) != (size_t)-1);
}

/* A piece of text for the random test: ASCII, CJK, controls, junk. */
static size_t
random_piece(unsigned char *p, unsigned r)
{
	static const char *const pieces[] = {"a", "plain words ", "深度", "\t",
	    "\n", "\r", "\x01", "\x1f", "\x7f", "\xef\xbf\xbe", "\xef\xbf\xbf",
	    "\xef\xbf\xbd", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xed\xa0\x80",
	    "\xff", "\x80", "\xe6\xb7", ",\"\"", "\x00", "\xe0\xa0\x80",
	    "\xed\x9f\xbf", "\xef\xbc\x8c", "\xe0\x80\x80", "\xef\xbf",
	    "深度求索後發先至", "<p>開源</p>"};
	const char *q = pieces[r % SY_NELEM(pieces)];
	size_t n = strcmp(q, "\x00") == 0 ? 1 : strlen(q);

	memcpy(p, q, n);
	return n;
}

/*
 * sy_prefault maps pages in, and changes nothing of what they hold: a
 * block written before keeps every byte (MADV_DONTNEED, say, would
 * have zeroed it), one not yet written reads as zero, and a block with
 * no whole page inside, or NULL, is left alone.
 */
static void
test_prefault(void)
{
	const size_t n = (1u << 20) + 123;
	unsigned char *p = malloc(n), *q;
	size_t i, changed = 0, nonzero = 0;

	q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (p == NULL || q == MAP_FAILED)
		abort();
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 1);
	sy_prefault(p, n);
	for (i = 0; i < n; i++)
		changed += p[i] != (unsigned char)(i * 7 + 1);
	T_INTEQ(changed, 0, "prefault: a written block keeps its bytes");
	sy_prefault(p + 1, 100);
	sy_prefault(NULL, n);
	sy_prefault(p, 0);
	T_OK(p[1] == 8 && p[100] == (unsigned char)701,
	    "prefault: under a page, or NULL, nothing happens");
	/* Fresh pages: zeros, as they would read without it. */
	sy_prefault(q, n);
	for (i = 0; i < n; i++)
		nonzero += q[i] != 0;
	T_INTEQ(nonzero, 0, "prefault: fresh pages read as zeros");
	free(p);
	munmap(q, n);
}

int
main(void)
{
	unsigned char b[24];
	size_t i, off;
	int v, pos, wrong = 0;
	uint32_t cp;
	long long n;
	struct sy_buf buf;
	struct sy_strmap m;
	bool found;
	size_t old = 0;
	char key[32];

	for (i = 0; i < SY_NELEM(utf8); i++)
		T_INTEQ(sy_utf8_valid_prefix(utf8[i].in, utf8[i].len),
		    utf8[i].valid, "utf8 case %zu", i);

	/* Every two- and three-byte sequence, against the definition. */
	wrong = 0;
	for (v = 0xc0; v < 0x100; v++) {
		unsigned c1, c2;

		for (c1 = 0; c1 < 0x100; c1++) {
			b[0] = (unsigned char)v;
			b[1] = (unsigned char)c1;
			if ((sy_utf8_valid_prefix((const char *)b, 2) == 2) !=
			    ref_one(b, 2))
				wrong++;
			if (v < 0xe0 || v >= 0xf0)
				continue;
			for (c2 = 0; c2 < 0x100; c2++) {
				b[2] = (unsigned char)c2;
				if ((sy_utf8_valid_prefix((const char *)b, 3) ==
				        3) != ref_one(b, 3))
					wrong++;
			}
		}
	}
	T_INTEQ(wrong, 0, "every 2- and 3-byte sequence judged as defined");

	/* Every byte value at every position, against the plain rule. */
	for (v = 0; v < 0x80; v++) {
		for (pos = 0; pos < 24; pos++) {
			bool want =
			    v < 0x20 && v != '\t' && v != '\n' && v != '\r';

			memset(b, 'a', sizeof(b));
			b[pos] = (unsigned char)v;
			off = sy_xml_bad_char((const char *)b, sizeof(b), &cp);
			if ((off != (size_t)-1) != want ||
			    (want && (off != (size_t)pos || cp != (unsigned)v)))
				wrong++;
		}
	}
	T_INTEQ(wrong, 0,
	    "xml_bad_char agrees for every ASCII byte at "
	    "every position");
	off = sy_xml_bad_char("標題\xef\xbf\xbe", 9, &cp);
	T_OK(off == 6 && cp == 0xfffe, "U+FFFE is refused at its offset");
	off = sy_xml_bad_char("標題\xef\xbf\xbd", 9, &cp);
	T_OK(off == (size_t)-1, "U+FFFD is fine");
	T_INTEQ(sy_utf8_count("深度x", 7), 3, "code points counted");

	/* Every 1-, 2- and 3-byte sequence at every offset of 16 bytes. */
	wrong = 0;
	for (v = 0; v < 0x100; v++) {
		unsigned c1, c2;

		for (pos = 0; pos < 13; pos++) {
			memset(b, 'a', sizeof(b));
			b[pos] = (unsigned char)v;
			wrong += text_differs(b, 16);
			if (v < 0xc0)
				continue;
			for (c1 = 0; c1 < 0x100; c1++) {
				b[pos + 1] = (unsigned char)c1;
				b[pos + 2] = 'a';
				wrong += text_differs(b, 16);
				if (v != 0xef && v != 0xe6 && pos != 3)
					continue;
				for (c2 = 0x80; c2 < 0xc0; c2++) {
					b[pos + 2] = (unsigned char)c2;
					wrong += text_differs(b, 16);
				}
			}
		}
	}
	T_INTEQ(wrong, 0, "text scan agrees with utf8 + NUL + XML checks");
	/*
	 * Long texts, which the whole-text check of 32 bytes a step takes:
	 * each kind of fault, and each byte pair, at every offset around
	 * its block bounds (CJK and ASCII mixed, so characters straddle
	 * them at every phase), against the definition.
	 */
	{
		static const char *const faults[] = {"\x00", "\x01", "\x1f",
		    "\x7f", "\t", "\r", "\n", "\xef\xbf\xbe", "\xef\xbf\xbf",
		    "\xef\xbf\xbd", "\xef\xbc\x8c", "\xed\xa0\x80",
		    "\xed\x9f\xbf", "\xc0\xaf", "\xc1\xbf", "\xc2\x80",
		    "\xe0\x80\xaf", "\xe0\x9f\xbf", "\xe0\xa0\x80",
		    "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf0\x90\x80\x80",
		    "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
		    "\xf8\x88\x80\x80", "\xff", "\xfe", "\x80", "\xbf",
		    "\xe6\xb7", "\xf0\x9f\x98", "\xc3", "\xf0\x9f\x98\x80",
		    "\xe6\xb7\xb1\xbf"};
		static const char base[] = "ab深度x求索cd後發先至 plain "
		                           "words 開源模型e人工智能fg資料社會"
		                           " 新聞h讀者i作者專欄 jk";
		unsigned char t[160];
		size_t bl = sizeof(base) - 1, f, at, fl;
		unsigned c0, c1;

		wrong = 0;
		for (f = 0; f < SY_NELEM(faults); f++) {
			fl = f == 0 ? 1 : strlen(faults[f]);
			for (at = 0; at <= bl; at++) {
				memcpy(t, base, at);
				memcpy(t + at, faults[f], fl);
				memcpy(t + at + fl, base + at, bl - at);
				wrong += prefix_differs(t, bl + fl);
				/* and cut there: the fault last */
				wrong += prefix_differs(t, at + fl);
			}
		}
		T_OK(bl >= 100, "a base text of %zu bytes", bl);
		T_INTEQ(wrong, 0,
		    "%zu faults at every offset of a long text, and the text "
		    "cut after each: both prefixes as defined",
		    SY_NELEM(faults));
		wrong = 0;
		for (at = 29; at < 36; at++)
			for (c0 = 0; c0 < 0x100; c0++)
				for (c1 = 0; c1 < 0x100; c1 += 1) {
					memset(t, 'a', 96);
					t[at] = (unsigned char)c0;
					t[at + 1] = (unsigned char)c1;
					wrong += prefix_differs(t, 96);
				}
		T_INTEQ(wrong, 0,
		    "every byte pair across a 32-byte bound of a long text: "
		    "both prefixes as defined");
	}
	{
		unsigned char t[512];
		unsigned r = 20251128;
		int k;

		wrong = 0;
		for (k = 0; k < 50000; k++) {
			size_t tn = 0;

			while (tn < sizeof(t) - 16) {
				r = r * 1103515245u + 12345u;
				if ((r >> 16) % 9 == 0)
					break;
				tn += random_piece(t + tn,
				    (r >> 8) % 97 < 60 ? (r >> 20) % 3
				                       : (r >> 20));
			}
			wrong += text_differs(t, tn);
		}
		T_INTEQ(wrong, 0, "text scan agrees on 50,000 random texts");
	}
	{
		bool bad = false;

		T_INTEQ(sy_text_valid_prefix("abc\0def", 7, &bad), 3,
		    "text scan stops at NUL");
		T_OK(!bad, "NUL alone does not set xml_bad");
		T_INTEQ(sy_text_valid_prefix("ok\x01深度", 9, &bad), 9,
		    "a control character is valid UTF-8");
		T_OK(bad, "and sets xml_bad");
	}

	T_OK(sy_strtoll("42", 0, 100, &n) == 0 && n == 42, "strtoll 42");
	T_OK(sy_strtoll("", 0, 100, &n) != 0, "strtoll empty");
	T_OK(sy_strtoll(" 4", 0, 100, &n) != 0, "strtoll leading space");
	T_OK(sy_strtoll("4x", 0, 100, &n) != 0, "strtoll junk");
	T_OK(sy_strtoll("101", 0, 100, &n) != 0, "strtoll range");
	T_OK(sy_strtoll("99999999999999999999", 0, INT64_MAX, &n) != 0,
	    "strtoll overflow");
	T_OK(sy_reallocarray(NULL, SIZE_MAX / 2, 4) == NULL,
	    "reallocarray overflow");
	{
		size_t cap = 0, *g = NULL, *ng;

		g = sy_grow(g, &cap, 1, sizeof(*g), 4);
		T_OK(g != NULL && cap == 4, "grow: first capacity");
		ng = sy_grow(g, &cap, 4, sizeof(*g), 4);
		T_OK(ng == g && cap == 4, "grow: room left, nothing moves");
		g = sy_grow(g, &cap, 9, sizeof(*g), 4);
		T_OK(g != NULL && cap == 16, "grow: doubled until it fits");
		ng = sy_grow(g, &cap, SIZE_MAX / 4, sizeof(*g), 4);
		T_OK(ng == NULL && cap == 16,
		    "grow: too much leaves it as it was");
		free(g);
	}
	T_OK(sy_strcasecmp("Content_File", "content_file") == 0, "casecmp");
	T_OK(sy_has_prefix_ci("X-Mine", "x-"), "prefix");

	sy_buf_init(&buf, 8);
	T_OK(sy_buf_puts(&buf, "12345678") == SY_OK, "buf fills to its cap");
	T_OK(sy_buf_putc(&buf, '9') == SY_ELIMIT, "buf refuses past its cap");
	T_STREQ(buf.data, "12345678", "buf unchanged after refusal");
	sy_buf_fini(&buf);

	/* Room reserved at once: appends up to it never move the data. */
	{
		const char *at;
		bool moved = false;
		enum sy_err e;

		sy_buf_init(&buf, 0);
		e = sy_buf_reserve(&buf, 700);
		T_OK(e == SY_OK && buf.cap == 701,
		    "reserve 700: a block of exactly 701 (%zu)", buf.cap);
		at = buf.data;
		for (i = 0; i < 70; i++) {
			(void)sy_buf_puts(&buf, "0123456789");
			moved |= buf.data != at;
		}
		T_OK(!moved && buf.len == 700 && buf.cap == 701,
		    "700 bytes appended in place");
		T_OK(sy_buf_reserve(&buf, 0) == SY_OK && buf.data == at,
		    "reserving what is there changes nothing");
		(void)sy_buf_putc(&buf, 'x');
		T_OK(buf.len == 701 && buf.data[700] == 'x' &&
		        buf.data[701] == '\0',
		    "one more grows it");
		sy_buf_fini(&buf);
		sy_buf_init(&buf, 8);
		(void)sy_buf_puts(&buf, "1234");
		T_OK(sy_buf_reserve(&buf, 5) == SY_ELIMIT &&
		        sy_buf_reserve(&buf, 4) == SY_OK,
		    "reserve keeps to the cap");
		sy_buf_fini(&buf);
	}

	/* Stolen data is trimmed: 700 bytes grown to a 1024-byte block. */
	{
		char *p;

		sy_buf_init(&buf, 0);
		for (i = 0; i < 70; i++)
			(void)sy_buf_puts(&buf, "0123456789");
		T_OK(buf.cap >= 1024, "buf doubled to 1024 for 700 bytes");
		p = sy_buf_steal(&buf);
		T_OK(p != NULL && strlen(p) == 700 && p[699] == '9',
		    "steal hands over the 700 bytes");
		T_OK(p != NULL && malloc_usable_size(p) < 1024,
		    "steal trims the block (usable %zu)",
		    p != NULL ? malloc_usable_size(p) : 0);
		T_OK(buf.data == NULL && buf.len == 0 && buf.cap == 0,
		    "steal resets the buf");
		free(p);
	}

	/* Edit distance (case ignored, neighbours swapped in one) and hints. */
	{
		static const struct {
			const char *a, *b;
			size_t max, want;
		} dist[] = {
		    {"", "", 2, 0},
		    {"link", "link", 2, 0},
		    {"LINK", "link", 2, 0},
		    {"lnk", "link", 2, 1},
		    {"lnik", "link", 2, 1},
		    {"summery", "summary", 2, 1},
		    {"tech-note", "tech-notes", 2, 1},
		    {"kitten", "sitting", 5, 3},
		    {"kitten", "sitting", 2, 3},
		    {"ca", "abc", 5, 3},
		    {"abc", "", 5, 3},
		    {"", "abc", 1, 2},
		    {"published", "pubDate", 9, 5},
		    {"abcdefgh", "badcfehg", 9, 4},
		};
		char longer[SY_DISTANCE_MAXLEN + 2];

		for (i = 0; i < sizeof(dist) / sizeof(dist[0]); i++)
			T_INTEQ(
			    sy_str_distance(dist[i].a, dist[i].b, dist[i].max),
			    dist[i].want, "distance(%s, %s, %zu)", dist[i].a,
			    dist[i].b, dist[i].max);
		memset(longer, 'a', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = '\0';
		T_INTEQ(sy_str_distance(longer, longer, 3), 4,
		    "a string past the limit is never near");
		T_OK(sy_str_near("lnk", "link"), "lnk is near link");
		T_OK(sy_str_near("Titel", "title"), "Titel is near title");
		T_OK(!sy_str_near("id", "guid"), "id is not near guid");
		T_OK(!sy_str_near("date", "image"), "date is not near image");
		T_OK(!sy_str_near("x", "id"), "x is not near id");
	}

	sy_strmap_init(&m);
	for (i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "id-%zu", i);
		if (sy_strmap_put(&m, key, i, &found, &old) != SY_OK || found)
			wrong++;
	}
	T_INTEQ(wrong, 0, "5000 distinct keys inserted");
	T_OK(sy_strmap_put(&m, "id-1234", 9, &found, &old) == SY_OK && found &&
	        old == 1234,
	    "duplicate key found with its first value");
	T_OK(!sy_strmap_get(&m, "id-5000", NULL), "absent key");
	sy_strmap_fini(&m);
	test_prefault();
	return t_done();
}
