/*
 * history_sqlite: the SQLite backend of the link history (history.h,
 * history_int.h).  One file; the counters are updated by one UPSERT
 * statement so that a verdict is applied atomically and in a single
 * step; a batch is one BEGIN IMMEDIATE transaction.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "history_int.h"
#include "util.h"

struct sqlite_be {
	sqlite3 *db;
	char *path;
	int lockfd;  /* FILE.lock, -1 when the run lock is not held */
	int shardfd; /* FILE.shard-K-of-N.lock, or -1 */
	sqlite3_stmt *get;
	sqlite3_stmt *put;
	sqlite3_stmt *run;
};

/*
 * The migrations: migrations[v] brings a database of version v to v + 1.
 * Each runs in the one transaction that also sets user_version.
 */
static const char *const migrations[] = {
    /* 0 -> 1: the links */
    "CREATE TABLE IF NOT EXISTS links ("
    " url TEXT PRIMARY KEY NOT NULL,"
    " outcome INTEGER NOT NULL,"
    " rule TEXT,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " message TEXT,"
    " first_failure INTEGER NOT NULL DEFAULT 0,"
    " failures INTEGER NOT NULL DEFAULT 0,"
    " last_success INTEGER NOT NULL DEFAULT 0,"
    " last_checked INTEGER NOT NULL DEFAULT 0,"
    " etag TEXT,"
    " last_modified TEXT);"
    "CREATE INDEX IF NOT EXISTS links_checked ON links(last_checked);",
    /* 1 -> 2: the run log */
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY,"
    " started INTEGER NOT NULL,"
    " finished INTEGER NOT NULL,"
    " fine INTEGER NOT NULL,"
    " broken INTEGER NOT NULL,"
    " blocked INTEGER NOT NULL,"
    " redirected INTEGER NOT NULL,"
    " skipped INTEGER NOT NULL);",
    /* 2 -> 3: the shard of a run (two statements, one migration) */
    ("ALTER TABLE runs ADD COLUMN shard INTEGER NOT NULL DEFAULT 1;"
     "ALTER TABLE runs ADD COLUMN shards INTEGER NOT NULL DEFAULT 1;"),
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == SY_HISTORY_SCHEMA,
    "one migration per schema version");

static const char get_sql[] =
    "SELECT outcome, rule, status, message, first_failure, failures,"
    " last_success, last_checked, etag, last_modified"
    " FROM links WHERE url = ?1";

/*
 * ?1 url, ?2 outcome (0 ok, 1 fail, 2 unknown), ?3 rule, ?4 status,
 * ?5 message, ?6 now, ?7 etag, ?8 last_modified.  In DO UPDATE the bare
 * column names are the row's old values.
 */
static const char put_sql[] =
    "INSERT INTO links (url, outcome, rule, status, message,"
    " first_failure, failures, last_success, last_checked, etag,"
    " last_modified) VALUES (?1, ?2, ?3, ?4, ?5,"
    " CASE WHEN ?2 = 1 THEN ?6 ELSE 0 END,"
    " CASE WHEN ?2 = 1 THEN 1 ELSE 0 END,"
    " CASE WHEN ?2 = 0 THEN ?6 ELSE 0 END,"
    " ?6,"
    " CASE WHEN ?2 = 0 THEN nullif(?7, '') END,"
    " CASE WHEN ?2 = 0 THEN nullif(?8, '') END)"
    " ON CONFLICT(url) DO UPDATE SET"
    " outcome = ?2, rule = ?3, status = ?4, message = ?5,"
    " first_failure = CASE ?2 WHEN 0 THEN 0"
    "  WHEN 1 THEN CASE WHEN failures = 0 OR first_failure = 0"
    "   THEN ?6 ELSE first_failure END"
    "  ELSE first_failure END,"
    " failures = CASE ?2 WHEN 0 THEN 0 WHEN 1 THEN failures + 1"
    "  ELSE failures END,"
    " last_success = CASE WHEN ?2 = 0 THEN ?6 ELSE last_success END,"
    " last_checked = ?6,"
    " etag = CASE WHEN ?2 = 0 AND ?7 IS NOT NULL THEN nullif(?7, '')"
    "  ELSE etag END,"
    " last_modified = CASE WHEN ?2 = 0 AND ?8 IS NOT NULL"
    "  THEN nullif(?8, '') ELSE last_modified END";

static const char run_sql[] =
    "INSERT INTO runs (started, finished, fine, broken, blocked,"
    " redirected, skipped, shard, shards)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

static const struct sy_hist_ops sqlite_ops;

static struct sqlite_be *
be_of(struct sy_history *h)
{
	return h->be;
}

