/*
 * linkcheck.c: the link engine (see linkcheck.h).
 *
 * One multi handle, one thread.  Every distinct URL is an "item" that
 * walks a small state machine: queued on the queue of the host of its
 * current hop, started by the scheduler when the global, per-host and
 * interval limits allow, then finished by finish(), which either gives a
 * verdict or puts the item back (next hop, GET fallback, retry after a
 * delay on the timer list).  Verdicts come from ONE table, verdicts[].
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linkcheck.h"
#include "linkcheck_int.h"
#include "strmap.h"

#include "buf.h"
#include "url.h"
#include "util.h"

#define NONE SIZE_MAX
/* Bytes of an unwanted body read (and dropped) to keep an HTTP/1.1
 * connection reusable, before aborting instead. */
#define DRAIN_MAX 16384

enum phase { PH_MAIN, PH_PROBE };

struct item {
	char *url;  /* as added */
	char *frag; /* fragment to look for, or NULL */
	char *etag_in;
	char *lm_in;
	char *probe_url;
	void *user;
	char *cur;      /* URL of the current hop, without fragment */
	char **visited; /* hops so far, for loop detection */
	int hops;
	int retried;
	enum phase phase;
	bool use_get;
	bool permanent;    /* a 301 or 308 was seen */
	bool rate_limited; /* a 429, or a 503 with Retry-After */
	bool started;
	bool waiting;
	bool done;
	unsigned attempts;
	long long t_start;
	long long busy_us; /* in the main phase's transfers */
	long long wake_at;
	size_t next; /* next item in its host's queue */
	/* The main verdict, kept while a probe runs. */
	enum sy_rule rule;
	enum sy_severity sev;
	long status;
	char *final_url;
	char *message;
	char *etag_out;
	char *lm_out;
};

struct host {
	char *key; /* scheme://host:port, lower case */
	size_t active;
	long long next_ok;
	size_t head;
	size_t tail;
};

/*
 * A transfer and its easy handle, kept together in the pool: the handle's
 * options that never change, and those that point at the xfer itself
 * (PRIVATE, ERRORBUFFER, HEADERDATA, WRITEDATA, OPENSOCKETDATA), are set
 * once when the pair is made.  Everything from prev on is per transfer
 * and zeroed by xfer_clear().
 */
struct xfer {
	struct sy_linkcheck *lc;
	CURL *eh;
	struct sy_buf body; /* emptied, its memory kept (up to a bound) */
	/* Per transfer from here on. */
	struct xfer *prev; /* list of transfers in flight */
	struct xfer *nextx;
	size_t item;
	struct curl_slist *reqh;
	char errbuf[CURL_ERROR_SIZE];
	bool head;
	bool private_refused;
	char private_addr[INET6_ADDRSTRLEN];
	size_t hdr_bytes;
	bool hdr_over;
	bool stopped; /* we aborted on purpose: not an error */
	bool body_full;
	bool loc_bad;
	bool want_ctype; /* the Content-Type matters (fragment search) */
	const char *bot; /* bot-protection signature seen, or NULL */
	char reason[64];
	char *location;
	char *retry_after;
	char *etag;
	char *lm;
	char *ctype;
	size_t drained;
};

struct sy_linkcheck {
	struct sy_linkcheck_opts o;
	CURLM *multi;
	struct item *it;
	size_t n;
	size_t cap;
	struct sy_strmap seen;    /* url -> index into it */
	struct sy_strmap hostmap; /* host key -> index into hosts */
	struct xfer **pool;       /* transfers done with, handle and all */
	size_t npool;
	struct host *hosts;
	size_t nhosts;
	size_t hcap;
	size_t nactive;
	struct xfer *xlist;
	size_t nwaiting;
	size_t ndone;
	size_t nfail;
	long long deadline;
	uint64_t rng;
	bool ran;
	sy_link_cb cb;
	void *cbarg;
};

/* ---------------------------------------------------------------- */
/* The verdict table. */

enum vkind {
	VK_HTTP,  /* lo..hi: HTTP status */
	VK_CURL,  /* lo..hi: CURLcode */
	VK_BOT403 /* a 403 carrying a bot-protection signature */
};

struct verdict {
	enum vkind kind;
	long lo;
	long hi;
	enum sy_rule rule;
	enum sy_severity sev;
	bool retry;      /* transient: retried with backoff */
	const char *msg; /* NULL: built from the status or error */
};

static const struct verdict verdicts[] = {
    {VK_HTTP, 200, 299, SY_R_NONE, SY_NOTE, false, NULL},
    {VK_HTTP, 304, 304, SY_R_NONE, SY_NOTE, false, NULL},
    {VK_HTTP, 300, 399, SY_R_LINK_ERROR, SY_ERROR, false,
        "redirect without a Location"},
    {VK_HTTP, 408, 408, SY_R_LINK_TIMEOUT, SY_ERROR, true, NULL},
    {VK_HTTP, 429, 429, SY_R_LINK_BLOCKED, SY_WARNING, true, NULL},
    {VK_HTTP, 400, 499, SY_R_LINK_BROKEN, SY_ERROR, false, NULL},
    {VK_HTTP, 500, 599, SY_R_LINK_SERVER_ERROR, SY_ERROR, true, NULL},
    {VK_HTTP, 999, 999, SY_R_LINK_BLOCKED, SY_WARNING, false, NULL},
    {VK_HTTP, 0, 199, SY_R_LINK_ERROR, SY_ERROR, false, NULL},
    {VK_HTTP, 600, LONG_MAX, SY_R_LINK_ERROR, SY_ERROR, false, NULL},
    {VK_BOT403, 403, 403, SY_R_LINK_BLOCKED, SY_WARNING, false, NULL},
    {VK_CURL, CURLE_OPERATION_TIMEDOUT, CURLE_OPERATION_TIMEDOUT,
        SY_R_LINK_TIMEOUT, SY_ERROR, true, "timed out"},
    {VK_CURL, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_HOST,
        SY_R_LINK_DNS, SY_ERROR, false, "host name not found"},
    {VK_CURL, CURLE_COULDNT_CONNECT, CURLE_COULDNT_CONNECT, SY_R_LINK_REFUSED,
        SY_ERROR, false, "connection refused"},
    {VK_CURL, CURLE_RECV_ERROR, CURLE_RECV_ERROR, SY_R_LINK_REFUSED, SY_ERROR,
        true, "connection reset"},
    {VK_CURL, CURLE_SEND_ERROR, CURLE_SEND_ERROR, SY_R_LINK_REFUSED, SY_ERROR,
        true, "connection reset while sending"},
    {VK_CURL, CURLE_GOT_NOTHING, CURLE_GOT_NOTHING, SY_R_LINK_REFUSED, SY_ERROR,
        true, "connection closed without a reply"},
    {VK_CURL, CURLE_PEER_FAILED_VERIFICATION, CURLE_PEER_FAILED_VERIFICATION,
        SY_R_LINK_TLS, SY_ERROR, false, NULL},
    {VK_CURL, CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CONNECT_ERROR, SY_R_LINK_TLS,
        SY_ERROR, false, NULL},
    {VK_CURL, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, SY_R_LINK_TLS, SY_ERROR,
        false, NULL},
    {VK_CURL, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CACERT_BADFILE, SY_R_LINK_TLS,
        SY_ERROR, false, NULL},
    {VK_CURL, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_ISSUER_ERROR, SY_R_LINK_TLS,
        SY_ERROR, false, NULL},
    {VK_CURL, CURLE_TOO_MANY_REDIRECTS, CURLE_TOO_MANY_REDIRECTS,
        SY_R_LINK_REDIRECT_LOOP, SY_ERROR, false, NULL},
    {VK_CURL, 0, INT_MAX, SY_R_LINK_ERROR, SY_ERROR, false, NULL},
};

