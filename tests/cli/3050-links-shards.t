#!/bin/sh
# syndic-links --shard K/N and --merge, for real: a link farm of 16
# authorities (tests/http/server.py on 16 ports of 127.0.0.1, one set of
# counters) and one PostgreSQL history (tests/pg.sh, a Unix socket in a
# temporary folder, stopped by pid).  Four shards run at once; their
# merged report, their requests and their history are compared with one
# whole run: the same verdicts for every link, nothing lost, nothing
# checked twice, no host seen by two shards.  A shard killed with
# SIGKILL leaves a consistent history that a rerun completes.  Then the
# bad inputs: shards that do not exist, a merge of reports that do not
# make a whole audit.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/pg.sh"
K="$SY_BIN/syndic-links"
cd "$SY_TOP" || exit 2

at_exit() { pg_stop; }

# 16 authorities, every one of 4 shards given some: a link's shard is a
# hash of its authority, and 16 ephemeral ports leave a shard without
# any about once in 25 runs (its history then has no table, the run log
# no line).  The server listens on 40; syndic-links --offline says which
# shard each is in; one of each shard's comes first, then the rest.
serve $PY tests/http/server.py --ports 40 --port-file "$T/http.port"
wait_files "$T/http.port"
for p in $(cat "$T/http.port"); do
	echo "http://127.0.0.1:$p/"
done >"$T/all.txt"
for k in 1 2 3 4; do
	$K --offline --no-db --shard $k/4 --format json "$T/all.txt" \
	    >"$T/shard$k.json" 2>/dev/null
done
PORTS=$($PY - "$T" <<'EOP'
import json, sys
by = []
for k in range(1, 5):
    links = json.load(open("%s/shard%d.json" % (sys.argv[1], k)))["links"]
    by.append([l["url"].split(":")[2].strip("/") for l in links])
first = [s[0] for s in by if s]
rest = [p for s in by for p in s[1:]]
print(" ".join((first + rest)[:16]))
EOP
)
set -- $PORTS
P=$1
U="http://127.0.0.1:$P"
check "a link farm of 16 authorities" test $# -eq 16
check "each of the 4 shards has some of them" $PY - "$T" $PORTS <<'EOP'
import json, sys
ports = set(sys.argv[2:])
for k in range(1, 5):
    links = json.load(open("%s/shard%d.json" % (sys.argv[1], k)))["links"]
    if not ports & {l["url"].split(":")[2].strip("/") for l in links}:
        sys.exit(1)
EOP
if pg_start; then
	ok "a PostgreSQL server on a Unix socket in $PG_DIR"
else
	notok "a PostgreSQL server (tests/pg.sh)"
	done_testing
	exit 1
fi
for db in whole shards kill; do
	pg_sql postgres "CREATE DATABASE $db" >/dev/null
done
stats() { curl -s "$U/stats"; }
hits() {
	stats | $PY -c 'import json,sys; print(json.load(sys.stdin)["hits"].get(sys.argv[1],0))' "$1"
}

# The audit: on every authority ten fine links, a broken one, a
# permanent redirect and a bot wall; an HTML page with a relative link
# (a note tied to no host), a URL with a space in its host and a
# YouTube link with a short id (found without the network).
j=0
for p in $PORTS; do
	j=$((j + 1))
	i=0
	while [ $i -lt 10 ]; do
		i=$((i + 1))
		echo "http://127.0.0.1:$p/counter/s-$j-$i"
	done
	echo "http://127.0.0.1:$p/notfound?h=$j"
	echo "http://127.0.0.1:$p/redirect/301?to=/ok&h=$j"
	echo "http://127.0.0.1:$p/botwall?h=$j"
done >"$T/urls.txt"
echo "http://exa mple.com/" >>"$T/urls.txt"
echo "https://www.youtube.com/watch?v=short" >>"$T/urls.txt"
printf '<p><a href="rel.html">a</a> <a href="%s/counter/page">b</a></p>\n' \
    "$U" >"$T/page.html"
IN="$T/urls.txt $T/page.html"
# Links to check: 13 on each authority, and the page's absolute one.
NL=$((16 * 13 + 1))
OPTS="--allow-private --retries 0 --timeout 5"