/* Multi-line quick_check reports become one line. */
static void
flatten(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r' || *s == '\t')
			*s = ' ';
}

static enum sy_err
dberr(struct sy_history *h)
{
	sy_hist_seterr(h, "%s", sqlite3_errmsg(be_of(h)->db));
	return SY_EDB;
}

static bool
is_corrupt_code(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
}

/*
 * Runs PRAGMA quick_check.  Returns SQLITE_OK when the database is
 * sound, SQLITE_CORRUPT when the check found damage, or the error code
 * (SQLITE_NOTADB for a file that is not a database).
 */
static int
quick_check(sqlite3 *db, char *why, size_t whylen)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *res;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc != SQLITE_OK) {
		sy_hist_setmsg(why, whylen, "%s", sqlite3_errmsg(db));
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res = sqlite3_column_text(st, 0);
		if (res != NULL && strcmp((const char *)res, "ok") == 0) {
			rc = SQLITE_OK;
		} else {
			sy_hist_setmsg(why, whylen, "quick_check: %s",
			    res != NULL ? (const char *)res : "?");
			rc = SQLITE_CORRUPT;
		}
	} else {
		sy_hist_setmsg(why, whylen, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}

static int
get_user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*v = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Renames path (and its -wal; the -shm is rebuilt) to path.corrupt-TS. */
static enum sy_err
move_aside(const char *path, char *dst, size_t dstlen)
{
	char ts[32], wal[4100], walto[4300], shm[4100];
	struct tm tm;
	time_t now = time(NULL);
	int i;

	if (gmtime_r(&now, &tm) == NULL)
		return SY_EIO;
	if (strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm) == 0) {
		errno = ERANGE;
		return SY_EIO;
	}
	for (i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(dst, dstlen, "%s.corrupt-%s", path, ts);
		else
			snprintf(dst, dstlen, "%s.corrupt-%s-%d", path, ts, i);
		if (access(dst, F_OK) != 0)
			break;
	}
	if (rename(path, dst) != 0)
		return SY_EIO;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(walto, sizeof(walto), "%s-wal", dst);
	snprintf(shm, sizeof(shm), "%s-shm", path);
	if (rename(wal, walto) != 0 && errno != ENOENT)
		return SY_EIO;
	if (unlink(shm) != 0 && errno != ENOENT)
		return SY_EIO;
	return SY_OK;
}

/*
 * Brings db from version to SY_HISTORY_SCHEMA in one transaction, which
 * reads the version again under the write lock: another process may have
 * migrated the file in between.
 */
static int
migrate(sqlite3 *db, const char *path, char **emsg, char *why, size_t whylen)
{
	char sql[64];
	int rc, v = 0;

	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, emsg);
	if (rc != SQLITE_OK)
		return rc;
	rc = get_user_version(db, &v);
	if (rc == SQLITE_OK && v > SY_HISTORY_SCHEMA) {
		sy_hist_setmsg(why, whylen,
		    "%s: schema version %d is newer than this syndic "
		    "understands (%d); upgrade syndic or use another --history",
		    path, v, SY_HISTORY_SCHEMA);
		rc = SQLITE_ERROR;
		goto out;
	}
	for (; rc == SQLITE_OK && v < SY_HISTORY_SCHEMA; v++)
		rc = sqlite3_exec(db, migrations[v], NULL, NULL, emsg);
	if (rc == SQLITE_OK) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    SY_HISTORY_SCHEMA);
		rc = sqlite3_exec(db, sql, NULL, NULL, emsg);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, emsg);
out:
	if (rc != SQLITE_OK)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/*
 * Opens path and checks it.  *corrupt tells a damaged file (to move
 * aside) from another failure.
 */
