/*
 * url.c: URL checks, stricter than libcurl's CURLU parser where it is
 * lenient (RFC 3986, with the IRI extension of RFC 3987 for non-ASCII),
 * IDN hosts through libidn2 (UTS #46 non-transitional), IRI to URI
 * conversion and relative resolution.
 *
 * Decisions (documented in syndic-manifest.5):
 * - a host without a dot ("intranet") and "localhost" are url-syntax
 *   errors: readers of a feed cannot reach them;
 * - a numeric-looking host (last label all digits) must be a plain
 *   dotted quad of four decimal numbers 0-255 without leading zeros;
 *   "1.2.3", "999.1.1.1" and "010.1.1.1" are errors (browsers read them
 *   as other addresses);
 * - "_" in a host label and a user name in the URL are warnings;
 * - non-ASCII in the path, query and fragment is accepted (it is
 *   percent-encoded on output); invalid UTF-8 is not;
 * - an empty port ("example.com:/") is accepted, as RFC 3986 allows.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "buf.h"
#include "dl.h"
#include "email.h"
#include "url.h"
#include "util.h"

#define HOST_MAX 1024 /* raw host text we look at at all */
#define IDN_FLAGS (IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL)

size_t
sy_url_scheme_len(const char *s)
{
	size_t i;

	if (!SY_ISALPHA(s[0]))
		return 0;
	for (i = 1;
	     SY_ISALNUM(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'; i++)
		;
	return s[i] == ':' ? i : 0;
}

bool
sy_url_has_scheme(const char *url, const char *scheme)
{
	size_t n;

	if (url == NULL || scheme == NULL)
		return false;
	n = strlen(scheme);
	if (n > 0 && scheme[n - 1] == ':')
		n--;
	return n > 0 && sy_strncasecmp(url, scheme, n) == 0 && url[n] == ':';
}

/* Code points that look like a space, or hide, or reorder text. */
static bool
is_invisible(uint32_t cp)
{
	return cp == 0xa0 || cp == 0xad || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
	    cp == 0x205f || (cp >= 0x2060 && cp <= 0x2069) || cp == 0x3000 ||
	    cp == 0xfeff;
}

#if defined(__SSE2__)
/*
 * A bit for each of the 16 bytes at p that scan_chars looks at: 0x00 to
 * 0x20, '"', '%', '<', '>', '\\', 0x7F and 0x80 to 0xFF (its table).
 */
static inline unsigned
special16(const char *p)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	/* 0x00-0x20: min(x, 0x20) == x; 0x7F-0xFF: max(x, 0x7F) == x */
	__m128i m = _mm_or_si128(
	    _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x20)), x),
	    _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x7F)), x));

	m = _mm_or_si128(m,
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
	        _mm_cmpeq_epi8(x, _mm_set1_epi8('%'))));
	m = _mm_or_si128(m,
	    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('<')),
	        _mm_cmpeq_epi8(x, _mm_set1_epi8('>'))));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/*
 * The checks that hold for every part of every URL: valid UTF-8, no
 * control or space characters, no characters that are never part of a
 * URI and that betray pasted markup, and well-formed percent-escapes.
 */