# One whole run, then four shards at once, both against PostgreSQL.
check_exit "the whole audit: exit 1" 1 $K $OPTS --history "$PG_BASE/whole" \
    --format json $IN
cp "$T/stdout" "$T/whole.json"
stats >"$T/whole.stats"
curl -s "$U/reset-stats" >/dev/null
spids=
for k in 1 2 3 4; do
	$K $OPTS --history "$PG_BASE/shards" --shard $k/4 --format json $IN \
	    >"$T/s$k.json" 2>"$T/s$k.err" &
	spids="$spids $!"
done
k=0
codes=
for p in $spids; do
	wait "$p"
	codes="$codes $?"
done
check "four shards at once, none failed (exit$codes)" sh -c \
    "echo '$codes' | grep -qv 2"
stats >"$T/shards.stats"
check "the shards made the same requests as the whole run" $PY -c '
import json, sys
a = json.load(open(sys.argv[1]))["hits"]
b = json.load(open(sys.argv[2]))["hits"]
diff = {k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)}
print(diff) if diff else None
c = [k for k in b if k.startswith("/counter/") and b[k] != 1]
print("not once:", c) if c else None
sys.exit(1 if diff or c or len(b) < 16 else 0)' "$T/whole.stats" "$T/shards.stats"

# Merged, the four reports are the whole run's report.
check_exit "--merge: the whole run's exit status (1)" 1 $K --merge \
    --format json "$T/s1.json" "$T/s2.json" "$T/s3.json" "$T/s4.json"
cp "$T/stdout" "$T/merged.json"
# What differs between two runs of the same audit: the servers' times,
# when things happened.  Everything else must be the same.
VOLATILE="response_ms checked_at started duration_ms failing_since"
check "the same diagnostics, links and counts, none lost or twice" $PY -c '
import json, sys
vol = set(sys.argv[3].split())
def clean(x):
    return json.dumps({k: v for k, v in x.items() if k not in vol}, sort_keys=True)
def key(f):
    d = json.load(open(f))
    return (sorted(clean(x) for x in d["diagnostics"]),
            sorted(clean(x) for x in d["links"]), d)
a, la, da = key(sys.argv[1])
b, lb, db = key(sys.argv[2])
ra, rb = da["run"], db["run"]
same = all(ra[k] == rb[k] for k in ("links", "domains", "checked", "places", "inputs", "shards"))
print(len(a), len(b), len(la), len(lb), ra, rb)
print(clean(da["summary"]), clean(db["summary"]))
sys.exit(0 if a == b and la == lb and len(a) > 50 and len(la) > 100 and same and clean(da["summary"]) == clean(db["summary"]) else 1)' \
    "$T/whole.json" "$T/merged.json" "$VOLATILE"
check "the merged diagnostics point at their links (target)" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
urls = {x["url"] for x in d["links"]}
t = [x.get("target") for x in d["diagnostics"] if x["rule"] in ("link-broken", "link-redirect", "link-blocked")]
sys.exit(0 if t and all(u in urls for u in t) else 1)' "$T/merged.json"
# The page of the merged shards: the same rows and hosts as the page of
# the whole run (each made by --merge from its json).
$K --merge --format html "$T/whole.json" >"$T/whole.html" 2>/dev/null
check_exit "--merge --format html: exit 1" 1 $K --merge --format html \
    "$T/s1.json" "$T/s2.json" "$T/s3.json" "$T/s4.json"
check "the merged page: the whole run's problem rows and hosts" $PY -c '
import re, sys
def rows(f):
    t = open(f, encoding="utf-8").read()
    return (sorted(re.findall(r"<tr [^>]*data-v=\"[^\"]*\"", t)),
            sorted(set(re.findall(r"127\.0\.0\.1:[0-9]+", t))))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
print(len(a[0]), len(b[0]), len(a[1]), len(b[1]))
sys.exit(0 if a == b and len(a[0]) > 50 and len(a[1]) == 16 else 1)' \
    "$T/whole.html" "$T/stdout"
