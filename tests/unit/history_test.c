#include "lib/history.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "lib/util.h"
#include "tests/unit/pg.h"
#include "tests/unit/t.h"

/*
 * Every test of the history's contract runs twice: on SQLite files in a
 * temporary folder, then on a PostgreSQL server this test starts (tests/
 * pg.sh), one schema per test.  Tests of one backend's own machinery
 * (SQLite's corrupt files and old versions, PostgreSQL's connection
 * errors) run once.
 */

#define DAY 86400
#define PATHLEN 640

static char tmpdir[64];
static char pg_url[512]; /* the server's database "postgres" */
static bool on_pg;       /* the backend under test */

static void
path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", tmpdir, name);
}

/*
 * A fresh, empty history called name for the backend under test: a file
 * name.db, or a new schema name (the URL's search_path).
 */
static void
where(char *buf, size_t len, const char *name)
{
	char sql[256], got[256];

	if (!on_pg) {
		snprintf(buf, len, "%s/%s.db", tmpdir, name);
		return;
	}
	snprintf(sql, sizeof(sql),
	    "DROP SCHEMA IF EXISTS %s CASCADE; CREATE SCHEMA %s", name, name);
	pg_query(pg_url, sql, got, sizeof(got));
	if (strcmp(got, "(done)") != 0)
		printf("# schema %s: %s\n", name, got);
	snprintf(buf, len, "%s?options=-csearch_path%%3D%s", pg_url, name);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one SQL query on path with plain sqlite3; first column as text. */
static void
raw_query(const char *path, const char *sql, char *out, size_t len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	snprintf(out, len, "(error)");
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		int rc = sqlite3_step(st);

		if (rc == SQLITE_ROW)
			snprintf(out, len, "%s",
			    (const char *)sqlite3_column_text(st, 0));
		else if (rc == SQLITE_DONE)
			snprintf(out, len, "(done)");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The same on the backend under test: sqlite_sql on a file, pg_sql. */
static void
raw(const char *w, const char *sqlite_sql, const char *pg_sql, char *out,
    size_t len)
{
	if (on_pg)
		pg_query(w, pg_sql, out, len);
	else
		raw_query(w, sqlite_sql, out, len);
}

static struct sy_history *
open_ok(const char *path, char *msg, size_t len)
{
	struct sy_history *h = NULL;
	enum sy_err err;

	err = sy_history_open(path, 2000, &h, msg, len);
	T_INTEQ(err, SY_OK, "open (%s)", msg);
	return h;
}

static void
test_schema(void)
{
	char path[PATHLEN], msg[512], got[64];
	struct sy_history *h;
	struct sy_hist_rec rec;
	bool found = true;
	long n = -1;

	where(path, sizeof(path), "schema");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_STREQ(msg, "", "fresh open has no notice");
	T_STREQ(sy_history_backend(h), on_pg ? "postgresql" : "sqlite",
	    "the backend the name asks for");
	T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
	T_INTEQ(n, 0, "empty");
	T_INTEQ(sy_history_get(h, "https://x.test/", &rec, &found), SY_OK,
	    "get missing");
	T_OK(!found, "missing url not found");
	sy_history_close(h);
	raw(path, "PRAGMA user_version", "SELECT version FROM syndic_schema",
	    got, sizeof(got));
	T_STREQ(got, "3", "the schema version is stored");
	if (!on_pg) {
		raw_query(path, "PRAGMA journal_mode", got, sizeof(got));
		T_STREQ(got, "wal", "WAL journal");
	}
	/* Reopening an existing database is fine and keeps it. */
	h = open_ok(path, msg, sizeof(msg));
	sy_history_close(h);
	raw(path, "SELECT count(*) FROM pragma_user_version",
	    "SELECT count(*) FROM syndic_schema", got, sizeof(got));
	T_STREQ(got, "1", "one version, also after a second open");
}

static void
test_open_fails(void)
{
	struct sy_history *h = (struct sy_history *)1;
	char msg[512];

	T_INTEQ(sy_history_open(
	            "/nonexistent-dir/x/links.db", 100, &h, msg, sizeof(msg)),
	    SY_EDB, "missing folder: SY_EDB");
	T_OK(h == NULL && msg[0] != '\0', "with a message: %s", msg);
	T_INTEQ(sy_history_open("", 100, &h, msg, sizeof(msg)), SY_EINVAL,
	    "empty path");
	T_INTEQ(sy_history_open(tmpdir, 100, &h, NULL, 0), SY_EDB,
	    "a folder is not a database (and msg may be NULL)");
	T_INTEQ(sy_history_open("mysql://db.test/x", 100, &h, msg, sizeof(msg)),
	    SY_EINVAL, "a URL of another scheme");
	T_OK(strstr(msg, "mysql://") != NULL && strstr(msg, "postgresql://"),
	    "says which URLs work: %s", msg);
	T_OK(sy_history_is_url("postgresql://u@h/db") &&
	        sy_history_is_url("POSTGRES://h/db") &&
	        !sy_history_is_url("links.db") &&
	        !sy_history_is_url("/var/postgresql://x"),
	    "sy_history_is_url");
}

/* PostgreSQL: a server that is not there, a wrong password. */
static void
test_pg_connect_fails(void)
{
	struct sy_history *h = (struct sy_history *)1;
	char url[PATHLEN], msg[512], *at, *pw;
	enum sy_err err;

	err = sy_history_open(
	    "postgresql://syndic:topsecret@%2Fnonexistent-dir%2Fsock/db", 100,
	    &h, msg, sizeof(msg));
	T_INTEQ(err, SY_EDB, "no server: SY_EDB");
	T_OK(h == NULL &&
	        strstr(msg,
	            "cannot connect to "
	            "postgresql://syndic@/nonexistent-dir/"
	            "sock/db") != NULL,
	    "names the database: %s", msg);
	T_OK(strstr(msg, "topsecret") == NULL, "never the password");
	/* The right URL with another password. */
	snprintf(url, sizeof(url), "%s", pg_url);
	pw = strchr(url + 13, ':');
	at = strchr(url + 13, '@');
	if (pw != NULL && at != NULL && pw < at) {
		memmove(pw + 1 + 8, at, strlen(at) + 1);
		memcpy(pw + 1, "sekr1tXq", 8);
	}
	h = (struct sy_history *)1;
	err = sy_history_open(url, 100, &h, msg, sizeof(msg));
	T_INTEQ(err, SY_EDB, "wrong password: SY_EDB");
	T_OK(h == NULL && strstr(msg, "password authentication failed") != NULL,
	    "says so: %s", msg);
	T_OK(strstr(msg, "sekr1tXq") == NULL, "without the password");
	err = sy_history_open(
	    "postgresql://h:notaport/db", 100, &h, msg, sizeof(msg));
	T_INTEQ(err, SY_EDB, "a URL libpq cannot read: SY_EDB");
	T_OK(msg[0] != '\0', "with a message: %s", msg);
}

static void
test_future_version(void)
{
	char path[PATHLEN], msg[512], got[64];
	struct sy_history *h = (struct sy_history *)1;
	struct sy_hist_verdict ok = {SY_HIST_OK, NULL, 200, NULL, NULL, NULL};

	where(path, sizeof(path), "future");
	h = open_ok(path, msg, sizeof(msg));
	if (h != NULL)
		sy_history_record(h, "https://a.test/", 5, &ok);
	sy_history_close(h);
	raw(path, "PRAGMA user_version = 7",
	    "UPDATE syndic_schema SET version = 7", got, sizeof(got));
	T_INTEQ(sy_history_open(path, 100, &h, msg, sizeof(msg)), SY_EDB,
	    "newer schema refused");
	T_OK(h == NULL, "no handle on failure");
	T_OK(strstr(msg, "schema version 7 is newer") != NULL,
	    "clear message: %s", msg);
	raw(path, "PRAGMA user_version", "SELECT version FROM syndic_schema",
	    got, sizeof(got));
	T_STREQ(got, "7", "newer database left untouched");
	raw(path, "SELECT count(*) FROM links",
	    "SELECT count(*) FROM syndic_links", got, sizeof(got));
	T_STREQ(got, "1", "its links too");
}

struct step {
	enum sy_hist_outcome outcome;
	int64_t now;
	const char *etag;
	/* expected afterwards */
	long failures;
	int64_t first_failure;
	int64_t last_success;
	const char *want_etag;
};

static void
test_counters(void)
{
	/* One URL across simulated nightly runs. */
	static const struct step steps[] = {
	    {SY_HIST_OK, 1 * DAY, "\"v1\"", 0, 0, 1 * DAY, "\"v1\""},
	    {SY_HIST_FAIL, 2 * DAY, "\"bad\"", 1, 2 * DAY, 1 * DAY, "\"v1\""},
	    {SY_HIST_FAIL, 3 * DAY, NULL, 2, 2 * DAY, 1 * DAY, "\"v1\""},
	    {SY_HIST_UNKNOWN, 4 * DAY, NULL, 2, 2 * DAY, 1 * DAY, "\"v1\""},
	    {SY_HIST_FAIL, 5 * DAY, NULL, 3, 2 * DAY, 1 * DAY, "\"v1\""},
	    {SY_HIST_OK, 6 * DAY, NULL, 0, 0, 6 * DAY, "\"v1\""},
	    {SY_HIST_UNKNOWN, 7 * DAY, NULL, 0, 0, 6 * DAY, "\"v1\""},
	    {SY_HIST_FAIL, 8 * DAY, NULL, 1, 8 * DAY, 6 * DAY, "\"v1\""},
	    {SY_HIST_OK, 9 * DAY, "\"v2\"", 0, 0, 9 * DAY, "\"v2\""},
	    {SY_HIST_OK, 10 * DAY, "", 0, 0, 10 * DAY, NULL},
	};
	char path[PATHLEN], msg[512];
	struct sy_history *h;
	struct sy_hist_rec rec;
	bool found;
	size_t i;

	where(path, sizeof(path), "counters");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	for (i = 0; i < SY_NELEM(steps); i++) {
		const struct step *s = &steps[i];
		struct sy_hist_verdict v = {s->outcome,
		    s->outcome == SY_HIST_OK         ? NULL
		        : s->outcome == SY_HIST_FAIL ? "link-broken"
		                                     : "link-unchecked",
		    s->outcome == SY_HIST_FAIL ? 404 : 200,
		    s->outcome == SY_HIST_OK ? NULL : "Not Found", s->etag,
		    NULL};

		T_INTEQ(sy_history_record(h, "https://a.test/x", s->now, &v),
		    SY_OK, "run %zu: record", i + 1);
		T_INTEQ(sy_history_get(h, "https://a.test/x", &rec, &found),
		    SY_OK, "run %zu: get", i + 1);
		T_OK(found, "run %zu: found", i + 1);
		T_INTEQ(rec.outcome, s->outcome, "run %zu: outcome", i + 1);
		T_INTEQ(rec.failures, s->failures, "run %zu: failures", i + 1);
		T_INTEQ(rec.first_failure, s->first_failure,
		    "run %zu: first_failure", i + 1);
		T_INTEQ(rec.last_success, s->last_success,
		    "run %zu: last_success", i + 1);
		T_INTEQ(
		    rec.last_checked, s->now, "run %zu: last_checked", i + 1);
		T_STREQ(rec.etag, s->want_etag, "run %zu: etag", i + 1);
		T_STREQ(rec.rule, v.rule, "run %zu: rule", i + 1);
		T_INTEQ(rec.status, v.status, "run %zu: status", i + 1);
		sy_hist_rec_fini(&rec);
	}

	/* Unicode URL and message, Last-Modified round trip. */
	{
		static const char url[] =
		    "https://example.test/\xe6\xb7\xb1\xe5\xba\xa6?q=1";
		struct sy_hist_verdict v = {SY_HIST_OK, NULL, 200,
		    "\xe5\xbe\x8c\xe7\x99\xbc", NULL,
		    "Tue, 28 Jan 2025 09:00:00 GMT"};

		T_INTEQ(sy_history_record(h, url, 100, &v), SY_OK,
		    "record utf-8 url");
		T_INTEQ(sy_history_get(h, url, &rec, &found), SY_OK, "get");
		T_OK(found, "utf-8 url found");
		T_STREQ(rec.last_modified, "Tue, 28 Jan 2025 09:00:00 GMT",
		    "last_modified");
		T_STREQ(rec.message, "\xe5\xbe\x8c\xe7\x99\xbc", "message");
		T_OK(rec.etag == NULL && rec.rule == NULL, "NULLs stay NULL");
		sy_hist_rec_fini(&rec);
	}

	/* A first verdict that is unknown counts nothing. */
	{
		struct sy_hist_verdict v = {SY_HIST_UNKNOWN, "link-blocked",
		    403, "bot wall", "\"e\"", NULL};

		sy_history_record(h, "https://b.test/", 50, &v);
		sy_history_get(h, "https://b.test/", &rec, &found);
		T_OK(found && rec.failures == 0 && rec.first_failure == 0 &&
		        rec.last_success == 0 && rec.etag == NULL,
		    "unknown first verdict: no counters, no etag");
		sy_hist_rec_fini(&rec);
	}
	{
		struct sy_hist_verdict v = {
		    (enum sy_hist_outcome)9, NULL, 0, NULL, NULL, NULL};

		T_INTEQ(sy_history_record(h, "https://c.test/", 1, &v),
		    SY_EINVAL, "bad outcome refused");
	}
	/* Persisted across a close. */
	sy_history_close(h);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_INTEQ(sy_history_get(h, "https://a.test/x", &rec, &found), SY_OK,
	    "get after reopen");
	T_OK(found && rec.last_checked == 10 * DAY, "kept across reopen");
	sy_hist_rec_fini(&rec);
	{
		long n = 0;

		T_INTEQ(sy_history_prune(h, 60, &n), SY_OK, "prune");
		T_INTEQ(n, 1, "pruned the one checked before t=60");
		T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
		T_INTEQ(n, 2, "two left");
	}
	sy_history_close(h);
}

/* Reads many URLs at once: every stored one, by its index. */
struct many {
	long seen[2600];
	size_t calls;
	size_t stop_at;
};

static int
many_fn(void *ctx, size_t i, const struct sy_hist_rec *rec)
{
	struct many *m = ctx;

	m->calls++;
	if (i < SY_NELEM(m->seen))
		m->seen[i] = (long)rec->last_checked;
	return m->stop_at != 0 && m->calls == m->stop_at;
}

static void
test_get_many(void)
{
	struct sy_hist_verdict ok = {
	    SY_HIST_OK, NULL, 200, NULL, "\"e\"", NULL};
	char path[PATHLEN], msg[512];
	static char urls[2500][48];
	const char *p[2500];
	struct sy_history *h;
	struct many *m;
	size_t i, bad = 0;

	where(path, sizeof(path), "many");
	h = open_ok(path, msg, sizeof(msg));
	m = calloc(1, sizeof(*m));
	if (h == NULL || m == NULL) {
		free(m);
		sy_history_close(h);
		return;
	}
	sy_history_begin(h);
	for (i = 0; i < 2500; i++) {
		snprintf(urls[i], sizeof(urls[i]), "https://m%zu.test/%zu",
		    i % 7, i);
		p[i] = urls[i];
		/* every third one is stored, checked at 1000 + i */
		if (i % 3 == 0)
			sy_history_record(h, urls[i], 1000 + (int64_t)i, &ok);
	}
	T_INTEQ(sy_history_get_many(h, p, 2500, many_fn, m), SY_OK,
	    "2500 at once (reads the queue's writes first)");
	for (i = 0; i < 2500; i++)
		if (m->seen[i] != (i % 3 == 0 ? 1000 + (long)i : 0))
			bad++;
	T_INTEQ(m->calls, 834, "one call per stored URL");
	T_INTEQ(bad, 0, "each at its own index");
	memset(m, 0, sizeof(*m));
	m->stop_at = 3;
	T_INTEQ(sy_history_get_many(h, p, 2500, many_fn, m), SY_EINVAL,
	    "fn stops it");
	T_INTEQ(m->calls, 3, "after three");
	T_INTEQ(sy_history_commit(h), SY_OK, "commit");
	free(m);
	sy_history_close(h);
}

/* PostgreSQL keeps UTF-8 text only: a URL that is not is refused. */
static void
test_not_utf8(void)
{
	struct sy_hist_verdict v = {SY_HIST_FAIL, "link-broken", 404,
	    "bad \xff\xfe bytes", "\"x\xc3\"", NULL};
	char path[PATHLEN], msg[512];
	struct sy_history *h;
	struct sy_hist_rec rec;
	bool found = false;

	where(path, sizeof(path), "utf8");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_INTEQ(sy_history_record(h, "https://x.test/\xff", 1, &v),
	    on_pg ? SY_EINVAL : SY_OK, "a URL that is not UTF-8");
	T_INTEQ(sy_history_record(h, "https://x.test/ok", 1, &v), SY_OK,
	    "a message that is not UTF-8");
	T_INTEQ(sy_history_get(h, "https://x.test/ok", &rec, &found), SY_OK,
	    "read back");
	T_STREQ(rec.message,
	    on_pg ? "bad \xef\xbf\xbd\xef\xbf\xbd bytes" : "bad \xff\xfe bytes",
	    "stored (PostgreSQL: U+FFFD for each bad byte)");
	sy_hist_rec_fini(&rec);
	sy_history_close(h);
}

static void
test_fail_after(void)
{
	static const struct {
		enum sy_hist_outcome outcome;
		long failures;
		int fail_after;
		bool want;
	} tab[] = {
	    {SY_HIST_FAIL, 1, 1, true},
	    {SY_HIST_FAIL, 1, 0, true},
	    {SY_HIST_FAIL, 1, -5, true},
	    {SY_HIST_FAIL, 0, 1, false},
	    {SY_HIST_FAIL, 1, 3, false},
	    {SY_HIST_FAIL, 2, 3, false},
	    {SY_HIST_FAIL, 3, 3, true},
	    {SY_HIST_FAIL, 4, 3, true},
	    {SY_HIST_FAIL, 99, 100, false},
	    {SY_HIST_OK, 0, 1, false},
	    {SY_HIST_OK, 5, 1, false},
	    {SY_HIST_UNKNOWN, 5, 3, false},
	    {SY_HIST_UNKNOWN, 0, 1, false},
	};
	struct sy_hist_rec rec;
	size_t i;

	for (i = 0; i < SY_NELEM(tab); i++) {
		memset(&rec, 0, sizeof(rec));
		rec.outcome = tab[i].outcome;
		rec.failures = tab[i].failures;
		T_INTEQ(sy_history_should_report(&rec, tab[i].fail_after),
		    tab[i].want,
		    "should_report #%zu (outcome %d, %ld fails, "
		    "fail-after %d)",
		    i, (int)tab[i].outcome, tab[i].failures, tab[i].fail_after);
	}
	T_OK(!sy_history_should_report(NULL, 1), "no record: nothing");
}

static void
test_due(void)
{
	static const struct {
		enum sy_hist_outcome outcome;
		int64_t last_success;
		int64_t now;
		int64_t max_age;
		bool want;
	} tab[] = {
	    {SY_HIST_OK, 1000, 1000 + 3600, DAY, false},
	    {SY_HIST_OK, 1000, 1000 + DAY - 1, DAY, false},
	    {SY_HIST_OK, 1000, 1000 + DAY, DAY, true},
	    {SY_HIST_OK, 1000, 1000 + 2 * DAY, DAY, true},
	    {SY_HIST_OK, 1000, 1001, 0, true},
	    {SY_HIST_OK, 1000, 1001, -1, true},
	    {SY_HIST_OK, 0, 1001, DAY, true},
	    {SY_HIST_OK, 5000, 1000, DAY, true},
	    {SY_HIST_FAIL, 1000, 1001, DAY, true},
	    {SY_HIST_UNKNOWN, 1000, 1001, DAY, true},
	};
	struct sy_hist_rec rec;
	size_t i;

	for (i = 0; i < SY_NELEM(tab); i++) {
		memset(&rec, 0, sizeof(rec));
		rec.outcome = tab[i].outcome;
		rec.last_success = tab[i].last_success;
		rec.last_checked = tab[i].last_success;
		T_INTEQ(sy_history_due(&rec, tab[i].now, tab[i].max_age),
		    tab[i].want, "due #%zu", i);
	}
	T_OK(sy_history_due(NULL, 1, DAY), "never seen: due");
}

static void
test_note_and_outcome(void)
{
	struct sy_hist_rec rec;
	char buf[128];

	memset(&rec, 0, sizeof(rec));
	rec.outcome = SY_HIST_FAIL;
	rec.failures = 2;
	rec.first_failure = 1795651200; /* 2026-11-26T00:00:00Z */
	sy_history_note(&rec, 3, buf, sizeof(buf));
	T_STREQ(buf, "failing for 2 runs since 2026-11-26; reported after 3",
	    "note text");
	rec.failures = 1;
	sy_history_note(&rec, 3, buf, 12);
	T_STREQ(buf, "failing for", "note truncated safely");
	sy_history_note(&rec, 2, buf, sizeof(buf));
	T_STREQ(buf, "failing for 1 run since 2026-11-26; reported after 2",
	    "singular");

	T_INTEQ(sy_history_outcome_of(SY_R_NONE), SY_HIST_OK, "none ok");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_REDIRECT), SY_HIST_OK,
	    "redirect ok");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_UNCHECKED), SY_HIST_UNKNOWN,
	    "unchecked unknown");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_BLOCKED), SY_HIST_UNKNOWN,
	    "blocked unknown");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_PRIVATE), SY_HIST_UNKNOWN,
	    "private unknown");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_BROKEN), SY_HIST_FAIL,
	    "broken fails");
	T_INTEQ(sy_history_outcome_of(SY_R_LINK_TIMEOUT), SY_HIST_FAIL,
	    "timeout fails");
	T_INTEQ(sy_history_outcome_of(SY_R_EMAIL_NO_MX), SY_HIST_FAIL,
	    "no mx fails");
}