static bool
scan_chars(const char *url, struct sy_finding *f)
{
	/*
	 * The bytes looked at below, a bit each: 0x00-0x20, '"', '%', '<',
	 * '>', '\\', 0x7f and 0x80-0xff.  The others pass as they are.
	 */
	static const uint64_t special[4] = {0x1ffffffffULL | 1ULL << 0x22 |
	        1ULL << 0x25 | 1ULL << 0x3c | 1ULL << 0x3e,
	    1ULL << (0x5c - 0x40) | 1ULL << (0x7f - 0x40), ~0ULL, ~0ULL};
	size_t len = strlen(url), i, ok;
	uint32_t cp;
	unsigned char c;

	ok = sy_utf8_valid_prefix(url, len);
	if (ok != len)
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "invalid UTF-8 at byte %zu of the URL", ok + 1);
	for (i = 0; i < len; i++) {
#if defined(__SSE2__)
		/* 16 bytes at a time to the first special one */
		if (len - i >= 16) {
			unsigned bits = special16(url + i);

			if (bits == 0) {
				i += 15;
				continue;
			}
			i += (unsigned)__builtin_ctz(bits);
		}
#endif
		c = (unsigned char)url[i];
		if (!((special[c >> 6] >> (c & 63)) & 1))
			continue;
		if (c == ' ')
			return sy_finding_set(
			    f, SY_R_URL_SYNTAX, SY_ERROR, "space in URL");
		if (c < 0x20 || c == 0x7f)
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "control character U+%04X in URL", c);
		if (c == '\\')
			return sy_finding_set(
			    f, SY_R_URL_SYNTAX, SY_ERROR, "backslash in URL");
		if (c == '"' || c == '<' || c == '>')
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "character '%c' in URL (left over markup?)", c);
		if (c == '%' &&
		    (!SY_ISXDIGIT(url[i + 1]) || !SY_ISXDIGIT(url[i + 2]))) {
			if (url[i + 1] == '\0')
				return sy_finding_set(f, SY_R_URL_SYNTAX,
				    SY_ERROR,
				    "malformed percent-escape \"%%\" at the "
				    "end of the URL");
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "malformed percent-escape \"%%%.*s\"",
			    url[i + 2] == '\0' ? 1 : 2, url + i + 1);
		}
		if (c >= 0x80) {
			i += (size_t)sy_utf8_decode(url + i, &cp) - 1;
			if (cp < 0xa0)
				return sy_finding_set(f, SY_R_URL_SYNTAX,
				    SY_ERROR, "control character U+%04X in URL",
				    (unsigned)cp);
			if (is_invisible(cp))
				return sy_finding_set(f, SY_R_URL_SYNTAX,
				    SY_ERROR,
				    "invisible or space character U+%04X in "
				    "URL",
				    (unsigned)cp);
		}
	}
	return false;
}

/*
 * Copies the host text h[0..n) with the ideographic and full-width full
 * stops (which UTS #46 maps to ".") replaced by ".".
 */
static char *
map_dots(const char *h, size_t n)
{
	struct sy_buf b;
	size_t i;

	sy_buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		if (i + 3 <= n &&
		    (memcmp(h + i, "\xe3\x80\x82", 3) == 0 ||
		        memcmp(h + i, "\xef\xbc\x8e", 3) == 0 ||
		        memcmp(h + i, "\xef\xbd\xa1", 3) == 0)) {
			if (sy_buf_putc(&b, '.') != SY_OK)
				goto fail;
			i += 2;
			continue;
		}
		if (sy_buf_putc(&b, h[i]) != SY_OK)
			goto fail;
	}
	if (b.data == NULL && sy_buf_puts(&b, "") != SY_OK)
		goto fail;
	return sy_buf_steal(&b);
fail:
	sy_buf_fini(&b);
	return NULL;
}

static bool
has_nonascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return true;
	return false;
}

/* Not an IDN2_* code: libidn2 could not be loaded (dl.h). */
#define IDN_UNLOADED INT_MIN

/* libidn2's words for rc, or why libidn2 could not be loaded. */
static const char *
idn_strerror(int rc)
{
	return rc == IDN_UNLOADED ? sy_dl_error() : sy_idn2.idn2_strerror(rc);
}

/*
 * Converts one label to its A-label (or lower-cased ASCII) form into
 * *out.  Returns 0, an IDN2_* error code, or IDN_UNLOADED.
 */
static int
label_to_ascii(const char *l, size_t n, char **out)
{
	char *tmp, *a = NULL;
	int rc;
	size_t i;

	*out = NULL;
	tmp = sy_strndup(l, n);
	if (tmp == NULL)
		return IDN2_MALLOC;
	if (has_nonascii(l, n) || sy_has_prefix_ci(tmp, "xn--")) {
		if (sy_dl_idn2() != SY_OK) {
			free(tmp);
			return IDN_UNLOADED;
		}
		rc = sy_idn2.idn2_lookup_u8(
		    (const uint8_t *)tmp, (uint8_t **)&a, IDN_FLAGS);
		free(tmp);
		if (rc != IDN2_OK)
			return rc;
		tmp = sy_strdup(a);
		sy_idn2.idn2_free(a);
		if (tmp == NULL)
			return IDN2_MALLOC;
	}
	for (i = 0; tmp[i] != '\0'; i++)
		tmp[i] = (char)SY_TOLOWER((unsigned char)tmp[i]);
	*out = tmp;
	return IDN2_OK;
}

static bool
all_digits(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!SY_ISDIGIT(s[i]))
			return false;
	return true;
}

