/*
 * history_pg: the PostgreSQL backend of the link history (history.h,
 * history_int.h), through libpq, for audits split into shards that run on
 * several machines against one database.
 *
 * - Tables syndic_links, syndic_runs and syndic_schema (one row: the
 *   version) in the connection's current schema, created and migrated by
 *   open in one transaction under a transaction advisory lock, so that
 *   shards starting at once on a fresh database do not race.
 * - A link's key is its URL; the unique index is on md5(url), since a
 *   B-tree entry cannot hold a URL longer than about 2,700 bytes (the
 *   row keeps the URL itself, and every look-up compares it too).
 * - A batch of verdicts is one INSERT ... SELECT FROM json_to_recordset()
 *   ... ON CONFLICT DO UPDATE statement (one round trip, one transaction),
 *   in byte order of the URL, so concurrent writers take row locks in the
 *   same order.  The counting rule is the SQLite backend's, with one
 *   difference in storage only: a cleared ETag or Last-Modified is kept
 *   as '' (not NULL) and read back as NULL, so that the proposed row of a
 *   batch (EXCLUDED) can tell "keep" (NULL) from "clear" ('').
 * - The run lock is a pair of session advisory locks keyed by
 *   hashtext('syndic-links history ' || current_schema()): (key, 0) for
 *   the whole history, exclusive for a whole run and shared for a shard,
 *   and (key, N * 4096 + K) for shard K/N.  The server drops them when
 *   the connection ends, also when the client was killed.
 * - Text is UTF-8: the connection's client encoding is UTF8, a database
 *   of another encoding is refused, URLs that are not UTF-8 are refused
 *   by the front, other text that is not UTF-8 is stored with U+FFFD.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "buf.h"
#include "history.h"
#include "history_int.h"
#include "util.h"

/* Keys per look-up statement: a JSON array of URLs. */
#define GET_CHUNK 2000

/* Shard lock keys are N * SHARD_MUL + K; N and K stay below it. */
#define SHARD_MUL 4096u

struct pg_be {
	PGconn *conn;
	char *where; /* the URL without its password, for messages */
	int key;     /* advisory lock class of this schema */
	unsigned lk; /* the shard whose lock is held, or 0 */
	unsigned ln;
	int wait_ms;
};

static const struct sy_hist_ops pg_ops;

/*
 * The schema of version 3, the first PostgreSQL one (versions 1 and 2
 * were SQLite only).  Later versions add a migration to pg_migrations[].
 */
static const char pg_create[] =
    "CREATE TABLE syndic_links ("
    " url text NOT NULL,"
    " outcome smallint NOT NULL CHECK (outcome BETWEEN 0 AND 2),"
    " rule text,"
    " status integer NOT NULL DEFAULT 0,"
    " message text,"
    " first_failure bigint NOT NULL DEFAULT 0,"
    " failures bigint NOT NULL DEFAULT 0 CHECK (failures >= 0),"
    " last_success bigint NOT NULL DEFAULT 0,"
    " last_checked bigint NOT NULL DEFAULT 0,"
    " etag text,"
    " last_modified text);"
    "CREATE UNIQUE INDEX syndic_links_url ON syndic_links ((md5(url)));"
    "CREATE INDEX syndic_links_checked ON syndic_links (last_checked);"
    "CREATE TABLE syndic_runs ("
    " id bigserial PRIMARY KEY,"
    " started bigint NOT NULL,"
    " finished bigint NOT NULL,"
    " fine bigint NOT NULL,"
    " broken bigint NOT NULL,"
    " blocked bigint NOT NULL,"
    " redirected bigint NOT NULL,"
    " skipped bigint NOT NULL,"
    " shard integer NOT NULL DEFAULT 1,"
    " shards integer NOT NULL DEFAULT 1);"
    "CREATE TABLE syndic_schema (version integer NOT NULL);"
    "INSERT INTO syndic_schema (version) VALUES (3);";

#define PG_FIRST_SCHEMA 3

/* pg_migrations[v - PG_FIRST_SCHEMA] brings version v to v + 1. */
static const char *const pg_migrations[] = {NULL};

_Static_assert(
    PG_FIRST_SCHEMA + sizeof(pg_migrations) / sizeof(pg_migrations[0]) - 1 ==
        SY_HISTORY_SCHEMA,
    "a PostgreSQL migration for every schema version after the first");

/*
 * $1: a JSON array of {url, o, rule, status, message, now, etag, lm}, in
 * the order to apply (no URL twice).  EXCLUDED is the proposed row.
 */