static const struct verdict *
verdict_find(enum vkind kind, long code)
{
	size_t i;

	for (i = 0; i < SY_NELEM(verdicts); i++)
		if (verdicts[i].kind == kind && code >= verdicts[i].lo &&
		    code <= verdicts[i].hi)
			return &verdicts[i];
	return NULL;
}

static const char *
reason_phrase(long status)
{
	static const struct {
		long code;
		const char *text;
	} t[] = {
	    {400, "Bad Request"},
	    {401, "Unauthorized"},
	    {403, "Forbidden"},
	    {404, "Not Found"},
	    {405, "Method Not Allowed"},
	    {408, "Request Timeout"},
	    {410, "Gone"},
	    {429, "Too Many Requests"},
	    {451, "Unavailable For Legal Reasons"},
	    {500, "Internal Server Error"},
	    {501, "Not Implemented"},
	    {502, "Bad Gateway"},
	    {503, "Service Unavailable"},
	    {504, "Gateway Timeout"},
	};
	size_t i;

	for (i = 0; i < SY_NELEM(t); i++)
		if (t[i].code == status)
			return t[i].text;
	return "";
}

/* ---------------------------------------------------------------- */
/* Small helpers. */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t
rng_next(struct sy_linkcheck *lc)
{
	uint64_t x = lc->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	lc->rng = x;
	return x;
}

static char *xasprintf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static char *
xasprintf(const char *fmt, ...)
{
	struct sy_buf b;
	va_list ap;
	enum sy_err e;

	sy_buf_init(&b, 0);
	va_start(ap, fmt);
	e = sy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (e != SY_OK) {
		sy_buf_fini(&b);
		return NULL;
	}
	return sy_buf_steal(&b);
}

static bool
v4_private(uint32_t a)
{
	static const struct {
		uint32_t net;
		int bits;
	} r[] = {
	    {0x00000000, 8},  /* 0/8, "this network" */
	    {0x0a000000, 8},  /* 10/8 */
	    {0x64400000, 10}, /* 100.64/10 CGNAT */
	    {0x7f000000, 8},  /* 127/8 */
	    {0xa9fe0000, 16}, /* 169.254/16 link-local, cloud metadata */
	    {0xac100000, 12}, /* 172.16/12 */
	    {0xc0000000, 24}, /* 192.0.0/24 IETF assignments */
	    {0xc0a80000, 16}, /* 192.168/16 */
	    {0xc6120000, 15}, /* 198.18/15 benchmarking */
	    {0xe0000000, 4},  /* 224/4 multicast */
	    {0xf0000000, 4},  /* 240/4 reserved, broadcast */
	};
	size_t i;

	for (i = 0; i < SY_NELEM(r); i++)
		if ((a >> (32 - r[i].bits)) == (r[i].net >> (32 - r[i].bits)))
			return true;
	return false;
}