/* A host whose last label is all digits: only a plain dotted quad. */
static bool
check_ipv4(const char *h, struct sy_finding *f)
{
	const char *p, *e, *last;
	size_t n, parts = 0;
	long v;

	last = strrchr(h, '.');
	last = last != NULL ? last + 1 : h;
	for (p = h;; p = e + 1) {
		e = strchr(p, '.');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (!all_digits(p, n))
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "top-level domain \"%s\" is all digits", last);
		parts++;
		if (e == NULL)
			break;
	}
	if (parts != 4)
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "numeric host \"%s\" is not an IPv4 address of four "
		    "numbers",
		    h);
	for (p = h;; p = e + 1) {
		e = strchr(p, '.');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n > 1 && p[0] == '0')
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "IPv4 address part \"%.*s\" has a leading zero "
			    "(read as octal by some programs)",
			    (int)n, p);
		v = n > 3 ? 1000 : strtol(p, NULL, 10);
		if (v > 255)
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "IPv4 address part %.*s is out of range", (int)n,
			    p);
		if (e == NULL)
			break;
	}
	return false;
}

/*
 * Checks a registered name (or IPv4 address) h[0..n) as written, and
 * stores its lower-cased IDNA form in *ascii when ascii is not NULL.
 * Returns true on an error (f filled); warnings are only recorded.
 * Out of memory is reported as an error too (f says so).
 */
/*
 * True when h[0..n) is a plain ASCII host name that the full check below
 * would pass: letters, digits, hyphens and dots only, no "xn--" label,
 * at least two labels of 1 to 63 octets without a hyphen at either end,
 * at most 253 octets, a last label that is not all digits, and not
 * localhost.  False means "not sure": the full check decides and words
 * the problem.
 */
static bool
plain_host_is_fine(const char *h, size_t n)
{
	size_t i, start = 0, labels = 0;
	bool digits = true;

	if (n > 1 && h[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	for (i = 0; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)h[i] : '.';

		if (c == '.') {
			size_t len = i - start;

			if (len == 0 || len > 63 || h[start] == '-' ||
			    h[i - 1] == '-' ||
			    (len >= 4 &&
			        sy_strncasecmp(h + start, "xn--", 4) == 0))
				return false;
			labels++;
			if (i < n) {
				start = i + 1;
				digits = true;
			}
			continue;
		}
		if (!SY_ISALNUM(c) && c != '-')
			return false;
		if (!SY_ISDIGIT(c))
			digits = false;
	}
	if (labels < 2 || digits)
		return false;
	/* "localhost" has one label; "*.localhost" ends so. */
	return !(n >= 10 && sy_strncasecmp(h + n - 10, ".localhost", 10) == 0);
}

static bool
check_regname(const char *h, size_t n, struct sy_finding *f, char **ascii)
{
	struct sy_buf out;
	char *host = NULL, *lab = NULL, *p, *e;
	size_t len, labels = 0, i;
	bool bad = true;
	int rc;

	if (plain_host_is_fine(h, n)) {
		/* The common case, answered without IDNA or allocations. */
		if (ascii != NULL) {
			*ascii = sy_strndup(h, n);
			if (*ascii == NULL)
				return sy_finding_set(f, SY_R_URL_SYNTAX,
				    SY_ERROR, "out of memory");
			for (i = 0; i < n; i++)
				(*ascii)[i] = (char)SY_TOLOWER(
				    (unsigned char)(*ascii)[i]);
			if (n > 1 && (*ascii)[n - 1] == '.')
				(*ascii)[n - 1] = '\0';
		}
		return false;
	}
	sy_buf_init(&out, 0);
	if (n == 0) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR, "empty host");
		goto out;
	}
	if (n > HOST_MAX) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "host name is longer than 253 octets");
		goto out;
	}
	host = map_dots(h, n);
	if (host == NULL)
		goto oom;
	len = strlen(host);
	if (len > 1 && host[len - 1] == '.')
		host[--len] = '\0'; /* a fully qualified "example.com." */
	if (host[0] == '.' || strstr(host, "..") != NULL ||
	    host[len - 1] == '.') {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "empty label in host \"%s\"", host);
		goto out;
	}
	for (p = host;; p = e + 1) {
		e = strchr(p, '.');
		if (e == NULL)
			e = p + strlen(p);
		rc = label_to_ascii(p, (size_t)(e - p), &lab);
		if (rc == IDN2_MALLOC)
			goto oom;
		if (rc != IDN2_OK) {
			sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "host label \"%.*s\" is not a valid "
			    "internationalised name: %s",
			    (int)(e - p), p, idn_strerror(rc));
			goto out;
		}
		if (strlen(lab) > 63) {
			sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "host label \"%.20s...\" is longer than 63 octets",
			    lab);
			goto out;
		}
		if (lab[0] == '\0') { /* a label IDNA maps to nothing */
			sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "empty label in host \"%s\"", host);
			goto out;
		}
		if (lab[0] == '-' || lab[strlen(lab) - 1] == '-') {
			sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "host label \"%s\" %s with a hyphen", lab,
			    lab[0] == '-' ? "starts" : "ends");
			goto out;
		}
		for (i = 0; lab[i] != '\0'; i++) {
			if (SY_ISALNUM(lab[i]) || lab[i] == '-')
				continue;
			if (lab[i] == '_') {
				sy_finding_set(f, SY_R_URL_SYNTAX, SY_WARNING,
				    "'_' in host label \"%s\" (not a valid "
				    "host name)",
				    lab);
				continue;
			}
			sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "character '%c' in host", lab[i]);
			goto out;
		}
		if ((labels > 0 && sy_buf_putc(&out, '.') != SY_OK) ||
		    sy_buf_puts(&out, lab) != SY_OK)
			goto oom;
		labels++;
		free(lab);
		lab = NULL;
		if (*e == '\0')
			break;
	}
	if (out.len > 253) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "host name is longer than 253 octets");
		goto out;
	}
	p = strrchr(out.data, '.');
	p = p != NULL ? p + 1 : out.data;
	if (all_digits(p, strlen(p))) {
		if (check_ipv4(out.data, f))
			goto out;
	} else if (strcmp(out.data, "localhost") == 0 ||
	    (out.len > 10 &&
	        strcmp(out.data + out.len - 10, ".localhost") == 0)) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "host \"%s\" is the reader's own machine", out.data);
		goto out;
	} else if (labels == 1) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "host \"%s\" has no dot (not a public host name)",
		    out.data);
		goto out;
	}
	if (ascii != NULL) {
		*ascii = sy_buf_steal(&out);
		if (*ascii == NULL)
			goto oom;
	}
	bad = false;
	goto out;
