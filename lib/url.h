/*
 * url: syntax and scheme checks of URLs (libcurl's CURLU API, and stricter
 * where it is lenient), IDN hosts through libidn2 (UTS #46), IRI to URI
 * conversion, and resolution of relative references.
 */
#ifndef SY_URL_H
#define SY_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

/* What a URL field demands. */
enum {
	SY_URL_HTTP = 1 << 0,     /* absolute http or https only */
	SY_URL_RELATIVE = 1 << 1, /* a relative reference is acceptable */
	SY_URL_MAILTO = 1 << 2,   /* mailto: is acceptable (content links) */
	SY_URL_ANY = 1 << 3       /* other harmless schemes (tel:, ftp:) */
};

/*
 * Checks url against flags.  Returns true and fills *f when something is
 * wrong (url-syntax or url-scheme); false when the URL is fine.
 * javascript:, data: and vbscript: are always url-scheme errors.
 */
bool sy_url_check(const char *url, unsigned flags, struct sy_finding *f);

/*
 * A memo of libcurl's verdicts, for checking many URLs in a row: the
 * "scheme://authority" prefixes libcurl accepted lately (once the checks
 * of our own pass, libcurl can only reject an http(s) URL for its scheme
 * or authority), and one CURLU handle used again and again.  Fixed size,
 * direct-mapped; only successes are kept.  One memo per thread.
 */
#define SY_URL_MEMO_SLOTS 128 /* a power of two */
#define SY_URL_MEMO_KEY 96    /* longer prefixes are never memoized */

struct Curl_URL; /* libcurl's CURLU */

struct sy_url_memo_slot {
	unsigned hash;
	unsigned len; /* 0: empty */
	char key[SY_URL_MEMO_KEY];
};

struct sy_url_memo {
	struct Curl_URL *cu; /* a CURLU, created when first needed, or NULL */
	struct sy_url_memo_slot slot[SY_URL_MEMO_SLOTS];
	/*
	 * The two slots hit last, looked at before any hash is made (a row's
	 * link, enclosure and image alternate between a few authorities).
	 */
	struct sy_url_memo_slot *recent[2];
};

void sy_url_memo_init(struct sy_url_memo *m);
void sy_url_memo_fini(struct sy_url_memo *m);

/*
 * sy_url_check with a memo (NULL: none); the verdict and the finding are
 * the same as sy_url_check's for every URL, memo or not.
 */
bool sy_url_check_memo(const char *url, unsigned flags, struct sy_finding *f,
    struct sy_url_memo *memo);

/*
 * Converts an IRI to a URI: the host to its IDNA (punycode) form, every
 * byte outside the URI character set percent-encoded, existing valid
 * %XX escapes kept.  Returns a new string, or NULL when out of memory or
 * when url cannot be parsed at all.
 */
char *sy_url_to_uri(const char *url);

/*
 * True when sy_url_to_uri(url) is url itself: ASCII, nothing outside the
 * URI character set, every '%' the start of a %XX escape.
 */
bool sy_url_is_uri(const char *url);

/*
 * Resolves ref against base (RFC 3986).  Returns a new string, or NULL
 * when either cannot be parsed or memory runs out.  An absolute ref is
 * returned as it is (normalised by CURLU).
 */
char *sy_url_resolve(const char *base, const char *ref);

/* The lower-cased host (IDNA form) of an absolute URL, or NULL. */
char *sy_url_host(const char *url);

/* Length of the scheme when s starts with "scheme:" (RFC 3986), else 0. */
size_t sy_url_scheme_len(const char *s);

/* True if url starts with "scheme:" (case-insensitive). */
bool sy_url_has_scheme(const char *url, const char *scheme);

#endif
