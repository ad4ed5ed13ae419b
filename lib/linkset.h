/*
 * linkset: what one link audit found, link by link, and the run log
 * around it: the data behind the reports' per-host table, timeline and
 * verdict line (diag.h's json, report.h's html).  The audit (audit.h)
 * fills it; the emitters only read it.  A diagnostic about a link points
 * at its entry here by sy_diag.link.
 */
#ifndef SY_LINKSET_H
#define SY_LINKSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "history.h"
#include "syndic.h"

/* Where a link's verdict comes from. */
enum sy_link_state {
	SY_LINK_UNKNOWN = 0, /* not checked: offline, or not in the history */
	SY_LINK_CHECKED,     /* checked by this run */
	SY_LINK_SKIPPED,     /* fine recently (--max-age): not fetched */
	SY_LINK_STORED       /* the history's last verdict (a history report) */
};

/* One distinct link (http or https URL) or mail domain. */
struct sy_linkres {
	char *key;  /* the URL checked, or the mail domain */
	char *host; /* lower-case host of the URL; the mail domain */
	bool mail;  /* a mail domain (MX look-up), not a URL */
	enum sy_link_state state;
	enum sy_rule rule; /* the verdict; SY_R_NONE when fine */
	int status;        /* HTTP status, or 0 */
	char *message;     /* the verdict's text, or NULL */
	char **chain;      /* redirect hops after key, in order */
	size_t nchain;
	long response_ms;  /* time the servers took; -1 unknown */
	bool rate_limited; /* the host answered 429 (or 503 Retry-After) */
	/* The failing streak after this verdict (history); 0 when none. */
	int64_t first_failure;
	long failures;
	int64_t checked_at; /* when the verdict was made; 0 unknown */
	size_t places;      /* occurrences in the inputs */
};

enum sy_linkset_source {
	SY_LINKSET_RUN = 0, /* a run that checked links */
	SY_LINKSET_OFFLINE, /* --offline: links found, none fetched */
	SY_LINKSET_HISTORY  /* verdicts read back from the history */
};

struct sy_linkset {
	struct sy_linkres *v;
	size_t n;
	size_t cap;
	struct sy_hist_run *runs; /* the run log, oldest first; may be NULL */
	size_t nruns;
	enum sy_linkset_source source;
	/* The verdicts counted as sy_audit_stats counts them. */
	size_t checked, fine, broken, blocked, redirected, skipped;
	size_t unchecked;   /* links with no verdict at all */
	size_t occurrences; /* links and addresses found in the inputs */
	int64_t started;    /* the run's start; 0 unknown */
	long duration_ms;   /* the run's length; -1 unknown */
};

void sy_linkset_init(struct sy_linkset *s);
void sy_linkset_fini(struct sy_linkset *s);

/*
 * Appends an entry for key (a copy) with the given host (a copy; NULL
 * gives ""), state SY_LINK_UNKNOWN and response_ms -1, and returns it, or
 * NULL when out of memory.  The pointer is valid until the next add.
 */
struct sy_linkres *sy_linkset_add(
    struct sy_linkset *s, const char *key, const char *host, bool mail);

/* Replaces r's message and chain with copies (NULL, 0 clears). */
enum sy_err sy_linkres_set_message(struct sy_linkres *r, const char *message);
enum sy_err sy_linkres_set_chain(
    struct sy_linkres *r, const char *const *chain, size_t n);

/*
 * The entry a diagnostic points at (dg->link is 1-based), or NULL when it
 * points nowhere or s is NULL.
 */
const struct sy_linkres *sy_linkset_of(
    const struct sy_linkset *s, const struct sy_diag *dg);

#endif