oom:
	sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR, "out of memory");
out:
	free(lab);
	free(host);
	sy_buf_fini(&out);
	return bad;
}

static bool
check_ipv6(const char *h, size_t n, struct sy_finding *f)
{
	char tmp[64];
	unsigned char addr[16];

	if (n > 0 && (h[0] == 'v' || h[0] == 'V'))
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "IPvFuture address literal \"[%.*s]\"", (int)n, h);
	if (memchr(h, '%', n) != NULL)
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "zone identifier in IPv6 address \"[%.*s]\"", (int)n, h);
	if (n >= sizeof(tmp))
		goto bad;
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, addr) == 1)
		return false;
bad:
	return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
	    "invalid IPv6 address \"[%.*s]\"", (int)(n > 60 ? 60 : n), h);
}

/*
 * Checks the authority a[0..n) ("user@host:port").  Returns true on an
 * error.
 */
static bool
check_authority(const char *a, size_t n, struct sy_finding *f)
{
	const char *at, *h, *end = a + n, *colon, *rb;
	size_t hn, i;
	unsigned long port;

	at = NULL;
	for (h = a; h < end; h++)
		if (*h == '@')
			at = h;
	if (at != NULL) {
		sy_finding_set(f, SY_R_URL_SYNTAX, SY_WARNING,
		    "user name or password in URL");
		a = at + 1;
	}
	if (a < end && *a == '[') {
		rb = memchr(a, ']', (size_t)(end - a));
		if (rb == NULL)
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "IPv6 address without its closing ']'");
		if (check_ipv6(a + 1, (size_t)(rb - a - 1), f))
			return true;
		colon = rb + 1;
		if (colon < end && *colon != ':')
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "junk after the IPv6 address");
	} else {
		colon = memchr(a, ':', (size_t)(end - a));
		if (colon == NULL)
			colon = end;
		hn = (size_t)(colon - a);
		if (check_regname(a, hn, f, NULL))
			return true;
	}
	if (colon >= end)
		return false;
	/* An empty port is allowed by RFC 3986 and means the default. */
	port = 0;
	for (i = 1; colon + i < end; i++) {
		if (!SY_ISDIGIT(colon[i]))
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "port \"%.*s\" is not a number",
			    (int)(end - colon - 1), colon + 1);
		if (port <= 65535)
			port = port * 10 + (unsigned long)(colon[i] - '0');
	}
	if (i > 1 && (port == 0 || port > 65535))
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "port %.*s is out of range", (int)(end - colon - 1),
		    colon + 1);
	return false;
}