static enum sy_err
try_open(const char *path, int wait_ms, sqlite3 **out, bool *corrupt, char *why,
    size_t whylen)
{
	sqlite3 *db = NULL;
	int rc, version = 0;
	char *emsg = NULL;
	enum sy_err err = SY_EDB;

	*out = NULL;
	*corrupt = false;
	why[0] = '\0';
	rc = sqlite3_open_v2(
	    path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		sy_hist_setmsg(why, whylen, "%s",
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		*corrupt = is_corrupt_code(rc);
		goto out;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, wait_ms > 0 ? wait_ms : 0);
	rc = quick_check(db, why, whylen);
	if (rc != SQLITE_OK) {
		*corrupt = is_corrupt_code(rc);
		goto out;
	}
	rc = get_user_version(db, &version);
	if (rc != SQLITE_OK) {
		sy_hist_setmsg(why, whylen, "%s", sqlite3_errmsg(db));
		*corrupt = is_corrupt_code(rc);
		goto out;
	}
	if (version > SY_HISTORY_SCHEMA) {
		sy_hist_setmsg(why, whylen,
		    "%s: schema version %d is newer than this "
		    "syndic understands (%d); upgrade syndic or use another "
		    "--history",
		    path, version, SY_HISTORY_SCHEMA);
		goto out;
	}
	rc = sqlite3_exec(db,
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL",
	    NULL, NULL, &emsg);
	if (rc != SQLITE_OK)
		goto execfail;
	if (version < SY_HISTORY_SCHEMA) {
		rc = migrate(db, path, &emsg, why, whylen);
		if (rc != SQLITE_OK && why[0] != '\0')
			goto out;
		if (rc != SQLITE_OK)
			goto execfail;
	}
	*out = db;
	db = NULL;
	err = SY_OK;
	goto out;
execfail:
	sy_hist_setmsg(
	    why, whylen, "%s", emsg != NULL ? emsg : sqlite3_errstr(rc));
	*corrupt = is_corrupt_code(rc);
out:
	sqlite3_free(emsg);
	sqlite3_close(db);
	return err;
}

static void
sqlite_close(struct sy_history *h)
{
	struct sqlite_be *b = be_of(h);

	if (b == NULL)
		return;
	h->ops->unlock(h);
	sqlite3_finalize(b->get);
	sqlite3_finalize(b->put);
	sqlite3_finalize(b->run);
	sqlite3_close(b->db);
	free(b->path);
	free(b);
	h->be = NULL;
}

enum sy_err
sy_hist_sqlite_open(struct sy_history *h, const char *path, int wait_ms,
    char *msg, size_t msglen)
{
	struct sqlite_be *b = NULL;
	sqlite3 *db = NULL;
	char why[512] = "", aside[4200];
	bool corrupt;
	enum sy_err err;
	int rc;

	err = try_open(path, wait_ms, &db, &corrupt, why, sizeof(why));
	if (err != SY_OK && corrupt) {
		err = move_aside(path, aside, sizeof(aside));
		if (err != SY_OK) {
			sy_hist_setmsg(msg, msglen,
			    "%s is damaged (%s) and cannot be "
			    "moved aside: %s",
			    path, why, strerror(errno));
			return err;
		}
		flatten(why);
		sy_hist_setmsg(msg, msglen,
		    "%s was damaged (%s); moved aside to %s "
		    "and started afresh",
		    path, why, aside);
		err = try_open(path, wait_ms, &db, &corrupt, why, sizeof(why));
	}
	if (err != SY_OK) {
		sy_hist_setmsg(msg, msglen, "%s", why);
		return err;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		sqlite3_close(db);
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	h->ops = &sqlite_ops;
	h->be = b;
	b->db = db;
	b->lockfd = -1;
	b->shardfd = -1;
	b->path = sy_strdup(path);
	if (b->path == NULL) {
		sqlite_close(h);
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	rc = sqlite3_prepare_v3(
	    db, get_sql, -1, SQLITE_PREPARE_PERSISTENT, &b->get, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    db, put_sql, -1, SQLITE_PREPARE_PERSISTENT, &b->put, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    db, run_sql, -1, SQLITE_PREPARE_PERSISTENT, &b->run, NULL);
	if (rc != SQLITE_OK) {
		sy_hist_setmsg(msg, msglen, "%s", sqlite3_errmsg(db));
		sqlite_close(h);
		return SY_EDB;
	}
	return SY_OK;
}

/*
 * flock(2) on path with op (LOCK_EX or LOCK_SH), LOCK_NB unless wait.
 * Returns the descriptor, or -1 with errno set (EWOULDBLOCK: held).
 */
static int
lock_file(const char *path, int op, bool wait)
{
	int fd, rc, e;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	do {
		rc = flock(fd, op | (wait ? 0 : LOCK_NB));
	} while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The pid an exclusive holder wrote into path, or "" (none, shards). */
static void
holder(const char *path, char *buf, size_t len)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = pread(fd, buf, len - 1, 0);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The pid, for the message of a run that finds the lock held. */
static void
write_pid(int fd)
{
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	/* Only for the message; a failure to write is fine. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0)
		errno = 0;
}

static enum sy_err
lock_failed(struct sy_history *h, const char *path, const char *who)
{
	char held[32];
	int e = errno;

	if (e == EWOULDBLOCK) {
		holder(path, held, sizeof(held));
		if (held[0] != '\0')
			sy_hist_seterr(h, "another run%s holds %s (pid %s)",
			    who, path, held);
		else
			sy_hist_seterr(
			    h, "the shards of another run hold %s", path);
		return SY_EBUSY;
	}
	sy_hist_seterr(h, "%s: %s", path, strerror(e));
	errno = e;
	return SY_EIO;
}

static enum sy_err
sqlite_lock(struct sy_history *h, bool wait, unsigned k, unsigned n)
{
	struct sqlite_be *b = be_of(h);
	char main_path[4200], shard_path[4300], who[64];
	enum sy_err err;
	int fd;

	if (b->lockfd >= 0)
		return SY_OK;
	snprintf(main_path, sizeof(main_path), "%s.lock", b->path);
	fd = lock_file(main_path, n == 1 ? LOCK_EX : LOCK_SH, wait);
	if (fd < 0)
		return lock_failed(h, main_path, "");
	if (n == 1) {
		write_pid(fd);
		b->lockfd = fd;
		return SY_OK;
	}
	/* Shared: no exclusive holder now, so its pid is stale. */
	if (ftruncate(fd, 0) != 0)
		errno = 0;
	snprintf(shard_path, sizeof(shard_path), "%s.shard-%u-of-%u.lock",
	    b->path, k, n);
	b->shardfd = lock_file(shard_path, LOCK_EX, wait);
	if (b->shardfd < 0) {
		snprintf(who, sizeof(who), " of shard %u/%u", k, n);
		err = lock_failed(h, shard_path, who);
		close(fd);
		return err;
	}
	write_pid(b->shardfd);
	b->lockfd = fd;
	return SY_OK;
}

static void
sqlite_unlock(struct sy_history *h)
{
	struct sqlite_be *b = be_of(h);

	/* Closing the only descriptor releases the flock. */
	if (b->shardfd >= 0)
		close(b->shardfd);
	if (b->lockfd >= 0)
		close(b->lockfd);
	b->shardfd = -1;
	b->lockfd = -1;
}

/*
 * The columns of get_sql (and of the walk of each) into rec; its strings
 * point into st's row, valid until the next step.
 */
static void
row_to_rec(sqlite3_stmt *st, struct sy_hist_rec *r)
{
	int o = sqlite3_column_int(st, 0);

	memset(r, 0, sizeof(*r));
	r->outcome = o == 0 ? SY_HIST_OK
	    : o == 1        ? SY_HIST_FAIL
	                    : SY_HIST_UNKNOWN;
	r->rule = (char *)sqlite3_column_text(st, 1);
	r->status = sqlite3_column_int(st, 2);
	r->message = (char *)sqlite3_column_text(st, 3);
	r->first_failure = sqlite3_column_int64(st, 4);
	r->failures = (long)sqlite3_column_int64(st, 5);
	r->last_success = sqlite3_column_int64(st, 6);
	r->last_checked = sqlite3_column_int64(st, 7);
	r->etag = (char *)sqlite3_column_text(st, 8);
	r->last_modified = (char *)sqlite3_column_text(st, 9);
}

static enum sy_err
sqlite_get_many(struct sy_history *h, const char *const *urls, size_t n,
    sy_hist_many_fn fn, void *ctx)
{
	sqlite3_stmt *st = be_of(h)->get;
	struct sy_hist_rec r;
	enum sy_err err = SY_OK;
	size_t i;
	int rc, stop;

	for (i = 0; i < n && err == SY_OK; i++) {
		if (sqlite3_bind_text(st, 1, urls[i], -1, SQLITE_STATIC) !=
		    SQLITE_OK) {
			err = dberr(h);
			break;
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			row_to_rec(st, &r);
			stop = fn(ctx, i, &r);
			if (stop != 0)
				err = SY_EINVAL;
		} else if (rc != SQLITE_DONE) {
			err = dberr(h);
		}
		sqlite3_reset(st);
	}
	sqlite3_clear_bindings(st);
	return err;
}

static int
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
put_one(sqlite3_stmt *st, const struct sy_hist_put *v)
{
	int rc;

	rc = sqlite3_bind_text(st, 1, v->url, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, (int)v->outcome);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 3, v->rule);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, v->status);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 5, v->message);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, v->now);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 7, v->etag);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 8, v->last_modified);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
