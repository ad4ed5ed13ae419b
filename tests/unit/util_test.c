#include "lib/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

	T_OK(sy_strtoll("42", 0, 100, &n) == 0 && n == 42, "strtoll 42");
	T_OK(sy_strtoll("", 0, 100, &n) != 0, "strtoll empty");
	T_OK(sy_strtoll(" 4", 0, 100, &n) != 0, "strtoll leading space");
	T_OK(sy_strtoll("4x", 0, 100, &n) != 0, "strtoll junk");
	T_OK(sy_strtoll("101", 0, 100, &n) != 0, "strtoll range");
	T_OK(sy_strtoll("99999999999999999999", 0, INT64_MAX, &n) != 0,
	    "strtoll overflow");
	T_OK(sy_reallocarray(NULL, SIZE_MAX / 2, 4) == NULL,
	    "reallocarray overflow");
	T_OK(sy_strcasecmp("Content_File", "content_file") == 0, "casecmp");
	T_OK(sy_has_prefix_ci("X-Mine", "x-"), "prefix");

	sy_buf_init(&buf, 8);
	T_OK(sy_buf_puts(&buf, "12345678") == SY_OK, "buf fills to its cap");
	T_OK(sy_buf_putc(&buf, '9') == SY_ELIMIT, "buf refuses past its cap");
	T_STREQ(buf.data, "12345678", "buf unchanged after refusal");
	sy_buf_fini(&buf);

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
	return t_done();
}
