/* util.c: small helpers shared by every module. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SY_AVX2 1 /* compiled in; used where the processor has it */
#endif

#include "util.h"

int
sy_strtoll(const char *s, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || SY_ISSPACE(*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void *
sy_reallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n * size == 0 ? 1 : n * size);
}

char *
sy_strndup(const char *s, size_t n)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = malloc(n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void *
sy_grow(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c = *cap ? *cap : first;
	void *nv;

	if (n <= *cap)
		return v;
	while (c < n) {
		if (c > SIZE_MAX / 2)
			return NULL;
		c *= 2;
	}
	nv = sy_reallocarray(v, c, size);
	if (nv != NULL) {
		*cap = c;
		sy_huge(nv, c * size);
	}
	return nv;
}

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* madvise(advice) over the whole pages of pg bytes inside p[0, n). */
static void
advise_inside(void *p, size_t n, uintptr_t pg, int advice)
{
	uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1);
	uintptr_t b = ((uintptr_t)p + n) & ~(pg - 1);

	if (p != NULL && b > a)
		(void)madvise((void *)a, (size_t)(b - a), advice);
}

void
sy_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	advise_inside(p, n, HUGE_PAGE, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void
sy_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
	advise_inside(p, n, 4096, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)n;
#endif
}

void *
sy_huge_alloc(size_t n)
{
	void *p;

	if (n < HUGE_PAGE || n > SIZE_MAX - HUGE_PAGE)
		return malloc(n);
	n = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	if ((p = aligned_alloc(HUGE_PAGE, n)) != NULL)
		sy_huge(p, n);
	return p;
}

char *
sy_strdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return sy_strndup(s, strlen(s));
}

int
sy_strncasecmp(const char *a, const char *b, size_t n)
{
	size_t i;
	int ca, cb;

	for (i = 0; i < n; i++) {
		ca = SY_TOLOWER((unsigned char)a[i]);
		cb = SY_TOLOWER((unsigned char)b[i]);
		if (ca != cb || ca == '\0')
			return ca - cb;
	}
	return 0;
}

size_t
sy_str_distance(const char *a, const char *b, size_t max)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	/* Three rows of the optimal-string-alignment table. */
	size_t rows[3][SY_DISTANCE_MAXLEN + 1], *pp, *p, *c;

	if (la > SY_DISTANCE_MAXLEN || lb > SY_DISTANCE_MAXLEN)
		return max + 1;
	if ((la > lb ? la - lb : lb - la) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		rows[1][j] = j;
	pp = rows[0];
	p = rows[1];
	c = rows[2];
	for (i = 1; i <= la; i++) {
		size_t low;
		int ca = SY_TOLOWER((unsigned char)a[i - 1]);

		c[0] = low = i;
		for (j = 1; j <= lb; j++) {
			int cb = SY_TOLOWER((unsigned char)b[j - 1]);
			size_t d = p[j - 1] + (ca != cb);

			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (c[j - 1] + 1 < d)
				d = c[j - 1] + 1;
			if (i > 1 && j > 1 &&
			    ca == SY_TOLOWER((unsigned char)b[j - 2]) &&
			    SY_TOLOWER((unsigned char)a[i - 2]) == cb &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			c[j] = d;
			if (d < low)
				low = d;
		}
		if (low > max)
			return max + 1;
		{
			size_t *t = pp;

			pp = p;
			p = c;
			c = t;
		}
	}
	return p[lb] > max ? max + 1 : p[lb];
}

bool
sy_str_near(const char *b, const char *name)
{
	/* At most two edits, and fewer than half of name's letters. */
	size_t d = sy_str_distance(b, name, 2);

	return d <= 2 && d * 2 < strlen(name);
}

int
sy_strcasecmp(const char *a, const char *b)
{
	return sy_strncasecmp(a, b, SIZE_MAX);
}

bool
sy_has_prefix_ci(const char *s, const char *prefix)
{
	return sy_strncasecmp(s, prefix, strlen(prefix)) == 0;
}

bool
sy_has_suffix_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && sy_strcasecmp(s + n - m, suffix) == 0;
}

