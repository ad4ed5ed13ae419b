/*
 * pg.h: a throw-away PostgreSQL server for a unit test, and a one-shot
 * query.  pg_serve_start() runs "sh tests/pg.sh serve" (from the top of
 * the tree, where tests/run.sh runs the unit tests) with a pipe on its
 * standard input: the script prints the server's URL, and stops the
 * server and removes its folder when that pipe closes, which happens
 * when the test ends in any way, a crash included.
 */
#ifndef SY_TEST_PG_H
#define SY_TEST_PG_H

#include <sys/types.h>
#include <sys/wait.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

static pid_t pg_pid = -1;
static int pg_in = -1;

static void
pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Starts the server; its URL (database "postgres") into url.  0 or -1. */
static __attribute__((unused)) int
pg_serve_start(char *url, size_t len)
{
	int in[2], out[2];
	size_t n = 0;
	ssize_t r;

	if (pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	fflush(stdout);
	pg_pid = fork();
	if (pg_pid < 0)
		return -1;
	if (pg_pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execl("/bin/sh", "sh", "tests/pg.sh", "serve", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	pg_in = in[1];
	while (n + 1 < len && (r = read(out[0], url + n, 1)) == 1) {
		if (url[n] == '\n')
			break;
		n++;
	}
	url[n] = '\0';
	close(out[0]);
	return strncmp(url, "postgresql://", 13) == 0 ? 0 : -1;
}

/* Stops the server (the script stops it by pid) and waits for it. */
static __attribute__((unused)) void
pg_serve_stop(void)
{
	int st;

	if (pg_in >= 0)
		close(pg_in);
	pg_in = -1;
	if (pg_pid > 0)
		waitpid(pg_pid, &st, 0);
	pg_pid = -1;
}

/*
 * Runs sql on url; the first column of the first row into out, or
 * "(done)" for a statement without rows, or "(error) message".
 */
static __attribute__((unused)) void
pg_query(const char *url, const char *sql, char *out, size_t len)
{
	PGconn *c = PQconnectdb(url);
	PGresult *r = NULL;

	snprintf(out, len, "(error) cannot connect");
	if (PQstatus(c) == CONNECTION_OK) {
		PQsetNoticeProcessor(c, pg_quiet, NULL);
		r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			snprintf(out, len, "%s", PQgetvalue(r, 0, 0));
		else if (PQresultStatus(r) == PGRES_TUPLES_OK ||
		    PQresultStatus(r) == PGRES_COMMAND_OK)
			snprintf(out, len, "(done)");
		else
			snprintf(
			    out, len, "(error) %s", PQresultErrorMessage(r));
	}
	PQclear(r);
	PQfinish(c);
}

#endif
