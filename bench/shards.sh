#!/bin/sh
# bench/shards.sh (make bench, BENCH_ONLY=shards): what splitting a link
# audit into shards costs.  100,000 distinct links over 128 authorities
# (nginx on 127.0.0.1-8, 16 ports each), checked by one syndic-links
# with 64 transfers, then by 4 shards of 16 and 8 shards of 8 run
# together (the same total concurrency), with no history, an SQLite
# history shared by the shards, and a PostgreSQL history (a throw-away
# server of tests/pg.sh on a Unix socket).  Each history starts empty,
# so every link is checked and recorded.  For each: wall time, links per
# second, peak memory (the largest process, and all of them together),
# the CPU time of the checkers, of nginx and of PostgreSQL; and the cost
# a shard pays alone: reading and hashing every link (--offline).
#
# Two tables.  nginx and PostgreSQL run on CPU 0.  In the first, the
# checkers run where the kernel puts them: more processes use both
# cores, which is what sharding buys on one machine.  In the second,
# every checker is pinned to CPU 1: the same CPU and the same total
# concurrency for 1, 4 or 8 processes, so the difference is what
# sharding costs (the work every shard repeats, more processes and
# connections), not what it gains.
#
# BENCH_SHARD_URLS (100000), BENCH_SHARD_REPEAT (3: runs of each, the
# median reported; the configurations take turns, so that the drift of
# this kind of machine touches them all alike).  Servers listen on
# 127.0.0.x only and are stopped by pid.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
W="$top/bench/work/shards"
N=${BENCH_SHARD_URLS:-100000}
REPEAT=${BENCH_SHARD_REPEAT:-3}
PY=/usr/bin/python3
K="$top/$B/syndic-links"
mkdir -p "$W/nginx/logs"
rm -f "$W"/*.db "$W"/*.db-* "$W"/*.lock

nginx=$(command -v nginx || echo /usr/sbin/nginx)
ports=$($PY -c '
import socket
s = [socket.socket() for _ in range(16)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))
for x in s: x.close()')
listen=""
for i in 1 2 3 4 5 6 7 8; do
	for p in $ports; do
		listen="$listen listen 127.0.0.$i:$p;"
	done
done
cat >"$W/nginx/nginx.conf" <<EOC
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/logs/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 100000;
	server {
		$listen
		location / { default_type text/html; return 200 "<p>ok</p>"; }
	}
}
EOC
# The servers on CPU 0 (they inherit this shell's affinity), the
# checkers free or on CPU 1.
ncpu=$(nproc)
pin=
if [ "$ncpu" -ge 2 ]; then
	taskset -cp 0 $$ >/dev/null
	pin="taskset -c 1"
fi
"$nginx" -p "$W/nginx" -c "$W/nginx/nginx.conf" -g 'daemon off;' &
npid=$!
. "$top/tests/pg.sh"
cleanup() {
	kill "$npid" 2>/dev/null
	wait "$npid" 2>/dev/null
	pg_stop
}
trap cleanup EXIT
first=${ports%% *}
tries=0
until curl -s "http://127.0.0.1:$first/" >/dev/null || [ $tries -ge 100 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
pg_start || exit 1
[ -n "$pin" ] && taskset -cp "0-$((ncpu - 1))" $$ >/dev/null
$PY - "$N" "$W/urls.txt" $ports <<'EOP'
import sys
n, out, ports = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
with open(out, "w") as f:
    for i in range(n):
        f.write("http://127.0.0.%d:%s/article/%d\n"
                % (i % 8 + 1, ports[(i // 8) % len(ports)], i))
EOP

# cpu PID: user + system seconds of PID and of its children waited for
# (the PostgreSQL backends of finished connections, nginx's workers).
hz=$(getconf CLK_TCK)
cpu() {
	total=0
	for p in "$@"; do
		[ -r "/proc/$p/stat" ] || continue
		t=$(sed 's/^.*) //' "/proc/$p/stat" |
		    awk '{print $12 + $13 + $14 + $15}')
		total=$((total + t))
	done
	echo "$total"
}
nginx_pids() { echo "$npid $(pgrep -P "$npid" | tr '\n' ' ')"; }

# run HISTORY SHARDS [PIN]: one run of the audit split into SHARDS
# processes (64 transfers in all) against HISTORY (none, sqlite,
# postgresql), each process under GNU time (and under PIN, a taskset).
# Appends "wall links/s maxMiB sumMiB clientCPU nginxCPU pgCPU
# exitcodes" to $W/res.HISTORY.SHARDS.TABLE.
run() {
	h=$1
	n=$2
	cpus=${3:-}
	case $h in
	none) hist="--no-db" ;;
	sqlite)
		rm -f "$W/links.db" "$W/links.db-wal" "$W/links.db-shm" \
		    "$W"/links.db*.lock
		hist="--history $W/links.db"
		;;
	postgresql)
		pg_sql postgres "DROP DATABASE IF EXISTS bench" >/dev/null
		pg_sql postgres "CREATE DATABASE bench" >/dev/null
		hist="--history $PG_BASE/bench"
		;;
	esac
	jobs=$((64 / n))
	n0=$(cpu $(nginx_pids))
	p0=$(cpu "$PG_PID" $(pgrep -P "$PG_PID"))
	t0=$(date +%s.%N)
	pids=
	k=1
	while [ $k -le "$n" ]; do
		shard=
		[ "$n" -gt 1 ] && shard="--shard $k/$n"
		# shellcheck disable=SC2086
		$cpus /usr/bin/time -f '%M %U %S %x' -o "$W/time.$k" "$K" -q \
		    --allow-private --interval 0 --jobs $jobs $hist $shard \
		    "$W/urls.txt" >"$W/out.$k" 2>&1 &
		pids="$pids $!"
		k=$((k + 1))
	done
	for p in $pids; do wait "$p"; done
	t1=$(date +%s.%N)
	n1=$(cpu $(nginx_pids))
	p1=$(cpu "$PG_PID" $(pgrep -P "$PG_PID"))
	cat "$W"/time.* | awk -v t0="$t0" -v t1="$t1" -v N="$N" \
	    -v nc=$((n1 - n0)) -v pc=$((p1 - p0)) -v hz="$hz" '
	    { m = $1 / 1024; if (m > max) max = m; sum += m; cpu += $2 + $3
	      codes = codes $4 }
	    END { w = t1 - t0; printf "%.2f %.0f %.1f %.1f %.2f %.2f %.2f %s\n",
	          w, N / w, max, sum, cpu, nc / hz, pc / hz, codes }' \
	    >>"$W/res.$h.$n.${cpus:+pinned}"
	rm -f "$W"/time.*
}

# median FILE COLUMN
median() {
	sort -n -k"$2" "$1" | awk -v c="$2" '{v[NR] = $c} END {print v[int((NR + 1) / 2)]}'
}

table() { # SUFFIX TITLE
	echo "$2"
	printf '%-11s %6s %8s %9s %9s %9s %8s %8s %8s  %s\n' history \
	    shards "wall s" "links/s" "max MiB" "sum MiB" "cpu s" "nginx s" \
	    "pg s" "vs 1 shard"
	for h in none sqlite postgresql; do
		base=$(median "$W/res.$h.1.$1" 2)
		for n in 1 4 8; do
			f="$W/res.$h.$n.$1"
			rate=$(median "$f" 2)
			printf '%-11s %6s %8s %9s %9s %9s %8s %8s %8s  %s\n' \
			    "$h" "$n" "$(median "$f" 1)" "$rate" \
			    "$(median "$f" 3)" "$(median "$f" 4)" \
			    "$(median "$f" 5)" "$(median "$f" 6)" \
			    "$(median "$f" 7)" \
			    "$(echo "($rate - $base) * 100 / $base" | bc -l |
			    xargs printf '%+.1f%%')"
		done
	done
}

rm -f "$W"/res.*
echo "== shards: $N links over 128 authorities (nginx, 127.0.0.1-8 x 16 ports), 64 transfers in all, --interval 0"
r=0
while [ $r -lt "$REPEAT" ]; do
	for h in none sqlite postgresql; do
		for n in 1 4 8; do
			run $h $n
			[ -n "$pin" ] && run $h $n "$pin"
		done
	done
	r=$((r + 1))
done
table "" "-- the checkers on any CPU (nginx and PostgreSQL on CPU 0)"
[ -n "$pin" ] && table pinned "-- every checker on CPU 1: the cost of sharding"
echo "   (median of $REPEAT; every run's numbers and exit codes in $W/res.*)"
# What one shard pays alone, whatever its share: reading every input and
# hashing every link (no network, no history).
for n in 1 8; do
	shard=
	[ "$n" -gt 1 ] && shard="--shard 1/$n"
	# shellcheck disable=SC2086
	/usr/bin/time -f '%e %M' -o "$W/off.time" "$K" -q --offline --no-db \
	    $shard "$W/urls.txt" >/dev/null 2>&1
	echo "   --offline ${shard:-(whole)}: $(cut -d' ' -f1 "$W/off.time") s," \
	    "$(awk '{printf "%.1f", $2 / 1024}' "$W/off.time") MiB: read," \
	    "check syntax${shard:+ and hash} of all $N links"
done