char *
sy_trim(char *s)
{
	size_t n;
	char *p = s;

	while (SY_ISSPACE((unsigned char)*p))
		p++;
	n = strlen(p);
	while (n > 0 && SY_ISSPACE((unsigned char)p[n - 1]))
		n--;
	if (p != s) /* most values have nothing to trim at the start */
		memmove(s, p, n);
	s[n] = '\0';
	return s;
}

/* True if none of the 8 bytes at s has its high bit set. */
static bool
ascii8(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return (w & 0x8080808080808080ULL) == 0;
}

/* True if the 8 bytes at s are all printable ASCII (0x20..0x7F). */
static bool
text8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w;

	memcpy(&w, s, 8);
	return ((w | ((w - ones * 0x20) & ~w)) & high) == 0;
}

#if defined(__SSE2__) || defined(SY_AVX2)
/*
 * What simd16 and simd32 share once their vector compares are turned
 * into bit masks (bit i for byte i of a block of width bytes, 16 or 32):
 * hi the bytes 80..FF, cont 80..BF, lead E0..EF, bad the bytes that end
 * the prefix whatever follows.  The length of the prefix: up to the first
 * bad byte, lead without its two continuation bytes, or stray
 * continuation byte, and never cutting a character.
 */
static inline unsigned
block_prefix(
    uint64_t hi, uint64_t cont, uint64_t lead, uint64_t bad, unsigned width)
{
	const uint64_t all = (1ULL << width) - 1;
	/* Continuation bytes exactly where the leads want them. */
	uint64_t want = (lead << 1) | (lead << 2), stop, spill;
	unsigned k;

	bad |= hi & ~cont & ~lead;
	stop = (bad | ((want ^ cont) & all)) & all;
	k = stop ? (unsigned)__builtin_ctzll(stop) : width;
	/* No character may cross k. */
	spill = lead & ((1ULL << k) - 1);
	if (k >= 2)
		spill &= ~((1ULL << (k - 2)) - 1);
	if (spill)
		k = (unsigned)__builtin_ctzll(spill);
	return k;
}
#endif

#if defined(__SSE2__)

/*
 * SSE2 over 16 bytes at s, which starts a character: the length of the
 * prefix made only of whole characters that are ASCII (printable ASCII,
 * TAB/LF/CR excluded, when text) or three bytes long with a lead from E1
 * to EF except ED (no overlong form or surrogate possible), and, when
 * text, without EF BF (where U+FFFE and U+FFFF live).  0 when the first
 * character is none of those: the scalar code takes it.
 */
static inline size_t
simd16(const unsigned char *s, bool text)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	unsigned hi = (unsigned)_mm_movemask_epi8(v);
	unsigned ctrl = 0, cont, lead, bad;

	if (text)
		ctrl = (unsigned)_mm_movemask_epi8(
		           _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))) &
		    ~hi;
	if (hi == 0)
		return ctrl == 0 ? 16 : (size_t)__builtin_ctz(ctrl);
	/* 80..BF are below C0 as signed bytes; ASCII is not. */
	cont = (unsigned)_mm_movemask_epi8(
	    _mm_cmplt_epi8(v, _mm_set1_epi8((char)0xc0)));
	lead = (unsigned)_mm_movemask_epi8(
	    _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xf0)),
	        _mm_set1_epi8((char)0xe0)));
	bad = (unsigned)_mm_movemask_epi8(
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xe0)),
	        _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xed))));
	bad |= ctrl;
	if (text)
		bad |= (unsigned)_mm_movemask_epi8(
		           _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xef))) &
		    ((unsigned)_mm_movemask_epi8(
		         _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xbf))) >>
		        1);
	return block_prefix(hi, cont, lead, bad, 16);
}
#endif

#if defined(SY_AVX2)
/*
 * simd16 over 32 bytes with AVX2, for the processors that have it
 * (utf8_scan asks): the same prefix, twice as much a step.
 */
