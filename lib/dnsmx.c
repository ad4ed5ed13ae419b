/*
 * dnsmx: MX look-ups with c-ares 1.18 and poll(2).  See dnsmx.h.
 *
 * Each distinct domain is one "dom"; each sy_mx_add() is one "req" in a
 * per-dom list.  Domains start in add order, at most max_inflight at a
 * time; a finished domain starts the next from the c-ares callback.
 */
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ares.h>

#include "dnsmx.h"
#include "util.h"

#define DNS_CLASS_IN 1
#define DNS_TYPE_A 1
#define DNS_TYPE_MX 15
#define DNS_TYPE_AAAA 28

struct sy_mx;

struct dom {
	struct sy_mx *mx;
	char *name;
	size_t first_req; /* head of this domain's req list, or SIZE_MAX */
	size_t last_req;
	bool started;
	bool done;
	int pending;        /* A/AAAA queries outstanding */
	int addr_status[2]; /* A, AAAA */
	bool has_addr;
};

struct req {
	size_t dom;
	void *user;
	size_t next; /* next req of the same dom, or SIZE_MAX */
};

struct sy_mx {
	ares_channel ch;
	bool ch_ok;
	int deadline_ms;
	int max_inflight;
	struct dom *doms;
	size_t ndoms, capdoms;
	struct req *reqs;
	size_t nreqs, capreqs;
	size_t *slots; /* open addressing: dom index + 1, 0 = empty */
	size_t nslots;
	size_t next;     /* next dom to start */
	size_t inflight; /* doms started and not done */
	size_t queries;
	bool stopping; /* deadline reached or poll failed */
	const char *stop_why;
	sy_mx_cb cb;
	void *cbarg;
};