bool
sy_addr_is_private(const struct sockaddr *sa)
{
	const unsigned char *b;
	uint32_t v4;
	static const unsigned char zero12[12];
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 =
		    (const struct sockaddr_in *)(const void *)sa;

		return v4_private(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return true; /* nothing else is expected: refuse */
	b = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
	/* ::, ::1, IPv4-compatible, IPv4-mapped and NAT64: the IPv4 decides. */
	if (memcmp(b, zero12, 12) == 0 || memcmp(b, mapped, 12) == 0 ||
	    memcmp(b, nat64, 12) == 0) {
		v4 = (uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
		    (uint32_t)b[14] << 8 | b[15];
		if (memcmp(b, zero12, 12) == 0 && v4 <= 1)
			return true; /* :: and ::1 */
		return v4_private(v4);
	}
	if (b[0] == 0x20 && b[1] == 0x02) { /* 6to4 2002:V4ADDR::/48 */
		v4 = (uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 |
		    (uint32_t)b[4] << 8 | b[5];
		return v4_private(v4);
	}
	if ((b[0] & 0xfe) == 0xfc) /* fc00::/7 unique local */
		return true;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10 */
		return true;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* fec0::/10 site-local */
		return true;
	if (b[0] == 0xff) /* multicast */
		return true;
	return false;
}

int
sy_retry_after_parse(const char *value, time_t now, long *delay_s)
{
	char tmp[128];
	size_t len;
	long long v;
	time_t t;

	if (value == NULL)
		return -1;
	while (SY_ISSPACE(*value))
		value++;
	len = strlen(value);
	while (len > 0 && SY_ISSPACE(value[len - 1]))
		len--;
	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, value, len);
	tmp[len] = '\0';
	if (SY_ISDIGIT(tmp[0])) {
		/* delta-seconds = 1*DIGIT; huge values are clamped. */
		size_t i;

		for (i = 0; i < len; i++)
			if (!SY_ISDIGIT(tmp[i]))
				return -1;
		if (sy_strtoll(tmp, 0, LLONG_MAX, &v) != 0)
			v = LONG_MAX;
		*delay_s = v > LONG_MAX ? LONG_MAX : (long)v;
		return 0;
	}
	/* HTTP-date: IMF-fixdate, or the obsolete RFC 850 and asctime
	 * forms, all of which start with a day name. */
	if (!SY_ISALPHA(tmp[0]))
		return -1;
	t = curl_getdate(tmp, NULL);
	if (t == (time_t)-1)
		return -1;
	*delay_s = t <= now ? 0 : (long)(t - now);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Setup. */

void
sy_linkcheck_opts_init(struct sy_linkcheck_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->jobs = 64;
	o->per_host = 4;
	o->host_interval_ms = 50;
	o->timeout_ms = 20000;
	o->connect_timeout_ms = 10000;
	o->deadline_ms = 0;
	o->retries = 2;
	o->backoff_ms = 500;
	o->retry_after_max_s = 60;
	o->max_redirects = 10;
	o->body_max = (size_t)2 << 20;
	o->header_max = (size_t)64 << 10;
	o->allow_private = false;
	o->head_first = true;
}

struct sy_linkcheck *
sy_linkcheck_new(const struct sy_linkcheck_opts *opts)
{
	struct sy_linkcheck *lc;
	struct timespec ts;

	lc = calloc(1, sizeof(*lc));
	if (lc == NULL)
		return NULL;
	lc->o = *opts;
	if (lc->o.jobs == 0)
		lc->o.jobs = 1;
	/* Without it, handles are simply not reused. */
	lc->pool = calloc(lc->o.jobs, sizeof(*lc->pool));
	if (lc->o.per_host == 0)
		lc->o.per_host = 1;
	if (lc->o.max_redirects < 0)
		lc->o.max_redirects = 0;
	if (lc->o.retries < 0)
		lc->o.retries = 0;
	if (lc->o.user_agent == NULL)
		lc->o.user_agent = SY_LINKCHECK_UA;
	lc->multi = curl_multi_init();
	if (lc->multi == NULL)
		goto fail;
	if (curl_multi_setopt(lc->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	        (long)lc->o.per_host) != CURLM_OK ||
	    curl_multi_setopt(lc->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	        (long)lc->o.jobs) != CURLM_OK ||
	    curl_multi_setopt(lc->multi, CURLMOPT_MAXCONNECTS,
	        (long)lc->o.jobs) != CURLM_OK ||
	    curl_multi_setopt(lc->multi, CURLMOPT_PIPELINING,
	        (long)CURLPIPE_MULTIPLEX) != CURLM_OK)
		goto fail;
	clock_gettime(CLOCK_REALTIME, &ts);
	lc->rng = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^
	    ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)lc;
	if (lc->rng == 0)
		lc->rng = 0x9e3779b97f4a7c15ULL;
	return lc;
fail:
	if (lc->multi != NULL)
		curl_multi_cleanup(lc->multi);
	free(lc);
	return NULL;
}

static void xfer_destroy(struct xfer *x);

static void
item_fini(struct item *it)
{
	int i;

	free(it->url);
	free(it->frag);
	free(it->etag_in);
	free(it->lm_in);
	free(it->probe_url);
	free(it->cur);
	if (it->visited != NULL)
		for (i = 0; i <= it->hops; i++)
			free(it->visited[i]);
	free(it->visited);
	free(it->final_url);
	free(it->message);
	free(it->etag_out);
	free(it->lm_out);
}

void
sy_linkcheck_free(struct sy_linkcheck *lc)
{
	size_t i;

	if (lc == NULL)
		return;
	for (i = 0; i < lc->n; i++)
		item_fini(&lc->it[i]);
	free(lc->it);
	sy_strmap_fini(&lc->seen);
	sy_strmap_fini(&lc->hostmap);
	for (i = 0; i < lc->npool; i++)
		xfer_destroy(lc->pool[i]);
	free(lc->pool);
	for (i = 0; i < lc->nhosts; i++)
		free(lc->hosts[i].key);
	free(lc->hosts);
	if (lc->multi != NULL)
		curl_multi_cleanup(lc->multi);
	free(lc);
}

size_t
sy_linkcheck_count(const struct sy_linkcheck *lc)
{
	return lc->n;
}

static enum sy_err
take_hint(char **dst, const char *src)
{
	if (*dst != NULL || src == NULL || *src == '\0')
		return SY_OK;
	*dst = strdup(src);
	return *dst == NULL ? SY_ENOMEM : SY_OK;
}

enum sy_err
sy_linkcheck_add(struct sy_linkcheck *lc, const char *url,
    const struct sy_link_hints *hints, void *user)
{
	struct item *it, *p;
	const char *hash;
	size_t i;
	bool found;
	enum sy_err e;

	if (lc == NULL || url == NULL || lc->ran)
		return SY_EINVAL;
	it = NULL;
	if (sy_strmap_get(&lc->seen, url, &i))
		it = &lc->it[i];
	if (it == NULL) {
		if (lc->n == lc->cap || lc->it == NULL) {
			size_t cap = lc->cap == 0 ? 64 : lc->cap * 2;

			p = sy_reallocarray(lc->it, cap, sizeof(*p));
			if (p == NULL)
				return SY_ENOMEM;
			lc->it = p;
			lc->cap = cap;
		}
		it = &lc->it[lc->n];
		memset(it, 0, sizeof(*it));
		it->next = NONE;
		it->user = user;
		it->url = strdup(url);
		hash = strchr(url, '#');
		it->cur = hash != NULL ? sy_strndup(url, (size_t)(hash - url))
		                       : strdup(url);
		if (hash != NULL && hash[1] != '\0' &&
		    sy_strcasecmp(hash + 1, "top") != 0)
			it->frag = strdup(hash + 1);
		if (it->url == NULL || it->cur == NULL ||
		    (hash != NULL && hash[1] != '\0' &&
		        sy_strcasecmp(hash + 1, "top") != 0 &&
		        it->frag == NULL)) {
			item_fini(it);
			return SY_ENOMEM;
		}
		if (sy_strmap_put(&lc->seen, url, lc->n, &found, NULL) !=
		    SY_OK) {
			item_fini(it);
			return SY_ENOMEM;
		}
		lc->n++;
	}
	if (hints != NULL) {
		if ((e = take_hint(&it->etag_in, hints->etag)) != SY_OK ||
		    (e = take_hint(&it->lm_in, hints->last_modified)) !=
		        SY_OK ||
		    (e = take_hint(&it->probe_url, hints->probe_url)) != SY_OK)
			return e;
	}
	return SY_OK;
}

/* ---------------------------------------------------------------- */
/* Hosts and queues. */

/* h[0..n) is a canonical dotted quad: four decimal parts of 0 to 255
 * without leading zeros (what CURLU leaves as it is). */
static bool
dotted_quad(const char *h, size_t n)
{
	size_t i = 0, parts = 0, digits;
	unsigned v;

	while (parts < 4) {
		v = 0;
		digits = 0;
		while (i < n && SY_ISDIGIT(h[i]) && digits < 4) {
			v = v * 10 + (unsigned)(h[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255 ||
		    (digits > 1 && h[i - digits] == '0'))
			return false;
		parts++;
		if (parts < 4) {
			if (i >= n || h[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

/*
 * The key of a plain authority, without CURLU and without printf: the
 * profile of 10,000 loopback URLs had one URL parse per enqueue as our
 * largest cost.  Declines (returns 0) whatever the CURLU parser could
 * refuse or rewrite: bytes it rejects anywhere in the URL (controls,
 * space), userinfo, percent-encoding, IPv6 literals, a port with a
 * leading zero or above 65535, a host starting with a digit that is not
 * a canonical dotted quad (CURLU normalizes 127.1, 0x7f.1, 017.0.0.1).
 * linkcheck_test compares both ways on a table of URLs.
 */
size_t
sy_linkcheck_hostkey_fast(const char *url, char *key, size_t size)
{
	const char *h, *p, *port = NULL, *s;
	size_t sl, hl, pl = 0, n, i;
	unsigned long pv = 0;

	if (SY_TOLOWER(url[0]) != 'h' || SY_TOLOWER(url[1]) != 't' ||
	    SY_TOLOWER(url[2]) != 't' || SY_TOLOWER(url[3]) != 'p')
		return 0;
	sl = SY_TOLOWER(url[4]) == 's' ? 5 : 4;
	if (url[sl] != ':' || url[sl + 1] != '/' || url[sl + 2] != '/')
		return 0;
	h = url + sl + 3;
	for (p = h; SY_ISALNUM(*p) || *p == '.' || *p == '-'; p++)
		;
	hl = (size_t)(p - h);
	if (hl == 0 || hl > 255)
		return 0;
	if (*p == ':') {
		port = ++p;
		while (SY_ISDIGIT(*p) && pl < 6) {
			pv = pv * 10 + (unsigned long)(*p - '0');
			p++;
			pl++;
		}
		if (pl == 0 || pl > 5 || port[0] == '0' || pv > 65535)
			return 0;
	}
	if (*p != '\0' && *p != '/' && *p != '?' && *p != '#')
		return 0;
	for (s = p; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f)
			return 0;
	if ((size_t)(s - url) > 65536)
		return 0;
	if (SY_ISDIGIT(h[0]) && !dotted_quad(h, hl))
		return 0;
	n = sl + 3 + hl + 1 + (port != NULL ? pl : (sl == 5 ? 3 : 2));
	if (n + 1 > size)
		return 0;
	for (i = 0; i < sl; i++)
		key[i] = (char)SY_TOLOWER(url[i]);
	memcpy(key + sl, "://", 3);
	for (i = 0; i < hl; i++)
		key[sl + 3 + i] = (char)SY_TOLOWER(h[i]);
	key[sl + 3 + hl] = ':';
	if (port != NULL)
		memcpy(key + sl + 4 + hl, port, pl);
	else
		memcpy(
		    key + sl + 4 + hl, sl == 5 ? "443" : "80", sl == 5 ? 3 : 2);
	key[n] = '\0';
	return n;
}

/* "scheme://host:port" of an http(s) URL, or NULL (bad URL, other scheme,
 * out of memory: *bad tells the first two apart). */
char *
sy_linkcheck_hostkey_curlu(const char *url, bool *bad, char **scheme_out)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	size_t i;

	*bad = true;
	*scheme_out = NULL;
	u = curl_url();
	if (u == NULL) {
		*bad = false;
		return NULL;
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	        CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto out;
	*scheme_out = strdup(scheme);
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		goto out;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	        CURLUE_OK)
		goto out;
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)SY_TOLOWER(host[i]);
	key = xasprintf("%s://%s:%s", scheme, host, port);
	*bad = false;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return key;
}

/* The host of key, added when new; NONE when out of memory. */
static size_t
host_get(struct sy_linkcheck *lc, const char *key)
{
	size_t i;
	struct host *p;
	bool found;

	if (sy_strmap_get(&lc->hostmap, key, &i))
		return i;
	if (lc->nhosts == lc->hcap) {
		size_t cap = lc->hcap == 0 ? 16 : lc->hcap * 2;

		p = sy_reallocarray(lc->hosts, cap, sizeof(*p));
		if (p == NULL)
			return NONE;
		lc->hosts = p;
		lc->hcap = cap;
	}
	p = &lc->hosts[lc->nhosts];
	memset(p, 0, sizeof(*p));
	p->key = strdup(key);
	if (p->key == NULL)
		return NONE;
	if (sy_strmap_put(&lc->hostmap, key, lc->nhosts, &found, NULL) !=
	    SY_OK) {
		free(p->key);
		return NONE;
	}
	p->head = p->tail = NONE;
	return lc->nhosts++;
}

static void report(struct sy_linkcheck *lc, size_t idx, enum sy_rule rule,
    enum sy_severity sev, long status, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Puts item idx on the queue of the host of its current URL. */
static enum sy_err
enqueue(struct sy_linkcheck *lc, size_t idx)
{
	struct item *it = &lc->it[idx];
	char kbuf[SY_HOSTKEY_MAX], *heap = NULL, *scheme = NULL;
	const char *key = kbuf;
	bool bad;
	size_t h;

	if (sy_linkcheck_hostkey_fast(it->cur, kbuf, sizeof(kbuf)) == 0) {
		heap = sy_linkcheck_hostkey_curlu(it->cur, &bad, &scheme);
		if (heap == NULL) {
			if (!bad) {
				free(scheme);
				return SY_ENOMEM;
			}
			if (scheme != NULL)
				report(lc, idx, SY_R_LINK_ERROR, SY_ERROR, 0,
				    "unsupported scheme \"%s\" (only http "
				    "and https are checked)",
				    scheme);
			else
				report(lc, idx, SY_R_LINK_ERROR, SY_ERROR, 0,
				    "malformed URL");
			free(scheme);
			return SY_OK;
		}
		free(scheme);
		key = heap;
	}
	h = host_get(lc, key);
	free(heap);
	if (h == NONE)
		return SY_ENOMEM;
	it->next = NONE;
	if (lc->hosts[h].tail == NONE)
		lc->hosts[h].head = idx;
	else
		lc->it[lc->hosts[h].tail].next = idx;
	lc->hosts[h].tail = idx;
	return SY_OK;
}

/* ---------------------------------------------------------------- */
/* Verdicts. */

/* Gives item idx its verdict, with msg as it is (no formatting). */
static void
report_msg(struct sy_linkcheck *lc, size_t idx, enum sy_rule rule,
    enum sy_severity sev, long status, const char *msg)
{
	struct item *it = &lc->it[idx];
	struct sy_link_result r;

	if (it->done)
		return;
	it->done = true;
	lc->ndone++;
	if (rule != SY_R_NONE && sev != SY_NOTE)
		lc->nfail++;
	memset(&r, 0, sizeof(r));
	r.url = it->url;
	r.user = it->user;
	r.rule = rule;
	r.severity = sev;
	r.status = status;
	r.final_url = it->final_url != NULL ? it->final_url : it->cur;
	r.message = msg != NULL ? msg : "";
	r.attempts = it->attempts;
	r.elapsed_ms = it->started ? (long)(now_ms() - it->t_start) : 0;
	r.response_ms = (long)(it->busy_us / 1000);
	if (it->visited != NULL && it->hops > 0) {
		r.chain = (const char *const *)it->visited + 1;
		r.nchain = (size_t)it->hops;
	}
	r.rate_limited = it->rate_limited;
	r.etag = it->etag_out;
	r.last_modified = it->lm_out;
	if (lc->cb != NULL)
		lc->cb(&r, lc->cbarg);
	if (lc->o.progress != NULL)
		lc->o.progress(lc->ndone, lc->n, lc->nfail, lc->o.progress_arg);
}

static void
report(struct sy_linkcheck *lc, size_t idx, enum sy_rule rule,
    enum sy_severity sev, long status, const char *fmt, ...)
{
	struct sy_buf b;
	va_list ap;

	if (lc->it[idx].done)
		return;
	sy_buf_init(&b, 0);
	va_start(ap, fmt);
	(void)sy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	report_msg(lc, idx, rule, sev, status, b.data);
	sy_buf_fini(&b);
}

/* Reports the verdict saved in the item (main phase result). */
static void
report_saved(struct sy_linkcheck *lc, size_t idx)
{
	struct item *it = &lc->it[idx];

	report_msg(lc, idx, it->rule, it->sev, it->status, it->message);
}

/* ---------------------------------------------------------------- */
/* Callbacks. */

static curl_socket_t
cb_opensocket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = clientp;
	const void *p;

	(void)purpose;
	if (!x->lc->o.allow_private && sy_addr_is_private(&a->addr)) {
		x->private_refused = true;
		p = a->family == AF_INET6
		    ? (const void *)&(
		          (const struct sockaddr_in6 *)(const void *)&a->addr)
		          ->sin6_addr
		    : (const void *)&(
		          (const struct sockaddr_in *)(const void *)&a->addr)
		          ->sin_addr;
		if (inet_ntop(a->family, p, x->private_addr,
		        sizeof(x->private_addr)) == NULL)
			x->private_addr[0] = '\0';
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* Trims blanks and the line end around a header value; true when what is
 * left holds a control character. */
static bool
hdr_trim(const char **vp, size_t *np)
{
	const char *v = *vp;
	size_t n = *np, i;
	bool ctl = false;

	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 &&
	    (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ' ||
	        v[n - 1] == '\t'))
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			ctl = true;
	*vp = v;
	*np = n;
	return ctl;
}

static char *
hdr_value(const char *v, size_t n, bool *ctl)
{
	*ctl = hdr_trim(&v, &n);
	return sy_strndup(v, n);
}

static bool
hdr_is(
    const char *line, size_t n, const char *name, const char **val, size_t *vn)
{
	size_t l = strlen(name);

	if (n <= l || line[l] != ':' || sy_strncasecmp(line, name, l) != 0)
		return false;
	*val = line + l + 1;
	*vn = n - l - 1;
	return true;
}

static void
xfer_reset_headers(struct xfer *x)
{
	free(x->location);
	free(x->retry_after);
	free(x->etag);
	free(x->lm);
	free(x->ctype);
	x->location = x->retry_after = x->etag = x->lm = x->ctype = NULL;
	x->bot = NULL;
	x->loc_bad = false;
	x->reason[0] = '\0';
}

/* needle (lower case) in s[0..n), ASCII case-insensitively; a header
 * value is scanned for four needles, so the first byte is tested before
 * any call. */
static bool
contains_ci(const char *s, size_t n, const char *needle)
{
	size_t l = strlen(needle), i;
	char c0 = needle[0];

	for (i = 0; i + l <= n; i++)
		if ((char)SY_TOLOWER(s[i]) == c0 &&
		    sy_strncasecmp(s + i, needle, l) == 0)
			return true;
	return false;
}

/* The reason phrase of a status line, kept when short and clean. */
static void
status_reason(struct xfer *x, const char *line, size_t n)
{
	const char *sp = memchr(line, ' ', n), *r;
	size_t rn;

	if (sp == NULL || (size_t)(sp - line) + 5 >= n)
		return;
	r = sp + 5;
	rn = n - (size_t)(sp - line) - 5;
	if (!hdr_trim(&r, &rn) && rn < sizeof(x->reason)) {
		memcpy(x->reason, r, rn);
		x->reason[rn] = '\0';
	}
}

static void
hdr_keep(char **dst, const char *v, size_t vn, bool *ctl)
{
	free(*dst);
	*dst = hdr_value(v, vn, ctl);
}

/*
 * Keeps what the verdict needs from the response headers.  Dispatched on
 * the first letter of the name: most lines (Date, Content-Length,
 * Connection, Accept-Ranges...) are passed over after one comparison.
 */
static size_t
cb_header(char *line, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	const char *v;
	size_t vn;
	bool ctl;

	(void)size; /* always 1 */
	x->hdr_bytes += n;
	if (x->hdr_bytes > x->lc->o.header_max) {
		x->hdr_over = true;
		return 0;
	}
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* A new response (1xx, or the final one). */
		xfer_reset_headers(x);
		status_reason(x, line, n);
		return n;
	}
	if (n == 0)
		return n;
	switch (SY_TOLOWER(line[0])) {
	case 'c':
		if (hdr_is(line, n, "content-type", &v, &vn)) {
			/* Read only by the fragment search. */
			if (x->want_ctype)
				hdr_keep(&x->ctype, v, vn, &ctl);
		} else if (hdr_is(line, n, "cf-mitigated", &v, &vn)) {
			x->bot = "Cloudflare challenge";
		}
		break;
	case 'e':
		if (hdr_is(line, n, "etag", &v, &vn))
			hdr_keep(&x->etag, v, vn, &ctl);
		break;
	case 'l':
		if (hdr_is(line, n, "location", &v, &vn)) {
			hdr_keep(&x->location, v, vn, &ctl);
			x->loc_bad = ctl;
		} else if (hdr_is(line, n, "last-modified", &v, &vn)) {
			hdr_keep(&x->lm, v, vn, &ctl);
		}
		break;
	case 'r':
		if (hdr_is(line, n, "retry-after", &v, &vn))
			hdr_keep(&x->retry_after, v, vn, &ctl);
		break;
	case 's':
		if (hdr_is(line, n, "server", &v, &vn)) {
			if (contains_ci(v, vn, "cloudflare") && x->bot == NULL)
				x->bot = "Cloudflare";
			else if (contains_ci(v, vn, "akamai"))
				x->bot = "Akamai";
			else if (contains_ci(v, vn, "sucuri"))
				x->bot = "Sucuri";
			else if (contains_ci(v, vn, "datadome"))
				x->bot = "DataDome";
		} else if (hdr_is(line, n, "set-cookie", &v, &vn) &&
		    (contains_ci(v, vn, "datadome=") ||
		        contains_ci(v, vn, "_px3=") ||
		        contains_ci(v, vn, "incap_ses_"))) {
			x->bot = "bot protection";
		}
		break;
	case 'x':
		if (hdr_is(line, n, "x-datadome", &v, &vn))
			x->bot = "DataDome";
		else if (hdr_is(line, n, "x-sucuri-id", &v, &vn))
			x->bot = "Sucuri";
		else if (hdr_is(line, n, "x-iinfo", &v, &vn) ||
		    (hdr_is(line, n, "x-cdn", &v, &vn) &&
		        contains_ci(v, vn, "incapsula")))
			x->bot = "Incapsula";
		else if (n > 5 && sy_strncasecmp(line, "x-px", 4) == 0)
			x->bot = "PerimeterX";
		break;
	default:
		break;
	}
	return n;
}

static size_t
cb_write(char *data, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;
	struct item *it = &x->lc->it[x->item];
	long status = 0;
	size_t room;

	(void)size;
	curl_easy_getinfo(x->eh, CURLINFO_RESPONSE_CODE, &status);
	if (it->frag == NULL || it->phase != PH_MAIN || status < 200 ||
	    status > 299) {
		/* No body needed: drop a little of it so that an HTTP/1.1
		 * connection stays reusable, then stop. */
		x->drained += n;
		if (x->drained <= DRAIN_MAX)
			return n;
		x->stopped = true;
		return 0;
	}
	room = x->lc->o.body_max - x->body.len;
	if (n > room) {
		(void)sy_buf_append(&x->body, data, room);
		x->body_full = true;
		x->stopped = true;
		return 0;
	}
	if (sy_buf_append(&x->body, data, n) != SY_OK) {
		x->stopped = true;
		x->body_full = true;
		return 0;
	}
	return n;
}

/* ---------------------------------------------------------------- */
/* Transfers. */

/* Bodies larger than this are freed when the transfer ends. */
#define BODY_KEEP 65536

static void
xfer_destroy(struct xfer *x)
{
	if (x == NULL)
		return;
	if (x->eh != NULL)
		curl_easy_cleanup(x->eh);
	curl_slist_free_all(x->reqh);
	xfer_reset_headers(x);
	sy_buf_fini(&x->body);
	free(x);
}

static bool
set_ok(CURLcode c)
{
	return c == CURLE_OK;
}

/*
 * A new transfer with its easy handle configured once for good: the
 * options no transfer changes.  Per transfer, xfer_start sets URL,
 * TIMEOUT_MS, NOBODY and HTTPHEADER, always all four, so nothing of one
 * transfer carries over to the next.  Making the handle per transfer, or
 * curl_easy_reset and setting all 21 options again, cost more than the
 * request itself on a fast network.
 */
static struct xfer *
xfer_new(struct sy_linkcheck *lc)
{
	struct xfer *x;
	CURL *eh;
	bool ok;

	x = calloc(1, sizeof(*x));
	if (x == NULL)
		return NULL;
	x->lc = lc;
	sy_buf_init(&x->body, lc->o.body_max + 1);
	eh = x->eh = curl_easy_init();
	if (eh == NULL) {
		free(x);
		return NULL;
	}
	ok = set_ok(curl_easy_setopt(eh, CURLOPT_PRIVATE, x)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_ERRORBUFFER, x->errbuf)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_NOSIGNAL, 1L)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_PROTOCOLS_STR, "http,https")) &&
	    set_ok(curl_easy_setopt(
	        eh, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_FOLLOWLOCATION, 0L)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_PROXY, "")) &&
	    set_ok(curl_easy_setopt(
	        eh, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_ACCEPT_ENCODING, "")) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_USERAGENT, lc->o.user_agent)) &&
	    set_ok(curl_easy_setopt(
	        eh, CURLOPT_CONNECTTIMEOUT_MS, lc->o.connect_timeout_ms)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_HEADERFUNCTION, cb_header)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_HEADERDATA, x)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_WRITEFUNCTION, cb_write)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_WRITEDATA, x)) &&
	    set_ok(curl_easy_setopt(
	        eh, CURLOPT_OPENSOCKETFUNCTION, cb_opensocket)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_OPENSOCKETDATA, x));
	if (ok && lc->o.ca_file != NULL)
		ok =
		    set_ok(curl_easy_setopt(eh, CURLOPT_CAINFO, lc->o.ca_file));
	if (!ok) {
		xfer_destroy(x);
		return NULL;
	}
	return x;
}