static const char put_sql[] =
    "INSERT INTO syndic_links AS l (url, outcome, rule, status, message,"
    " first_failure, failures, last_success, last_checked, etag,"
    " last_modified)"
    " SELECT x.url, x.o, x.rule, x.status, x.message,"
    "  CASE WHEN x.o = 1 THEN x.now ELSE 0 END,"
    "  CASE WHEN x.o = 1 THEN 1 ELSE 0 END,"
    "  CASE WHEN x.o = 0 THEN x.now ELSE 0 END,"
    "  x.now,"
    "  CASE WHEN x.o = 0 THEN x.etag END,"
    "  CASE WHEN x.o = 0 THEN x.lm END"
    " FROM ROWS FROM (json_to_recordset($1::json) AS (url text,"
    "  o smallint, rule text, status integer, message text, now bigint,"
    "  etag text, lm text)) WITH ORDINALITY"
    "  AS x(url, o, rule, status, message, now, etag, lm, n)"
    " ORDER BY x.n"
    " ON CONFLICT ((md5(url))) DO UPDATE SET"
    " outcome = EXCLUDED.outcome, rule = EXCLUDED.rule,"
    " status = EXCLUDED.status, message = EXCLUDED.message,"
    " first_failure = CASE EXCLUDED.outcome WHEN 0 THEN 0"
    "  WHEN 1 THEN CASE WHEN l.failures = 0 OR l.first_failure = 0"
    "   THEN EXCLUDED.last_checked ELSE l.first_failure END"
    "  ELSE l.first_failure END,"
    " failures = CASE EXCLUDED.outcome WHEN 0 THEN 0"
    "  WHEN 1 THEN l.failures + 1 ELSE l.failures END,"
    " last_success = CASE WHEN EXCLUDED.outcome = 0"
    "  THEN EXCLUDED.last_checked ELSE l.last_success END,"
    " last_checked = EXCLUDED.last_checked,"
    " etag = CASE WHEN EXCLUDED.outcome = 0 AND EXCLUDED.etag IS NOT NULL"
    "  THEN EXCLUDED.etag ELSE l.etag END,"
    " last_modified = CASE WHEN EXCLUDED.outcome = 0"
    "  AND EXCLUDED.last_modified IS NOT NULL"
    "  THEN EXCLUDED.last_modified ELSE l.last_modified END";

#define REC_COLS                                                               \
	"l.outcome, l.rule, l.status, l.message, l.first_failure,"             \
	" l.failures, l.last_success, l.last_checked,"                         \
	" nullif(l.etag, ''), nullif(l.last_modified, '')"

/* $1: a JSON array of URLs; the 1-based position of each found. */
static const char get_sql[] =
    "SELECT k.i, " REC_COLS
    " FROM ROWS FROM (json_array_elements_text($1::json))"
    "  WITH ORDINALITY AS k(url, i)"
    " CROSS JOIN LATERAL (SELECT * FROM syndic_links l"
    "  WHERE md5(l.url) = md5(k.url) AND l.url = k.url LIMIT 1) l";

static const char run_sql[] =
    "INSERT INTO syndic_runs (started, finished, fine, broken, blocked,"
    " redirected, skipped, shard, shards)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

static struct pg_be *
be_of(struct sy_history *h)
{
	return h->be;
}

/* libpq's messages span lines; ours are one: blanks become one space. */
static void
flatten(char *s)
{
	char *start = s, *w = s;
	bool blank = true; /* also drops leading blanks */

	for (; *s != '\0'; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t' || *s == ' ') {
			if (!blank)
				*w++ = ' ';
			blank = true;
			continue;
		}
		blank = false;
		*w++ = *s;
	}
	while (w > start && w[-1] == ' ')
		w--;
	*w = '\0';
}

/* Sets h->err to "what: the server's or libpq's message". */
static enum sy_err
pgerr(struct sy_history *h, const PGresult *r, const char *what)
{
	const char *m = NULL;
	char buf[480];

	if (r != NULL)
		m = PQresultErrorMessage(r);
	if (m == NULL || m[0] == '\0')
		m = PQerrorMessage(be_of(h)->conn);
	snprintf(buf, sizeof(buf), "%s", m != NULL && m[0] ? m : "failed");
	flatten(buf);
	sy_hist_seterr(h, "%s: %s: %s", be_of(h)->where, what, buf);
	return SY_EDB;
}

/* Runs sql; SY_OK when it returned want. */
static enum sy_err
exec_sql(struct sy_history *h, const char *sql, ExecStatusType want,
    const char *what)
{
	PGresult *r = PQexec(be_of(h)->conn, sql);
	enum sy_err err = SY_OK;

	if (PQresultStatus(r) != want)
		err = pgerr(h, r, what);
	PQclear(r);
	return err;
}

