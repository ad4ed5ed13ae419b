#!/bin/sh
# syndic-links end to end, against the fixture HTTP server and the
# fixture DNS server, both started here on 127.0.0.1 (ephemeral ports)
# and stopped by pid.  Nothing is sent to any other address: every URL
# is on 127.0.0.1, and MX look-ups go to the fixture DNS server.
. "$SY_TOP/tests/lib.sh"
K="$SY_BIN/syndic-links"
cd "$SY_TOP" || exit 2


serve $PY tests/http/server.py --port-file "$T/http.port"
mkfifo "$T/dns.in"
exec 3<>"$T/dns.in"
serve $PY tests/dns/server.py <"$T/dns.in" >"$T/dns.port"
wait_files "$T/http.port" "$T/dns.port"
P=$(cat "$T/http.port")
D=$(head -n 1 "$T/dns.port")
check "fixture servers are up" test -n "$P" -a -n "$D"
U="http://127.0.0.1:$P"
stats() { curl -s "$U/stats"; }
# hits PATH: how often the server saw PATH (GET and HEAD together).
hits() {
	curl -s "$U/stats" | $PY -c 'import json,sys; print(json.load(sys.stdin)["hits"].get(sys.argv[1],0))' "$1"
}

cport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
cat >"$T/urls.txt" <<EOT
# one URL per line
$U/ok
$U/notfound
$U/gone
$U/error
$U/flaky/cli
$U/redirect/301?to=/ok
$U/loop/a
$U/slow?ms=4000
$U/head405
$U/ratelimit/cli
$U/botwall
$U/999
$U/reset
$U/redirect-file
$U/frag#here
$U/frag#nowhere
http://127.0.0.1:$cport/
$U/counter/twice
$U/counter/twice
EOT
RUN="$K --no-db --allow-private --timeout 2 --retries 2 --dns-server 127.0.0.1:$D"
check_exit "scenario run: exit 1" 1 $RUN "$T/urls.txt"
o="$T/stdout"
want() { # LINE RULE
	check_grep "line $1: $2" "^$T/urls.txt:$1:0: [a-z]*: .*\[$2\]\$" "$o"
}
check "line 2 (/ok) is fine" sh -c "! grep -q 'urls.txt:2:' '$o'"
want 3 link-broken
want 4 link-broken
want 5 link-server-error
check "line 6 (flaky, fine on retry) is fine" sh -c "! grep -q 'urls.txt:6:' '$o'"
want 7 link-redirect
check_grep "the redirect names the new URL" "urls.txt:7:0: warning: .*$U/ok" "$o"
want 8 link-redirect-loop
want 9 link-timeout
check "line 10 (HEAD 405, GET fine) is fine" sh -c "! grep -q 'urls.txt:10:' '$o'"
check "line 11 (429 then fine) is fine" sh -c "! grep -q 'urls.txt:11:' '$o'"
want 12 link-blocked
check_grep "a bot wall is a warning" "urls.txt:12:0: warning:" "$o"
want 13 link-blocked
want 14 link-refused
want 15 link-error
check "line 16 (#here exists) is fine" sh -c "! grep -q 'urls.txt:16:' '$o'"
want 17 link-fragment
want 18 link-refused
check "a URL listed twice is fetched once" test "$(hits /counter/twice)" -eq 1
check_grep "both places of it are known (no problem, nothing said)" \
    "checked" "$T/stderr"

# Private targets are refused unless --allow-private, and nothing is sent.
curl -s "$U/reset-stats" >/dev/null
echo "$U/counter/private" >"$T/private.txt"
check_exit "private target: a warning, exit 0" 0 $K --no-db "$T/private.txt"
check_grep "link-private" "warning: .*\[link-private\]" "$T/stdout"
check_exit "private target with --strict: exit 1" 1 $K --no-db --strict \
    "$T/private.txt"
check "the server saw no request" test "$(hits /counter/private)" -eq 0

# A manifest: positions are the manifest's, e-mail domains go to DNS.
cat >"$T/manifest.csv" <<EOT
id,title,link,published,email,content
a1,標題一,$U/ok/a1,2025-01-28,editor@good.test,"<p><a href=""$U/notfound"">壞連結</a></p>"
a2,標題二,$U/gone,2025-01-29,nobody@nullmx.test,
a3,標題三,$U/ok/a3,2025-01-30,ghost@nodomain.test,
a4,標題四,$U/ok/a4,2025-01-31,who@aonly.test,
EOT
check_exit "manifest run: exit 1" 1 $RUN "$T/manifest.csv"
check_grep "content link at row 2, field 6" \
    "manifest.csv:2:6: error: $U/notfound: .*\[link-broken\]" "$T/stdout"
check_grep "link field at row 3, field 3" \
    "manifest.csv:3:3: error: $U/gone: .*\[link-broken\]" "$T/stdout"
check_grep "null MX is email-no-mx" \
    "manifest.csv:3:5: error: nullmx.test: .*\[email-no-mx\]" "$T/stdout"
check_grep "NXDOMAIN is email-no-mx" \
    "manifest.csv:4:5: error: nodomain.test: .*\[email-no-mx\]" "$T/stdout"