/* Length of the authority at s (just after "//"). */
static size_t
authority_len(const char *s)
{
	return strcspn(s, "/?#");
}

/*
 * The libcurl memo.  libcurl 7.88's parseurl() (lib/urlapi.c), given an
 * absolute http(s) URL with flags 0, rejects it only for: a length over
 * CURL_MAX_INPUT_LENGTH (8 MB), the scheme and the number of slashes
 * after it, a control character or space in the path, query or fragment
 * (scan_chars() rejects those first, and the IRI conversion escapes
 * every other byte it does not like), or the authority (login, port,
 * host checks).  The path, query and fragment otherwise only go through
 * dedotdotify(), which fails on memory alone.  The authority ends at the
 * first '/', '?' or '#' for libcurl as for authority_len().  So once
 * libcurl accepted a URL, it accepts every other URL that passed
 * scan_chars() and starts with the same "scheme://authority" (the IRI
 * conversion of the authority does not depend on what follows it).
 * Our own authority checks depend on the authority alone too, so a
 * prefix that both passed without any finding (not even a warning) skips
 * both the next time.
 * A failed curl_url_set() leaves the handle as it was (the URL is parsed
 * into a scratch handle first), and a URL with a scheme replaces the
 * handle's contents: the handle can be used again.
 */
#define MEMO_URL_MAX 65536 /* longer URLs always go to libcurl */

void
sy_url_memo_init(struct sy_url_memo *m)
{
	memset(m, 0, sizeof(*m));
}

void
sy_url_memo_fini(struct sy_url_memo *m)
{
	if (m == NULL)
		return;
	if (m->cu != NULL) /* made by curl_agrees: libcurl is loaded */
		sy_curl.curl_url_cleanup(m->cu);
	memset(m, 0, sizeof(*m));
}

/* FNV-1a, 32 bits: the prefixes are short. */
static unsigned
memo_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static struct sy_url_memo_slot *
memo_slot(struct sy_url_memo *m, unsigned h)
{
	return &m->slot[(h ^ (h >> 16)) & (SY_URL_MEMO_SLOTS - 1)];
}

static bool
memo_has(struct sy_url_memo *m, const char *k, size_t n, unsigned h)
{
	const struct sy_url_memo_slot *s = memo_slot(m, h);

	return s->len == n && s->hash == h && memcmp(s->key, k, n) == 0;
}

static void
memo_put(struct sy_url_memo *m, const char *k, size_t n, unsigned h)
{
	struct sy_url_memo_slot *s = memo_slot(m, h);

	memcpy(s->key, k, n);
	s->len = (unsigned)n;
	s->hash = h;
}

/*
 * memo_has, the slots hit last first: a slot holding exactly k[0..n)
 * holds it with its hash, so no hash is needed to know.  A hit becomes
 * the slot hit last.
 */
static bool
memo_find(struct sy_url_memo *m, const char *k, size_t n)
{
	struct sy_url_memo_slot *s = NULL;
	unsigned h;
	int i;

	for (i = 0; i < 2 && s == NULL; i++)
		if (m->recent[i] != NULL && m->recent[i]->len == n &&
		    memcmp(m->recent[i]->key, k, n) == 0)
			s = m->recent[i];
	if (s == NULL) {
		h = memo_hash(k, n);
		if (!memo_has(m, k, n, h))
			return false;
		s = memo_slot(m, h);
	}
	if (s != m->recent[0]) {
		m->recent[1] = m->recent[0];
		m->recent[0] = s;
	}
	return true;
}

/*
 * Lets libcurl have the last word on what we accepted.  key[0..klen) is
 * the URL's "scheme://authority".
 */
/* True when the prefix url[0..klen) may be looked up and stored. */
static bool
memo_usable(const struct sy_url_memo *memo, const char *url, size_t klen)
{
	return memo != NULL && klen > 0 && klen <= SY_URL_MEMO_KEY &&
	    strlen(url) <= MEMO_URL_MAX;
}

