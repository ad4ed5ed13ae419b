#!/bin/sh
# syndic-links' history at work, once on an SQLite file and once on a
# PostgreSQL server started here (tests/pg.sh: initdb into a temporary
# folder, a Unix socket in it, stopped by pid at the end): --fail-after
# and its "failing since" note, --max-age, ETag revalidation, the run
# log, the run lock of overlapping runs; then the histories that must
# stop a run with exit 2 before it writes anything: a server that is
# not there, a wrong password, a schema newer than this syndic, a URL of
# another scheme.  Every URL is on 127.0.0.1.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/pg.sh"
K="$SY_BIN/syndic-links"
cd "$SY_TOP" || exit 2

at_exit() { pg_stop; }

serve $PY tests/http/server.py --port-file "$T/http.port"
wait_files "$T/http.port"
P=$(cat "$T/http.port")
U="http://127.0.0.1:$P"
check "fixture server is up" test -n "$P"
if pg_start; then
	ok "a PostgreSQL server on a Unix socket in $PG_DIR"
else
	notok "a PostgreSQL server (tests/pg.sh)"
	done_testing
	exit 1
fi
stats() { curl -s "$U/stats"; }
# hits PATH / key KEY: the server's counters.
hits() {
	stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["hits"].get(sys.argv[1],0))' "$1"
}
key() {
	stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["keys"].get(sys.argv[1],0))' "$1"
}
today=$(date -u +%Y-%m-%d)

# q BACKEND SQL: rows as a|b|c lines; LINKS and RUNS name the tables.
q() {
	if [ "$1" = sqlite ]; then
		sql=$(echo "$2" | sed 's/LINKS/links/g; s/RUNS/runs/g')
		$PY -c 'import sqlite3,sys
for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall():
    print("|".join(str(c) for c in r))' "$T/links.db" "$sql"
	else
		sql=$(echo "$2" | sed 's/LINKS/syndic_links/g; s/RUNS/syndic_runs/g')
		pg_sql hist "$sql"
	fi
}