check "each shard checked a part (no shard all, the sum the whole)" $PY -c '
import json, sys
r = [json.load(open(f))["run"] for f in sys.argv[1:5]]
links = [x["links"] for x in r]
print(links)
sys.exit(0 if sum(links) == int(sys.argv[5]) and max(links) < sum(links) and [x["shard"] for x in r] == [1, 2, 3, 4] else 1)' \
    "$T/s1.json" "$T/s2.json" "$T/s3.json" "$T/s4.json" $NL
# Every format: the merged shards as one whole run writes it.
for f in text github junit sarif markdown; do
	$K --merge --format $f "$T/whole.json" >"$T/whole.$f" 2>/dev/null
	check_exit "--merge --format $f: exit 1" 1 $K --merge --format $f \
	    "$T/s1.json" "$T/s2.json" "$T/s3.json" "$T/s4.json"
	check_same "--format $f: the shards merged = the whole run" \
	    "$T/whole.$f" "$T/stdout"
done
check_exit "a whole run straight to text (no history)" 1 $K $OPTS --no-db $IN
check_same "its text = the merged shards' text" "$T/stdout" "$T/whole.text"

# One history for all four: the same verdict stored for every link.
ver="SELECT url || ' ' || outcome || ' ' || failures || ' ' || status ||
    ' ' || coalesce(rule, '-') FROM syndic_links ORDER BY url COLLATE \"C\""
pg_sql whole "$ver" >"$T/whole.verdicts"
pg_sql shards "$ver" >"$T/shards.verdicts"
check "the whole history holds the $NL links" test \
    "$(wc -l <"$T/whole.verdicts")" -eq $NL
check_same "the shards' history: the same links, the same verdicts" \
    "$T/whole.verdicts" "$T/shards.verdicts"
check "the run log has shards 1 to 4 of 4, counting every link once" test \
    "$(pg_sql shards "SELECT string_agg(shard || '/' || shards, ' ' ORDER BY shard) || ' ' || sum(fine + broken + blocked) FROM syndic_runs")" \
    = "1/4 2/4 3/4 4/4 $NL"

# No host is seen by two shards: each shard alone, with a history file
# of its own, stores the links it checked.
ppids=
for k in 1 2 3 4; do
	$K $OPTS --history "$T/s$k.db" --shard $k/4 -q $IN >/dev/null 2>&1 &
	ppids="$ppids $!"
done
for p in $ppids; do wait "$p"; done
check "every host in one shard's history, every link in one" $PY -c '
import sqlite3, sys
seen, hosts, n = set(), {}, 0
for k in range(1, 5):
    for (u,) in sqlite3.connect(sys.argv[k]).execute("select url from links"):
        n += 1
        seen.add(u)
        h = u.split("/")[2]
        if hosts.setdefault(h, k) != k:
            print("host", h, "in shards", hosts[h], "and", k)
            sys.exit(1)
print(len(seen), n, len(hosts))
sys.exit(0 if len(seen) == n == int(sys.argv[5]) and len(hosts) == 16 else 1)' \
    "$T/s1.db" "$T/s2.db" "$T/s3.db" "$T/s4.db" $NL

# A Kubernetes Indexed Job: --shards 4 and JOB_COMPLETION_INDEX=1 are
# shard 2/4 (without a history: no failing streak to compare).
check_exit "JOB_COMPLETION_INDEX=1 --shards 4" 1 env JOB_COMPLETION_INDEX=1 \
    $K $OPTS --no-db --shards 4 --format json $IN
check "is shard 2/4, with shard 2/4's findings" $PY -c '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
vol = set(sys.argv[3].split())
k = lambda d: sorted(json.dumps({x: v for x, v in y.items() if x not in vol}, sort_keys=True) for y in d["diagnostics"])
sys.exit(0 if (a["run"]["shard"], a["run"]["shards"]) == (2, 4) and k(a) == k(b) else 1)' \
    "$T/stdout" "$T/s2.json" "$VOLATILE failures"

# --strict travels with the reports: warnings alone fail the merge when
# the shards ran with --strict, or when the merge is asked to.
for p in $PORTS; do
	echo "http://127.0.0.1:$p/redirect/301?to=/ok&w=1"