static bool
curl_agrees(const char *url, size_t klen, struct sy_finding *f,
    struct sy_url_memo *memo)
{
	CURLU *h;
	CURLUcode rc;
	char *uri = NULL;
	const char *s;

	if (sy_dl_curl() != SY_OK)
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "URL not checked: %s", sy_dl_error());
	/* Plain ASCII needs no IRI conversion before curl sees it. */
	for (s = url; *s != '\0' && (unsigned char)*s < 0x80; s++)
		;
	if (*s != '\0') {
		uri = sy_url_to_uri(url);
		if (uri == NULL)
			return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
			    "URL cannot be parsed");
	}
	if (memo != NULL && memo->cu == NULL)
		memo->cu = sy_curl.curl_url();
	h = memo != NULL && memo->cu != NULL ? memo->cu : sy_curl.curl_url();
	if (h == NULL) {
		free(uri);
		return sy_finding_set(
		    f, SY_R_URL_SYNTAX, SY_ERROR, "out of memory");
	}
	rc = sy_curl.curl_url_set(h, CURLUPART_URL, uri != NULL ? uri : url, 0);
	if (memo == NULL || h != memo->cu)
		sy_curl.curl_url_cleanup(h);
	free(uri);
	if (rc != CURLUE_OK)
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR, "%s",
		    sy_curl.curl_url_strerror(rc));
	/* Remembered only when nothing at all was said of it. */
	if (memo_usable(memo, url, klen) && f->rule == SY_R_NONE)
		memo_put(memo, url, klen, memo_hash(url, klen));
	return false;
}

static bool
check_http(const char *url, size_t slen, struct sy_finding *f,
    struct sy_url_memo *memo)
{
	const char *p = url + slen + 1;
	size_t n, klen;

	if (p[0] != '/' || p[1] != '/')
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "missing \"//\" after \"%.*s:\"", (int)slen, url);
	p += 2;
	if (*p == '/')
		return sy_finding_set(f, SY_R_URL_SYNTAX, SY_ERROR,
		    "empty host (too many slashes after \"%.*s:\")", (int)slen,
		    url);
	n = authority_len(p);
	klen = (size_t)(p + n - url);
	/*
	 * An authority that our checks and libcurl both passed without a
	 * word passes again: the rest of the URL was scanned already.
	 */
	if (memo_usable(memo, url, klen) && memo_find(memo, url, klen))
		return false;
	if (check_authority(p, n, f))
		return true;
	return curl_agrees(url, klen, f, memo);
}

/*
 * sy_url_has_scheme(url, name) for a URL whose scheme is slen > 0 bytes
 * long: the lengths must agree first.
 */
static bool
scheme_is(const char *url, size_t slen, const char *name)
{
	return strlen(name) == slen && sy_strncasecmp(url, name, slen) == 0;
}

static bool
looks_dangerous(const char *url, size_t slen)
{
	return scheme_is(url, slen, "javascript") ||
	    scheme_is(url, slen, "data") || scheme_is(url, slen, "vbscript");
}

bool
sy_url_check(const char *url, unsigned flags, struct sy_finding *f)
{
	return sy_url_check_memo(url, flags, f, NULL);
}

bool
sy_url_check_memo(const char *url, unsigned flags, struct sy_finding *f,
    struct sy_url_memo *memo)
{
	struct sy_finding local;
	size_t slen, seg;
	const char *what;

