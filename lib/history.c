/*
 * history: the SQLite link history.  See history.h for the contract and
 * the counting rule; the counters are updated by one UPSERT statement so
 * that a verdict is applied atomically and in a single round trip.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "history.h"
#include "util.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct sy_history {
	sqlite3 *db;
	char *path;
	char *lockpath;
	int lockfd; /* -1 when the run lock is not held */
	bool in_tx;
	sqlite3_stmt *get;
	sqlite3_stmt *put;
	char err[512];
};

static const char schema_sql[] =
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
    "CREATE INDEX IF NOT EXISTS links_checked ON links(last_checked);"
    "CREATE TABLE IF NOT EXISTS runs ("
    " id INTEGER PRIMARY KEY,"
    " started INTEGER NOT NULL,"
    " finished INTEGER NOT NULL,"
    " fine INTEGER NOT NULL,"
    " broken INTEGER NOT NULL,"
    " blocked INTEGER NOT NULL,"
    " redirected INTEGER NOT NULL,"
    " skipped INTEGER NOT NULL);";

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

static void setmsg(char *msg, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setmsg(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (msg == NULL || len == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, len, fmt, ap); /* cut to len: fine */
	va_end(ap);
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
	setmsg(h->err, sizeof(h->err), "%s", sqlite3_errmsg(h->db));
	return SY_EDB;
}

static char *
concat(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *s;

	s = malloc(la + lb + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, a, la);
	memcpy(s + la, b, lb + 1);
	return s;
}

void
sy_hist_rec_fini(struct sy_hist_rec *rec)
{
	if (rec == NULL)
		return;
	free(rec->rule);
	free(rec->message);
	free(rec->etag);
	free(rec->last_modified);
	memset(rec, 0, sizeof(*rec));
}

enum sy_hist_outcome
sy_history_outcome_of(enum sy_rule rule)
{
	switch (rule) {
	case SY_R_NONE:
	case SY_R_LINK_REDIRECT:
		return SY_HIST_OK;
	case SY_R_LINK_UNCHECKED:
	case SY_R_LINK_BLOCKED:
	case SY_R_LINK_PRIVATE:
		return SY_HIST_UNKNOWN;
	default:
		return SY_HIST_FAIL;
	}
}

/* mkdir -p for the parts after the existing prefix, with mode. */
static enum sy_err
mkdirs(char *dir, mode_t mode)
{
	struct stat st;
	char *p;

	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, mode) != 0 && errno != EEXIST) {
				*p = c;
				return SY_EIO;
			}
			if (stat(dir, &st) != 0) {
				*p = c;
				return SY_EIO;
			}
			*p = c;
			if (!S_ISDIR(st.st_mode)) {
				errno = ENOTDIR;
				return SY_EIO;
			}
		}
		if (*p == '\0')
			break;
	}
	return SY_OK;
}

enum sy_err
sy_history_default_path(char **out)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL, *path = NULL;
	enum sy_err err;

	*out = NULL;
	if (xdg != NULL && xdg[0] == '/')
		dir = concat(xdg, "/syndic");
	else if (home != NULL && home[0] == '/')
		dir = concat(home, "/.cache/syndic");
	else
		return SY_EINVAL;
	if (dir == NULL)
		return SY_ENOMEM;
	err = mkdirs(dir, 0700);
	if (err != SY_OK)
		goto out;
	path = concat(dir, "/links.db");
	if (path == NULL) {
		err = SY_ENOMEM;
		goto out;
	}
	*out = path;
