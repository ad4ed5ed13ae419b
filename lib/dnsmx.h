/*
 * dnsmx: can a domain receive mail?  Asynchronous MX look-ups with
 * c-ares, many domains at once, one look-up per distinct domain.
 *
 * For each domain: query MX.  A null MX (a single MX record with
 * preference 0 and exchange ".", RFC 7505) means the domain accepts no
 * mail.  Without MX records, query A and AAAA: an address is an implicit
 * MX (RFC 5321 section 5.1).  NXDOMAIN means there is no such domain.
 *
 * Verdicts:
 *   SY_MX_OK       the domain has MX records, or an address;
 *   SY_MX_NONE     it cannot receive mail: null MX, NXDOMAIN, or neither
 *                  MX nor A nor AAAA (rule email-no-mx, an error);
 *   SY_MX_UNKNOWN  the check could not be made: no answer, SERVFAIL,
 *                  REFUSED, a timeout or the global deadline (a note
 *                  "could not check", never reported as broken).
 *
 * Only c-ares 1.18 calls are used (Debian 12): ares_query,
 * ares_parse_{mx,a,aaaa}_reply, ares_set_servers_ports_csv, ares_getsock,
 * ares_timeout and ares_process_fd, driven by poll(2).
 */
#ifndef SY_DNSMX_H
#define SY_DNSMX_H

#include <stddef.h>

#include "syndic.h"

struct sy_mx; /* opaque */

struct sy_mx_opts {
	/*
	 * Comma-separated "host[:port]" list ("127.0.0.1:5353"), as for
	 * ares_set_servers_ports_csv; NULL: the system's resolv.conf.
	 */
	const char *servers;
	int timeout_ms;   /* per try; 0: 3000 */
	int tries;        /* per server; 0: 2 */
	int deadline_ms;  /* whole sy_mx_run(); 0: 60000 */
	int max_inflight; /* domains looked up at once; 0: 32 */
};

enum sy_mx_verdict { SY_MX_OK, SY_MX_NONE, SY_MX_UNKNOWN };

struct sy_mx_result {
	enum sy_mx_verdict verdict;
	/*
	 * Why, for the diagnostic: "MX mail.example.org", "null MX (RFC
	 * 7505): the domain accepts no mail", "no such domain (NXDOMAIN)",
	 * "DNS server failure (SERVFAIL)", "DNS look-up timed out", ...
	 * Borrowed: valid during the callback only.
	 */
	const char *message;
	int ares_status; /* the deciding c-ares status (ARES_SUCCESS...) */
};

/*
 * Called once per sy_mx_add(), from inside sy_mx_run().  domain is the
 * normalised name (lower case, no final dot) and is borrowed.  The
 * callback must not call sy_mx_* functions on the same handle.
 */
typedef void (*sy_mx_cb)(
    void *arg, const char *domain, void *user, const struct sy_mx_result *res);

/*
 * Makes a checker.  opts may be NULL (all defaults).  SY_EINVAL for a
 * servers string c-ares refuses, SY_EIO when c-ares cannot start (no
 * resolv.conf is not an error: c-ares then uses 127.0.0.1).
 */
enum sy_err sy_mx_new(const struct sy_mx_opts *opts, struct sy_mx **out);
void sy_mx_free(struct sy_mx *mx);

/*
 * Queues domain (ASCII: pass IDNs in their A-label form) with a caller
 * pointer handed back to the callback.  The same domain added twice (any
 * case, with or without a final dot) is looked up once and reported
 * twice.  SY_EINVAL for an empty, non-ASCII or over-long (> 253) name.
 */
enum sy_err sy_mx_add(struct sy_mx *mx, const char *domain, void *user);

/*
 * Looks up every queued domain and calls cb for every add, then empties
 * the queue (the handle can be reused).  Returns SY_OK when every add
 * has had its callback, even if some verdicts are SY_MX_UNKNOWN; SY_EIO
 * if poll(2) fails (the remaining adds are reported UNKNOWN first).
 */
enum sy_err sy_mx_run(struct sy_mx *mx, sy_mx_cb cb, void *arg);

/* DNS queries sent since sy_mx_new() (MX, A and AAAA; not retries). */
size_t sy_mx_queries(const struct sy_mx *mx);

/* "ok", "no-mx", "unknown". */
const char *sy_mx_verdict_name(enum sy_mx_verdict v);

#endif