done >"$T/warn.txt"
ppids=
for k in 1 2; do
	$K $OPTS --no-db --shard $k/2 --format json "$T/warn.txt" \
	    >"$T/w$k.json" 2>/dev/null &
	ppids="$ppids $!"
	$K $OPTS --no-db --strict --shard $k/2 --format json "$T/warn.txt" \
	    >"$T/ws$k.json" 2>/dev/null &
	ppids="$ppids $!"
done
for p in $ppids; do wait "$p"; done
check_exit "warnings only: the merge exits 0" 0 $K --merge "$T/w1.json" \
    "$T/w2.json"
check_exit "shards run with --strict: 1" 1 $K --merge "$T/ws1.json" \
    "$T/ws2.json"
check_exit "the merge with --strict: 1" 1 $K --merge --strict "$T/w1.json" \
    "$T/w2.json"

# Killed mid-run with SIGKILL: what the shard committed is consistent,
# it logged no run, and a rerun completes the shard (--max-age skips
# what the killed run verified).  On each authority ten quick links and
# two that answer slowly the first time they are asked: after 2.5 s (its
# verdicts then find the queue 2 s old and commit it: SY_HISTORY_BATCH_S)
# and after 30 s (the run is still going when it is killed).
j=0
for p in $PORTS; do
	j=$((j + 1))
	i=0
	while [ $i -lt 10 ]; do
		i=$((i + 1))
		echo "http://127.0.0.1:$p/counter/k-$j-$i"
	done
	echo "http://127.0.0.1:$p/slow-once/a-$j?ms=2500"
	echo "http://127.0.0.1:$p/slow-once/b-$j?ms=30000"
done >"$T/slow.txt"
curl -s "$U/reset-stats" >/dev/null
$K $OPTS --timeout 60 --history "$PG_BASE/kill" --shard 2/4 "$T/slow.txt" \
    >/dev/null 2>&1 &