	if (f == NULL)
		f = &local;
	sy_finding_clear(f);
	if (url == NULL || url[0] == '\0')
		return sy_finding_set(
		    f, SY_R_URL_SYNTAX, SY_ERROR, "empty URL");
	slen = sy_url_scheme_len(url);
	if (slen > 0 && looks_dangerous(url, slen))
		return sy_finding_set(f, SY_R_URL_SCHEME, SY_ERROR,
		    "%.*s: URL (scripts and inline data are never accepted)",
		    (int)slen, url);
	if (scan_chars(url, f))
		return true;
	if (slen > 0 &&
	    (scheme_is(url, slen, "http") || scheme_is(url, slen, "https"))) {
		check_http(url, slen, f, memo);
		return f->rule != SY_R_NONE;
	}
	if (slen > 0 && scheme_is(url, slen, "mailto")) {
		if (flags & (SY_URL_MAILTO | SY_URL_ANY))
			return sy_mailto_check(url, f);
		return sy_finding_set(f, SY_R_URL_SCHEME, SY_ERROR,
		    "mailto: URL where an http(s) URL is required");
	}
	if (slen > 0 &&
	    (memchr(url, '.', slen) != NULL || SY_ISDIGIT(url[slen + 1])) &&
	    !(flags & SY_URL_ANY))
		/* "example.com:8080/x", "localhost:80": no scheme at all */
		return sy_finding_set(f, SY_R_URL_SCHEME, SY_ERROR,
		    "URL has no scheme (missing \"https://\"?)");
	if (slen > 0) {
		if (flags & SY_URL_ANY)
			return false;
		return sy_finding_set(f, SY_R_URL_SCHEME, SY_ERROR,
		    "scheme \"%.*s:\" where an http(s) URL is required",
		    (int)slen, url);
	}
	/* A relative reference. */
	if (!(flags & (SY_URL_RELATIVE | SY_URL_ANY))) {
		seg = strcspn(url, "/?#");
		what = memchr(url, '.', seg) != NULL && url[0] != '.'
		    ? " (missing \"https://\"?)"
		    : "";
		return sy_finding_set(f, SY_R_URL_SCHEME, SY_ERROR,
		    "relative URL where an absolute http(s) URL is "
		    "required%s",
		    what);
	}
	if (url[0] == '/' && url[1] == '/') {
		/* A network-path reference: "//host/path". */
		if (check_authority(url + 2, authority_len(url + 2), f))
			return true;
	}
	return f->rule != SY_R_NONE;
}

/*
 * Characters that are not in the URI set and must be escaped, a bit each:
 * 0x00-0x20, '"', '<', '>', '\\', '^', '`', '{', '|', '}' and 0x7f-0xff
 * (a table: sy_url_is_uri asks it of every byte of every link written).
 */
static const uint64_t escape_set[4] = {
    0x1ffffffffULL | 1ULL << 0x22 | 1ULL << 0x3c | 1ULL << 0x3e,
    1ULL << (0x5c - 0x40) | 1ULL << (0x5e - 0x40) | 1ULL << (0x60 - 0x40) |
        1ULL << (0x7b - 0x40) | 1ULL << (0x7c - 0x40) | 1ULL << (0x7d - 0x40) |
        1ULL << (0x7f - 0x40),
    ~0ULL, ~0ULL};

static bool
needs_escape(unsigned char c)
{
	return (escape_set[c >> 6] >> (c & 63)) & 1;
}

static enum sy_err
put_escaped(struct sy_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	enum sy_err err = SY_OK;
	unsigned char c;
	size_t i;
	bool pct;

	for (i = 0; i < n && err == SY_OK; i++) {
		c = (unsigned char)s[i];
		pct = c == '%' && i + 2 < n && SY_ISXDIGIT(s[i + 1]) &&
		    SY_ISXDIGIT(s[i + 2]);
		/* A valid %XX is kept; a lone % is escaped itself. */
		if (!pct && (c == '%' || needs_escape(c)))
			err = sy_buf_printf(
			    b, "%%%c%c", hex[c >> 4], hex[c & 15]);
		else
			err = sy_buf_append(b, s + i, 1);
	}
	return err;
}

bool
sy_url_is_uri(const char *url)
{
	const unsigned char *p = (const unsigned char *)url;

	/*
	 * What sy_url_to_uri changes: a byte to escape, a '%' not before
	 * two hex digits, a host not in ASCII (its bytes are escapes here).
	 */
	for (; *p != '\0'; p++)
		if (needs_escape(*p) ||
		    (*p == '%' && (!SY_ISXDIGIT(p[1]) || !SY_ISXDIGIT(p[2]))))
			return false;
	return true;
}

