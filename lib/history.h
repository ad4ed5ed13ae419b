/*
 * history: the link history of syndic-links.  For each checked URL (or
 * "dns:domain"; the key is any string the caller chooses) it keeps the
 * last verdict, the first failure of the current failing streak, the
 * number of consecutive failing runs, the last success, the last check,
 * and the validators (ETag, Last-Modified) for conditional requests; and
 * a log of the runs.
 *
 * One interface, two backends, the same semantics:
 * - SQLite, the default: one file per user ($XDG_CACHE_HOME/syndic/
 *   links.db).  WAL journal, synchronous=NORMAL.  A file that is not a
 *   database, or that fails PRAGMA quick_check, is moved aside to
 *   FILE.corrupt-YYYYMMDDTHHMMSSZ and rebuilt empty.  The schema version
 *   lives in PRAGMA user_version.
 * - PostgreSQL, given as a postgresql:// (or postgres://) URL, through
 *   libpq: one database shared by the machines of a sharded audit.  The
 *   tables are syndic_links, syndic_runs and syndic_schema (the version)
 *   in the connection's current schema.
 * Both create and migrate their schema themselves, in one transaction,
 * and refuse, without writing anything, a database written by a newer
 * syndic.
 *
 * Writes.  Every write is a transaction: a run killed at any point (even
 * SIGKILL) leaves a consistent history holding exactly the transactions
 * it committed.  Between sy_history_begin() and sy_history_commit() the
 * verdicts are queued and applied in batches (see sy_history_begin()),
 * each one transaction of at most SY_HISTORY_BATCH verdicts in byte
 * order of the URL: a batch holds the database's write lock (SQLite) or
 * its rows' locks (PostgreSQL) for milliseconds only, so shards and
 * overlapping runs write side by side, and two writers that lock rows
 * in the same order never deadlock.  The counting rule
 * below is applied by one UPSERT (INSERT ... ON CONFLICT DO UPDATE) that
 * reads the committed row under its lock, so two runs recording the same
 * URL at once never lose an update.
 *
 * The run lock keeps two runs of the same audit apart (two cron jobs
 * that overlap): a whole run takes it exclusively, a shard K/N takes it
 * shared together with a lock of its own on K/N, so the shards of one
 * audit run side by side, but not beside a whole run nor beside the same
 * shard started twice.  SQLite: flock(2) on FILE.lock (and on
 * FILE.shard-K-of-N.lock); PostgreSQL: session advisory locks, keyed by
 * the schema.  Both are released by the kernel or the server when the
 * holder dies.
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

/*
 * The schema version this code writes (SQLite: PRAGMA user_version;
 * PostgreSQL: syndic_schema.version).  2 added the run log, 3 the shard
 * of a run.
 */
#define SY_HISTORY_SCHEMA 3

/* The largest batch of queued verdicts, and its longest age in seconds. */
#define SY_HISTORY_BATCH 1000
#define SY_HISTORY_BATCH_S 2

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

/*
 * *dst becomes a copy of src with strings of its own (a record a walk
 * or a look-up lends).  SY_ENOMEM leaves *dst empty (zeroed).
 */
enum sy_err sy_hist_rec_copy(
    struct sy_hist_rec *dst, const struct sy_hist_rec *src);

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
 * True when where names a PostgreSQL database (a postgresql:// or
 * postgres:// URL) rather than an SQLite file.
 */
bool sy_history_is_url(const char *where);

/*
 * Opens the history at where: an SQLite file (created if need be) or a
 * postgresql:// URL (libpq's URI syntax; the password may also come from
 * PGPASSWORD or ~/.pgpass), and brings its schema up to date.  wait_ms
 * is how long one statement waits for another process's lock (SQLite's
 * busy timeout, PostgreSQL's lock_timeout).  On success *out is the new
 * handle and msg holds "" or a notice for the user (a corrupt file that
 * was moved aside).  On failure *out is NULL and msg says why (for
 * SY_EDB: a newer schema, the database's or libpq's message, never the
 * password); SY_EINVAL for an empty where or a URL of another scheme.
 * msg may be NULL when msglen is 0; it is always NUL-terminated
 * otherwise.
 */
enum sy_err sy_history_open(const char *where, int wait_ms,
    struct sy_history **out, char *msg, size_t msglen);

/* "sqlite" or "postgresql". */
const char *sy_history_backend(const struct sy_history *h);

/*
 * Drops the verdicts queued since sy_history_begin() and not yet applied
 * (as a rollback would), drops the run lock, closes.
 */
void sy_history_close(struct sy_history *h);

/*
 * Text of the last failure on h (SQLite's message, or who holds the
 * lock); "" when none.  Valid until the next call on h.
 */
const char *sy_history_errmsg(const struct sy_history *h);

/*
 * Takes the run lock of a whole run (exclusive).  With wait, blocks
 * until the other run ends; without, returns SY_EBUSY at once when
 * another process (or another handle) holds it; sy_history_errmsg() then
 * says who.  Taking it twice on one handle is a no-op.
 */
enum sy_err sy_history_lock(struct sy_history *h, bool wait);

/*
 * The run lock of shard k of n (1 <= k <= n): shared with the other
 * shards, exclusive against a whole run and against another run of the
 * same k/n.  k = n = 1 is sy_history_lock().  SY_EINVAL for a bad k/n.
 */
enum sy_err sy_history_lock_shard(
    struct sy_history *h, bool wait, unsigned k, unsigned n);
void sy_history_unlock(struct sy_history *h);

/*
 * Batches writes: the sy_history_record() and sy_history_run_add() calls
 * between begin and commit are queued and applied in transactions of at
 * most SY_HISTORY_BATCH verdicts.  A full queue, or one whose first
 * verdict is SY_HISTORY_BATCH_S seconds old when another is recorded
 * (no clock of its own: a quiet queue waits for the next verdict or for
 * commit), is handed to a thread of its own that
 * applies it while the caller goes on queueing (a link checker's event
 * loop never waits for the database); any other call (a read, a lock,
 * commit) first waits for that thread, and commit applies the rest.  A
 * run added is applied with the last batch.  Without begin, each call is
 * its own transaction.  A failed batch is dropped whole, and the next
 * call that waits for it returns its error.
 */
enum sy_err sy_history_begin(struct sy_history *h);
enum sy_err sy_history_commit(struct sy_history *h);

/*
 * Looks url up.  Returns SY_OK and sets *found; when found, rec is filled
 * (release with sy_hist_rec_fini), else rec is zeroed.
 */
enum sy_err sy_history_get(struct sy_history *h, const char *url,
    struct sy_hist_rec *rec, bool *found);

/*
 * Looks n URLs up at once, in few round trips: calls fn(ctx, i, rec) for
 * every urls[i] that is stored (in no set order; rec is valid during the
 * call only).  A non-zero return from fn stops: SY_EINVAL then.
 */
typedef int (*sy_hist_many_fn)(
    void *ctx, size_t i, const struct sy_hist_rec *rec);
enum sy_err sy_history_get_many(struct sy_history *h, const char *const *urls,
    size_t n, sy_hist_many_fn fn, void *ctx);

/*
 * Records one run's verdict on url at time now (see the counting rule).
 * SY_EINVAL for a bad outcome, or a URL that is not UTF-8 when the
 * backend is PostgreSQL.
 */
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
	int shard;        /* the run was shard K of N: K (1..N) */
	int shards;       /* N; 1 for a whole run (0 is taken as 1/1) */
};

/* Appends one run to the run log (queued between begin and commit). */
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