out:
	free(dir);
	return err;
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
		setmsg(why, whylen, "%s", sqlite3_errmsg(db));
		return rc;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res = sqlite3_column_text(st, 0);
		if (res != NULL && strcmp((const char *)res, "ok") == 0) {
			rc = SQLITE_OK;
		} else {
			setmsg(why, whylen, "quick_check: %s",
			    res != NULL ? (const char *)res : "?");
			rc = SQLITE_CORRUPT;
		}
	} else {
		setmsg(why, whylen, "%s", sqlite3_errmsg(db));
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
	rc = sqlite3_open_v2(
	    path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		setmsg(why, whylen, "%s",
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
	rc = sqlite3_exec(db,
	    "PRAGMA journal_mode=WAL;"
	    "PRAGMA synchronous=NORMAL",
	    NULL, NULL, &emsg);
	if (rc != SQLITE_OK)
		goto execfail;
	rc = get_user_version(db, &version);
	if (rc != SQLITE_OK) {
		setmsg(why, whylen, "%s", sqlite3_errmsg(db));
		*corrupt = is_corrupt_code(rc);
		goto out;
	}
	if (version > SY_HISTORY_SCHEMA) {
		setmsg(why, whylen,
		    "%s: schema version %d is newer than this "
		    "syndic understands (%d); upgrade syndic or use another "
		    "--db",
		    path, version, SY_HISTORY_SCHEMA);
		goto out;
	}
	if (version < SY_HISTORY_SCHEMA) {
		rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &emsg);
		if (rc != SQLITE_OK)
			goto execfail;
		rc = sqlite3_exec(db, schema_sql, NULL, NULL, &emsg);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db,
			    "PRAGMA user_version = " STR(
			        SY_HISTORY_SCHEMA) "; COMMIT",
			    NULL, NULL, &emsg);
		if (rc != SQLITE_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			goto execfail;
		}
	}
	*out = db;
	db = NULL;
	err = SY_OK;
	goto out;
execfail:
	setmsg(why, whylen, "%s", emsg != NULL ? emsg : sqlite3_errstr(rc));
	*corrupt = is_corrupt_code(rc);
out:
	sqlite3_free(emsg);
	sqlite3_close(db);
	return err;
}

