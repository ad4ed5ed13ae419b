#!/bin/sh
# tests/pg.sh: a throw-away PostgreSQL server for the history tests.
#
# Sourced by a test script (". tests/pg.sh"), it defines:
#   pg_start     initdb into a new folder /tmp/syndic-pg.XXXXXX (as the
#                unprivileged user "nobody" when run as root, since initdb
#                and postgres refuse root), start postgres there listening
#                on a Unix socket in that folder only (no TCP), wait until
#                it accepts connections (polled, bounded).  Password
#                authentication (scram-sha-256) for every connection.
#                Sets PG_DIR, PG_PID, PG_PASS, PG_URL (the superuser
#                "syndic" on the database "postgres") and PG_BASE (the
#                same URL without the database: append one).
#   pg_stop      stops the server by its pid (SIGINT, fast shutdown),
#                waits for it, removes the folder.
#   pg_sql DB SQL  runs SQL with psql on DB; prints the rows unaligned.
#
# Run as "sh tests/pg.sh serve" (the C unit tests do), it starts a
# server, prints PG_URL on one line, then waits for end of file on its
# standard input and stops the server: a test that dies for any reason
# closes that pipe, so no server outlives its test.
#
# The server binaries come from Debian's postgresql package
# (/usr/lib/postgresql/VERSION/bin), installed by "make deps".

pg_bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
		[ -x "$d/initdb" ] && [ -x "$d/postgres" ] && {
			echo "$d"
			return 0
		}
	done
	return 1
}

# _pg_as CMD...: CMD as the server's user (nobody when we are root).
_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

pg_start() {
	PG_BIN=$(pg_bindir) || {
		echo "pg.sh: no PostgreSQL server (Debian package postgresql)" >&2
		return 1
	}
	PG_DIR=$(mktemp -d /tmp/syndic-pg.XXXXXX) || return 1
	PG_PASS=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
	printf '%s\n' "$PG_PASS" >"$PG_DIR/pw"
	if [ "$(id -u)" = 0 ]; then
		chown -R nobody:nogroup "$PG_DIR" || return 1
	fi
	if ! _pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U syndic \
	    --pwfile="$PG_DIR/pw" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 \
	    --no-sync >"$PG_DIR/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		tail -n 5 "$PG_DIR/initdb.log" >&2
		return 1
	fi
	rm -f "$PG_DIR/pw"
	# Started without a shell function or subshell around it, and
	# setpriv execs postgres: $! is the postmaster's own pid.
	_pg_sudo=
	[ "$(id -u)" = 0 ] &&
	    _pg_sudo="setpriv --reuid=nobody --regid=nogroup --clear-groups --"
	$_pg_sudo "$PG_BIN/postgres" -D "$PG_DIR/data" -k "$PG_DIR" \
	    -c listen_addresses= -c fsync=off -c full_page_writes=off \
	    -c shared_buffers=32MB -c max_connections=60 \
	    -c log_min_messages=fatal -c logging_collector=off \
	    >"$PG_DIR/server.log" 2>&1 </dev/null &
	PG_PID=$!
	PG_BASE="postgresql://syndic:$PG_PASS@$(echo "$PG_DIR" | sed 's|/|%2F|g')"
	PG_URL="$PG_BASE/postgres"
	_tries=0
	until [ -S "$PG_DIR/.s.PGSQL.5432" ] &&
	    PGPASSWORD=$PG_PASS psql -X -q -h "$PG_DIR" -U syndic -d postgres \
	    -c 'select 1' >/dev/null 2>&1; do
		if ! kill -0 "$PG_PID" 2>/dev/null || [ $_tries -ge 300 ]; then
			echo "pg.sh: the server did not start:" >&2
			tail -n 5 "$PG_DIR/server.log" >&2
			pg_stop
			return 1
		fi
		sleep 0.05
		_tries=$((_tries + 1))
	done
	export PG_DIR PG_PID PG_PASS PG_URL PG_BASE
}

pg_stop() {
	if [ -n "${PG_PID:-}" ]; then
		kill -INT "$PG_PID" 2>/dev/null
		wait "$PG_PID" 2>/dev/null
		PG_PID=
	fi
	[ -n "${PG_DIR:-}" ] && rm -rf "$PG_DIR"
	PG_DIR=
}

pg_sql() {
	PGPASSWORD=$PG_PASS psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_DIR" \
	    -U syndic -d "$1" -c "$2"
}

if [ "${1:-}" = serve ]; then
	pg_start >&2 || exit 1
	echo "$PG_URL"
	cat >/dev/null
	pg_stop
	exit 0
fi
