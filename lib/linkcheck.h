/*
 * linkcheck: the link engine of syndic-links.  Checks http(s) URLs
 * concurrently with libcurl's multi interface in the calling thread.
 *
 * - Each distinct URL (byte-exact, fragment included) is checked once;
 *   duplicates passed to sy_linkcheck_add() collapse, and the result
 *   callback runs once per distinct URL.
 * - A global limit (jobs), a per-host limit (per_host) and a minimum
 *   interval between two requests to one host, all enforced by our own
 *   scheduler (a queue per host), never by sleeping.
 * - HEAD first, GET when HEAD is refused (400, 403, 404, 405, 501) or the
 *   connection fails; the GET stops after the headers unless a #fragment
 *   must be looked for in the HTML (body capped).  Why HEAD first: on
 *   HTTP/1.1 a GET stopped after the headers closes the connection, so
 *   nothing is reused.  Measured on loopback against nginx, 2,000 URLs,
 *   64 jobs: 400 KB pages, HEAD 6,400-8,100 req/s, GET-stop 1,700-2,100;
 *   13 KB pages, both 6,000-7,600 (a GET drains up to 16 KiB of an
 *   unwanted body to keep the connection).
 * - Redirects followed hop by hop by the engine (RFC 9110 15.4), http and
 *   https only, at most max_redirects hops; every hop goes through the
 *   same private-address check, on the resolved address.
 * - Retries with exponential backoff and jitter (5xx, 408, timeouts,
 *   resets); 429 and 503 honour Retry-After (RFC 9110 10.2.3) up to a cap.
 * - A global deadline after which everything unfinished ends as
 *   link-unchecked, so a run always ends.
 *
 * The caller calls curl_global_init() (and xmlInitParser() if it likes)
 * before sy_linkcheck_new(); the library never does.
 */
#ifndef SY_LINKCHECK_H
#define SY_LINKCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "diag.h"
#include "syndic.h"

/* Progress: checked of total distinct URLs done, failures among them. */
typedef void (*sy_link_progress_cb)(
    size_t checked, size_t total, size_t failures, void *arg);

struct sy_linkcheck_opts {
	size_t jobs;             /* concurrent transfers (64) */
	size_t per_host;         /* concurrent transfers per host:port (4) */
	long host_interval_ms;   /* min gap between starts on a host (50) */
	long timeout_ms;         /* whole time of one request (20000) */
	long connect_timeout_ms; /* (10000) */
	long deadline_ms;        /* whole run; 0 = none (0) */
	int retries;             /* extra attempts on transient errors (2) */
	long backoff_ms;         /* first retry delay, then doubled (500) */
	long retry_after_max_s;  /* longest Retry-After honoured (60) */
	int max_redirects;       /* hops (10) */
	size_t body_max;         /* decoded body bytes for #frag (2 MiB) */
	size_t header_max;       /* response header bytes (64 KiB) */
	bool allow_private;      /* let loopback/private targets through */
	bool head_first;         /* HEAD before GET (true) */
	const char *user_agent;  /* borrowed; NULL = SY_LINKCHECK_UA */
	const char *ca_file;     /* borrowed; NULL = system store (tests) */
	sy_link_progress_cb progress; /* may be NULL */
	void *progress_arg;
};

#ifndef SY_VERSION
#define SY_VERSION "0"
#endif
#define SY_LINKCHECK_UA                                                        \
	"syndic-links/" SY_VERSION " (+https://github.com/syndic/syndic)"

/* What the caller knows of a URL, all borrowed for the call (copied). */
struct sy_link_hints {
	const char *etag;          /* from history: If-None-Match */
	const char *last_modified; /* from history: If-Modified-Since */
	/*
	 * Soft-404 probe (sy_rules_soft404_url()): checked after the URL
	 * itself is fine; a 400/401/403/404 there means the item is gone
	 * (link-broken), anything else is ignored.
	 */
	const char *probe_url;
};