check "a domain with MX is fine" sh -c "! grep -q 'manifest.csv:2:5:' '$T/stdout'"
check "an A-only domain is fine (implicit MX)" sh -c \
    "! grep -q 'manifest.csv:5:5:' '$T/stdout'"
check_exit "--format json" 1 $RUN --format json "$T/manifest.csv"
check "json has entry, field, url and status" sh -c \
    "$PY -c 'import json,sys; d=json.load(open(\"$T/stdout\"))[\"diagnostics\"]; x=[e for e in d if e[\"rule\"]==\"link-broken\" and e[\"entry\"]==\"a2\"][0]; sys.exit(0 if x[\"field\"]==\"link\" and x[\"status\"]==410 and x[\"url\"].endswith(\"/gone\") else 1)'"
check_exit "--format markdown" 1 $RUN --format markdown "$T/manifest.csv"
check_grep "markdown has a table" "^| line | col" "$T/stdout"

# History: --fail-after 2 makes the first failure a note, the second an
# error; --max-age skips links that were fine recently.
DB="$T/links.db"
H="$K --db $DB --allow-private --timeout 2 --retries 0"
echo "$U/notfound" >"$T/one.txt"
check_exit "first failing run with --fail-after 2: exit 0" 0 $H \
    --fail-after 2 "$T/one.txt"
check_grep "a note that says when it will be reported" \
    "note: .*reported after 2" "$T/stdout"
check_exit "second failing run: exit 1" 1 $H --fail-after 2 "$T/one.txt"
check_grep "now an error" "error: .*\[link-broken\]" "$T/stdout"
echo "$U/counter/fresh" >"$T/fresh.txt"
check_exit "a fine link" 0 $H "$T/fresh.txt"
before=$(hits /counter/fresh)
check_exit "again with --max-age 3600" 0 $H --max-age 3600 "$T/fresh.txt"
after=$(hits /counter/fresh)
check "--max-age skipped the recent link ($before = $after)" \
    test "$before" = "$after"
# The run log: one row per run that checked or skipped something, with
# that run's counts (the two runs just above: fine, then skipped).
check "the run log has the fine run and the skipped run" sh -c \
    "$PY -c 'import sqlite3,sys; r=sqlite3.connect(\"$DB\").execute(\"select fine,broken,blocked,redirected,skipped,finished>=started from runs order by id desc limit 2\").fetchall(); print(r); sys.exit(0 if r==[(0,0,0,0,1,1),(1,0,0,0,0,1)] else 1)'"
check "the two failing runs are in the log as broken" sh -c \
    "$PY -c 'import sqlite3,sys; r=sqlite3.connect(\"$DB\").execute(\"select fine,broken from runs order by id limit 2\").fetchall(); print(r); sys.exit(0 if r==[(0,1),(0,1)] else 1)'"

# Overlapping runs: while one run holds the history, a second exits 2.
echo "$U/slow?ms=3000" >"$T/slow.txt"
$H --timeout 10 "$T/slow.txt" >/dev/null 2>&1 &
slowpid=$!
tries=0
until stats | grep -q '"/slow"' || [ $tries -ge 100 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
check_exit "a second run while one runs: exit 2" 2 $H "$T/fresh.txt"
check_grep "it says another run holds the history" "another run" \
    "$T/stderr"
# Killed with -9 mid-run: the next run works on a consistent history.
kill -9 $slowpid
wait $slowpid 2>/dev/null
check_exit "after kill -9 the history still works" 0 $H "$T/fresh.txt"
check "the database passes an integrity check" sh -c \
    "$PY -c 'import sqlite3,sys; c=sqlite3.connect(\"$DB\"); sys.exit(0 if c.execute(\"pragma integrity_check\").fetchone()[0]==\"ok\" else 1)'"

# A full disk under the history (a 4 KiB file size limit): exit 2 and
# a clear message, not a crash.
i=0
while [ $i -lt 300 ]; do
	echo "$U/counter/full$i"
	i=$((i + 1))
done >"$T/many.txt"
check_exit "history on a full disk: exit 2" 2 sh -c \
    "trap '' XFSZ; ulimit -f 8; exec $K --allow-private --db '$T/full.db' '$T/many.txt'"
check_grep "says the database failed" "database failure: disk I/O error" \
    "$T/stderr"

# Nothing to check is said, and --offline never touches the network.
printf '# nothing here\n' >"$T/empty.txt"
check_exit "no links: exit 0" 0 $K --no-db "$T/empty.txt"
check_grep "says there was nothing to check" "no link or address" \
    "$T/stderr"
curl -s "$U/reset-stats" >/dev/null
check_exit "--offline on the scenario list" 0 $K --offline "$T/urls.txt"
check "--offline sent nothing" test "$(hits /ok)" -eq 0
check_exit "--offline still finds a bad site rule" 1 $K --offline \
    fixtures/manifest/bad/site-rule.csv
check_exit "unknown option: exit 2" 2 $K --bogus "$T/urls.txt"
check_exit "missing file: exit 2" 2 $K --no-db "$T/none.txt"
exec 3>&-
done_testing