/*
 * The URL for messages: scheme, user, host (or socket folder), port and
 * database, never the password or the options.
 */
static char *
redact(const char *url)
{
	PQconninfoOption *o, *p;
	const char *user = "", *host = "", *port = "", *db = "";
	struct sy_buf b;
	char *err = NULL;

	o = PQconninfoParse(url, &err);
	PQfreemem(err);
	if (o == NULL)
		return sy_strdup("postgresql://(unreadable URL)");
	for (p = o; p->keyword != NULL; p++) {
		if (p->val == NULL)
			continue;
		if (strcmp(p->keyword, "user") == 0)
			user = p->val;
		else if (strcmp(p->keyword, "host") == 0)
			host = p->val;
		else if (strcmp(p->keyword, "port") == 0)
			port = p->val;
		else if (strcmp(p->keyword, "dbname") == 0)
			db = p->val;
	}
	sy_buf_init(&b, 0);
	if (sy_buf_printf(&b, "postgresql://%s%s%s%s%s/%s", user,
	        user[0] ? "@" : "", host, port[0] ? ":" : "", port,
	        db) != SY_OK) {
		sy_buf_fini(&b);
		PQconninfoFree(o);
		return NULL;
	}
	PQconninfoFree(o);
	return sy_buf_steal(&b);
}

static void
pg_close(struct sy_history *h)
{
	struct pg_be *b = be_of(h);

	if (b == NULL)
		return;
	/* The server drops the session's advisory locks with it. */
	PQfinish(b->conn);
	free(b->where);
	free(b);
	h->be = NULL;
}

/* One integer column of a one-row result, or def. */
static long long
int_at(const PGresult *r, int row, int col, long long def)
{
	long long v;

	if (row >= PQntuples(r) || PQgetisnull(r, row, col) ||
	    sy_strtoll(PQgetvalue(r, row, col), -(1LL << 62), 1LL << 62, &v) !=
	        0)
		return def;
	return v;
}

static enum sy_err
set_lock_timeout(struct sy_history *h, int ms)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "SET lock_timeout = %d", ms < 0 ? 0 : ms);
	return exec_sql(h, sql, PGRES_COMMAND_OK, "lock_timeout");
}

/*
 * Creates or migrates the schema in one transaction; a newer one is
 * refused before anything is written.
 */
static enum sy_err
migrate(struct sy_history *h, char *msg, size_t msglen)
{
	struct pg_be *b = be_of(h);
	PGresult *r;
	enum sy_err err;
	long long v = 0;
	char sql[128];

	err = exec_sql(h, "BEGIN", PGRES_COMMAND_OK, "begin");
	if (err != SY_OK)
		return err;
	snprintf(
	    sql, sizeof(sql), "SELECT pg_advisory_xact_lock(%d, -1)", b->key);
	err = exec_sql(h, sql, PGRES_TUPLES_OK, "schema lock");
	if (err != SY_OK)
		goto out;
	r = PQexec(b->conn, "SELECT to_regclass('syndic_schema') IS NOT NULL");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		err = pgerr(h, r, "schema");
		PQclear(r);
		goto out;
	}
	v = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? -1 : 0;
	PQclear(r);
	if (v < 0) {
		r = PQexec(b->conn, "SELECT max(version) FROM syndic_schema");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			err = pgerr(h, r, "schema version");
			PQclear(r);
			goto out;
		}
		v = int_at(r, 0, 0, 0);
		PQclear(r);
	}
	if (v > SY_HISTORY_SCHEMA) {
		sy_hist_setmsg(msg, msglen,
		    "%s: schema version %lld is newer than this syndic "
		    "understands (%d); upgrade syndic or use another --history",
		    b->where, v, SY_HISTORY_SCHEMA);
		err = SY_EDB;
		goto out;
	}
	if (v != 0 && v < PG_FIRST_SCHEMA) {
		sy_hist_setmsg(msg, msglen,
		    "%s: syndic_schema says version %lld, which no syndic "
		    "wrote to PostgreSQL",
		    b->where, v);
		err = SY_EDB;
		goto out;
	}
	if (v == 0) {
		err = exec_sql(
		    h, pg_create, PGRES_COMMAND_OK, "creating the schema");
		v = PG_FIRST_SCHEMA;
	}
	for (; err == SY_OK && v < SY_HISTORY_SCHEMA; v++) {
		err = exec_sql(h, pg_migrations[v - PG_FIRST_SCHEMA],
		    PGRES_COMMAND_OK, "migrating the schema");
		if (err == SY_OK) {
			snprintf(sql, sizeof(sql),
			    "UPDATE syndic_schema SET version = %lld", v + 1);
			err = exec_sql(
			    h, sql, PGRES_COMMAND_OK, "schema version");
		}
	}
	if (err == SY_OK)
		return exec_sql(h, "COMMIT", PGRES_COMMAND_OK, "commit");