static void
test_batch(void)
{
	char path[PATHLEN], msg[512], url[64];
	struct sy_history *h;
	struct sy_hist_verdict ok = {
	    SY_HIST_OK, NULL, 200, NULL, "\"e\"", NULL};
	struct sy_hist_rec rec;
	double t0, t1, t2;
	long n = 0;
	bool found;
	int i, bad = 0;

	where(path, sizeof(path), "batch");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	t0 = now_s();
	T_INTEQ(sy_history_begin(h), SY_OK, "begin");
	for (i = 0; i < 10000; i++) {
		snprintf(url, sizeof(url), "https://h%d.test/p/%d", i % 97, i);
		if (sy_history_record(h, url, 1000 + i, &ok) != SY_OK)
			bad++;
	}
	T_INTEQ(sy_history_commit(h), SY_OK, "commit");
	t1 = now_s();
	for (i = 0; i < 10000; i++) {
		snprintf(url, sizeof(url), "https://h%d.test/p/%d", i % 97, i);
		if (sy_history_get(h, url, &rec, &found) != SY_OK || !found ||
		    rec.last_checked != 1000 + i)
			bad++;
		sy_hist_rec_fini(&rec);
	}
	t2 = now_s();
	T_INTEQ(bad, 0, "10000 records written and read back");
	T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
	T_INTEQ(n, 10000, "10000 rows");
	printf("# %s: 10000 records in batches: %.1f ms; 10000 gets: "
	       "%.1f ms\n",
	    sy_history_backend(h), (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	T_OK(t1 - t0 < 5.0, "batched writes are fast (%.3f s)", t1 - t0);
	/* A batch still queued at close is dropped, as a rollback. */
	sy_history_begin(h);
	sy_history_record(h, "https://rolled.back/", 1, &ok);
	sy_history_close(h);
	t0 = now_s();
	h = open_ok(path, msg, sizeof(msg));
	t1 = now_s();
	if (h == NULL)
		return;
	printf("# open, 10000 rows: %.1f ms\n", (t1 - t0) * 1e3);
	sy_history_get(h, "https://rolled.back/", &rec, &found);
	T_OK(!found, "the queued batch dropped at close");
	sy_hist_rec_fini(&rec);
	sy_history_close(h);
}

static bool
file_has_prefix(const char *dir, const char *prefix, char *out, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (d == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
		    strstr(e->d_name, "-wal") == NULL) {
			snprintf(out, len, "%s/%s", dir, e->d_name);
			found = true;
			break;
		}
	}
	closedir(d);
	return found;
}

static void
test_corrupt_garbage(void)
{
	static const char garbage[] =
	    "this is not an SQLite database at "
	    "all, just garbage bytes written by a test\n";
	char path[128], msg[512], aside[512], back[256];
	struct sy_history *h;
	struct sy_hist_verdict ok = {SY_HIST_OK, NULL, 200, NULL, NULL, NULL};
	FILE *fp;
	long n = -1;
	size_t k;

	path_in(path, sizeof(path), "garbage.db");
	fp = fopen(path, "w");
	for (k = 0; k < 200; k++)
		fputs(garbage, fp);
	fclose(fp);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_OK(strstr(msg, "moved aside to") != NULL &&
	        strstr(msg, "garbage.db.corrupt-") != NULL,
	    "garbage reported: %s", msg);
	T_OK(file_has_prefix(
	         tmpdir, "garbage.db.corrupt-", aside, sizeof(aside)),
	    "garbage moved aside");
	fp = fopen(aside, "r");
	back[0] = '\0';
	if (fp != NULL) {
		if (fgets(back, sizeof(back), fp) == NULL)
			back[0] = '\0';
		fclose(fp);
	}
	T_STREQ(back, garbage, "aside file holds the old bytes");
	T_INTEQ(sy_history_record(h, "https://a.test/", 1, &ok), SY_OK,
	    "rebuilt database writable");
	T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
	T_INTEQ(n, 1, "rebuilt database holds the new row");
	sy_history_close(h);
}

static void
test_corrupt_page(void)
{
	char path[128], msg[512], url[64], junk[4096];
	struct sy_history *h;
	struct sy_hist_verdict ok = {
	    SY_HIST_OK, NULL, 200, "fine", "\"e\"", NULL};
	long n = -1;
	int i, fd;
	bool wrote;

	path_in(path, sizeof(path), "page.db");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	sy_history_begin(h);
	for (i = 0; i < 3000; i++) {
		snprintf(url, sizeof(url), "https://p.test/%d", i);
		sy_history_record(h, url, i, &ok);
	}
	sy_history_commit(h);
	sy_history_close(h); /* checkpoints the WAL into page.db */
	/* Scribble over pages 3 to 6: b-tree pages of the table or index. */
	memset(junk, 0xa5, sizeof(junk));
	fd = open(path, O_WRONLY);
	wrote = fd >= 0;
	for (i = 2; i < 6 && wrote; i++)
		wrote = pwrite(fd, junk, sizeof(junk), (off_t)i * 4096) ==
		    (ssize_t)sizeof(junk);
	if (fd >= 0)
		close(fd);
	T_OK(wrote, "damaged pages written");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_OK(strstr(msg, "moved aside") != NULL, "damage reported: %s", msg);
	T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
	T_INTEQ(n, 0, "rebuilt empty");
	sy_history_close(h);
}

/* Child: commits batches of 100 rows forever, one byte on fd per commit. */
static void
writer_child(const char *path, int fd)
{
	struct sy_history *h;
	struct sy_hist_verdict bad = {
	    SY_HIST_FAIL, "link-broken", 404, "Not Found", NULL, NULL};
	char url[64], msg[256];
	long i = 0;
	int k;

	if (sy_history_open(path, 5000, &h, msg, sizeof(msg)) != SY_OK)
		_exit(3);
	for (;;) {
		if (sy_history_begin(h) != SY_OK)
			_exit(4);
		for (k = 0; k < 100; k++, i++) {
			snprintf(url, sizeof(url), "https://k.test/%ld", i);
			if (sy_history_record(h, url, i, &bad) != SY_OK)
				_exit(5);
		}
		if (sy_history_commit(h) != SY_OK)
			_exit(6);
		if (write(fd, "c", 1) != 1)
			_exit(7);
	}
}

/* Rows of path as another connection sees them. */
static long
rows_seen(const char *path)
{
	char got[64];
	long long n = -1;

	raw(path, "SELECT count(*) FROM links",
	    "SELECT count(*) FROM syndic_links", got, sizeof(got));
	if (sy_strtoll(got, 0, 1LL << 40, &n) != 0)
		return -1;
	return (long)n;
}

/*
 * A batch is applied while the run goes on: once SY_HISTORY_BATCH
 * verdicts are queued (by a thread of its own: the rows show up soon
 * after, polled for at most 10 s), and once the oldest queued verdict is
 * SY_HISTORY_BATCH_S seconds old; so a run killed later keeps them.
 */
static void
test_batch_flush(void)
{
	struct sy_hist_verdict ok = {SY_HIST_OK, NULL, 200, NULL, NULL, NULL};
	char path[PATHLEN], msg[512], url[64];
	struct sy_history *h;
	double t0, tq, waited;
	long seen = 0;
	int i;

	where(path, sizeof(path), "flush");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	sy_history_begin(h);
	for (i = 0; i < SY_HISTORY_BATCH + 10; i++) {
		snprintf(url, sizeof(url), "https://f.test/%d", i);
		sy_history_record(h, url, 1, &ok);
	}
	tq = t0 = now_s(); /* the last 10 were queued by now */
	while ((seen = rows_seen(path)) < SY_HISTORY_BATCH && now_s() - t0 < 10)
		usleep(20000);
	T_INTEQ(seen, SY_HISTORY_BATCH,
	    "a full batch is applied before commit, the rest still queued");
	/* One more verdict, then others every 50 ms: applied by age. */
	t0 = now_s();
	i = 0;
	while ((seen = rows_seen(path)) <= SY_HISTORY_BATCH + 10 &&
	    now_s() - t0 < 10) {
		snprintf(url, sizeof(url), "https://f.test/late/%d", i++);
		sy_history_record(h, url, 1, &ok);
		usleep(50000);
	}
	waited = now_s() - tq;
	T_OK(seen > SY_HISTORY_BATCH + 10 && waited >= SY_HISTORY_BATCH_S - 0.1,
	    "a queue %d s old is applied (after %.1f s)", SY_HISTORY_BATCH_S,
	    waited);
	T_INTEQ(sy_history_commit(h), SY_OK, "commit");
	T_INTEQ(rows_seen(path), SY_HISTORY_BATCH + 10 + i,
	    "everything after commit");
	sy_history_close(h);
}

static void
test_kill9(void)
{
	char path[PATHLEN], msg[512], got[64];
	struct sy_history *h;
	int p[2], status = 0, commits = 0;
	long n = -1;
	char c;
	pid_t pid;

	where(path, sizeof(path), "kill9");
	h = open_ok(path, msg, sizeof(msg)); /* the schema exists first */
	sy_history_close(h);
	if (pipe(p) != 0) {
		T_OK(0, "pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		writer_child(path, p[1]);
	}
	close(p[1]);
	while (commits < 5 && read(p[0], &c, 1) == 1)
		commits++;
	/* Killed mid-stream: most likely inside a later transaction. */
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	while (read(p[0], &c, 1) == 1)
		commits++;
	close(p[0]);
	T_OK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "writer killed by SIGKILL");
	T_OK(commits >= 5, "writer committed %d batches", commits);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_STREQ(msg, "", "no damage after kill -9");
	T_INTEQ(sy_history_count(h, &n), SY_OK, "count");
	T_OK(n >= commits * 100L,
	    "every committed row survived (%ld rows, "
	    "%d commits seen)",
	    n, commits);
	T_INTEQ(n % 100, 0, "no partial transaction (%ld rows)", n);
	sy_history_close(h);
	if (!on_pg) {
		raw_query(path, "PRAGMA quick_check", got, sizeof(got));
		T_STREQ(got, "ok", "quick_check after kill -9");
	} else {
		pg_query(path,
		    "SELECT count(*) FROM syndic_links WHERE failures <> 1"
		    " OR first_failure <> last_checked OR outcome <> 1",
		    got, sizeof(got));
		T_STREQ(got, "0", "every row as the counting rule made it");
	}
}

/*
 * Child: takes the lock of shard k/n (1/1: the whole run's), says so,
 * then waits for a byte or death.
 */
static void
locker_child(const char *path, unsigned k, unsigned n, int ready, int go)
{
	struct sy_history *h;
	char msg[256], c;

	if (sy_history_open(path, 1000, &h, msg, sizeof(msg)) != SY_OK)
		_exit(3);
	if (sy_history_lock_shard(h, false, k, n) != SY_OK)
		_exit(4);
	if (write(ready, "L", 1) != 1)
		_exit(5);
	if (read(go, &c, 1) < 0)
		_exit(6);
	sy_history_close(h);
	_exit(0);
}

static pid_t
spawn_locker(const char *path, unsigned k, unsigned n, int *go_w)
{
	int ready[2], go[2];
	char c = 0;
	pid_t pid;

	if (pipe(ready) != 0 || pipe(go) != 0)
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		locker_child(path, k, n, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) != 1 || c != 'L')
		pid = -1;
	close(ready[0]);
	*go_w = go[1];
	return pid;
}