enum sy_err
sy_history_open(const char *path, int wait_ms, struct sy_history **out,
    char *msg, size_t msglen)
{
	struct sy_history *h = NULL;
	sqlite3 *db = NULL;
	char why[512] = "", aside[4200];
	bool corrupt;
	enum sy_err err;
	int rc;

	*out = NULL;
	setmsg(msg, msglen, "%s", "");
	if (path == NULL || path[0] == '\0' || strlen(path) > 4000) {
		setmsg(msg, msglen, "invalid database path");
		return SY_EINVAL;
	}
	err = try_open(path, wait_ms, &db, &corrupt, why, sizeof(why));
	if (err != SY_OK && corrupt) {
		err = move_aside(path, aside, sizeof(aside));
		if (err != SY_OK) {
			setmsg(msg, msglen,
			    "%s is damaged (%s) and cannot be "
			    "moved aside: %s",
			    path, why, strerror(errno));
			return err;
		}
		flatten(why);
		setmsg(msg, msglen,
		    "%s was damaged (%s); moved aside to %s "
		    "and started afresh",
		    path, why, aside);
		err = try_open(path, wait_ms, &db, &corrupt, why, sizeof(why));
	}
	if (err != SY_OK) {
		setmsg(msg, msglen, "%s", why);
		return err;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		goto nomem;
	h->db = db;
	h->lockfd = -1;
	h->path = sy_strdup(path);
	h->lockpath = concat(path, ".lock");
	if (h->path == NULL || h->lockpath == NULL)
		goto nomem;
	rc = sqlite3_prepare_v3(
	    db, get_sql, -1, SQLITE_PREPARE_PERSISTENT, &h->get, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v3(
		    db, put_sql, -1, SQLITE_PREPARE_PERSISTENT, &h->put, NULL);
	if (rc != SQLITE_OK) {
		setmsg(msg, msglen, "%s", sqlite3_errmsg(db));
		sy_history_close(h);
		return SY_EDB;
	}
	*out = h;
	return SY_OK;
nomem:
	if (h != NULL)
		sy_history_close(h);
	else
		sqlite3_close(db);
	setmsg(msg, msglen, "out of memory");
	return SY_ENOMEM;
}

void
sy_history_close(struct sy_history *h)
{
	if (h == NULL)
		return;
	if (h->in_tx)
		sqlite3_exec(h->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(h->get);
	sqlite3_finalize(h->put);
	sqlite3_close(h->db);
	sy_history_unlock(h);
	free(h->path);
	free(h->lockpath);
	free(h);
}

const char *
sy_history_errmsg(const struct sy_history *h)
{
	return h != NULL ? h->err : "";
}

enum sy_err
sy_history_lock(struct sy_history *h, bool wait)
{
	char pid[32], held[32];
	ssize_t n;
	int fd, rc, len;

	h->err[0] = '\0';
	if (h->lockfd >= 0)
		return SY_OK;
	fd = open(h->lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		setmsg(h->err, sizeof(h->err), "%s: %s", h->lockpath,
		    strerror(errno));
		return SY_EIO;
	}
	do {
		rc = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
	} while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		int e = errno;

		if (e == EWOULDBLOCK) {
			n = pread(fd, held, sizeof(held) - 1, 0);
			held[n > 0 ? n : 0] = '\0';
			held[strcspn(held, "\n")] = '\0';
			setmsg(h->err, sizeof(h->err),
			    "another run holds %s "
			    "(pid %s)",
			    h->lockpath, held[0] ? held : "?");
			close(fd);
			return SY_EBUSY;
		}
		setmsg(
		    h->err, sizeof(h->err), "%s: %s", h->lockpath, strerror(e));
		close(fd);
		errno = e;
		return SY_EIO;
	}
	/* The pid is only for the message above; failure to write is fine. */
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0)
		errno = 0;
	h->lockfd = fd;
	return SY_OK;
}

void
sy_history_unlock(struct sy_history *h)
{
	if (h == NULL || h->lockfd < 0)
		return;
	/* Closing the only descriptor releases the flock. */
	close(h->lockfd);
	h->lockfd = -1;
}

enum sy_err
sy_history_begin(struct sy_history *h)
{
	if (h->in_tx)
		return SY_OK;
	if (sqlite3_exec(h->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK)
		return dberr(h);
	h->in_tx = true;
	return SY_OK;
}

enum sy_err
sy_history_commit(struct sy_history *h)
{
	if (!h->in_tx)
		return SY_OK;
	if (sqlite3_exec(h->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		enum sy_err err = dberr(h);

		if (sqlite3_get_autocommit(h->db))
			h->in_tx = false;
		return err;
	}
	h->in_tx = false;
	return SY_OK;
}

/*
 * The columns of get_sql (and of sy_history_each's walk) into rec; its
 * strings point into st's row, valid until the next step.
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
dup_opt(char **s)
{
	if (*s == NULL)
		return SY_OK;
	*s = sy_strdup(*s);
	return *s != NULL ? SY_OK : SY_ENOMEM;
}

enum sy_err
sy_history_get(
    struct sy_history *h, const char *url, struct sy_hist_rec *rec, bool *found)
{
	struct sy_hist_rec r = {0}; /* for cppcheck: own[] takes addresses */
	char **own[] = {&r.rule, &r.message, &r.etag, &r.last_modified};
	enum sy_err err = SY_OK;
	int rc, i;

	memset(rec, 0, sizeof(*rec));
	*found = false;
	if (sqlite3_bind_text(h->get, 1, url, -1, SQLITE_STATIC) != SQLITE_OK) {
		err = dberr(h);
		goto out;
	}
	rc = sqlite3_step(h->get);
	if (rc == SQLITE_DONE)
		goto out;
	if (rc != SQLITE_ROW) {
		err = dberr(h);
		goto out;
	}
	row_to_rec(h->get, &r);
	/* Each string borrowed from the row becomes the record's own. */
	for (i = 0; i < 4; i++) {
		if (dup_opt(own[i]) != SY_OK) {
			while (++i < 4)
				*own[i] = NULL;
			sy_hist_rec_fini(&r);
			err = SY_ENOMEM;
			goto out;
		}
	}
	*rec = r;
	*found = true;
out:
	sqlite3_reset(h->get);
	sqlite3_clear_bindings(h->get);
	return err;
}

static int
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

enum sy_err
sy_history_record(struct sy_history *h, const char *url, int64_t now,
    const struct sy_hist_verdict *v)
{
	sqlite3_stmt *st = h->put;
	enum sy_err err = SY_OK;
	int rc;

	if (v->outcome != SY_HIST_OK && v->outcome != SY_HIST_FAIL &&
	    v->outcome != SY_HIST_UNKNOWN)
		return SY_EINVAL;
	rc = sqlite3_bind_text(st, 1, url, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, (int)v->outcome);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 3, v->rule);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 4, v->status);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 5, v->message);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, now);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 7, v->etag);
	if (rc == SQLITE_OK)
		rc = bind_opt(st, 8, v->last_modified);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		err = dberr(h);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return err;
}