put_run(sqlite3_stmt *st, const struct sy_hist_run *run)
{
	const long n[] = {run->fine, run->broken, run->blocked, run->redirected,
	    run->skipped, run->shard, run->shards};
	int rc, i;

	rc = sqlite3_bind_int64(st, 1, run->started);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, run->finished);
	for (i = 0; i < 7 && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_int64(st, i + 3, n[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static enum sy_err
sqlite_put(struct sy_history *h, const struct sy_hist_put *v, size_t n,
    const struct sy_hist_run *run)
{
	struct sqlite_be *b = be_of(h);
	bool tx = n + (run != NULL) > 1;
	enum sy_err err;
	size_t i;
	int rc = SQLITE_OK;

	if (tx &&
	    sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	        SQLITE_OK)
		return dberr(h);
	for (i = 0; i < n && rc == SQLITE_OK; i++)
		rc = put_one(b->put, &v[i]);
	if (rc == SQLITE_OK && run != NULL)
		rc = put_run(b->run, run);
	if (rc == SQLITE_OK && tx)
		rc = sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		return SY_OK;
	err = dberr(h);
	if (tx && !sqlite3_get_autocommit(b->db))
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
	return err;
}

static enum sy_err
exec_count(struct sy_history *h, const char *sql, int64_t arg, long *n)
{
	struct sqlite_be *b = be_of(h);
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	rc = sqlite3_prepare_v2(b->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) > 0)
		rc = sqlite3_bind_int64(st, 1, arg);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = (long)sqlite3_column_int64(st, 0);
	} else if (rc == SQLITE_DONE) {
		*n = sqlite3_changes(b->db);
	} else {
		err = dberr(h);
	}
	sqlite3_finalize(st);
	return err;
}

static enum sy_err
sqlite_count(struct sy_history *h, long *n)
{
	return exec_count(h, "SELECT count(*) FROM links", 0, n);
}

static enum sy_err
sqlite_prune(struct sy_history *h, int64_t before, long *n)
{
	return exec_count(
	    h, "DELETE FROM links WHERE last_checked < ?1", before, n);
}

static enum sy_err
sqlite_runs(
    struct sy_history *h, size_t max, struct sy_hist_run **out, size_t *n)
{
	/* The newest max by id, then oldest first; -1 is no limit. */
	static const char sql[] =
	    "SELECT started, finished, fine, broken, blocked, redirected,"
	    " skipped, shard, shards"
	    " FROM (SELECT * FROM runs ORDER BY id DESC LIMIT ?1)"
	    " ORDER BY id";
	struct sy_hist_run *v = NULL, *nv;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	rc = sqlite3_prepare_v2(be_of(h)->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1,
		    max == 0 || max > INT64_MAX ? -1 : (sqlite3_int64)max);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return dberr(h);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sy_hist_run *r;

		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			nv = sy_reallocarray(v, cap, sizeof(*v));
			if (nv == NULL) {
				err = SY_ENOMEM;
				break;
			}
			v = nv;
		}
		r = &v[len++];
		r->started = sqlite3_column_int64(st, 0);
		r->finished = sqlite3_column_int64(st, 1);
		r->fine = (long)sqlite3_column_int64(st, 2);
		r->broken = (long)sqlite3_column_int64(st, 3);
		r->blocked = (long)sqlite3_column_int64(st, 4);
		r->redirected = (long)sqlite3_column_int64(st, 5);
		r->skipped = (long)sqlite3_column_int64(st, 6);
		r->shard = sqlite3_column_int(st, 7);
		r->shards = sqlite3_column_int(st, 8);
	}
	if (err == SY_OK && rc != SQLITE_DONE)
		err = dberr(h);
	sqlite3_finalize(st);
	if (err != SY_OK || len == 0) {
		free(v);
		return err;
	}
	*out = v;
	*n = len;
	return SY_OK;
}