out:
	if (err != SY_OK && msg != NULL && msglen > 0 && msg[0] == '\0')
		sy_hist_setmsg(msg, msglen, "%s", h->err);
	PQclear(PQexec(b->conn, "ROLLBACK"));
	return err;
}

/* The library never prints: the server's notices are dropped. */
static void
no_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static enum sy_err
prepare(struct sy_history *h, const char *name, const char *sql, int n)
{
	PGresult *r = PQprepare(be_of(h)->conn, name, sql, n, NULL);
	enum sy_err err = SY_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		err = pgerr(h, r, name);
	PQclear(r);
	return err;
}

/* Everything open does once connected. */
static enum sy_err
setup(struct sy_history *h, char *msg, size_t msglen)
{
	struct pg_be *b = be_of(h);
	const char *enc;
	PGresult *r;
	enum sy_err err;

	if (PQserverVersion(b->conn) < 90500) {
		sy_hist_setmsg(msg, msglen,
		    "%s: PostgreSQL %d is too old; the history needs 9.5 or "
		    "later",
		    b->where, PQserverVersion(b->conn) / 10000);
		return SY_EDB;
	}
	enc = PQparameterStatus(b->conn, "server_encoding");
	if (enc == NULL || strcmp(enc, "UTF8") != 0) {
		sy_hist_setmsg(msg, msglen,
		    "%s: the database's encoding is %s; the history needs "
		    "UTF8 (CREATE DATABASE ... ENCODING 'UTF8')",
		    b->where, enc != NULL ? enc : "unknown");
		return SY_EDB;
	}
	if (PQsetClientEncoding(b->conn, "UTF8") != 0)
		return pgerr(h, NULL, "client encoding");
	err = set_lock_timeout(h, b->wait_ms);
	if (err != SY_OK)
		return err;
	r = PQexec(b->conn,
	    "SELECT hashtext('syndic-links history ' ||"
	    " current_schema())");
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQgetisnull(r, 0, 0)) {
		if (PQresultStatus(r) == PGRES_TUPLES_OK)
			sy_hist_seterr(h,
			    "%s: no current schema (check search_path)",
			    b->where);
		else
			pgerr(h, r, "schema");
		PQclear(r);
		return SY_EDB;
	}
	b->key = (int)int_at(r, 0, 0, 0);
	PQclear(r);
	err = migrate(h, msg, msglen);
	if (err != SY_OK)
		return err;
	err = prepare(h, "syndic_put", put_sql, 1);
	if (err == SY_OK)
		err = prepare(h, "syndic_get", get_sql, 1);
	if (err == SY_OK)
		err = prepare(h, "syndic_run", run_sql, 9);
	return err;
}

enum sy_err
sy_hist_pg_open(struct sy_history *h, const char *url, int wait_ms, char *msg,
    size_t msglen)
{
	static const char *const kw[] = {"connect_timeout", "application_name",
	    "keepalives_idle", "keepalives_interval", "keepalives_count",
	    "dbname", NULL};
	const char *val[7];
	char app[96], host[40];
	struct pg_be *b;
	enum sy_err err;

	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	h->ops = &pg_ops;
	h->be = b;
	b->wait_ms = wait_ms;
	b->where = redact(url);
	if (b->where == NULL) {
		pg_close(h);
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	/* Who holds a lock, in pg_stat_activity: tool, pid, machine. */
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "?");
	host[sizeof(host) - 1] = '\0';
	snprintf(app, sizeof(app), "syndic-links/%ld@%s", (long)getpid(), host);
	/* Settings before "dbname", so that the URL's own win. */
	val[0] = "10";
	val[1] = app;
	val[2] = "30";
	val[3] = "10";
	val[4] = "3";
	val[5] = url;
	val[6] = NULL;
	b->conn = PQconnectdbParams(kw, val, 1);
	if (b->conn == NULL) {
		pg_close(h);
		sy_hist_setmsg(msg, msglen, "out of memory");
		return SY_ENOMEM;
	}
	if (PQstatus(b->conn) != CONNECTION_OK) {
		char m[400];

		snprintf(m, sizeof(m), "%s", PQerrorMessage(b->conn));
		flatten(m);
		sy_hist_setmsg(
		    msg, msglen, "cannot connect to %s: %s", b->where, m);
		pg_close(h);
		return SY_EDB;
	}
	PQsetNoticeProcessor(b->conn, no_notice, NULL);
	sy_hist_setmsg(msg, msglen, "%s", "");
	err = setup(h, msg, msglen);
	if (err != SY_OK) {
		if (msg != NULL && msglen > 0 && msg[0] == '\0')
			sy_hist_setmsg(msg, msglen, "%s", h->err);
		pg_close(h);
		return err;
	}
	return SY_OK;
}