kpid=$!
tries=0
until [ "$(pg_sql kill "SELECT count(*) FROM syndic_links" 2>/dev/null)" -gt 0 ] 2>/dev/null ||
    [ $tries -ge 400 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
kill -9 $kpid
wait $kpid 2>/dev/null
rc=$?
check "the shard was killed by SIGKILL (status $rc)" test $rc -eq 137
n1=$(pg_sql kill "SELECT count(*) FROM syndic_links")
check "it had committed some verdicts, no run ($n1 links)" test "$n1" -gt 0 -a \
    "$(pg_sql kill "SELECT count(*) FROM syndic_runs")" -eq 0
check "each stored verdict is whole: fine, no failure, checked once" test \
    "$(pg_sql kill "SELECT count(*) FROM syndic_links WHERE NOT (outcome = 0 AND failures = 0 AND first_failure = 0 AND last_checked > 0 AND last_success = last_checked)")" \
    -eq 0
pg_sql kill "SELECT url FROM syndic_links" | sed 's|^http://127.0.0.1:[0-9]*||; s|?.*||' \
    >"$T/committed"
check_exit "the shard run again: exit 0" 0 $K $OPTS \
    --history "$PG_BASE/kill" --shard 2/4 --max-age 3600 --format json \
    "$T/slow.txt"
n2=$(pg_sql kill "SELECT count(*) FROM syndic_links")
check "now the shard's every link is stored ($n1, then $n2)" $PY -c '
import json, sys
r = json.load(open(sys.argv[1]))["run"]
n1, n2 = int(sys.argv[2]), int(sys.argv[3])
print(r)
sys.exit(0 if r["links"] == n2 > n1 and r["skipped"] == n1 and r["checked"] == n2 - n1 else 1)' \
    "$T/stdout" "$n1" "$n2"
check "one run logged: shard 2/4, every link fine or skipped" test \
    "$(pg_sql kill "SELECT shard || '/' || shards || ' ' || (fine + skipped) FROM syndic_runs")" \
    = "2/4 $n2"
check "what the killed run committed was not fetched again" sh -c '
while read -r p; do
	n=$(curl -s "'"$U"'/stats" | '"$PY"' -c "import json,sys; print(json.load(sys.stdin)[\"hits\"].get(sys.argv[1],0))" "$p")
	[ "$n" = 1 ] || { echo "$p: $n hits"; exit 1; }
done <"'"$T/committed"'"'

# Shards that do not exist: exit 2, a clear message, nothing checked.
curl -s "$U/reset-stats" >/dev/null
for s in 0/4 5/4 x/y 4 1/0 1/5000; do
	check_exit "--shard $s: exit 2" 2 $K $OPTS --no-db --shard "$s" \
	    "$T/urls.txt"
	check "--shard $s: says why, writes nothing" sh -c \
	    "grep -q 'syndic-links: --shard $s: ' '$T/stderr' && test ! -s '$T/stdout'"
done
check_exit "--shards 4 without JOB_COMPLETION_INDEX: exit 2" 2 env \
    -u JOB_COMPLETION_INDEX $K $OPTS --no-db --shards 4 "$T/urls.txt"
check_grep "says where the shard comes from" "JOB_COMPLETION_INDEX" \
    "$T/stderr"
check_exit "JOB_COMPLETION_INDEX=4 with --shards 4: exit 2" 2 env \
    JOB_COMPLETION_INDEX=4 $K $OPTS --no-db --shards 4 "$T/urls.txt"
check_grep "says the range" "it is 0 to 3" "$T/stderr"
check_exit "--shard 2/4 against JOB_COMPLETION_INDEX=0: exit 2" 2 env \
    JOB_COMPLETION_INDEX=0 $K $OPTS --no-db --shards 4 --shard 2/4 \
    "$T/urls.txt"
check_exit "--merge with --shard: exit 2" 2 $K --merge --shard 1/4 \
    "$T/s1.json"
check "none of them fetched anything" test "$(stats | $PY -c \
    'import json,sys; print(sum(json.load(sys.stdin)["hits"].values()))')" = 0

# Reports that do not make a whole audit: exit 2, every problem named,
# nothing merged, nothing on standard output.
head -c 600 "$T/s3.json" >"$T/cut.json"
: >"$T/empty.json"
$K $OPTS --no-db --shard 1/4 --format json "$T/warn.txt" >"$T/other.json" 2>/dev/null
$K $OPTS --no-db --shard 1/2 --format json $IN >"$T/half.json" 2>/dev/null
"$SY_BIN/syndic-lint" --format json fixtures/manifest/bad/site-rule.csv \
    >"$T/lint.json" 2>/dev/null
merr() { # DESC PATTERN REPORT...
	_d=$1
	_p=$2
	shift 2
	check_exit "$_d: exit 2" 2 $K --merge "$@"
	check "$_d: says \"$_p\", merges nothing" sh -c \
	    "grep -q -- '$_p' '$T/stderr' && grep -q 'nothing merged' '$T/stderr' && test ! -s '$T/stdout'"
}
merr "a shard missing" "shard 3/4 is missing" "$T/s1.json" "$T/s2.json" \
    "$T/s4.json"
merr "a report cut short" "shard 3/4: $T/cut.json is cut short" \
    "$T/s1.json" "$T/s2.json" "$T/cut.json" "$T/s4.json"
merr "a shard twice" "shard 2/4 is given twice" "$T/s1.json" "$T/s2.json" \
    "$T/s2.json" "$T/s3.json" "$T/s4.json"
merr "an empty report" "$T/empty.json: empty" "$T/s1.json" "$T/s2.json" \
    "$T/s3.json" "$T/empty.json"
merr "a shard of another audit" "shard 1/4 ($T/other.json) audited other inputs" \
    "$T/s2.json" "$T/other.json" "$T/s3.json" "$T/s4.json"
merr "a shard of another split" "is shard 1 of 2, but" "$T/s2.json" \
    "$T/half.json" "$T/s3.json" "$T/s4.json"
merr "a report of syndic-lint" "not a report of syndic-links" "$T/lint.json"
merr "a file that is not there" "$T/none.json: No such file" "$T/none.json"
printf '{"run": {"tool": "syndic-links"}}' >"$T/odd.json"
merr "a report that is not one" "is not one syndic-links writes" "$T/odd.json"
$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
d["summary"]["errors"] += 1
json.dump(d, open(sys.argv[2], "w"))' "$T/s1.json" "$T/edited.json"
merr "a summary that counts wrong" "counts" "$T/edited.json" "$T/s2.json" \
    "$T/s3.json" "$T/s4.json"
done_testing