static enum sy_err
sqlite_each(struct sy_history *h, sy_hist_each_fn fn, void *ctx)
{
	static const char sql[] =
	    "SELECT outcome, rule, status, message, first_failure, failures,"
	    " last_success, last_checked, etag, last_modified, url"
	    " FROM links ORDER BY url";
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	if (sqlite3_prepare_v2(be_of(h)->db, sql, -1, &st, NULL) != SQLITE_OK)
		return dberr(h);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sy_hist_rec r;
		const unsigned char *url = sqlite3_column_text(st, 10);

		row_to_rec(st, &r);
		if (fn(ctx, url != NULL ? (const char *)url : "", &r) != 0) {
			err = SY_EINVAL;
			break;
		}
	}
	if (err == SY_OK && rc != SQLITE_DONE)
		err = dberr(h);
	sqlite3_finalize(st);
	return err;
}

static const struct sy_hist_ops sqlite_ops = {
    .name = "sqlite",
    .utf8_keys = false,
    .close = sqlite_close,
    .lock = sqlite_lock,
    .unlock = sqlite_unlock,
    .get_many = sqlite_get_many,
    .put = sqlite_put,
    .count = sqlite_count,
    .prune = sqlite_prune,
    .runs = sqlite_runs,
    .each = sqlite_each,
};