/* SELECT fn(key1, key2): true, false, or an error. */
static enum sy_err
advisory(struct sy_history *h, const char *fn, unsigned key2, bool *got)
{
	struct pg_be *b = be_of(h);
	char sql[128];
	PGresult *r;

	snprintf(sql, sizeof(sql), "SELECT %s(%d, %u)", fn, b->key, key2);
	r = PQexec(b->conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum sy_err err = pgerr(h, r, "run lock");

		PQclear(r);
		return err;
	}
	/* pg_advisory_lock returns void (""): it waited and has the lock. */
	*got = strcmp(PQgetvalue(r, 0, 0), "f") != 0;
	PQclear(r);
	return SY_OK;
}

/* Names who holds lock (key, key2), for the busy message. */
static void
busy(struct sy_history *h, unsigned key2, const char *what)
{
	struct pg_be *b = be_of(h);
	char sql[400];
	PGresult *r;
	const char *who = NULL;
	bool shared = false;

	snprintf(sql, sizeof(sql),
	    "SELECT coalesce(a.application_name, ''), l.mode = 'ShareLock'"
	    " FROM pg_locks l LEFT JOIN pg_stat_activity a USING (pid)"
	    " WHERE l.locktype = 'advisory' AND l.granted"
	    " AND l.classid = %u AND l.objid = %u AND l.objsubid = 2"
	    " AND l.pid <> pg_backend_pid() LIMIT 1",
	    (unsigned)b->key, key2);
	r = PQexec(b->conn, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) {
		who = PQgetvalue(r, 0, 0);
		shared = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
	}
	if (shared)
		sy_hist_seterr(h, "the shards of another run hold %s in %s",
		    what, b->where);
	else
		sy_hist_seterr(h, "another run holds %s in %s%s%s%s", what,
		    b->where, who != NULL && who[0] ? " (" : "",
		    who != NULL ? who : "", who != NULL && who[0] ? ")" : "");
	PQclear(r);
}

static enum sy_err
pg_lock(struct sy_history *h, bool wait, unsigned k, unsigned n)
{
	struct pg_be *b = be_of(h);
	unsigned key2 = 0;
	char what[64];
	enum sy_err err;
	bool got = false;

	if (b->ln != 0)
		return SY_OK;
	if (n >= SHARD_MUL) {
		sy_hist_seterr(h, "at most %u shards", SHARD_MUL - 1);
		return SY_EINVAL;
	}
	if (wait) {
		err = set_lock_timeout(h, 0);
		if (err != SY_OK)
			return err;
	}
	err = advisory(h,
	    n == 1 ? (wait ? "pg_advisory_lock" : "pg_try_advisory_lock")
	           : (wait ? "pg_advisory_lock_shared"
	                   : "pg_try_advisory_lock_shared"),
	    0, &got);
	if (err == SY_OK && !got) {
		busy(h, 0, "the history's run lock");
		err = SY_EBUSY;
	}
	if (err == SY_OK && n > 1) {
		key2 = n * SHARD_MUL + k;
		err = advisory(h,
		    wait ? "pg_advisory_lock" : "pg_try_advisory_lock", key2,
		    &got);
		if (err == SY_OK && !got) {
			snprintf(what, sizeof(what), "the lock of shard %u/%u",
			    k, n);
			busy(h, key2, what);
			err = SY_EBUSY;
		}
		if (err != SY_OK)
			PQclear(
			    PQexec(b->conn, "SELECT pg_advisory_unlock_all()"));
	}
	if (wait) {
		/* Back to the statements' own wait, whatever happened. */
		enum sy_err e2 = set_lock_timeout(h, b->wait_ms);

		if (err == SY_OK)
			err = e2;
	}
	if (err == SY_OK) {
		b->lk = k;
		b->ln = n;
	}
	return err;
}

static void
pg_unlock(struct sy_history *h)
{
	struct pg_be *b = be_of(h);

	if (b->ln == 0)
		return;
	PQclear(PQexec(b->conn, "SELECT pg_advisory_unlock_all()"));
	b->lk = 0;
	b->ln = 0;
}

