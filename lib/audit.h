/*
 * audit: the work of syndic-links.  Gathers every link and address of the
 * inputs (manifests and their articles, feed files, HTML and Markdown
 * files, URL lists), checks each distinct one once (the link engine for
 * http(s), DNS for mail domains), keeps the history that lets cron tell a
 * flaky link from a broken one, and turns the verdicts into diagnostics
 * at every place a link occurs.
 */
#ifndef SY_AUDIT_H
#define SY_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "linkcheck.h"
#include "linkset.h"
#include "shard.h"
#include "syndic.h"

struct sy_audit_opts {
	struct sy_linkcheck_opts lc;  /* engine settings */
	bool offline;                 /* syntax and site rules only */
	const char *db_path;          /* SQLite file or postgresql:// URL;
	                                 NULL: the default path */
	bool no_db;                   /* no history at all */
	bool wait_lock;               /* wait for a running audit */
	int64_t max_age_s;            /* skip links fine this recently */
	int fail_after;               /* failing runs before an error (1) */
	const char *base_url;         /* for relative links in HTML/MD */
	const char *dns_servers;      /* "127.0.0.1:5353" (tests) */
	const char *soft404_endpoint; /* oEmbed base override (tests) */
	const char *tz;               /* manifests: zone of dates */
	const char *columns_path;     /* manifests: columns file */
	int64_t now;                  /* 0: the clock */
	/*
	 * A history report: every verdict is the history's last one for
	 * that link, nothing is fetched or recorded.  Without files, every
	 * link the history holds is reported (at the database's path).
	 * The database must exist.
	 */
	bool from_history;
	/*
	 * When not NULL (borrowed), receives every distinct link with its
	 * verdict, the counts, and the newest runs_max runs of the run log
	 * (0: 30), for the reports; diagnostics about a link point at it.
	 */
	struct sy_linkset *links;
	size_t runs_max;
	/*
	 * The shard of the audit this run does (shard.h); {0, 0} and
	 * {1, 1} are the whole audit.  A shard checks the links of its
	 * hosts and the mail domains of its hash only, and reports their
	 * findings; findings tied to no host (a file that cannot be read,
	 * a manifest's own errors, a mailto: that is not one) are shard
	 * 1's, so that the shards' reports hold each diagnostic once.
	 */
	struct sy_shard shard;
};

struct sy_audit_stats {
	size_t occurrences; /* links and addresses found */
	size_t urls;        /* distinct http(s) URLs (of this shard) */
	size_t domains;     /* distinct mail domains (of this shard) */
	size_t checked;     /* URLs and domains checked this run */
	size_t skipped;     /* fine recently (--max-age) */
	/* The verdicts of this run on checked URLs and domains: */
	size_t fine;       /* working, redirects included */
	size_t broken;     /* failing, reported yet or not */
	size_t blocked;    /* could not tell: bot walls, private, no answer */
	size_t redirected; /* permanent redirects (also in fine) */
	size_t unchecked;  /* a history report: links it has no verdict on */
	long duration_ms;  /* wall time of the whole audit */
};

void sy_audit_opts_init(struct sy_audit_opts *o);

/*
 * Audits the files (none: only with from_history).  Problems go to d.
 * Returns SY_OK, SY_EIO (errno set; msg names the file), SY_EBUSY
 * (another audit holds the history; msg says which), SY_EDB (msg says
 * why), or another failure.  msg also receives notices (a damaged
 * history moved aside) on success.  A run that checked something and
 * keeps a history adds itself to the run log (history.h) in the same
 * transaction as its verdicts.
 */
enum sy_err sy_audit_run(char *const *files, size_t nfiles,
    const struct sy_audit_opts *o, struct sy_diags *d,
    struct sy_audit_stats *st, char *msg, size_t msglen);

#endif