char *
sy_url_to_uri(const char *url)
{
	struct sy_buf b;
	struct sy_finding f;
	const char *p, *a, *at, *host, *hend, *aend;
	char *ascii = NULL;
	size_t slen;

	if (url == NULL)
		return NULL;
	if (sy_url_is_uri(url))
		return sy_strdup(url);
	if (sy_utf8_valid_prefix(url, strlen(url)) != strlen(url))
		return NULL;
	sy_buf_init(&b, 0);
	memset(&f, 0, sizeof(f));
	slen = sy_url_scheme_len(url);
	p = url;
	if (slen > 0) {
		if (sy_buf_append(&b, url, slen + 1) != SY_OK)
			goto fail;
		p = url + slen + 1;
	}
	if (p[0] == '/' && p[1] == '/') {
		a = p + 2;
		aend = a + authority_len(a);
		at = NULL;
		for (host = a; host < aend; host++)
			if (*host == '@')
				at = host;
		host = at != NULL ? at + 1 : a;
		if (sy_buf_append(&b, "//", 2) != SY_OK ||
		    put_escaped(&b, a, (size_t)(host - a)) != SY_OK)
			goto fail;
		if (*host == '[') {
			hend = memchr(host, ']', (size_t)(aend - host));
			hend = hend != NULL ? hend + 1 : aend;
			if (sy_buf_append(&b, host, (size_t)(hend - host)) !=
			    SY_OK)
				goto fail;
		} else {
			hend = memchr(host, ':', (size_t)(aend - host));
			if (hend == NULL)
				hend = aend;
			if (has_nonascii(host, (size_t)(hend - host))) {
				if (check_regname(host, (size_t)(hend - host),
				        &f, &ascii))
					goto fail;
				if (sy_buf_puts(&b, ascii) != SY_OK)
					goto fail;
			} else if (sy_buf_append(&b, host,
			               (size_t)(hend - host)) != SY_OK)
				goto fail;
		}
		p = hend;
	}
	if (put_escaped(&b, p, strlen(p)) != SY_OK)
		goto fail;
	if (b.data == NULL && sy_buf_puts(&b, "") != SY_OK)
		goto fail;
	free(ascii);
	return sy_buf_steal(&b);
fail:
	free(ascii);
	sy_buf_fini(&b);
	return NULL;
}

/* Copies a string from libcurl into one the caller frees with free(). */
static char *
from_curl(char *s)
{
	char *r = sy_strdup(s);

	sy_curl.curl_free(s);
	return r;
}

char *
sy_url_resolve(const char *base, const char *ref)
{
	CURLU *h = NULL;
	char *b = NULL, *r = NULL, *out = NULL, *res = NULL;
	const unsigned cf = CURLU_NON_SUPPORT_SCHEME;

	if (base == NULL || ref == NULL || sy_dl_curl() != SY_OK)
		return NULL;
	b = sy_url_to_uri(base);
	r = sy_url_to_uri(ref);
	h = sy_curl.curl_url();
	if (b == NULL || r == NULL || h == NULL)
		goto out;
	if (sy_curl.curl_url_set(h, CURLUPART_URL, b, cf) != CURLUE_OK)
		goto out;
	if (r[0] == '\0' || r[0] == '#') {
		/*
		 * RFC 3986 5.2.2: the base with the reference's fragment
		 * (libcurl 7.88 drops the last path segment here).
		 */
		if (sy_curl.curl_url_set(h, CURLUPART_FRAGMENT,
		        r[0] == '#' ? r + 1 : NULL, 0) != CURLUE_OK)
			goto out;
	} else if (sy_curl.curl_url_set(h, CURLUPART_URL, r, cf) != CURLUE_OK) {
		/* An absolute URI without authority ("tel:", "g:h"). */
		if (sy_url_scheme_len(r) > 0 &&
		    r[sy_url_scheme_len(r) + 1] != '/') {
			res = r;
			r = NULL;
		}
		goto out;
	}
	if (sy_curl.curl_url_get(h, CURLUPART_URL, &out, 0) != CURLUE_OK)
		goto out;
	res = from_curl(out);
out:
	sy_curl.curl_url_cleanup(h);
	free(b);
	free(r);
	return res;
}

char *
sy_url_host(const char *url)
{
	CURLU *h = NULL;
	char *uri, *out = NULL, *res = NULL;
	size_t i;

	if (sy_dl_curl() != SY_OK)
		return NULL;
	uri = sy_url_to_uri(url);
	if (uri == NULL || sy_url_scheme_len(uri) == 0)
		goto out;
	h = sy_curl.curl_url();
	if (h == NULL ||
	    sy_curl.curl_url_set(
	        h, CURLUPART_URL, uri, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    sy_curl.curl_url_get(h, CURLUPART_HOST, &out, 0) != CURLUE_OK)
		goto out;
	res = from_curl(out);
	if (res == NULL)
		goto out;
	for (i = 0; res[i] != '\0'; i++)
		res[i] = (char)SY_TOLOWER((unsigned char)res[i]);
out:
	sy_curl.curl_url_cleanup(h);
	free(uri);
	return res;
}