/* Appends s as a JSON string (invalid UTF-8 as U+FFFD), or null. */
static enum sy_err
json_str(struct sy_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len, i = 0, ok;
	enum sy_err e;

	if (s == NULL)
		return sy_buf_puts(b, "null");
	len = strlen(s);
	e = sy_buf_putc(b, '"');
	while (e == SY_OK && i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			ok = sy_utf8_valid_prefix(s + i, len - i);
			if (ok == 0) {
				e = sy_buf_puts(b, "\xef\xbf\xbd");
				i++;
				continue;
			}
			/* the valid run, up to the next ASCII byte */
			{
				size_t j = i;

				while (
				    j < i + ok && (unsigned char)s[j] >= 0x80)
					j++;
				e = sy_buf_append(b, s + i, j - i);
				i = j;
			}
			continue;
		}
		if (c == '"' || c == '\\') {
			e = sy_buf_putc(b, '\\');
			if (e == SY_OK)
				e = sy_buf_putc(b, (char)c);
		} else if (c < 0x20) {
			char u[7] = {'\\', 'u', '0', '0', hex[c >> 4],
			    hex[c & 15], '\0'};

			e = sy_buf_puts(b, u);
		} else {
			e = sy_buf_putc(b, (char)c);
		}
		i++;
	}
	if (e == SY_OK)
		e = sy_buf_putc(b, '"');
	return e;
}

/*
 * The JSON of v[0..n): every value an object of put_sql's columns.  The
 * text of now and status is printed, not parsed: no rounding.
 */
static enum sy_err
put_json(struct sy_buf *b, const struct sy_hist_put *v, size_t n)
{
	enum sy_err e;
	size_t i;

	sy_buf_reset(b);
	e = sy_buf_putc(b, '[');
	for (i = 0; i < n && e == SY_OK; i++) {
		e = sy_buf_puts(b, i > 0 ? ",{\"url\":" : "{\"url\":");
		if (e == SY_OK)
			e = json_str(b, v[i].url);
		if (e == SY_OK)
			e = sy_buf_printf(
			    b, ",\"o\":%d,\"rule\":", (int)v[i].outcome);
		if (e == SY_OK)
			e = json_str(b, v[i].rule);
		if (e == SY_OK)
			e = sy_buf_printf(
			    b, ",\"status\":%d,\"message\":", v[i].status);
		if (e == SY_OK)
			e = json_str(b, v[i].message);
		if (e == SY_OK)
			e = sy_buf_printf(
			    b, ",\"now\":%lld,\"etag\":", (long long)v[i].now);
		if (e == SY_OK)
			e = json_str(b, v[i].etag);
		if (e == SY_OK)
			e = sy_buf_puts(b, ",\"lm\":");
		if (e == SY_OK)
			e = json_str(b, v[i].last_modified);
		if (e == SY_OK)
			e = sy_buf_putc(b, '}');
	}
	if (e == SY_OK)
		e = sy_buf_putc(b, ']');
	return e;
}

static enum sy_err
exec_prepared(struct sy_history *h, const char *name, int n,
    const char *const *params, const char *what)
{
	PGresult *r =
	    PQexecPrepared(be_of(h)->conn, name, n, params, NULL, NULL, 0);
	enum sy_err err = SY_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		err = pgerr(h, r, what);
	PQclear(r);
	return err;
}

static enum sy_err
put_run(struct sy_history *h, const struct sy_hist_run *run)
{
	char num[9][24];
	const char *p[9];
	const long long v[9] = {(long long)run->started,
	    (long long)run->finished, run->fine, run->broken, run->blocked,
	    run->redirected, run->skipped, run->shard, run->shards};
	int i;

	for (i = 0; i < 9; i++) {
		snprintf(num[i], sizeof(num[i]), "%lld", v[i]);
		p[i] = num[i];
	}
	return exec_prepared(h, "syndic_run", 9, p, "adding the run");
}

