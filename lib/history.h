/*
 * history: the link history of syndic-links, one SQLite database per
 * user (default $XDG_CACHE_HOME/syndic/links.db).  For each checked URL
 * (or "mailto:addr"; the key is any string the caller chooses) it keeps
 * the last verdict, the first failure of the current failing streak, the
 * number of consecutive failing runs, the last success, the last check,
 * and the validators (ETag, Last-Modified) for conditional requests.
 *
 * Robustness:
 * - WAL journal, synchronous=NORMAL, every write inside a transaction: a
 *   run killed at any point (even SIGKILL) leaves a consistent database
 *   holding exactly the transactions it committed.
 * - A file that is not a database, or that fails PRAGMA quick_check, is
 *   moved aside to FILE.corrupt-YYYYMMDDTHHMMSSZ and rebuilt empty.
 * - Overlapping runs (two cron jobs) are kept apart by an flock(2) on
 *   FILE.lock, which the kernel releases when the holder dies.
 * - The schema version lives in PRAGMA user_version; a database written
 *   by a newer syndic is refused, never downgraded.
 *
 * Counting rule.  Each run records one verdict per URL, of one of three
 * outcomes:
 *   SY_HIST_OK       the link works: the streak ends (failures = 0,
 *                    first_failure cleared, last_success = now);
 *   SY_HIST_FAIL     the link is broken: failures + 1, first_failure set
 *                    if the streak starts now, else kept;
 *   SY_HIST_UNKNOWN  it could not be checked (link-unchecked,
 *                    link-blocked, link-private, an MX look-up that got
 *                    no answer): the streak is frozen, neither counted
 *                    nor reset, and last_success is untouched.  The
 *                    verdict itself (rule, status, message) is stored.
 * so a link failing on runs 1 and 2, unknown on run 3 and failing on run
 * 4 has failures = 3 and the first_failure of run 1.
 */
#ifndef SY_HISTORY_H
#define SY_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "syndic.h"

/* The schema version this code writes (PRAGMA user_version). */
#define SY_HISTORY_SCHEMA 2

struct sy_history; /* opaque */

enum sy_hist_outcome { SY_HIST_OK = 0, SY_HIST_FAIL = 1, SY_HIST_UNKNOWN = 2 };

/*
 * One URL's stored state.  Times are seconds since the epoch, 0 when
 * never.  Filled by sy_history_get(); release with sy_hist_rec_fini().
 */
struct sy_hist_rec {
	enum sy_hist_outcome outcome; /* of the last verdict */
	char *rule;            /* rule name of the last verdict, or NULL */
	int status;            /* HTTP status of the last verdict, or 0 */
	char *message;         /* message of the last verdict, or NULL */
	int64_t first_failure; /* start of the failing streak, or 0 */
	long failures;         /* consecutive failing runs */
	int64_t last_success;
	int64_t last_checked;
	char *etag;          /* or NULL */
	char *last_modified; /* or NULL */
};

void sy_hist_rec_fini(struct sy_hist_rec *rec);

/* What one run found for one URL, for sy_history_record(). */
struct sy_hist_verdict {
	enum sy_hist_outcome outcome;
	const char *rule;    /* stable rule name ("link-broken"), or NULL */
	int status;          /* HTTP status, or 0 */
	const char *message; /* or NULL */
	/*
	 * Validators from the response.  NULL keeps the stored value (a
	 * 304 may omit them); "" clears it.  Ignored unless outcome is OK.
	 */
	const char *etag;
	const char *last_modified;
};

/*
 * The default outcome of a rule, for callers that map their verdict by
 * rule: SY_R_NONE, link-redirect -> OK; link-unchecked, link-blocked,
 * link-private -> UNKNOWN; every other rule -> FAIL.
 */
enum sy_hist_outcome sy_history_outcome_of(enum sy_rule rule);

/*
 * The default database path: $XDG_CACHE_HOME/syndic/links.db when
 * XDG_CACHE_HOME is set to an absolute path, else $HOME/.cache/syndic/
 * links.db.  Creates the folder (mode 0700 for the parts it makes).
 * Stores a new string in *out.  SY_EINVAL when neither variable is
 * usable, SY_EIO (errno set) when the folder cannot be made.
 */
enum sy_err sy_history_default_path(char **out);

/*
 * Opens (creating if need be) the database at path and brings its schema
 * up to date.  wait_ms is SQLite's busy timeout (how long one statement
 * waits for another process's write lock).  On success *out is the new
 * handle and msg holds "" or a notice for the user (a corrupt file that
 * was moved aside).  On failure *out is NULL and msg says why (for
 * SY_EDB: a newer schema, or SQLite's message).  msg may be NULL when
 * msglen is 0; it is always NUL-terminated otherwise.
 */
