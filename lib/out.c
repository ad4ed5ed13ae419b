/* out.c: the writers' output block and the escaping tables. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "out.h"
#include "util.h"

const struct sy_esc sy_esc_xml_text = {
    .cls = {SY_ESC_XML_C0, SY_ESC_HIGH, ['\0'] = SY_ESC_END, ['<'] = SY_ESC_REP,
        ['>'] = SY_ESC_REP, ['&'] = SY_ESC_REP, ['"'] = SY_ESC_REP,
        ['\r'] = SY_ESC_REP},
    .rep = {SY_ESC_XML_C0_REP, ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;",
        ['"'] = "&quot;", ['\r'] = "&#13;"},
    .len = {SY_ESC_XML_C0_LEN, ['<'] = 4, ['>'] = 4, ['&'] = 5, ['"'] = 6,
        ['\r'] = 5},
    .xml = 1,
    .nspec = 5,
    .spec = {'<', '>', '&', '"', '\r'},
};

const struct sy_esc sy_esc_xml_attr = {
    .cls = {SY_ESC_XML_C0, SY_ESC_HIGH, ['\0'] = SY_ESC_END, ['<'] = SY_ESC_REP,
        ['>'] = SY_ESC_REP, ['&'] = SY_ESC_REP, ['"'] = SY_ESC_REP,
        ['\r'] = SY_ESC_REP, ['\n'] = SY_ESC_REP, ['\t'] = SY_ESC_REP},
    .rep = {SY_ESC_XML_C0_REP, ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;",
        ['"'] = "&quot;", ['\r'] = "&#13;", ['\n'] = "&#10;", ['\t'] = "&#9;"},
    .len = {SY_ESC_XML_C0_LEN, ['<'] = 4, ['>'] = 4, ['&'] = 5, ['"'] = 6,
        ['\r'] = 5, ['\n'] = 5, ['\t'] = 4},
    .xml = 1,
    .nspec = 7,
    .spec = {'<', '>', '&', '"', '\r', '\n', '\t'},
};

#define J(c) [c] = SY_ESC_REP
#define JR(c, s) [c] = s
const struct sy_esc sy_esc_json = {
    .cls = {J(0x01), J(0x02), J(0x03), J(0x04), J(0x05), J(0x06), J(0x07),
        J(0x08), J(0x09), J(0x0A), J(0x0B), J(0x0C), J(0x0D), J(0x0E), J(0x0F),
        J(0x10), J(0x11), J(0x12), J(0x13), J(0x14), J(0x15), J(0x16), J(0x17),
        J(0x18), J(0x19), J(0x1A), J(0x1B), J(0x1C), J(0x1D), J(0x1E), J(0x1F),
        J('"'), J('\\'), SY_ESC_HIGH, ['\0'] = SY_ESC_END},
    .rep = {JR(0x01, "\\u0001"), JR(0x02, "\\u0002"), JR(0x03, "\\u0003"),
        JR(0x04, "\\u0004"), JR(0x05, "\\u0005"), JR(0x06, "\\u0006"),
        JR(0x07, "\\u0007"), JR(0x08, "\\b"), JR(0x09, "\\t"), JR(0x0A, "\\n"),
        JR(0x0B, "\\u000B"), JR(0x0C, "\\f"), JR(0x0D, "\\r"),
        JR(0x0E, "\\u000E"), JR(0x0F, "\\u000F"), JR(0x10, "\\u0010"),
        JR(0x11, "\\u0011"), JR(0x12, "\\u0012"), JR(0x13, "\\u0013"),
        JR(0x14, "\\u0014"), JR(0x15, "\\u0015"), JR(0x16, "\\u0016"),
        JR(0x17, "\\u0017"), JR(0x18, "\\u0018"), JR(0x19, "\\u0019"),
        JR(0x1A, "\\u001A"), JR(0x1B, "\\u001B"), JR(0x1C, "\\u001C"),
        JR(0x1D, "\\u001D"), JR(0x1E, "\\u001E"), JR(0x1F, "\\u001F"),
        JR('"', "\\\""), JR('\\', "\\\\")},
    .len = {[0x01] = 6,
        [0x02] = 6,
        [0x03] = 6,
        [0x04] = 6,
        [0x05] = 6,
        [0x06] = 6,
        [0x07] = 6,
        [0x08] = 2,
        [0x09] = 2,
        [0x0A] = 2,
        [0x0B] = 6,
        [0x0C] = 2,
        [0x0D] = 2,
        [0x0E] = 6,
        [0x0F] = 6,
        [0x10] = 6,
        [0x11] = 6,
        [0x12] = 6,
        [0x13] = 6,
        [0x14] = 6,
        [0x15] = 6,
        [0x16] = 6,
        [0x17] = 6,
        [0x18] = 6,
        [0x19] = 6,
        [0x1A] = 6,
        [0x1B] = 6,
        [0x1C] = 6,
        [0x1D] = 6,
        [0x1E] = 6,
        [0x1F] = 6,
        ['"'] = 2,
        ['\\'] = 2},
    .js = 1,
    .nspec = 2,
    .spec = {'"', '\\'},
};

void
sy_out_init(struct sy_out *o, FILE *fp)
{
	o->fp = fp;
	o->len = 0;
	o->err = SY_OK;
	o->cap = fp != NULL ? SY_OUT_BLOCK : 256;
	if ((o->data = malloc(o->cap)) == NULL) {
		o->cap = 0;
		o->err = SY_ENOMEM;
	}
}

void
sy_out_fini(struct sy_out *o)
{
	free(o->data);
	o->data = NULL;
	o->len = o->cap = 0;
}

void
sy_out_reset(struct sy_out *o)
{
	o->len = 0;
	o->err = o->data != NULL ? SY_OK : SY_ENOMEM;
}

static void
drain(struct sy_out *o, const void *p, size_t n)
{
	if (o->err == SY_OK && n > 0 && fwrite(p, 1, n, o->fp) != n)
		o->err = SY_EIO;
}

void
sy_out_slow(struct sy_out *o, const void *p, size_t n)
{
	size_t cap;
	char *d;

	if (o->err != SY_OK)
		return;
	if (o->fp != NULL) {
		/* Full: the block goes out, then p (in place when large). */
		drain(o, o->data, o->len);
		o->len = 0;
		if (n >= o->cap)
			drain(o, p, n);
		else {
			memcpy(o->data, p, n);
			o->len = n;
		}
		return;
	}
	for (cap = o->cap; cap - o->len <= n; cap *= 2)
		if (cap > SIZE_MAX / 4) {
			o->err = SY_ENOMEM;
			return;
		}
	/*
	 * A new block mapped in at once (sy_prefault), then the bytes:
	 * realloc's copy faulted on every page of it, a thousand faults a
	 * 100,000-row build (the blocks are kept from feed to feed).
	 */
	if ((d = malloc(cap)) == NULL) {
		o->err = SY_ENOMEM;
		return;
	}
	sy_prefault(d, cap);
	if (o->len > 0)
		memcpy(d, o->data, o->len);
	free(o->data);
	o->data = d;
	o->cap = cap;
	memcpy(o->data + o->len, p, n);
	o->len += n;
}