const char *
sy_mx_verdict_name(enum sy_mx_verdict v)
{
	switch (v) {
	case SY_MX_OK:
		return "ok";
	case SY_MX_NONE:
		return "no-mx";
	case SY_MX_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

enum sy_err
sy_mx_new(const struct sy_mx_opts *opts, struct sy_mx **out)
{
	static const struct sy_mx_opts defaults;
	struct ares_options ao;
	struct sy_mx *mx;
	int optmask, rc;

	*out = NULL;
	if (opts == NULL)
		opts = &defaults;
	mx = calloc(1, sizeof(*mx));
	if (mx == NULL)
		return SY_ENOMEM;
	mx->deadline_ms = opts->deadline_ms > 0 ? opts->deadline_ms : 60000;
	mx->max_inflight = opts->max_inflight > 0 ? opts->max_inflight : 32;
	rc = ares_library_init(ARES_LIB_INIT_ALL);
	if (rc != ARES_SUCCESS) {
		free(mx);
		return SY_EIO;
	}
	memset(&ao, 0, sizeof(ao));
	ao.timeout = opts->timeout_ms > 0 ? opts->timeout_ms : 3000;
	ao.tries = opts->tries > 0 ? opts->tries : 2;
	optmask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	rc = ares_init_options(&mx->ch, &ao, optmask);
	if (rc != ARES_SUCCESS) {
		ares_library_cleanup();
		free(mx);
		return rc == ARES_ENOMEM ? SY_ENOMEM : SY_EIO;
	}
	mx->ch_ok = true;
	if (opts->servers != NULL) {
		rc = ares_set_servers_ports_csv(mx->ch, opts->servers);
		if (rc != ARES_SUCCESS) {
			sy_mx_free(mx);
			return rc == ARES_ENOMEM ? SY_ENOMEM : SY_EINVAL;
		}
	}
	*out = mx;
	return SY_OK;
}

void
sy_mx_free(struct sy_mx *mx)
{
	size_t i;

	if (mx == NULL)
		return;
	if (mx->ch_ok) {
		/* No callback may reach the user once we are freeing. */
		mx->cb = NULL;
		mx->stopping = true;
		ares_destroy(mx->ch);
		ares_library_cleanup();
	}
	for (i = 0; i < mx->ndoms; i++)
		free(mx->doms[i].name);
	free(mx->doms);
	free(mx->reqs);
	free(mx->slots);
	free(mx);
}

size_t
sy_mx_queries(const struct sy_mx *mx)
{
	return mx->queries;
}

static size_t
hash(const char *s)
{
	size_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static enum sy_err
grow_slots(struct sy_mx *mx)
{
	size_t n = mx->nslots ? mx->nslots * 2 : 64, i, j;
	size_t *s;

	s = calloc(n, sizeof(*s));
	if (s == NULL)
		return SY_ENOMEM;
	for (i = 0; i < mx->ndoms; i++) {
		j = hash(mx->doms[i].name) & (n - 1);
		while (s[j] != 0)
			j = (j + 1) & (n - 1);
		s[j] = i + 1;
	}
	free(mx->slots);
	mx->slots = s;
	mx->nslots = n;
	return SY_OK;
}

/*
 * Index of the dom named name, adding it if new; SIZE_MAX on ENOMEM.
 * Takes name: keeps it for a new dom, frees it otherwise (also on ENOMEM).
 */
static size_t
find_or_add(struct sy_mx *mx, char *name)
{
	size_t j, i;
	void *p;

	if ((mx->ndoms + 1) * 2 > mx->nslots && grow_slots(mx) != SY_OK) {
		free(name);
		return SIZE_MAX;
	}
	j = hash(name) & (mx->nslots - 1);
	while (mx->slots[j] != 0) {
		i = mx->slots[j] - 1;
		if (strcmp(mx->doms[i].name, name) == 0) {
			free(name);
			return i;
		}
		j = (j + 1) & (mx->nslots - 1);
	}
	if (mx->ndoms == mx->capdoms) {
		size_t cap = mx->capdoms ? mx->capdoms * 2 : 16;

		p = sy_reallocarray(mx->doms, cap, sizeof(*mx->doms));
		if (p == NULL) {
			free(name);
			return SIZE_MAX;
		}
		mx->doms = p;
		mx->capdoms = cap;
	}
	i = mx->ndoms++;
	memset(&mx->doms[i], 0, sizeof(mx->doms[i]));
	mx->doms[i].mx = mx;
	mx->doms[i].name = name;
	mx->doms[i].first_req = SIZE_MAX;
	mx->doms[i].last_req = SIZE_MAX;
	mx->slots[j] = i + 1;
	return i;
}

enum sy_err
sy_mx_add(struct sy_mx *mx, const char *domain, void *user)
{
	size_t len, i, d;
	struct dom *dm;
	char *name;
	void *p;

	if (domain == NULL)
		return SY_EINVAL;
	len = strlen(domain);
	if (len > 0 && domain[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return SY_EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)domain[i];

		if (c <= ' ' || c >= 0x7f)
			return SY_EINVAL;
	}
	name = sy_strndup(domain, len);
	if (name == NULL)
		return SY_ENOMEM;
	for (i = 0; i < len; i++)
		name[i] = (char)SY_TOLOWER((unsigned char)name[i]);
	if (mx->nreqs == mx->capreqs) {
		size_t cap = mx->capreqs ? mx->capreqs * 2 : 16;

		p = sy_reallocarray(mx->reqs, cap, sizeof(*mx->reqs));
		if (p == NULL) {
			free(name);
			return SY_ENOMEM;
		}
		mx->reqs = p;
		mx->capreqs = cap;
	}
	d = find_or_add(mx, name);
	if (d == SIZE_MAX)
		return SY_ENOMEM;
	mx->reqs[mx->nreqs].dom = d;
	mx->reqs[mx->nreqs].user = user;
	mx->reqs[mx->nreqs].next = SIZE_MAX;
	dm = &mx->doms[d];
	if (dm->last_req == SIZE_MAX)
		dm->first_req = mx->nreqs;
	else
		mx->reqs[dm->last_req].next = mx->nreqs;
	dm->last_req = mx->nreqs;
	mx->nreqs++;
	return SY_OK;
}

static void start_more(struct sy_mx *mx);

static void
finish(struct dom *dm, enum sy_mx_verdict v, int status, const char *msg)
{
	struct sy_mx *mx = dm->mx;
	struct sy_mx_result res;
	size_t r;

	if (dm->done)
		return;
	dm->done = true;
	if (dm->started)
		mx->inflight--;
	res.verdict = v;
	res.message = msg;
	res.ares_status = status;
	for (r = dm->first_req; r != SIZE_MAX; r = mx->reqs[r].next)
		if (mx->cb != NULL)
			mx->cb(mx->cbarg, dm->name, mx->reqs[r].user, &res);
	start_more(mx);
}

/* The verdict for a failed query that tells nothing about the domain. */
static void
finish_unknown(struct dom *dm, int status)
{
	struct sy_mx *mx = dm->mx;
	char msg[160];

	switch (status) {
	case ARES_ESERVFAIL:
		snprintf(msg, sizeof(msg),
		    "DNS server failure (SERVFAIL); "
		    "could not check");
		break;
	case ARES_EREFUSED:
		snprintf(msg, sizeof(msg),
		    "DNS query refused; could not "
		    "check");
		break;
	case ARES_ECONNREFUSED:
		/*
		 * c-ares 1.18 skips a server that answers SERVFAIL, REFUSED
		 * or NOTIMP and tries the next; when none is left the query
		 * ends with ECONNREFUSED, so the rcode itself is lost.
		 */
		snprintf(msg, sizeof(msg),
		    "no DNS server gave an answer "
		    "(SERVFAIL, REFUSED or unreachable); could not check");
		break;
	case ARES_ETIMEOUT:
		snprintf(msg, sizeof(msg),
		    "DNS look-up timed out; could not "
		    "check");
		break;
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		snprintf(msg, sizeof(msg), "%s; could not check",
		    mx->stop_why != NULL ? mx->stop_why : "look-up cancelled");
		break;
	default:
		snprintf(msg, sizeof(msg),
		    "DNS look-up failed (%s); could "
		    "not check",
		    ares_strerror(status));
		break;
	}
	finish(dm, SY_MX_UNKNOWN, status, msg);
}

static void
on_addr(struct dom *dm, int which, int status, unsigned char *abuf, int alen)
{
	struct ares_addrttl a4[4];
	struct ares_addr6ttl a6[4];
	int n = 4, rc;

	if (dm->done)
		return;
	if (status == ARES_SUCCESS) {
		if (which == 0)
			rc = ares_parse_a_reply(abuf, alen, NULL, a4, &n);
		else
			rc = ares_parse_aaaa_reply(abuf, alen, NULL, a6, &n);
		if (rc == ARES_SUCCESS && n > 0)
			dm->has_addr = true;
		else
			status = rc == ARES_SUCCESS ? ARES_ENODATA : rc;
	}
	dm->addr_status[which] = status;
	if (--dm->pending > 0)
		return;
	if (dm->has_addr) {
		finish(dm, SY_MX_OK, ARES_SUCCESS,
		    "no MX; implicit MX from "
		    "the domain's address (RFC 5321 section 5.1)");
		return;
	}
	for (which = 0; which < 2; which++) {
		status = dm->addr_status[which];
		if (status != ARES_ENODATA && status != ARES_ENOTFOUND) {
			finish_unknown(dm, status);
			return;
		}
	}
	finish(dm, SY_MX_NONE, ARES_ENODATA,
	    "no MX, A or AAAA record: the "
	    "domain cannot receive mail");
}

static void
on_a(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	(void)timeouts;
	on_addr(arg, 0, status, abuf, alen);
}

static void
on_aaaa(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	(void)timeouts;
	on_addr(arg, 1, status, abuf, alen);
}

static void
on_mx(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct dom *dm = arg;
	struct sy_mx *mx = dm->mx;
	struct ares_mx_reply *rep = NULL, *r;
	const char *host = NULL;
	char msg[320];
	int n = 0, nulls = 0;

	(void)timeouts;
	if (dm->done)
		return;
	if (status == ARES_SUCCESS) {
		status = ares_parse_mx_reply(abuf, alen, &rep);
		for (r = rep; status == ARES_SUCCESS && r != NULL;
		     r = r->next) {
			n++;
			if (r->priority == 0 &&
			    (r->host[0] == '\0' || strcmp(r->host, ".") == 0))
				nulls++;
			else if (host == NULL)
				host = r->host;
		}
		if (status == ARES_SUCCESS && n == 0)
			status = ARES_ENODATA;
	}
	if (status == ARES_SUCCESS) {
		if (host == NULL) {
			finish(dm, SY_MX_NONE, status,
			    "null MX (RFC 7505): the "
			    "domain accepts no mail");
		} else {
			/* A null MX beside real ones is ignored (RFC 7505 3).
			 */
			snprintf(msg, sizeof(msg), "MX %s", host);
			finish(dm, SY_MX_OK, status, msg);
		}
	} else if (status == ARES_ENOTFOUND) {
		finish(dm, SY_MX_NONE, status, "no such domain (NXDOMAIN)");
	} else if (status == ARES_ENODATA) {
		if (mx->stopping) {
			finish_unknown(dm, ARES_ECANCELLED);
		} else {
			dm->pending = 2;
			mx->queries += 2;
			ares_query(mx->ch, dm->name, DNS_CLASS_IN, DNS_TYPE_A,
			    on_a, dm);
			ares_query(mx->ch, dm->name, DNS_CLASS_IN,
			    DNS_TYPE_AAAA, on_aaaa, dm);
		}
	} else {
		finish_unknown(dm, status);
	}
	ares_free_data(rep);
}

static void
start_more(struct sy_mx *mx)
{
	struct dom *dm;

	while (!mx->stopping && mx->next < mx->ndoms &&
	    mx->inflight < (size_t)mx->max_inflight) {
		dm = &mx->doms[mx->next++];
		if (dm->done || dm->started)
			continue;
		dm->started = true;
		mx->inflight++;
		mx->queries++;
		ares_query(
		    mx->ch, dm->name, DNS_CLASS_IN, DNS_TYPE_MX, on_mx, dm);
	}
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Ends every look-up still open with an UNKNOWN verdict giving why. */
static void
stop_all(struct sy_mx *mx, const char *why)
{
	size_t i;

	mx->stopping = true;
	mx->stop_why = why;
	ares_cancel(mx->ch);
	for (i = 0; i < mx->ndoms; i++)
		if (!mx->doms[i].done)
			finish_unknown(&mx->doms[i], ARES_ECANCELLED);
}

static void
reset(struct sy_mx *mx)
{
	size_t i;

	for (i = 0; i < mx->ndoms; i++)
		free(mx->doms[i].name);
	mx->ndoms = 0;
	mx->nreqs = 0;
	mx->next = 0;
	mx->inflight = 0;
	mx->stopping = false;
	mx->stop_why = NULL;
	mx->cb = NULL;
	mx->cbarg = NULL;
	if (mx->slots != NULL)
		memset(mx->slots, 0, mx->nslots * sizeof(*mx->slots));
}

enum sy_err
sy_mx_run(struct sy_mx *mx, sy_mx_cb cb, void *arg)
{
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval maxtv, tvbuf, *tv;
	enum sy_err err = SY_OK;
	int64_t deadline, now, left;
	int bits, i, n, np, ms;

	mx->cb = cb;
	mx->cbarg = arg;
	deadline = mono_ms() + mx->deadline_ms;
	start_more(mx);
	while (mx->inflight > 0 || (mx->next < mx->ndoms && !mx->stopping)) {
		now = mono_ms();
		left = deadline - now;
		if (left <= 0) {
			stop_all(mx, "DNS deadline reached");
			break;
		}
		bits = ares_getsock(mx->ch, socks, ARES_GETSOCK_MAXNUM);
		np = 0;
		for (i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
			short ev = 0;

			/* The c-ares macros shift a signed 1 into bit 31. */
			if ((unsigned)bits & (1u << i))
				ev |= POLLIN;
			if ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM)))
				ev |= POLLOUT;
			if (ev == 0)
				continue;
			pfd[np].fd = socks[i];
			pfd[np].events = ev;
			pfd[np].revents = 0;
			np++;
		}
		maxtv.tv_sec = (time_t)(left / 1000);
		maxtv.tv_usec = (suseconds_t)(left % 1000) * 1000;
		tv = ares_timeout(mx->ch, &maxtv, &tvbuf);
		ms = (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000);
		n = poll(pfd, (nfds_t)np, ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = SY_EIO;
			i = errno;
			stop_all(mx, "poll failed");
			errno = i;
			break;
		}
		if (n == 0) {
			ares_process_fd(
			    mx->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
			continue;
		}
		for (i = 0; i < np; i++) {
			ares_socket_t r = ARES_SOCKET_BAD, w = ARES_SOCKET_BAD;

			if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP))
				r = pfd[i].fd;
			if (pfd[i].revents & POLLOUT)
				w = pfd[i].fd;
			if (r != ARES_SOCKET_BAD || w != ARES_SOCKET_BAD)
				ares_process_fd(mx->ch, r, w);
		}
	}
	reset(mx);
	return err;
}