/*
 * The lock of a holder that died is free once the kernel (flock) or the
 * server (the session's advisory locks) has seen it go: the server ends
 * the session a moment after the client's socket closes, so this polls,
 * for at most five seconds.
 */
static enum sy_err
lock_soon(struct sy_history *h, unsigned k, unsigned n)
{
	enum sy_err err;
	int i;

	for (i = 0; i < 500; i++) {
		err = sy_history_lock_shard(h, false, k, n);
		if (err != SY_EBUSY)
			return err;
		usleep(10000);
	}
	return err;
}

static void
test_lock(void)
{
	char path[PATHLEN], msg[512];
	struct sy_history *h, *h2;
	int go = -1, go2 = -1, status = 0;
	pid_t pid, pid2;

	where(path, sizeof(path), "lock");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;

	/* Child holds the lock, then dies by SIGKILL. */
	pid = spawn_locker(path, 1, 1, &go);
	T_OK(pid > 0, "child holds the lock");
	T_INTEQ(sy_history_lock(h, false), SY_EBUSY, "second run: busy");
	T_OK(strstr(sy_history_errmsg(h), "another run holds") != NULL &&
	        strstr(sy_history_errmsg(h),
	            on_pg ? "syndic-links/" : "lock.db.lock") != NULL &&
	        (on_pg || strstr(sy_history_errmsg(h), "pid") != NULL),
	    "busy message names the holder: %s", sy_history_errmsg(h));
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(go);
	T_INTEQ(lock_soon(h, 1, 1), SY_OK, "free after kill -9");
	T_INTEQ(sy_history_lock(h, false), SY_OK, "relock is a no-op");

	/* A second handle in this process is excluded too. */
	h2 = open_ok(path, msg, sizeof(msg));
	if (h2 != NULL) {
		T_INTEQ(
		    sy_history_lock(h2, false), SY_EBUSY, "second handle busy");
		sy_history_unlock(h);
		T_INTEQ(sy_history_lock(h2, false), SY_OK,
		    "second handle after unlock");
		sy_history_close(h2);
	}

	/* Child holds it and exits normally; a waiting lock gets it. */
	pid = spawn_locker(path, 1, 1, &go);
	T_OK(pid > 0, "child holds the lock again");
	T_INTEQ(sy_history_lock(h, false), SY_EBUSY, "busy again");
	if (write(go, "x", 1) != 1)
		T_OK(0, "write go");
	T_INTEQ(sy_history_lock(h, true), SY_OK, "waiting lock acquired");
	waitpid(pid, &status, 0);
	close(go);
	T_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child exited cleanly");
	sy_history_unlock(h);

	/* Shards: side by side, but not twice, and not beside a whole run. */
	pid = spawn_locker(path, 1, 4, &go);
	T_OK(pid > 0, "a child holds shard 1/4");
	pid2 = spawn_locker(path, 2, 4, &go2);
	T_OK(pid2 > 0, "another child holds shard 2/4 beside it");
	T_INTEQ(sy_history_lock_shard(h, false, 2, 4), SY_EBUSY,
	    "shard 2/4 a second time: busy");
	T_OK(strstr(sy_history_errmsg(h), "shard 2/4") != NULL,
	    "says which shard: %s", sy_history_errmsg(h));
	T_INTEQ(sy_history_lock(h, false), SY_EBUSY,
	    "a whole run beside shards: busy");
	T_OK(strstr(sy_history_errmsg(h), "shards of another run") != NULL,
	    "says shards hold it: %s", sy_history_errmsg(h));
	T_INTEQ(sy_history_lock_shard(h, false, 3, 4), SY_OK,
	    "shard 3/4 beside them");
	sy_history_unlock(h);
	T_INTEQ(sy_history_lock_shard(h, false, 5, 4), SY_EINVAL,
	    "shard 5/4: EINVAL");
	T_INTEQ(sy_history_lock_shard(h, false, 0, 4), SY_EINVAL,
	    "shard 0/4: EINVAL");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(go);
	T_INTEQ(lock_soon(h, 1, 4), SY_OK, "shard 1/4 free after kill -9");
	sy_history_unlock(h);
	if (write(go2, "x", 1) != 1)
		T_OK(0, "write go");
	waitpid(pid2, &status, 0);
	close(go2);
	T_INTEQ(lock_soon(h, 1, 1), SY_OK, "whole run once the shards end");
	/* A shard waits for a whole run. */
	sy_history_close(h);
}