__attribute__((target("avx2"))) static size_t
simd32(const unsigned char *s, bool text)
{
	const __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)s);
	uint64_t hi = (uint32_t)_mm256_movemask_epi8(v);
	uint64_t ctrl = 0, cont, lead, bad;

	/* Signed compares, as in simd16: 80..FF are below 0x20 too. */
	if (text)
		ctrl = (uint32_t)_mm256_movemask_epi8(
		           _mm256_cmpgt_epi8(_mm256_set1_epi8(0x20), v)) &
		    ~hi;
	if (hi == 0)
		return ctrl == 0 ? 32 : (size_t)__builtin_ctzll(ctrl);
	cont = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpgt_epi8(_mm256_set1_epi8((char)0xc0), v));
	lead = (uint32_t)_mm256_movemask_epi8(
	    _mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8((char)0xf0)),
	        _mm256_set1_epi8((char)0xe0)));
	bad = (uint32_t)_mm256_movemask_epi8(
	    _mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xe0)),
	        _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xed))));
	bad |= ctrl;
	if (text)
		bad |= (uint32_t)_mm256_movemask_epi8(
		           _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xef))) &
		    ((uint32_t)_mm256_movemask_epi8(
		         _mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xbf))) >>
		        1);
	return block_prefix(hi, cont, lead, bad, 32);
}
#endif

#if defined(SY_AVX2)
/* v's bytes moved n places up, the first n from the end of prev. */
#define PREV_BYTES(v, prev, n)                                                 \
	_mm256_alignr_epi8(                                                    \
	    (v), _mm256_permute2x128_si256((prev), (v), 0x21), 16 - (n))

/*
 * Errors of a byte after the byte before it, looked up by that byte's
 * high nibble, its low nibble and this byte's high nibble; where all
 * three agree on a bit, the pair is wrong (Keiser and Lemire, "Validating
 * UTF-8 in less than one instruction per byte", 2021).
 */
enum {
	TOO_SHORT = 1,   /* a lead, then no continuation */
	TOO_LONG = 2,    /* ASCII, then a continuation */
	OVERLONG_3 = 4,  /* E0 80..9F */
	TOO_LARGE = 8,   /* past U+10FFFF */
	SURROGATE = 16,  /* ED A0..BF */
	OVERLONG_2 = 32, /* C0, C1 */
	TOO_LARGE_1000 = 64,
	OVERLONG_4 = 64, /* F0 80..8F */
	TWO_CONTS = 128, /* a continuation after one: a third or fourth byte */
	CARRY = TOO_SHORT | TOO_LONG | TWO_CONTS
};

/*
 * s[0, n) checked whole, 32 bytes a step: true when it is valid UTF-8
 * and, when text, has no byte below 0x20 but TAB, LF and CR (no NUL
 * among them) and no U+FFFE or U+FFFF, so that utf8_scan's answer is n
 * with nothing forbidden.  False when any of that may fail: utf8_scan
 * finds out where, as before.  The end is read as if spaces followed,
 * so that a character cut short there is caught.
 */