/* Forgets everything of the transfer that ended; the handle stays. */
static void
xfer_clear(struct xfer *x)
{
	size_t off = offsetof(struct xfer, prev);

	if (x->reqh != NULL) {
		/* No dangling list in the handle while it waits. */
		(void)curl_easy_setopt(
		    x->eh, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
		curl_slist_free_all(x->reqh);
	}
	xfer_reset_headers(x);
	if (x->body.cap > BODY_KEEP)
		sy_buf_fini(&x->body);
	else
		sy_buf_reset(&x->body);
	memset((char *)x + off, 0, sizeof(*x) - off);
}

/* The transfer ended: back to the pool, or freed when the pool is full. */
static void
xfer_free(struct xfer *x)
{
	struct sy_linkcheck *lc;

	if (x == NULL)
		return;
	lc = x->lc;
	if (lc->pool != NULL && lc->npool < lc->o.jobs) {
		xfer_clear(x);
		lc->pool[lc->npool++] = x;
	} else {
		xfer_destroy(x);
	}
}

static enum sy_err
add_header(struct xfer *x, const char *name, const char *value)
{
	struct curl_slist *l;
	char *h;

	h = xasprintf("%s: %s", name, value);
	if (h == NULL)
		return SY_ENOMEM;
	l = curl_slist_append(x->reqh, h);
	free(h);
	if (l == NULL)
		return SY_ENOMEM;
	x->reqh = l;
	return SY_OK;
}

static enum sy_err
xfer_start(struct sy_linkcheck *lc, size_t idx, long long now)
{
	struct item *it = &lc->it[idx];
	struct xfer *x;
	CURL *eh;
	long tmo;
	bool ok;

	x = lc->npool > 0 ? lc->pool[--lc->npool] : xfer_new(lc);
	if (x == NULL)
		return SY_ENOMEM;
	eh = x->eh;
	x->item = idx;
	x->head = !it->use_get;
	x->want_ctype = it->frag != NULL && it->phase == PH_MAIN;
	if (it->phase == PH_MAIN) {
		if (it->etag_in != NULL &&
		    add_header(x, "If-None-Match", it->etag_in) != SY_OK)
			goto nomem;
		if (it->lm_in != NULL &&
		    add_header(x, "If-Modified-Since", it->lm_in) != SY_OK)
			goto nomem;
	}
	tmo = lc->o.timeout_ms;
	if (lc->deadline != LLONG_MAX && lc->deadline - now < tmo)
		tmo = lc->deadline - now < 1 ? 1L : (long)(lc->deadline - now);
	/* NOBODY 0 after NOBODY 1 turns the HEAD back into a GET (libcurl
	 * 7.88 setopt.c); HTTPHEADER is set even when NULL so that the
	 * conditional headers of one transfer never reach the next. */
	ok = set_ok(curl_easy_setopt(eh, CURLOPT_URL, it->cur)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_TIMEOUT_MS, tmo)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_NOBODY, x->head ? 1L : 0L)) &&
	    set_ok(curl_easy_setopt(eh, CURLOPT_HTTPHEADER, x->reqh));
	if (!ok)
		goto nomem;
	if (curl_multi_add_handle(lc->multi, eh) != CURLM_OK) {
		xfer_free(x);
		return SY_ECURL;
	}
	if (!it->started) {
		it->started = true;
		it->t_start = now;
	}
	if (it->phase == PH_MAIN)
		it->attempts++;
	lc->nactive++;
	x->nextx = lc->xlist;
	if (lc->xlist != NULL)
		lc->xlist->prev = x;
	lc->xlist = x;
	return SY_OK;