/*
 * Child: records rounds of failures on the same URLs as its siblings,
 * in batches (forward or backward order: the front sorts each batch) or
 * one by one; exits 0 when every call succeeded.
 */
static void
racer_child(const char *path, int id, int rounds, int nurls)
{
	struct sy_hist_verdict bad = {
	    SY_HIST_FAIL, "link-broken", 404, "Not Found", NULL, NULL};
	struct sy_history *h;
	char url[64], msg[256];
	int r, i, k;

	if (sy_history_open(path, 20000, &h, msg, sizeof(msg)) != SY_OK) {
		printf("# racer %d: %s\n", id, msg);
		_exit(3);
	}
	for (r = 0; r < rounds; r++) {
		bool batch = (r + id) % 3 != 0;

		if (batch && sy_history_begin(h) != SY_OK)
			_exit(4);
		for (k = 0; k < nurls; k++) {
			i = id % 2 == 0 ? k : nurls - 1 - k;
			snprintf(url, sizeof(url), "https://race.test/%d", i);
			if (sy_history_record(h, url, 100 + r, &bad) != SY_OK) {
				printf("# racer %d: %s\n", id,
				    sy_history_errmsg(h));
				_exit(5);
			}
		}
		if (batch && sy_history_commit(h) != SY_OK) {
			printf("# racer %d: %s\n", id, sy_history_errmsg(h));
			_exit(6);
		}
	}
	sy_history_close(h);
	_exit(0);
}