enum sy_err sy_history_open(const char *path, int wait_ms,
    struct sy_history **out, char *msg, size_t msglen);

/* Rolls back an open transaction, drops the run lock, closes. */
void sy_history_close(struct sy_history *h);

/*
 * Text of the last failure on h (SQLite's message, or who holds the
 * lock); "" when none.  Valid until the next call on h.
 */
const char *sy_history_errmsg(const struct sy_history *h);

/*
 * Takes the run lock (flock on PATH.lock).  With wait, blocks until the
 * other run ends; without, returns SY_EBUSY at once when another process
 * (or another handle) holds it; sy_history_errmsg() then names the lock
 * file and the holder's pid.  Taking it twice on one handle is a no-op.
 */
enum sy_err sy_history_lock(struct sy_history *h, bool wait);
void sy_history_unlock(struct sy_history *h);

/*
 * Batches writes: every sy_history_record() between begin and commit is
 * one transaction (one fsync).  Without begin, each record commits alone.
 */
enum sy_err sy_history_begin(struct sy_history *h);
enum sy_err sy_history_commit(struct sy_history *h);

/*
 * Looks url up.  Returns SY_OK and sets *found; when found, rec is filled
 * (release with sy_hist_rec_fini), else rec is zeroed.
 */
enum sy_err sy_history_get(struct sy_history *h, const char *url,
    struct sy_hist_rec *rec, bool *found);

/* Records one run's verdict on url at time now (see the counting rule). */
enum sy_err sy_history_record(struct sy_history *h, const char *url,
    int64_t now, const struct sy_hist_verdict *v);

/* Number of URLs stored, in *n. */
enum sy_err sy_history_count(struct sy_history *h, long *n);

/* Deletes URLs not checked since before; *n (may be NULL) gets the count. */
enum sy_err sy_history_prune(struct sy_history *h, int64_t before, long *n);

/*
 * Whether url needs checking at time now.  False only when its last
 * verdict was OK less than max_age_s seconds ago; rec NULL (never seen),
 * any failing or unknown verdict, or max_age_s <= 0 mean true.
 */
bool sy_history_due(
    const struct sy_hist_rec *rec, int64_t now, int64_t max_age_s);

/*
 * The fail-after policy: whether a failing URL is reported as broken
 * (error) rather than as a note.  True when the last verdict is FAIL and
 * failures >= fail_after (fail_after <= 1: at the first failure).
 */
bool sy_history_should_report(const struct sy_hist_rec *rec, int fail_after);

/*
 * The note for a failure not yet reported, into buf: "failing for 2
 * runs since 2026-11-26; reported after 3" (UTC date).  Always
 * NUL-terminated; truncated to len.
 */
void sy_history_note(
    const struct sy_hist_rec *rec, int fail_after, char *buf, size_t len);

/*
 * The run log: one row per finished syndic-links run, for the report's
 * timeline (issue 11) and for every backend (issue 14).  Counts are of
 * distinct links and addresses checked or skipped in that run.
 */
struct sy_hist_run {
	int64_t started;  /* seconds since the epoch */
	int64_t finished; /* seconds since the epoch */
	long fine;        /* OK, redirects included */
	long broken;      /* FAIL outcomes, reported or not yet */
	long blocked;     /* link-blocked, link-unchecked, link-private */
	long redirected;  /* link-redirect (also counted in fine) */
	long skipped;     /* not due (--max-age), not fetched */
};

/* Appends one run to the run log. */
enum sy_err sy_history_run_add(
    struct sy_history *h, const struct sy_hist_run *run);

/*
 * The newest max runs (all when max is 0), oldest first, in a new array
 * *out of *n elements (free() it; NULL when *n is 0).
 */
enum sy_err sy_history_runs(
    struct sy_history *h, size_t max, struct sy_hist_run **out, size_t *n);

/*
 * Calls fn for every stored URL in byte order of the key; rec is valid
 * during the call only.  A non-zero return from fn stops the walk;
 * sy_history_each then returns SY_EINVAL.  SY_EDB on a database failure.
 */
typedef int (*sy_hist_each_fn)(
    void *ctx, const char *url, const struct sy_hist_rec *rec);
enum sy_err sy_history_each(
    struct sy_history *h, sy_hist_each_fn fn, void *ctx);

#endif