__attribute__((target("avx2"))) static bool
clean32(const unsigned char *s, size_t n, bool text)
{
	static const unsigned char high1[16] = {TOO_LONG, TOO_LONG, TOO_LONG,
	    TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TOO_LONG, TWO_CONTS,
	    TWO_CONTS, TWO_CONTS, TWO_CONTS, TOO_SHORT | OVERLONG_2, TOO_SHORT,
	    TOO_SHORT | OVERLONG_3 | SURROGATE,
	    TOO_SHORT | TOO_LARGE | TOO_LARGE_1000 | OVERLONG_4};
	static const unsigned char low1[16] = {
	    CARRY | OVERLONG_3 | OVERLONG_2 | OVERLONG_4, CARRY | OVERLONG_2,
	    CARRY, CARRY, CARRY | TOO_LARGE, CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000 | SURROGATE,
	    CARRY | TOO_LARGE | TOO_LARGE_1000,
	    CARRY | TOO_LARGE | TOO_LARGE_1000};
	static const unsigned char high2[16] = {TOO_SHORT, TOO_SHORT, TOO_SHORT,
	    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE_1000 |
	        OVERLONG_4,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | OVERLONG_3 | TOO_LARGE,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
	    TOO_LONG | OVERLONG_2 | TWO_CONTS | SURROGATE | TOO_LARGE,
	    TOO_SHORT, TOO_SHORT, TOO_SHORT, TOO_SHORT};
	/* Each table in both 16-byte lanes, as vpshufb looks up per lane. */
	const __m256i by_high1 = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)(const void *)high1));
	const __m256i by_low1 = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)(const void *)low1));
	const __m256i by_high2 = _mm256_broadcastsi128_si256(
	    _mm_loadu_si128((const __m128i *)(const void *)high2));
	const __m256i nib = _mm256_set1_epi8(0x0f);
	__m256i prev = _mm256_setzero_si256(), err = _mm256_setzero_si256();
	unsigned char tail[32];
	size_t i = 0;
	bool end = false;

	while (!end) {
		__m256i v, p1, p2, p3, sc, must23;

		if (n - i >= 32) {
			v = _mm256_loadu_si256(
			    (const __m256i *)(const void *)(s + i));
			i += 32;
		} else {
			/* The rest, then spaces: one block more, the last. */
			memset(tail, ' ', sizeof(tail));
			memcpy(tail, s + i, n - i);
			v = _mm256_loadu_si256((const __m256i *)(void *)tail);
			i = n;
			end = true;
		}
		p1 = PREV_BYTES(v, prev, 1);
		p2 = PREV_BYTES(v, prev, 2);
		p3 = PREV_BYTES(v, prev, 3);
		sc = _mm256_and_si256(
		    _mm256_and_si256(
		        _mm256_shuffle_epi8(by_high1,
		            _mm256_and_si256(_mm256_srli_epi16(p1, 4), nib)),
		        _mm256_shuffle_epi8(
		            by_low1, _mm256_and_si256(p1, nib))),
		    _mm256_shuffle_epi8(by_high2,
		        _mm256_and_si256(_mm256_srli_epi16(v, 4), nib)));
		/* A third or fourth byte must be a continuation, and only. */
		must23 = _mm256_or_si256(
		    _mm256_subs_epu8(p2, _mm256_set1_epi8((char)(0xe0 - 0x80))),
		    _mm256_subs_epu8(
		        p3, _mm256_set1_epi8((char)(0xf0 - 0x80))));
		err = _mm256_or_si256(err,
		    _mm256_xor_si256(sc,
		        _mm256_and_si256(
		            must23, _mm256_set1_epi8((char)0x80))));
		if (text) {
			/* Below 0x20 but TAB, LF, CR; EF BF BE and EF BF BF. */
			__m256i low = _mm256_cmpeq_epi8(
			    _mm256_max_epu8(v, _mm256_set1_epi8(0x1f)),
			    _mm256_set1_epi8(0x1f));
			__m256i fine = _mm256_or_si256(
			    _mm256_or_si256(
			        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\t')),
			        _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n'))),
			    _mm256_cmpeq_epi8(v, _mm256_set1_epi8('\r')));
			__m256i nonchar = _mm256_and_si256(
			    _mm256_and_si256(_mm256_cmpeq_epi8(p2,
			                         _mm256_set1_epi8((char)0xef)),
			        _mm256_cmpeq_epi8(
			            p1, _mm256_set1_epi8((char)0xbf))),
			    _mm256_cmpeq_epi8(_mm256_max_epu8(v,
			                          _mm256_set1_epi8((char)0xbe)),
			        v));

			err = _mm256_or_si256(err,
			    _mm256_or_si256(
			        _mm256_andnot_si256(fine, low), nonchar));
		}
		prev = v; /* the next block's bytes before it */
	}
	return _mm256_testz_si256(err, err) != 0;
}
#endif

/*
 * The UTF-8 validator behind sy_utf8_valid_prefix and
 * sy_text_valid_prefix: text, when true, also stops at NUL and sets
 * *xml_bad on a character XML 1.0 forbids.  Inlined into each, so the
 * flag costs nothing where it is off.
 */