nomem:
	xfer_free(x);
	return SY_ENOMEM;
}

/* Schedules item idx again after delay_ms (0: at once). */
static enum sy_err
again(struct sy_linkcheck *lc, size_t idx, long long delay_ms)
{
	struct item *it = &lc->it[idx];

	if (delay_ms <= 0)
		return enqueue(lc, idx);
	it->waiting = true;
	it->wake_at = now_ms() + delay_ms;
	lc->nwaiting++;
	return SY_OK;
}

static long long
backoff(struct sy_linkcheck *lc, int retried)
{
	long long d = lc->o.backoff_ms;
	int i;

	for (i = 0; i < retried && d < 60000; i++)
		d *= 2;
	/* Full range jitter between d/2 and 3d/2. */
	if (d > 0)
		d = d / 2 + (long long)(rng_next(lc) % (uint64_t)(d + 1));
	return d;
}

/* What the fragment search looks for, and whether it found it. */
struct fragsearch {
	const char *frag; /* as written */
	const char *dec;  /* percent-decoded, or NULL */
	bool found;
};

static bool
frag_is(const struct fragsearch *fs, const char *v)
{
	return strcmp(v, fs->frag) == 0 ||
	    (fs->dec != NULL && strcmp(v, fs->dec) == 0);
}

/* SAX start tag: an id on any element, or a name on <a>. */
static void
frag_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	htmlParserCtxtPtr p = ctx;
	struct fragsearch *fs = p->_private;
	size_t i;

	if (atts == NULL || name == NULL)
		return;
	for (i = 0; atts[i] != NULL; i += 2) {
		const char *a = (const char *)atts[i];
		const char *v = (const char *)atts[i + 1];

		if (v == NULL)
			continue;
		if (sy_strcasecmp(a, "id") == 0 ||
		    (sy_strcasecmp(a, "name") == 0 &&
		        xmlStrcasecmp(name, BAD_CAST "a") == 0)) {
			if (frag_is(fs, v)) {
				fs->found = true;
				xmlStopParser(p);
				return;
			}
		}
	}
}