/*
 * Four processes record failures on the same 60 URLs at once: no update
 * may be lost (each URL ends with failures = 4 x rounds) and no writer
 * may fail (a deadlock or a busy timeout would end one).
 */
static void
test_concurrent(void)
{
	enum { RACERS = 4, ROUNDS = 15, URLS = 60 };
	char path[PATHLEN], msg[512], got[64];
	struct sy_history *h;
	pid_t pid[RACERS];
	int i, status, clean = 0;

	where(path, sizeof(path), "race");
	h = open_ok(path, msg, sizeof(msg));
	sy_history_close(h);
	fflush(stdout);
	for (i = 0; i < RACERS; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			racer_child(path, i, ROUNDS, URLS);
	}
	for (i = 0; i < RACERS; i++)
		if (pid[i] > 0 && waitpid(pid[i], &status, 0) == pid[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			clean++;
	T_INTEQ(clean, RACERS, "%d writers at once, none failed", RACERS);
	raw(path, "SELECT count(*) FROM links WHERE failures = 60",
	    "SELECT count(*) FROM syndic_links WHERE failures = 60", got,
	    sizeof(got));
	T_STREQ(got, "60", "no lost update: every URL counted %d x %d failures",
	    RACERS, ROUNDS);
	raw(path,
	    "SELECT min(first_failure) || ' ' || max(last_checked) FROM links",
	    "SELECT min(first_failure) || ' ' || max(last_checked)"
	    " FROM syndic_links",
	    got, sizeof(got));
	T_STREQ(got, "100 114", "the first failure kept, the last check set");
}

static void
test_default_path(void)
{
	char want[256], *p = NULL, *oldhome, *oldxdg;
	struct stat st;

	oldhome = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	oldxdg =
	    getenv("XDG_CACHE_HOME") ? strdup(getenv("XDG_CACHE_HOME")) : NULL;
	snprintf(want, sizeof(want), "%s/xdg/c", tmpdir);
	setenv("XDG_CACHE_HOME", want, 1);
	T_INTEQ(sy_history_default_path(&p), SY_OK, "default path (xdg)");
	snprintf(want, sizeof(want), "%s/xdg/c/syndic/links.db", tmpdir);
	T_STREQ(p, want, "under XDG_CACHE_HOME");
	free(p);
	snprintf(want, sizeof(want), "%s/xdg/c/syndic", tmpdir);
	T_OK(stat(want, &st) == 0 && S_ISDIR(st.st_mode) &&
	        (st.st_mode & 0777) == 0700,
	    "folder made, mode 0700");

	setenv("XDG_CACHE_HOME", "relative/ignored", 1);
	snprintf(want, sizeof(want), "%s/home", tmpdir);
	setenv("HOME", want, 1);
	T_INTEQ(sy_history_default_path(&p), SY_OK, "default path (home)");
	snprintf(want, sizeof(want), "%s/home/.cache/syndic/links.db", tmpdir);
	T_STREQ(p, want, "relative XDG_CACHE_HOME ignored; under ~/.cache");
	free(p);

	unsetenv("XDG_CACHE_HOME");
	unsetenv("HOME");
	p = (char *)1;
	T_INTEQ(sy_history_default_path(&p), SY_EINVAL, "no HOME: EINVAL");
	T_OK(p == NULL, "no path");
	if (oldhome != NULL)
		setenv("HOME", oldhome, 1);
	if (oldxdg != NULL)
		setenv("XDG_CACHE_HOME", oldxdg, 1);
	free(oldhome);
	free(oldxdg);
}

/* A version-1 database (no run log) gains one and keeps its links. */
static void
test_migrate_v1(void)
{
	char path[128], msg[512], got[64];
	struct sy_history *h;
	struct sy_hist_run run = {100, 160, 5, 1, 2, 1, 3, 2, 4}, *runs = NULL;
	size_t n = 9;
	long count = 0;
	sqlite3 *db = NULL;

	path_in(path, sizeof(path), "v1.db");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	        "CREATE TABLE links (url TEXT PRIMARY KEY NOT NULL,"
	        " outcome INTEGER NOT NULL, rule TEXT,"
	        " status INTEGER NOT NULL DEFAULT 0, message TEXT,"
	        " first_failure INTEGER NOT NULL DEFAULT 0,"
	        " failures INTEGER NOT NULL DEFAULT 0,"
	        " last_success INTEGER NOT NULL DEFAULT 0,"
	        " last_checked INTEGER NOT NULL DEFAULT 0, etag TEXT,"
	        " last_modified TEXT);"
	        "INSERT INTO links (url, outcome, failures, first_failure)"
	        " VALUES ('https://old.test/', 1, 4, 77);"
	        "PRAGMA user_version = 1",
	        NULL, NULL, NULL) != SQLITE_OK)
		T_OK(0, "make a v1 database: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_INTEQ(sy_history_count(h, &count), SY_OK, "count after migration");
	T_INTEQ(count, 1, "the v1 link is kept");
	T_INTEQ(sy_history_runs(h, 0, &runs, &n), SY_OK, "runs of a v1 db");
	T_INTEQ(n, 0, "no runs yet");
	T_OK(runs == NULL, "and no array");
	T_INTEQ(sy_history_run_add(h, &run), SY_OK, "a run can be added");
	sy_history_close(h);
	raw_query(path, "PRAGMA user_version", got, sizeof(got));
	T_STREQ(got, "3", "migrated to version 3");
	raw_query(path,
	    "SELECT broken || ' ' || shard || '/' || shards FROM runs", got,
	    sizeof(got));
	T_STREQ(got, "1 2/4", "the run is stored with its shard");
}

/* A version-2 run log gains the shard columns; old runs were 1/1. */
static void
test_migrate_v2(void)
{
	char path[128], msg[512], got[64];
	struct sy_history *h;
	struct sy_hist_run *runs = NULL;
	size_t n = 0;
	sqlite3 *db = NULL;

	path_in(path, sizeof(path), "v2.db");
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db,
	        "CREATE TABLE links (url TEXT PRIMARY KEY NOT NULL,"
	        " outcome INTEGER NOT NULL, rule TEXT,"
	        " status INTEGER NOT NULL DEFAULT 0, message TEXT,"
	        " first_failure INTEGER NOT NULL DEFAULT 0,"
	        " failures INTEGER NOT NULL DEFAULT 0,"
	        " last_success INTEGER NOT NULL DEFAULT 0,"
	        " last_checked INTEGER NOT NULL DEFAULT 0, etag TEXT,"
	        " last_modified TEXT);"
	        "CREATE TABLE runs (id INTEGER PRIMARY KEY,"
	        " started INTEGER NOT NULL, finished INTEGER NOT NULL,"
	        " fine INTEGER NOT NULL, broken INTEGER NOT NULL,"
	        " blocked INTEGER NOT NULL, redirected INTEGER NOT NULL,"
	        " skipped INTEGER NOT NULL);"
	        "INSERT INTO runs VALUES (1, 10, 20, 7, 1, 0, 0, 2);"
	        "PRAGMA user_version = 2",
	        NULL, NULL, NULL) != SQLITE_OK)
		T_OK(0, "make a v2 database: %s", sqlite3_errmsg(db));
	sqlite3_close(db);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_INTEQ(sy_history_runs(h, 0, &runs, &n), SY_OK, "runs of a v2 db");
	T_INTEQ(n, 1, "the old run is kept");
	if (n == 1)
		T_OK(runs[0].fine == 7 && runs[0].skipped == 2 &&
		        runs[0].shard == 1 && runs[0].shards == 1,
		    "as a whole run, 1/1");
	free(runs);
	sy_history_close(h);
	raw_query(path, "PRAGMA user_version", got, sizeof(got));
	T_STREQ(got, "3", "migrated to version 3");
}