static inline size_t
utf8_scan(const unsigned char *s, size_t len, bool text, bool *xml_bad)
{
	size_t i = 0, n, k;
	uint32_t cp, min;
#if defined(SY_AVX2)
	bool avx2 = len >= 32 && __builtin_cpu_supports("avx2");

	/* A line of a manifest, a field of content: most often all fine. */
	if (avx2 && len >= 64 && clean32(s, len, text))
		return len;
#endif

	while (i < len) {
#if defined(SY_AVX2)
		if (avx2 && len - i >= 32) {
			size_t ok = simd32(s + i, text);

			if (ok > 0) {
				i += ok;
				continue;
			}
		}
#endif
#if defined(__SSE2__)
		if (len - i >= 16) {
			size_t ok = simd16(s + i, text);

			if (ok > 0) {
				i += ok;
				continue;
			}
		}
#endif
		if (text)
			while (len - i >= 8 && text8(s + i))
				i += 8;
		else
			while (len - i >= 8 && ascii8(s + i))
				i += 8;
		if (i == len)
			break;
		if (s[i] < 0x80) {
			if (text && s[i] < 0x20) {
				if (s[i] == 0)
					return i;
				if (s[i] != '\t' && s[i] != '\n' &&
				    s[i] != '\r')
					*xml_bad = true;
			}
			i++;
			continue;
		}
		/*
		 * Runs of E1..EC and EE..EF with two continuation bytes:
		 * always valid (no overlong form, no surrogate), the bulk of
		 * CJK text, taken in a tight loop.  EF BF BE and EF BF BF are
		 * U+FFFE and U+FFFF, valid UTF-8 that XML forbids.
		 */
		if (len - i >= 3 && (unsigned)(s[i] - 0xe1) <= 0xef - 0xe1 &&
		    s[i] != 0xed) {
			size_t i0 = i;

			while (len - i >= 3 &&
			    (unsigned)(s[i] - 0xe1) <= 0xef - 0xe1 &&
			    s[i] != 0xed &&
			    (((s[i + 1] ^ 0x80) | (s[i + 2] ^ 0x80)) & 0xc0) ==
			        0) {
				if (text && s[i] == 0xef && s[i + 1] == 0xbf &&
				    s[i + 2] >= 0xbe)
					*xml_bad = true;
				i += 3;
			}
			if (i != i0)
				continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf) {
			n = 2;
			cp = s[i] & 0x1f;
			min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = s[i] & 0x0f;
			min = 0x800;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			cp = s[i] & 0x07;
			min = 0x10000;
		} else {
			return i;
		}
		if (len - i < n)
			return i;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		if (text && (cp == 0xfffe || cp == 0xffff))
			*xml_bad = true;
		i += n;
	}
	return len;
}

size_t
sy_utf8_valid_prefix(const char *str, size_t len)
{
	return utf8_scan((const unsigned char *)str, len, false, NULL);
}

size_t
sy_text_valid_prefix(const char *str, size_t len, bool *xml_bad)
{
	return utf8_scan((const unsigned char *)str, len, true, xml_bad);
}

int
sy_utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] < 0xe0) {
		*cp = ((uint32_t)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
		return 2;
	}
	if (s[0] < 0xf0) {
		*cp = ((uint32_t)(s[0] & 0x0f) << 12) |
		    ((uint32_t)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		return 3;
	}
	*cp = ((uint32_t)(s[0] & 0x07) << 18) |
	    ((uint32_t)(s[1] & 0x3f) << 12) | ((uint32_t)(s[2] & 0x3f) << 6) |
	    (s[3] & 0x3f);
	return 4;
}

/*
 * True if none of the 8 bytes at s is below 0x20 or equal to 0xEF, the
 * only bytes that can start a character XML 1.0 forbids (in valid UTF-8).
 * Word-at-a-time tests, exact for "is there such a byte".
 */
static bool
xml_clean8(const unsigned char *s)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	uint64_t w, x;

	memcpy(&w, s, 8);
	x = w ^ (ones * 0xef);
	return (((w - ones * 0x20) & ~w & high) | ((x - ones) & ~x & high)) ==
	    0;
}

size_t
sy_xml_bad_char(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	/*
	 * No decoding needed: in valid UTF-8 the forbidden characters are
	 * the bytes below 0x20 (but TAB, LF, CR) and the sequences EF BF BE
	 * and EF BF BF (U+FFFE, U+FFFF).
	 */
	while (i < len) {
		unsigned char b;

		while (len - i >= 8 && xml_clean8(s + i))
			i += 8;
		if (i == len)
			break;
		b = s[i];
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
			*cp = b;
			return i;
		}
		if (b == 0xef && len - i >= 3 && s[i + 1] == 0xbf &&
		    (s[i + 2] == 0xbe || s[i + 2] == 0xbf)) {
			*cp = s[i + 2] == 0xbe ? 0xfffe : 0xffff;
			return i;
		}
		i++;
	}
	return (size_t)-1;
}

size_t
sy_utf8_count(const char *s, size_t off)
{
	size_t i, n = 0;

	for (i = 0; i < off; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}