/*
 * Looks for the fragment's target in the body with a SAX parse: no tree
 * is built, so a body of many small elements costs no memory beyond the
 * body itself.
 */
static bool
frag_found(const char *body, size_t len, const char *frag, const char *url)
{
	struct fragsearch fs;
	htmlParserCtxtPtr p;
	char *dec;
	int dlen;

	(void)url;
	if (len == 0)
		return false;
	if (len > INT_MAX)
		len = INT_MAX;
	dec = curl_easy_unescape(NULL, frag, 0, &dlen);
	fs.frag = frag;
	fs.dec = dec;
	fs.found = false;
	p = htmlCreateMemoryParserCtxt(body, (int)len);
	if (p != NULL && p->sax != NULL) {
		memset(p->sax, 0, sizeof(*p->sax));
		p->sax->initialized = 1;
		p->sax->startElement = frag_start;
		p->_private = &fs;
		htmlCtxtUseOptions(p,
		    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
		        HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
		(void)htmlParseDocument(p);
	}
	if (p != NULL) {
		if (p->myDoc != NULL)
			xmlFreeDoc(p->myDoc);
		htmlFreeParserCtxt(p);
	}
	curl_free(dec);
	return fs.found;
}

static bool
is_html(const char *ctype)
{
	return ctype == NULL || contains_ci(ctype, strlen(ctype), "html");
}

/*
 * The main check ended well: fragment, permanent redirect, probe.  The
 * verdict of a plain 2xx or 304 without a probe, the common case, is
 * reported from a stack buffer: no copy of the message or of the final
 * URL (it->cur is that URL).
 */
static enum sy_err
main_ok(struct sy_linkcheck *lc, struct xfer *x, long status)
{
	struct item *it = &lc->it[x->item];
	char msg[128];

	free(it->etag_out);
	free(it->lm_out);
	it->etag_out = x->etag;
	it->lm_out = x->lm;
	x->etag = x->lm = NULL;
	free(it->final_url);
	it->final_url = NULL;
	it->status = status;
	it->rule = SY_R_NONE;
	it->sev = SY_NOTE;
	free(it->message);
	it->message = NULL;
	if (it->permanent && it->hops > 0) {
		it->rule = SY_R_LINK_REDIRECT;
		it->sev = SY_WARNING;
		it->message = xasprintf("permanent redirect to %s", it->cur);
	} else if (it->frag != NULL && status >= 200 && status <= 299 &&
	    is_html(x->ctype) &&
	    !frag_found(x->body.data != NULL ? x->body.data : "", x->body.len,
	        it->frag, it->cur)) {
		it->rule = SY_R_LINK_FRAGMENT;
		it->sev = SY_WARNING;
		it->message = xasprintf("no id or name \"%s\" in the page%s",
		    it->frag, x->body_full ? " (first part read)" : "");
	} else {
		/* The reason is under 64 bytes: this always fits. */
		(void)snprintf(msg, sizeof(msg), "%ld %s", status,
		    x->reason[0] != '\0' ? x->reason : reason_phrase(status));
		if (it->probe_url == NULL) {
			report_msg(lc, x->item, it->rule, it->sev, status, msg);
			return SY_OK;
		}
		it->message = strdup(msg);
	}
	if (it->message == NULL)
		return SY_ENOMEM;
	if (it->probe_url != NULL) {
		it->final_url = strdup(it->cur);
		if (it->final_url == NULL)
			return SY_ENOMEM;
		it->phase = PH_PROBE;
		free(it->cur);
		it->cur = strdup(it->probe_url);
		if (it->cur == NULL)
			return SY_ENOMEM;
		it->use_get = true;
		it->retried = 0;
		return enqueue(lc, x->item);
	}
	report_saved(lc, x->item);
	return SY_OK;
}

static bool
visited(const struct item *it, const char *url)
{
	int i;

	for (i = 0; i <= it->hops; i++)
		if (it->visited[i] != NULL && strcmp(it->visited[i], url) == 0)
			return true;
	return false;
}

char *
sy_http_header(const char *line, size_t n, const char *name, bool *ctl)
{
	const char *v;
	size_t vn;

	*ctl = false;
	if (!hdr_is(line, n, name, &v, &vn))
		return NULL;
	return hdr_value(v, vn, ctl);
}

bool
sy_content_type_is_html(const char *ctype)
{
	return is_html(ctype);
}

enum sy_err
sy_redirect_target(const char *base, const char *location, bool ctl,
    char **next, char *why, size_t whylen)
{
	CURLU *u;
	char *url = NULL, *scheme = NULL;
	size_t sl = sy_url_scheme_len(location);
	enum sy_err e = SY_EINVAL;

	*next = NULL;
	if (ctl) {
		(void)snprintf(why, whylen,
		    "redirect refused: Location contains control characters");
		return SY_EINVAL;
	}
	/* Relative, or absolute with http or https (RFC 3986 3.1). */
	if (sl > 0 && !(sl == 4 && sy_strncasecmp(location, "http", 4) == 0) &&
	    !(sl == 5 && sy_strncasecmp(location, "https", 5) == 0)) {
		(void)snprintf(why, whylen,
		    "redirect to a non-http(s) URL refused: %s", location);
		return SY_EINVAL;
	}
	u = curl_url();
	if (u == NULL)
		return SY_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, location,
	        CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK) {
		(void)snprintf(
		    why, whylen, "redirect to a malformed URL: %s", location);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		(void)snprintf(why, whylen,
		    "redirect to a non-http(s) URL refused: %s", location);
		goto out;
	}
	*next = sy_strdup(url);
	e = *next == NULL ? SY_ENOMEM : SY_OK;
out:
	curl_free(url);
	curl_free(scheme);
	curl_url_cleanup(u);
	return e;
}