enum sy_err
sy_out_flush(struct sy_out *o)
{
	if (o->fp == NULL)
		return o->err;
	drain(o, o->data, o->len);
	o->len = 0;
	if (o->err == SY_OK && fflush(o->fp) == EOF)
		o->err = SY_EIO;
	return o->err;
}

void
sy_out_ll(struct sy_out *o, long long v)
{
	char d[24], *p = d + sizeof(d);
	unsigned long long u =
	    v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	sy_out_write(o, p, (size_t)(d + sizeof(d) - p));
}

void
sy_out_indent(struct sy_out *o, unsigned depth)
{
	static const char sp[] = "                                ";

	while (depth > 16) {
		SY_OUT_LIT(o, sp);
		depth -= 16;
	}
	sy_out_write(o, sp, 2 * (size_t)depth);
}

/*
 * The length of the well-formed UTF-8 sequence at p (a byte from 0x80),
 * or 0; *bad gets the length of its maximal invalid subpart (at least 1)
 * when it is not well-formed.  Unicode 15, table 3-7.
 */
static size_t
utf8_seq(const unsigned char *p, size_t *bad)
{
	unsigned c = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*bad = 1;
		return 0;
	}
	if (p[1] < lo || p[1] > hi) {
		*bad = 1;
		return 0;
	}
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF) {
			*bad = i;
			return 0;
		}
	return n;
}

/*
 * esc's spec bytes, each in every lane of a vector: made once a string,
 * not once a run (a run of HTML between two escaped '<' is a few bytes).
 */
struct spec_vec {
#if defined(__SSE2__)
	__m128i v[sizeof(((struct sy_esc *)0)->spec)];
#endif
	unsigned n;
};

static inline void
spec_vec_init(struct spec_vec *sv, const struct sy_esc *esc)
{
	size_t k;

	sv->n = esc->nspec;
#if defined(__SSE2__)
	/* v[0] always (skip_plain compares it): a 0 past nspec, a control. */
	sv->v[0] = _mm_set1_epi8((char)esc->spec[0]);
	for (k = 1; k < sv->n; k++)
		sv->v[k] = _mm_set1_epi8((char)esc->spec[k]);
#else
	(void)k;
#endif
}

/*
 * The first byte at or after p that is not plain printable ASCII outside
 * esc's spec (sv; or p itself when fewer than 16 bytes are left before
 * end): SSE2, 16 bytes at a time.  Whatever it stops at, the caller looks
 * at through the table.
 */