/* One verdict per distinct URL; every pointer is valid in the callback. */
struct sy_link_result {
	const char *url;           /* as added */
	void *user;                /* the user pointer of the first add */
	enum sy_rule rule;         /* SY_R_NONE when fine */
	enum sy_severity severity; /* meaningful when rule != SY_R_NONE */
	long status;               /* last HTTP status seen, 0 if none */
	const char *final_url;     /* after redirects (== url without any) */
	const char *message;       /* "404 Not Found", "connection refused" */
	unsigned attempts;         /* HTTP requests made, probe excluded */
	long elapsed_ms;           /* from first request to verdict */
	/*
	 * Time spent in the URL's own requests (every hop and retry, the
	 * probe excluded), without the waits between them: what the
	 * servers took to answer.
	 */
	long response_ms;
	/* The hops after url, in order; the last is where it ended. */
	const char *const *chain;
	size_t nchain;
	bool rate_limited; /* a 429, or a 503 with Retry-After, was seen */
	const char *etag;  /* of the final response, or NULL */
	const char *last_modified; /* same */
};

typedef void (*sy_link_cb)(const struct sy_link_result *res, void *arg);

struct sy_linkcheck;

/* Fills opts with the defaults shown above. */
void sy_linkcheck_opts_init(struct sy_linkcheck_opts *opts);

/*
 * Creates an engine; opts is copied (its strings are borrowed and must
 * outlive the engine).  Returns NULL when out of memory or when libcurl
 * cannot create a multi handle.  Free with sy_linkcheck_free().
 */
struct sy_linkcheck *sy_linkcheck_new(const struct sy_linkcheck_opts *opts);

/*
 * Queues url (absolute http or https) with optional hints.  A URL already
 * queued is not queued again: its first user pointer is kept, and hints
 * missing the first time are taken from this call.  Returns SY_OK,
 * SY_ENOMEM, or SY_EINVAL for NULL url or a call during sy_linkcheck_run.
 * A URL with another scheme or a bad syntax is accepted and reported as
 * link-error by run.
 */
enum sy_err sy_linkcheck_add(struct sy_linkcheck *lc, const char *url,
    const struct sy_link_hints *hints, void *user);

/* Number of distinct URLs queued. */
size_t sy_linkcheck_count(const struct sy_linkcheck *lc);

/*
 * Checks everything queued, calling cb once per distinct URL as verdicts
 * come (not in add order).  Returns SY_OK, SY_ENOMEM or SY_ECURL (a multi
 * handle failure; the URLs not yet reported are reported as
 * link-unchecked first).  Call at most once per engine.
 */
enum sy_err sy_linkcheck_run(struct sy_linkcheck *lc, sy_link_cb cb, void *arg);

void sy_linkcheck_free(struct sy_linkcheck *lc);

/*
 * Parses a Retry-After value (delta-seconds or an HTTP-date) received at
 * now.  Returns 0 and sets *delay_s (>= 0; a date in the past gives 0),
 * or -1 when the value is neither.
 */
int sy_retry_after_parse(const char *value, time_t now, long *delay_s);

/*
 * The engine's header and redirect handling, public for tests and fuzz
 * targets.  sy_http_header: when the raw header line (as libcurl hands
 * it, "Name: value\r\n") is the header name (case-insensitive), a new
 * string with its trimmed value, *ctl telling whether it held control
 * characters; else NULL.  sy_redirect_target: where a Location leads from
 * base: SY_OK and *next (a new string, no fragment), or SY_EINVAL with
 * why filled (control characters, a scheme other than http(s), a
 * malformed URL), or SY_ENOMEM.  sy_content_type_is_html: whether a body
 * of that Content-Type (NULL: unknown) is searched for #fragments.
 */
char *sy_http_header(const char *line, size_t n, const char *name, bool *ctl);
enum sy_err sy_redirect_target(const char *base, const char *location, bool ctl,
    char **next, char *why, size_t whylen);
bool sy_content_type_is_html(const char *ctype);

/*
 * True when the address (struct sockaddr_in or sockaddr_in6) is one the
 * engine refuses without allow_private: loopback, private, link-local,
 * CGNAT, benchmarking, multicast, unspecified, ULA, and IPv4-mapped forms.
 */
struct sockaddr;
bool sy_addr_is_private(const struct sockaddr *sa);

#endif