static enum sy_err
follow(struct sy_linkcheck *lc, struct xfer *x, long status)
{
	struct item *it = &lc->it[x->item];
	char *next = NULL, *p, why[512];
	enum sy_err e;

	e = sy_redirect_target(
	    it->cur, x->location, x->loc_bad, &next, why, sizeof(why));
	if (e == SY_EINVAL) {
		report(
		    lc, x->item, SY_R_LINK_ERROR, SY_ERROR, status, "%s", why);
		return SY_OK;
	}
	if (e != SY_OK)
		return e;
	if (status == 301 || status == 308)
		it->permanent = true;
	/* Made at the first redirect: most links have none.  it->cur is
	 * still the URL as added (without its fragment) then. */
	if (it->visited == NULL) {
		it->visited =
		    calloc((size_t)lc->o.max_redirects + 1, sizeof(char *));
		if (it->visited == NULL ||
		    (it->visited[0] = strdup(it->cur)) == NULL) {
			e = SY_ENOMEM;
			goto out;
		}
	}
	if (visited(it, next)) {
		report(lc, x->item, SY_R_LINK_REDIRECT_LOOP, SY_ERROR, status,
		    "redirect loop back to %s", next);
		goto out;
	}
	if (it->hops >= lc->o.max_redirects) {
		report(lc, x->item, SY_R_LINK_REDIRECT_LOOP, SY_ERROR, status,
		    "more than %d redirects", lc->o.max_redirects);
		goto out;
	}
	p = strdup(next);
	if (p == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	it->hops++;
	it->visited[it->hops] = p;
	free(it->cur);
	it->cur = strdup(next);
	if (it->cur == NULL) {
		e = SY_ENOMEM;
		goto out;
	}
	it->use_get = !lc->o.head_first || it->frag != NULL;
	e = enqueue(lc, x->item);
out:
	free(next);
	return e;
}

static const char *
tls_detail(struct xfer *x, CURLcode rc)
{
	long vr = 0;

	curl_easy_getinfo(x->eh, CURLINFO_SSL_VERIFYRESULT, &vr);
	/* OpenSSL X509_V_ERR_* values, stable across versions. */
	switch (vr) {
	case 9:
		return "certificate is not yet valid";
	case 10:
		return "certificate has expired";
	case 18:
	case 19:
		return "self-signed certificate";
	case 2:
	case 20:
	case 21:
		return "certificate issuer is not trusted";
	case 62:
		return "certificate does not match the host name";
	default:
		break;
	}
	if (strstr(x->errbuf, "subject name") != NULL ||
	    strstr(x->errbuf, "does not match") != NULL)
		return "certificate does not match the host name";
	if (strstr(x->errbuf, "expired") != NULL)
		return "certificate has expired";
	if (strstr(x->errbuf, "self-signed") != NULL ||
	    strstr(x->errbuf, "self signed") != NULL)
		return "self-signed certificate";
	if (x->errbuf[0] != '\0')
		return x->errbuf;
	return curl_easy_strerror(rc);
}

static bool
head_refused(long status)
{
	return status == 400 || status == 403 || status == 404 ||
	    status == 405 || status == 501;
}

/* A transfer ended: verdict, or the item goes back to a queue. */
static enum sy_err
finish(struct sy_linkcheck *lc, struct xfer *x, CURLcode rc)
{
	struct item *it = &lc->it[x->item];
	const struct verdict *v;
	long status = 0;
	long delay_s;
	bool ra;

	curl_easy_getinfo(x->eh, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_WRITE_ERROR && x->stopped)
		rc = CURLE_OK;
	if (it->phase == PH_MAIN) {
		curl_off_t us = 0;

		if (curl_easy_getinfo(x->eh, CURLINFO_TOTAL_TIME_T, &us) ==
		        CURLE_OK &&
		    us > 0)
			it->busy_us += (long long)us;
		if (status == 429 || (status == 503 && x->retry_after != NULL))
			it->rate_limited = true;
	}
	if (it->phase == PH_PROBE) {
		/* Only a clear "missing" from the probe changes the verdict;
		 * a failing probe endpoint says nothing about the item. */
		if (rc == CURLE_OK &&
		    (status == 400 || status == 401 || status == 403 ||
		        status == 404 || status == 410)) {
			free(it->message);
			it->message = xasprintf("the site reports this item "
			                        "missing (%s answered %ld)",
			    it->probe_url, status);
			if (it->message == NULL)
				return SY_ENOMEM;
			it->rule = SY_R_LINK_BROKEN;
			it->sev = SY_ERROR;
		}
		free(it->cur);
		it->cur = it->final_url;
		it->final_url = NULL;
		it->final_url = sy_strdup(it->cur);
		report_saved(lc, x->item);
		return SY_OK;
	}
	if (rc == CURLE_WRITE_ERROR && x->hdr_over) {
		report(lc, x->item, SY_R_LINK_ERROR, SY_ERROR, status,
		    "response headers larger than %zu bytes", lc->o.header_max);
		return SY_OK;
	}
	if (rc != CURLE_OK) {
		if (x->private_refused) {
			report(lc, x->item, SY_R_LINK_PRIVATE, SY_WARNING, 0,
			    "not checked: %s is a private or loopback "
			    "address (allow with --allow-private)",
			    x->private_addr);
			return SY_OK;
		}
		v = verdict_find(VK_CURL, (long)rc);
		if (x->head &&
		    (rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING ||
		        rc == CURLE_SEND_ERROR ||
		        rc == CURLE_WEIRD_SERVER_REPLY)) {
			it->use_get = true; /* HEAD may be what broke it */
			return again(lc, x->item, 0);
		}
		if (v->retry && it->retried < lc->o.retries) {
			it->retried++;
			return again(lc, x->item, backoff(lc, it->retried - 1));
		}
		if (v->rule == SY_R_LINK_TLS)
			report(lc, x->item, v->rule, v->sev, 0, "%s",
			    tls_detail(x, rc));
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			report(lc, x->item, v->rule, v->sev, 0,
			    "timed out after %ld ms", lc->o.timeout_ms);
		else
			report(lc, x->item, v->rule, v->sev, 0, "%s",
			    v->msg != NULL ? v->msg
			        : x->errbuf[0] != '\0'
			        ? x->errbuf
			        : curl_easy_strerror(rc));
		return SY_OK;
	}
	if (x->head && head_refused(status)) {
		it->use_get = true;
		return again(lc, x->item, 0);
	}
	if (status >= 300 && status <= 399 && status != 304 &&
	    x->location != NULL)
		return follow(lc, x, status);
	if (status == 304 || (status >= 200 && status <= 299))
		return main_ok(lc, x, status);
	v = status == 403 && x->bot != NULL ? verdict_find(VK_BOT403, status)
	                                    : verdict_find(VK_HTTP, status);
	ra = (status == 429 || status == 503) && x->retry_after != NULL &&
	    sy_retry_after_parse(x->retry_after, time(NULL), &delay_s) == 0;
	if (ra) {
		long long wake = now_ms() + (long long)delay_s * 1000;

		if (delay_s <= lc->o.retry_after_max_s && wake < lc->deadline &&
		    it->retried < lc->o.retries) {
			it->retried++;
			return again(lc, x->item, (long long)delay_s * 1000);
		}
	} else if (v->retry && it->retried < lc->o.retries) {
		it->retried++;
		return again(lc, x->item, backoff(lc, it->retried - 1));
	}
	free(it->final_url);
	it->final_url = strdup(it->cur);
	if (status == 403 && x->bot != NULL)
		report(lc, x->item, v->rule, v->sev, status,
		    "403 %s: blocked by %s, not necessarily broken",
		    x->reason[0] != '\0' ? x->reason : "Forbidden", x->bot);
	else if (ra && v->rule == SY_R_LINK_BLOCKED)
		report(lc, x->item, v->rule, v->sev, status,
		    "%ld rate limited (Retry-After %ld s)", status, delay_s);
	else if (v->msg != NULL)
		report(lc, x->item, v->rule, v->sev, status, "%ld %s", status,
		    v->msg);
	else
		report(lc, x->item, v->rule, v->sev, status, "%ld %s", status,
		    x->reason[0] != '\0' ? x->reason : reason_phrase(status));
	return SY_OK;
}

/* ---------------------------------------------------------------- */
/* The loop. */

static enum sy_err
start_ready(struct sy_linkcheck *lc, long long now, long long *next_ev)
{
	size_t h, idx;
	struct host *hp;
	enum sy_err e;

	for (h = 0; h < lc->nhosts && lc->nactive < lc->o.jobs; h++) {
		hp = &lc->hosts[h];
		while (hp->head != NONE && hp->active < lc->o.per_host &&
		    lc->nactive < lc->o.jobs) {
			if (hp->next_ok > now) {
				if (hp->next_ok < *next_ev)
					*next_ev = hp->next_ok;
				break;
			}
			idx = hp->head;
			hp->head = lc->it[idx].next;
			if (hp->head == NONE)
				hp->tail = NONE;
			lc->it[idx].next = h; /* remember the host */
			if ((e = xfer_start(lc, idx, now)) != SY_OK)
				return e;
			hp->active++;
			hp->next_ok = now + lc->o.host_interval_ms;
		}
	}
	return SY_OK;
}

static void
wake_timers(
    struct sy_linkcheck *lc, long long now, long long *next_ev, enum sy_err *e)
{
	size_t i;

	if (lc->nwaiting == 0)
		return;
	for (i = 0; i < lc->n; i++) {
		struct item *it = &lc->it[i];

		if (!it->waiting || it->done)
			continue;
		if (it->wake_at <= now) {
			it->waiting = false;
			lc->nwaiting--;
			if (*e == SY_OK)
				*e = enqueue(lc, i);
		} else if (it->wake_at < *next_ev) {
			*next_ev = it->wake_at;
		}
	}
}

static void
xfer_unlink(struct sy_linkcheck *lc, struct xfer *x)
{
	if (x->prev != NULL)
		x->prev->nextx = x->nextx;
	else
		lc->xlist = x->nextx;
	if (x->nextx != NULL)
		x->nextx->prev = x->prev;
	lc->nactive--;
}

/* Collects finished transfers; *count receives how many. */
static enum sy_err
drain_done(struct sy_linkcheck *lc, size_t *count)
{
	CURLMsg *m;
	int left;
	struct xfer *x;
	enum sy_err e = SY_OK, e2;

	while ((m = curl_multi_info_read(lc->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &x);
		if (curl_multi_remove_handle(lc->multi, m->easy_handle) !=
		    CURLM_OK)
			e = SY_ECURL;
		xfer_unlink(lc, x);
		lc->hosts[lc->it[x->item].next].active--;
		lc->it[x->item].next = NONE;
		(*count)++;
		e2 = finish(lc, x, m->data.result);
		if (e == SY_OK)
			e = e2;
		xfer_free(x);
	}
	return e;
}

/* Ends every unfinished item as link-unchecked. */
static void
abandon(struct sy_linkcheck *lc, const char *why)
{
	size_t i;

	for (i = 0; i < lc->n; i++)
		if (!lc->it[i].done)
			report(
			    lc, i, SY_R_LINK_UNCHECKED, SY_NOTE, 0, "%s", why);
}

/* Stops every transfer in flight (deadline or failure). */
static void
remove_all(struct sy_linkcheck *lc)
{
	struct xfer *x, *next;

	for (x = lc->xlist; x != NULL; x = next) {
		next = x->nextx;
		/* Nothing useful to do if removal fails: free anyway. */
		(void)curl_multi_remove_handle(lc->multi, x->eh);
		lc->nactive--;
		lc->hosts[lc->it[x->item].next].active--;
		lc->it[x->item].next = NONE;
		xfer_free(x);
	}
	lc->xlist = NULL;
}

enum sy_err
sy_linkcheck_run(struct sy_linkcheck *lc, sy_link_cb cb, void *arg)
{
	long long now, next_ev, t0;
	int running = 0;
	enum sy_err e = SY_OK;
	size_t i, ended;
	CURLMcode mc;

	if (lc == NULL || lc->ran)
		return SY_EINVAL;
	lc->ran = true;
	lc->cb = cb;
	lc->cbarg = arg;
	t0 = now_ms();
	lc->deadline =
	    lc->o.deadline_ms > 0 ? t0 + lc->o.deadline_ms : LLONG_MAX;
	for (i = 0; i < lc->n && e == SY_OK; i++) {
		struct item *it = &lc->it[i];

		it->use_get = !lc->o.head_first || it->frag != NULL;
		e = enqueue(lc, i);
	}
	while (e == SY_OK && lc->ndone < lc->n) {
		now = now_ms();
		if (now >= lc->deadline)
			break;
		next_ev = lc->deadline;
		wake_timers(lc, now, &next_ev, &e);
		if (e == SY_OK)
			e = start_ready(lc, now, &next_ev);
		if (e != SY_OK)
			break;
		mc = curl_multi_perform(lc->multi, &running);
		if (mc != CURLM_OK) {
			e = SY_ECURL;
			break;
		}
		ended = 0;
		if ((e = drain_done(lc, &ended)) != SY_OK)
			break;
		/* Freed slots are refilled at once, not after a poll. */
		if (lc->ndone >= lc->n || ended > 0)
			continue;
		now = now_ms();
		if (next_ev - now > 0 || running > 0) {
			long long t = next_ev - now;

			if (t > 1000)
				t = 1000;
			if (t < 0)
				t = 0;
			mc = curl_multi_poll(lc->multi, NULL, 0, (int)t, NULL);
			if (mc != CURLM_OK) {
				e = SY_ECURL;
				break;
			}
		}
	}
	/* Deadline or failure: stop what runs, report what is left. */
	remove_all(lc);
	abandon(lc,
	    e == SY_OK ? "not checked before the deadline"
	               : "not checked: the engine failed");
	return e;
}