static inline const unsigned char *
skip_plain(
    const unsigned char *p, const unsigned char *end, const struct spec_vec *sv)
{
#if defined(__SSE2__)
	const __m128i lo = _mm_set1_epi8(0x1F);
	unsigned bits;

	while (end - p >= 16) {
		const __m128i x =
		    _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Controls, and the spec: one mask of them all. */
		__m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lo), x),
		    _mm_cmpeq_epi8(x, sv->v[0]));

		/* Unrolled by n (the same all along a string). */
		switch (sv->n) {
		case 8:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[7]));
			/* FALLTHROUGH */
		case 7:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[6]));
			/* FALLTHROUGH */
		case 6:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[5]));
			/* FALLTHROUGH */
		case 5:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[4]));
			/* FALLTHROUGH */
		case 4:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[3]));
			/* FALLTHROUGH */
		case 3:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[2]));
			/* FALLTHROUGH */
		case 2:
			m = _mm_or_si128(m, _mm_cmpeq_epi8(x, sv->v[1]));
			/* FALLTHROUGH */
		default:
			break;
		}
		/* Bytes from 0x80 set the mask's bits by themselves. */
		bits = (unsigned)_mm_movemask_epi8(x) |
		    (unsigned)_mm_movemask_epi8(m);
		if (bits != 0)
			return p + __builtin_ctz(bits);
		p += 16;
	}
#else
	(void)end;
	(void)sv;
#endif
	return p;
}

/*
 * How many bytes from p (the start of a character) are whole 3-byte
 * characters led by E3 to EC, five at a time (SSE2; 0 with fewer than
 * 16 bytes left): U+3000 to U+CFFF, most of CJK text, where no lead or
 * continuation byte needs a second look (no surrogate, overlong form,
 * U+FFFE, U+FFFF, U+2028 or U+2029 is led by those).
 */
static inline size_t
skip_cjk(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__)
	/* Of 15 bytes: leads at 0, 3, ..., 12; continuations between. */
	enum { LEADS = 0x1249, CONTS = 0x6DB6, ALL = 0x7FFF };
	const unsigned char *s = p;
	const __m128i e3 = _mm_set1_epi8((char)0xE3), nine = _mm_set1_epi8(9),
	              top = _mm_set1_epi8((char)0xC0),
	              cont = _mm_set1_epi8((char)0x80);
	unsigned lead, tail, bad;

	while (end - p >= 16) {
		const __m128i x =
		    _mm_loadu_si128((const __m128i *)(const void *)p);
		const __m128i t = _mm_sub_epi8(x, e3); /* 0..9: E3..EC */

		lead = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_min_epu8(t, nine), t));
		tail = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_and_si128(x, top), cont));
		bad = ((lead ^ LEADS) | (tail ^ CONTS)) & ALL;
		if (bad != 0) {
			/* the characters wholly before the first misfit */
			p += (size_t)3 * ((unsigned)__builtin_ctz(bad) / 3);
			break;
		}
		p += 15;
	}
	return (size_t)(p - s);
#else
	(void)p;
	(void)end;
	return 0;
#endif
}

void
sy_out_esc(struct sy_out *o, const char *s, const struct sy_esc *esc)
{
	const unsigned char *cls = esc->cls;
	const unsigned char *p = (const unsigned char *)s, *run;
	const unsigned char *end = p + strlen(s);
	struct spec_vec sv;
	size_t k, bad;
	unsigned c;

	spec_vec_init(&sv, esc);
	for (;;) {
		run = p;
		/* The run to copy: plain bytes and good UTF-8. */
		for (;;) {
			p = skip_plain(p, end, &sv);
			if ((c = cls[*p]) == 0) {
				p++;
				continue;
			}
			if (c != SY_ESC_UTF8)
				break;
			/* Multi-byte characters; E3..EC: nothing to look at. */
			do {
				if ((k = skip_cjk(p, end)) > 0) {
					p += k;
					continue;
				}
				if (p[0] >= 0xE3 && p[0] <= 0xEC &&
				    (p[1] & 0xC0) == 0x80 &&
				    (p[2] & 0xC0) == 0x80) {
					p += 3;
					continue;
				}
				if ((k = utf8_seq(p, &bad)) == 0)
					goto stop;
				if (k == 3 &&
				    ((esc->xml && p[0] == 0xEF &&
				         p[1] == 0xBF && p[2] >= 0xBE) ||
				        (esc->js && p[0] == 0xE2 &&
				            p[1] == 0x80 &&
				            (p[2] == 0xA8 || p[2] == 0xA9))))
					goto stop;
				p += k;
			} while (*p >= 0x80);
		}
	stop:
		if (p > run)
			sy_out_write(o, run, (size_t)(p - run));
		c = *p;
		switch (cls[c]) {
		case SY_ESC_END:
			return;
		case SY_ESC_REP:
			sy_out_write(o, esc->rep[c], esc->len[c]);
			p++;
			break;
		default:
			bad = 1;
			k = utf8_seq(p, &bad);
			if (k == 3 && esc->js) {
				sy_out_write(
				    o, p[2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
				p += 3;
			} else if (k == 3) {
				SY_OUT_LIT(o, SY_FFFD); /* U+FFFE, U+FFFF */
				p += 3;
			} else {
				/* k is 0 here: the scan took any other
				 * sequence. */
				SY_OUT_LIT(o, SY_FFFD);
				p += bad;
			}
			break;
		}
	}
}