static enum sy_err
pg_put(struct sy_history *h, const struct sy_hist_put *v, size_t n,
    const struct sy_hist_run *run)
{
	struct sy_buf b;
	size_t i, start, stmts = 0;
	enum sy_err err = SY_OK;
	bool tx;

	/* One statement per stretch without a repeated URL. */
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i].url, v[i - 1].url) == 0)
			stmts++;
	tx = stmts + (run != NULL) > 1;
	if (tx) {
		err = exec_sql(h, "BEGIN", PGRES_COMMAND_OK, "begin");
		if (err != SY_OK)
			return err;
	}
	sy_buf_init(&b, 0);
	for (start = 0; start < n && err == SY_OK;) {
		const char *p[1];

		for (i = start + 1; i < n; i++)
			if (strcmp(v[i].url, v[i - 1].url) == 0)
				break;
		err = put_json(&b, v + start, i - start);
		if (err == SY_OK) {
			p[0] = b.data;
			err = exec_prepared(
			    h, "syndic_put", 1, p, "recording verdicts");
		} else {
			sy_hist_seterr(h, "out of memory");
		}
		start = i;
	}
	sy_buf_fini(&b);
	if (err == SY_OK && run != NULL)
		err = put_run(h, run);
	if (tx && err == SY_OK)
		err = exec_sql(h, "COMMIT", PGRES_COMMAND_OK, "commit");
	if (tx && err != SY_OK)
		PQclear(PQexec(be_of(h)->conn, "ROLLBACK"));
	return err;
}

/* The record columns starting at col of row into r (borrowed). */
static void
row_to_rec(const PGresult *res, int row, int col, struct sy_hist_rec *r)
{
	long long o = int_at(res, row, col, 2);

	memset(r, 0, sizeof(*r));
	r->outcome = o == 0 ? SY_HIST_OK
	    : o == 1        ? SY_HIST_FAIL
	                    : SY_HIST_UNKNOWN;
	r->rule = PQgetisnull(res, row, col + 1)
	    ? NULL
	    : PQgetvalue(res, row, col + 1);
	r->status = (int)int_at(res, row, col + 2, 0);
	r->message = PQgetisnull(res, row, col + 3)
	    ? NULL
	    : PQgetvalue(res, row, col + 3);
	r->first_failure = int_at(res, row, col + 4, 0);
	r->failures = (long)int_at(res, row, col + 5, 0);
	r->last_success = int_at(res, row, col + 6, 0);
	r->last_checked = int_at(res, row, col + 7, 0);
	r->etag = PQgetisnull(res, row, col + 8)
	    ? NULL
	    : PQgetvalue(res, row, col + 8);
	r->last_modified = PQgetisnull(res, row, col + 9)
	    ? NULL
	    : PQgetvalue(res, row, col + 9);
}

/*
 * Looks up urls in chunks of GET_CHUNK, each one statement; URLs that
 * are not UTF-8 cannot be stored and are not asked for.
 */
static enum sy_err
pg_get_many(struct sy_history *h, const char *const *urls, size_t n,
    sy_hist_many_fn fn, void *ctx)
{
	struct sy_buf b;
	size_t *idx, start = 0, k, i;
	enum sy_err err = SY_OK;

	idx =
	    sy_reallocarray(NULL, n < GET_CHUNK ? n : GET_CHUNK, sizeof(*idx));
	if (idx == NULL)
		return SY_ENOMEM;
	sy_buf_init(&b, 0);
	while (start < n && err == SY_OK) {
		PGresult *r;
		const char *p[1];
		int row;

		sy_buf_reset(&b);
		err = sy_buf_putc(&b, '[');
		for (k = 0; start < n && k < GET_CHUNK && err == SY_OK;
		     start++) {
			size_t len = strlen(urls[start]);

			if (sy_utf8_valid_prefix(urls[start], len) != len)
				continue;
			if (k > 0)
				err = sy_buf_putc(&b, ',');
			if (err == SY_OK)
				err = json_str(&b, urls[start]);
			idx[k++] = start;
		}
		if (err == SY_OK)
			err = sy_buf_putc(&b, ']');
		if (err != SY_OK) {
			sy_hist_seterr(h, "out of memory");
			break;
		}
		if (k == 0)
			continue;
		p[0] = b.data;
		r = PQexecPrepared(
		    be_of(h)->conn, "syndic_get", 1, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			err = pgerr(h, r, "reading the history");
			PQclear(r);
			break;
		}
		for (row = 0; row < PQntuples(r) && err == SY_OK; row++) {
			struct sy_hist_rec rec;
			long long pos = int_at(r, row, 0, 0);

			if (pos < 1 || (size_t)pos > k)
				continue;
			i = idx[pos - 1];
			row_to_rec(r, row, 1, &rec);
			if (fn(ctx, i, &rec) != 0)
				err = SY_EINVAL;
		}
		PQclear(r);
	}
	sy_buf_fini(&b);
	free(idx);
	return err;
}