static void
test_runs(void)
{
	char path[PATHLEN], msg[512];
	struct sy_history *h;
	struct sy_hist_run r, *runs = NULL;
	size_t n = 0, i;
	bool ok = true;

	where(path, sizeof(path), "runs");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	for (i = 0; i < 40; i++) {
		memset(&r, 0, sizeof(r));
		r.started = 1000 + (int64_t)i * DAY;
		r.finished = r.started + (int64_t)i;
		r.fine = (long)i;
		r.broken = (long)(40 - i);
		r.blocked = (long)(i % 3);
		r.redirected = (long)(i % 5);
		r.skipped = (long)(i * 2);
		r.shard = (int)(i % 4) + 1;
		r.shards = i < 20 ? 4 : 0; /* 0: a whole run, stored 1/1 */
		if (sy_history_run_add(h, &r) != SY_OK)
			ok = false;
	}
	T_OK(ok, "40 runs added");
	T_INTEQ(sy_history_runs(h, 0, &runs, &n), SY_OK, "all runs");
	T_INTEQ(n, 40, "40 runs back");
	if (n == 40) {
		T_INTEQ(runs[0].started, 1000, "oldest first");
		T_INTEQ(runs[39].broken, 1, "newest last");
		T_INTEQ(runs[39].finished, 1000 + 39 * DAY + 39, "finished");
		T_INTEQ(runs[7].skipped, 14, "skipped");
		T_INTEQ(runs[7].blocked, 1, "blocked");
		T_INTEQ(runs[7].redirected, 2, "redirected");
		T_OK(runs[7].shard == 4 && runs[7].shards == 4, "shard 4/4");
		T_OK(runs[27].shard == 1 && runs[27].shards == 1,
		    "a whole run is 1/1");
	}
	free(runs);
	T_INTEQ(sy_history_runs(h, 10, &runs, &n), SY_OK, "newest 10");
	T_INTEQ(n, 10, "10 runs back");
	if (n == 10) {
		T_INTEQ(runs[0].fine, 30, "the 31st run first");
		T_INTEQ(runs[9].fine, 39, "the newest last");
	}
	free(runs);
	/* A run added in a batch is applied with its last verdicts. */
	memset(&r, 0, sizeof(r));
	r.started = 5;
	sy_history_begin(h);
	sy_history_run_add(h, &r);
	sy_history_close(h);
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	T_INTEQ(sy_history_runs(h, 0, &runs, &n), SY_OK, "runs again");
	T_INTEQ(n, 40, "a run queued and then dropped at close is not there");
	free(runs);
	sy_history_close(h);
}