pg_sql postgres "CREATE DATABASE hist" >/dev/null
for b in sqlite postgresql; do
	if [ $b = sqlite ]; then W=$T/links.db; else W=$PG_BASE/hist; fi
	H="$K --history $W --allow-private --timeout 5 --retries 0"
	echo "# backend: $b"

	# --fail-after 2: the first failure is a note that says since when.
	echo "$U/notfound?b=$b" >"$T/one.txt"
	check_exit "$b: first failing run with --fail-after 2: exit 0" 0 $H \
	    --fail-after 2 "$T/one.txt"
	check_grep "$b: a note, failing since today, reported after 2" \
	    "note: .*(failing for 1 run since $today; reported after 2) \[link-broken\]" \
	    "$T/stdout"
	first=$(q $b "SELECT first_failure FROM LINKS WHERE url LIKE '%notfound%'")
	check_exit "$b: second failing run: exit 1" 1 $H --fail-after 2 \
	    "$T/one.txt"
	check_grep "$b: now an error" "error: .*\[link-broken\]" "$T/stdout"
	check "$b: 2 failures, the first one's date kept, 404 stored" test \
	    "$(q $b "SELECT failures, first_failure, status, rule FROM LINKS WHERE url LIKE '%notfound%'")" \
	    = "2|$first|404|link-broken"

	# --max-age: a link fine recently is not fetched again.
	echo "$U/counter/fresh-$b" >"$T/fresh.txt"
	check_exit "$b: a fine link" 0 $H "$T/fresh.txt"
	before=$(hits "/counter/fresh-$b")
	check_exit "$b: again with --max-age 3600" 0 $H --max-age 3600 \
	    "$T/fresh.txt"
	check "$b: --max-age skipped it (hits $before, then $(hits /counter/fresh-$b))" \
	    test "$(hits "/counter/fresh-$b")" = "$before"
	# Without --max-age it is asked again, with the stored ETag: 304.
	check_exit "$b: once more, due" 0 $H "$T/fresh.txt"
	check "$b: revalidated with If-None-Match, answered 304" test \
	    "$(key "304 /counter/fresh-$b")" = 1
	check "$b: the ETag is kept" test \
	    "$(q $b "SELECT etag FROM LINKS WHERE url LIKE '%fresh-$b'")" = '"v1"'
	# The run log: the five runs, a whole audit each, the skip counted.
	check "$b: five runs logged, each 1/1" test \
	    "$(q $b "SELECT count(*), min(shard), max(shards) FROM RUNS")" = "5|1|1"
	check "$b: the --max-age run skipped one" test \
	    "$(q $b "SELECT fine, broken, skipped FROM RUNS ORDER BY id DESC LIMIT 2" | tail -n 1)" = "0|0|1"

	# Overlapping runs: while one holds the history, a second exits 2.
	echo "$U/slow?ms=3000&b=$b" >"$T/slow.txt"
	curl -s "$U/reset-stats" >/dev/null
	$H --timeout 10 "$T/slow.txt" >/dev/null 2>&1 &
	slowpid=$!
	tries=0
	until stats | grep -q '"/slow"' || [ $tries -ge 200 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
	check_exit "$b: a second run while one runs: exit 2" 2 $H \
	    "$T/fresh.txt"
	check_grep "$b: it says another run holds the history" \
	    "another run holds" "$T/stderr"
	check "$b: and writes no report" test ! -s "$T/stdout"
	# Killed with -9 mid-run: the lock goes with it (the server needs
	# a moment to see the client gone: polled, at most 10 s).
	kill -9 $slowpid
	wait $slowpid 2>/dev/null
	tries=0
	while :; do
		$H "$T/fresh.txt" >"$T/stdout" 2>"$T/stderr"
		rc=$?
		[ $rc -ne 2 ] || [ $tries -ge 100 ] && break
		sleep 0.1
		tries=$((tries + 1))
	done
	check "$b: after kill -9 the history works (exit $rc)" test $rc -eq 0
	check "$b: no half run in the log (6 runs)" test \
	    "$(q $b "SELECT count(*) FROM RUNS")" = 6
done

# Histories that stop a run before it writes anything: exit 2, a clear
# message, no report, no password in any message.
echo "$U/counter/never" >"$T/never.txt"
curl -s "$U/reset-stats" >/dev/null
check_exit "no server at that socket: exit 2" 2 $K --allow-private \
    --history "postgresql://syndic:s3cr3tpw@%2Fnonexistent-dir/x" \
    "$T/never.txt"
check_grep "says it cannot connect, and where" \
    "cannot connect to postgresql://syndic@/nonexistent-dir/x" "$T/stderr"
check "no report" test ! -s "$T/stdout"
check "no password in the message" sh -c "! grep -q s3cr3tpw '$T/stderr'"
bad=$(echo "$PG_BASE/hist" | sed "s/:$PG_PASS@/:wr0ngpw@/")
check_exit "a wrong password: exit 2" 2 $K --allow-private --history "$bad" \
    "$T/never.txt"
check_grep "says so" "password authentication failed" "$T/stderr"
check "no report, no password" sh -c \
    "test ! -s '$T/stdout' && ! grep -q wr0ngpw '$T/stderr'"
check "nothing was fetched" test "$(hits /counter/never)" = 0
pg_sql postgres "CREATE DATABASE newer" >/dev/null
check_exit "a fresh database gets the schema" 0 $K --allow-private \
    --history "$PG_BASE/newer" "$T/never.txt"
pg_sql newer "UPDATE syndic_schema SET version = 99" >/dev/null
before=$(pg_sql newer "SELECT count(*) FROM syndic_links")/$(pg_sql newer "SELECT count(*) FROM syndic_runs")
check_exit "a database of a newer schema: exit 2" 2 $K --allow-private \
    --history "$PG_BASE/newer" "$T/never.txt"
check_grep "says so" "schema version 99 is newer than this syndic understands (3)" \
    "$T/stderr"
check "no report, nothing written" test ! -s "$T/stdout" -a \
    "$(pg_sql newer "SELECT count(*) FROM syndic_links")/$(pg_sql newer "SELECT count(*) FROM syndic_runs")/$(pg_sql newer "SELECT version FROM syndic_schema")" = "$before/99"
$PY -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("pragma user_version = 99"); c.commit()' "$T/links.db"
check_exit "an SQLite file of a newer schema: exit 2" 2 $K --allow-private \
    --history "$T/links.db" "$T/never.txt"
check_grep "says so" "schema version 99 is newer" "$T/stderr"
check_exit "a history URL of another scheme: exit 2" 2 $K \
    --allow-private --history "mysql://db.test/x" "$T/never.txt"
check_grep "says which work" "give a postgresql:// URL" "$T/stderr"
check "nothing was fetched by any of them" test "$(hits /counter/never)" = 1

# SYNDIC_HISTORY when no --history is given; --no-db still keeps none.
pg_sql postgres "CREATE DATABASE fromenv" >/dev/null
check_exit "SYNDIC_HISTORY names the history" 0 env \
    SYNDIC_HISTORY="$PG_BASE/fromenv" $K --allow-private "$T/never.txt"
check "the run is in that database" test \
    "$(pg_sql fromenv "SELECT count(*) FROM syndic_runs")" = 1
check_exit "--no-db wins over SYNDIC_HISTORY" 0 env \
    SYNDIC_HISTORY="$PG_BASE/fromenv" $K --no-db --allow-private \
    "$T/never.txt"
check "nothing more in it" test \
    "$(pg_sql fromenv "SELECT count(*) FROM syndic_runs")" = 1
done_testing