/* A statement with an optional bigint parameter; *n its count or rows. */
static enum sy_err
exec_count(struct sy_history *h, const char *sql, const char *arg, long *n,
    const char *what)
{
	const char *p[1] = {arg};
	PGresult *r;
	enum sy_err err = SY_OK;
	long long v;

	r = PQexecParams(
	    be_of(h)->conn, sql, arg != NULL ? 1 : 0, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		*n = (long)int_at(r, 0, 0, 0);
	} else if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		*n = sy_strtoll(PQcmdTuples(r), 0, 1LL << 62, &v) == 0 ? (long)v
		                                                       : 0;
	} else {
		err = pgerr(h, r, what);
	}
	PQclear(r);
	return err;
}

static enum sy_err
pg_count(struct sy_history *h, long *n)
{
	return exec_count(
	    h, "SELECT count(*) FROM syndic_links", NULL, n, "counting");
}

static enum sy_err
pg_prune(struct sy_history *h, int64_t before, long *n)
{
	char arg[24];

	snprintf(arg, sizeof(arg), "%lld", (long long)before);
	return exec_count(h,
	    "DELETE FROM syndic_links WHERE last_checked < $1::bigint", arg, n,
	    "pruning");
}

static enum sy_err
pg_runs(struct sy_history *h, size_t max, struct sy_hist_run **out, size_t *n)
{
	/* The newest max by id, then oldest first; NULL is no limit. */
	static const char sql[] =
	    "SELECT started, finished, fine, broken, blocked, redirected,"
	    " skipped, shard, shards"
	    " FROM (SELECT * FROM syndic_runs ORDER BY id DESC"
	    " LIMIT $1::bigint) r ORDER BY id";
	struct sy_hist_run *v;
	char lim[24];
	const char *p[1] = {NULL};
	PGresult *r;
	int i, rows;

	if (max > 0 && max < (1ULL << 62)) {
		snprintf(lim, sizeof(lim), "%zu", max);
		p[0] = lim;
	}
	r = PQexecParams(be_of(h)->conn, sql, 1, NULL, p, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		enum sy_err err = pgerr(h, r, "reading the run log");

		PQclear(r);
		return err;
	}
	rows = PQntuples(r);
	if (rows == 0) {
		PQclear(r);
		return SY_OK;
	}
	v = sy_reallocarray(NULL, (size_t)rows, sizeof(*v));
	if (v == NULL) {
		PQclear(r);
		return SY_ENOMEM;
	}
	for (i = 0; i < rows; i++) {
		v[i].started = int_at(r, i, 0, 0);
		v[i].finished = int_at(r, i, 1, 0);
		v[i].fine = (long)int_at(r, i, 2, 0);
		v[i].broken = (long)int_at(r, i, 3, 0);
		v[i].blocked = (long)int_at(r, i, 4, 0);
		v[i].redirected = (long)int_at(r, i, 5, 0);
		v[i].skipped = (long)int_at(r, i, 6, 0);
		v[i].shard = (int)int_at(r, i, 7, 1);
		v[i].shards = (int)int_at(r, i, 8, 1);
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return SY_OK;
}

/*
 * The walk streams the rows (single-row mode): a history of millions of
 * links is never held in memory at once.
 */
static enum sy_err
pg_each(struct sy_history *h, sy_hist_each_fn fn, void *ctx)
{
	static const char sql[] = "SELECT " REC_COLS ", l.url"
	                          " FROM syndic_links l"
	                          " ORDER BY l.url COLLATE \"C\"";
	PGconn *c = be_of(h)->conn;
	PGresult *r;
	enum sy_err err = SY_OK;
	bool stopped = false;

	if (!PQsendQuery(c, sql) || !PQsetSingleRowMode(c))
		err = pgerr(h, NULL, "walking the history");
	while ((r = PQgetResult(c)) != NULL) {
		ExecStatusType st = PQresultStatus(r);

		if (st == PGRES_SINGLE_TUPLE && err == SY_OK && !stopped) {
			struct sy_hist_rec rec;

			row_to_rec(r, 0, 0, &rec);
			if (fn(ctx, PQgetvalue(r, 0, 10), &rec) != 0)
				stopped = true;
		} else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK &&
		    err == SY_OK) {
			err = pgerr(h, r, "walking the history");
		}
		PQclear(r);
	}
	if (err == SY_OK && stopped)
		err = SY_EINVAL;
	return err;
}

static const struct sy_hist_ops pg_ops = {
    .name = "postgresql",
    .utf8_keys = true,
    .close = pg_close,
    .lock = pg_lock,
    .unlock = pg_unlock,
    .get_many = pg_get_many,
    .put = pg_put,
    .count = pg_count,
    .prune = pg_prune,
    .runs = pg_runs,
    .each = pg_each,
};