struct walk {
	char urls[8][64];
	long failures[8];
	size_t n;
	size_t stop_at; /* 0: never */
};

static int
walk_fn(void *ctx, const char *url, const struct sy_hist_rec *rec)
{
	struct walk *w = ctx;

	if (w->n < 8) {
		snprintf(w->urls[w->n], sizeof(w->urls[0]), "%s", url);
		w->failures[w->n] = rec->failures;
	}
	w->n++;
	return w->stop_at != 0 && w->n == w->stop_at;
}

static void
test_each(void)
{
	static const char *const urls[] = {"https://c.test/", "https://a.test/",
	    "mailto:x@b.test", "https://b.test/"};
	struct sy_hist_verdict fail = {
	    SY_HIST_FAIL, "link-broken", 404, "404 Not Found", NULL, NULL};
	char path[PATHLEN], msg[512];
	struct sy_history *h;
	struct walk w;
	size_t i;

	where(path, sizeof(path), "each");
	h = open_ok(path, msg, sizeof(msg));
	if (h == NULL)
		return;
	memset(&w, 0, sizeof(w));
	T_INTEQ(sy_history_each(h, walk_fn, &w), SY_OK, "walk an empty db");
	T_INTEQ(w.n, 0, "nothing walked");
	for (i = 0; i < 4; i++)
		T_INTEQ(sy_history_record(h, urls[i], 100 + (int64_t)i, &fail),
		    SY_OK, "record %s", urls[i]);
	T_INTEQ(sy_history_record(h, urls[1], 200, &fail), SY_OK, "again");
	memset(&w, 0, sizeof(w));
	T_INTEQ(sy_history_each(h, walk_fn, &w), SY_OK, "walk");
	T_INTEQ(w.n, 4, "every url once");
	T_STREQ(w.urls[0], "https://a.test/", "byte order: a");
	T_STREQ(w.urls[1], "https://b.test/", "byte order: b");
	T_STREQ(w.urls[2], "https://c.test/", "byte order: c");
	T_STREQ(w.urls[3], "mailto:x@b.test", "byte order: mailto last");
	T_INTEQ(w.failures[0], 2, "a.test failed twice");
	memset(&w, 0, sizeof(w));
	w.stop_at = 2;
	T_INTEQ(sy_history_each(h, walk_fn, &w), SY_EINVAL, "fn stops it");
	T_INTEQ(w.n, 2, "after two");
	sy_history_close(h);
}

/* The tests of the contract, on the backend under test. */
static void
suite(void)
{
	printf("# backend: %s\n", on_pg ? "postgresql" : "sqlite");
	test_schema();
	test_future_version();
	test_runs();
	test_each();
	test_counters();
	test_get_many();
	test_not_utf8();
	test_batch();
	test_batch_flush();
	test_kill9();
	test_lock();
	test_concurrent();
}

int
main(void)
{
	char cmd[128];
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sy_history_XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	on_pg = false;
	suite();
	test_open_fails();
	test_migrate_v1();
	test_migrate_v2();
	test_corrupt_garbage();
	test_corrupt_page();
	test_fail_after();
	test_due();
	test_note_and_outcome();
	test_default_path();
	if (T_OK(pg_serve_start(pg_url, sizeof(pg_url)) == 0,
	        "a PostgreSQL server for the tests (tests/pg.sh)")) {
		on_pg = true;
		suite();
		test_pg_connect_fails();
	}
	pg_serve_stop();
	rc = t_done();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