static enum sy_err
exec_count(struct sy_history *h, const char *sql, int64_t arg, long *n)
{
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) > 0)
		rc = sqlite3_bind_int64(st, 1, arg);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = (long)sqlite3_column_int64(st, 0);
	} else if (rc == SQLITE_DONE) {
		*n = sqlite3_changes(h->db);
	} else {
		err = dberr(h);
	}
	sqlite3_finalize(st);
	return err;
}

enum sy_err
sy_history_count(struct sy_history *h, long *n)
{
	*n = 0;
	return exec_count(h, "SELECT count(*) FROM links", 0, n);
}

enum sy_err
sy_history_prune(struct sy_history *h, int64_t before, long *n)
{
	long dummy = 0;

	return exec_count(h, "DELETE FROM links WHERE last_checked < ?1",
	    before, n != NULL ? n : &dummy);
}

bool
sy_history_due(const struct sy_hist_rec *rec, int64_t now, int64_t max_age_s)
{
	if (rec == NULL || max_age_s <= 0)
		return true;
	if (rec->outcome != SY_HIST_OK || rec->last_success == 0)
		return true;
	/* A clock that went backwards makes the record look fresh: recheck. */
	if (now < rec->last_success)
		return true;
	return now - rec->last_success >= max_age_s;
}

bool
sy_history_should_report(const struct sy_hist_rec *rec, int fail_after)
{
	if (rec == NULL || rec->outcome != SY_HIST_FAIL)
		return false;
	if (fail_after <= 1)
		return rec->failures >= 1;
	return rec->failures >= fail_after;
}

void
sy_history_note(
    const struct sy_hist_rec *rec, int fail_after, char *buf, size_t len)
{
	char day[16] = "?";
	struct tm tm;
	time_t t;

	if (len == 0)
		return;
	t = (time_t)rec->first_failure;
	/*
	 * strftime leaves day undefined when the date does not fit (a year
	 * of more than 9 digits, from a damaged database): say "?" then.
	 */
	if (rec->first_failure > 0 && gmtime_r(&t, &tm) != NULL &&
	    strftime(day, sizeof(day), "%Y-%m-%d", &tm) == 0)
		(void)snprintf(day, sizeof(day), "?");
	snprintf(buf, len, "failing for %ld run%s since %s; reported after %d",
	    rec->failures, rec->failures == 1 ? "" : "s", day,
	    fail_after > 1 ? fail_after : 1);
}

enum sy_err
sy_history_run_add(struct sy_history *h, const struct sy_hist_run *run)
{
	static const char sql[] =
	    "INSERT INTO runs (started, finished, fine, broken, blocked,"
	    " redirected, skipped) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	const long n[] = {run->fine, run->broken, run->blocked, run->redirected,
	    run->skipped};
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc, i;

	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 1, run->started);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, run->finished);
	for (i = 0; i < 5 && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_int64(st, i + 3, n[i]);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		err = dberr(h);
	sqlite3_finalize(st);
	return err;
}

enum sy_err
sy_history_runs(
    struct sy_history *h, size_t max, struct sy_hist_run **out, size_t *n)
{
	/* The newest max by id, then oldest first; -1 is no limit. */
	static const char sql[] =
	    "SELECT started, finished, fine, broken, blocked, redirected,"
	    " skipped FROM (SELECT * FROM runs ORDER BY id DESC LIMIT ?1)"
	    " ORDER BY id";
	struct sy_hist_run *v = NULL, *nv;
	size_t len = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(h->db, sql, -1, &st, NULL);
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
	}
	if (err == SY_OK && rc != SQLITE_DONE)
		err = dberr(h);
	sqlite3_finalize(st);
	if (err != SY_OK) {
		free(v);
		return err;
	}
	*out = len > 0 ? v : NULL;
	if (len == 0)
		free(v);
	*n = len;
	return SY_OK;
}

enum sy_err
sy_history_each(struct sy_history *h, sy_hist_each_fn fn, void *ctx)
{
	static const char sql[] =
	    "SELECT outcome, rule, status, message, first_failure, failures,"
	    " last_success, last_checked, etag, last_modified, url"
	    " FROM links ORDER BY url";
	sqlite3_stmt *st = NULL;
	enum sy_err err = SY_OK;
	int rc;

	if (sqlite3_prepare_v2(h->db, sql, -1, &st, NULL) != SQLITE_OK)
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
