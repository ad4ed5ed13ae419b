#!/bin/sh
# make bench: the numbers behind the issue notes, side by side in one run.
#   build: syndic-build vs the npm "feed" package (RSS + Atom from the same
#          CSV through csv-parse's streaming parser), 100,000 and 1,000,000
#          rows: wall time and peak memory (GNU time).
#   lint:  syndic-lint vs a bare libcsv parse of the same file (the floor).
#   links: syndic-links vs linkinator (npm) and LinkChecker (Debian) on
#          10,000 distinct URLs over 8 loopback hosts served by nginx, with
#          wrk's request rate on the same server as the ceiling.
# BENCH_ROWS="100000 1000000" and BENCH_URLS=10000 change the sizes,
# BENCH_REPEAT=3 the runs of each command (the median is reported);
#   shards: syndic-links split into 4 and 8 shards against one run, on
#          100,000 links, with no, SQLite and PostgreSQL history
#          (bench/shards.sh says how).
# BENCH_ONLY=build|lint|links|shards runs one part; BENCH_NO_LINKCHECKER=1 skips
# LinkChecker (run once: about 11 minutes for 10,000 URLs).  Everything
# runs on this machine; the servers listen on 127.0.0.x only and are
# stopped by pid.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
W="$top/bench/work"
ROWS=${BENCH_ROWS:-"100000 1000000"}
URLS=${BENCH_URLS:-10000}
ONLY=${BENCH_ONLY:-all}
PY=/usr/bin/python3
mkdir -p "$W"
command -v node >/dev/null || sh "$top/tests/deps.sh" nodejs npm
if [ ! -d "$W/node_modules/feed" ] || [ ! -d "$W/node_modules/linkinator" ]; then
	(cd "$W" && { [ -f package.json ] || npm init -y >/dev/null; } &&
	    npm install --no-audit --no-fund feed@4 csv-parse@5 \
	    linkinator@6 >/dev/null 2>&1) ||
	    echo "bench: npm install failed; the npm baselines are skipped"
fi
cc -O2 -o "$W/csvfloor" "$top/bench/csvfloor.c" -lcsv

# measure LABEL CMD...: one line "LABEL  seconds  peak-MiB", the median
# wall time of BENCH_REPEAT runs (default 3: this kind of machine's speed
# drifts by up to 2x from one minute to the next) and the largest peak.
REPEAT=${BENCH_REPEAT:-3}
measure() {
	label=$1
	shift
	: >"$W/runs.out"
	k=0
	while [ $k -lt "$REPEAT" ]; do
		# BEFORE: a command run before each run, outside the timing.
		[ -z "${BEFORE:-}" ] || sh -c "$BEFORE"
		/usr/bin/time -f '%e %M' -o "$W/time.out" "$@" >"$W/cmd.out" 2>&1
		rc=$?
		tail -n 1 "$W/time.out" >>"$W/runs.out"
		k=$((k + 1))
	done
	secs=$(sort -n "$W/runs.out" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	kb=$(sort -n -k2 "$W/runs.out" | tail -n 1 | cut -d' ' -f2)
	printf '%-44s %8s s %8.1f MiB  (exit %s; %s)\n' "$label" "$secs" \
	    "$(echo "${kb:-0} / 1024" | bc -l)" "$rc" \
	    "$(cut -d' ' -f1 "$W/runs.out" | tr '\n' ' ' | sed 's/ $//')"
	echo "$secs" >"$W/last.secs"
}

if [ "$ONLY" = all ] || [ "$ONLY" = build ] || [ "$ONLY" = lint ]; then
	for n in $ROWS; do
		d="$W/m$n"
		[ -s "$d/manifest.csv" ] || $PY "$top/bench/gen.py" "$n" "$d"
		size=$(du -m "$d/manifest.csv" | cut -f1)
		echo "== $n rows ($size MiB manifest, 3 columns, limit 100 each)"
		if [ "$ONLY" != lint ]; then
			BEFORE="rm -rf '$d/out'" measure \
			    "syndic-build (RSS+Atom+JSON)" \
			    "$top/$B/syndic-build" -q -o "$d/out" "$d/manifest.csv"
			s1=$(cat "$W/last.secs")
			if [ "$n" -le 100000 ]; then
				BEFORE="rm -rf '$d/out'" measure \
				    "syndic-build on one core (taskset -c 0)" \
				    taskset -c 0 "$top/$B/syndic-build" -q \
				    -o "$d/out" "$d/manifest.csv"
			fi
			if [ -d "$W/node_modules/feed" ]; then
				BEFORE="rm -rf '$d/npm'" measure \
				    "npm feed 4 + csv-parse (RSS+Atom)" env \
				    NODE_PATH="$W/node_modules" node \
				    --max-old-space-size=16000 \
				    "$top/bench/npmfeed.js" "$d/manifest.csv" \
				    "$d/columns.csv" "$d/npm"
				s2=$(cat "$W/last.secs")
				echo "   syndic-build is $(echo "$s2 / $s1" | bc -l |
				    cut -c1-5)x faster"
			fi
			# What a new user has: no limit, every row in the feeds
			# (at 100,000 rows: 320 MB of feeds).
			if [ "$n" -le 100000 ]; then
				u="$W/u$n"
				mkdir -p "$u"
				ln -sf "$d/manifest.csv" "$u/manifest.csv"
				sed 's/,100\(\r\{0,1\}\)$/,\1/' "$d/columns.csv" \
				    >"$u/columns.csv"
				echo "-- the same rows, no limit: every row in the feeds"
				BEFORE="rm -rf '$u/out'" measure \
				    "syndic-build (RSS+Atom+JSON)" \
				    "$top/$B/syndic-build" -q --columns \
				    "$u/columns.csv" -o "$u/out" "$u/manifest.csv"
				s1=$(cat "$W/last.secs")
				echo "   $(du -cm "$u/out"/*/* | tail -n 1 |
				    cut -f1) MiB of feeds"
				if [ -d "$W/node_modules/feed" ]; then
					BEFORE="rm -rf '$u/npm'" measure \
					    "npm feed 4 + csv-parse (RSS+Atom)" \
					    env NODE_PATH="$W/node_modules" node \
					    --max-old-space-size=16000 \
					    "$top/bench/npmfeed.js" \
					    "$u/manifest.csv" "$u/columns.csv" \
					    "$u/npm"
					s2=$(cat "$W/last.secs")
					echo "   syndic-build is $(echo "$s2 / $s1" |
					    bc -l | cut -c1-5)x faster"
				fi
			fi
		fi
		if [ "$ONLY" != build ]; then
			measure "syndic-lint" "$top/$B/syndic-lint" -q \
			    "$d/manifest.csv"
			s1=$(cat "$W/last.secs")
			measure "bare libcsv parse (the floor)" "$W/csvfloor" \
			    "$d/manifest.csv"
			s2=$(cat "$W/last.secs")
			echo "   syndic-lint runs at $(echo "$s2 / $s1 * 100" |
			    bc -l | cut -c1-5)% of the floor's speed"
		fi
	done
fi

# ---- shards (issue 14): its own script, its own servers ----------------
if [ "$ONLY" = all ] || [ "$ONLY" = shards ]; then
	B=$B sh "$top/bench/shards.sh" || echo "bench: the shards part failed"
fi
# ---- end of shards ----------------------------------------------------

[ "$ONLY" = all ] || [ "$ONLY" = links ] || exit 0
echo "== links: $URLS distinct URLs over 8 hosts (127.0.0.1-8), nginx"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
mkdir -p "$W/nginx/logs"
listen=""
for i in 1 2 3 4 5 6 7 8; do
	listen="$listen listen 127.0.0.$i:$port;"
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
"$nginx" -p "$W/nginx" -c "$W/nginx/nginx.conf" -g 'daemon off;' &
npid=$!
trap 'kill $npid 2>/dev/null; wait $npid 2>/dev/null' EXIT
tries=0
until curl -s "http://127.0.0.1:$port/" >/dev/null || [ $tries -ge 100 ]; do
	sleep 0.05
	tries=$((tries + 1))
done
$PY - "$port" "$URLS" "$W" <<'EOP'
import sys
port, n, w = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
urls = ["http://127.0.0.%d:%d/article/%d" % (i % 8 + 1, port, i)
        for i in range(n)]
open(w + "/urls.txt", "w").write("\n".join(urls) + "\n")
open(w + "/links.html", "w").write(
    "<html><body>\n" + "\n".join('<a href="%s">%d</a>' % (u, i)
                                 for i, u in enumerate(urls)) +
    "\n</body></html>\n")
EOP
keep=$REPEAT
REPEAT=1 # a minute a run: once is enough
measure "syndic-links, defaults (4/host, 50 ms apart)" \
    "$top/$B/syndic-links" -q --no-db --allow-private "$W/urls.txt"
REPEAT=$keep
s0=$(cat "$W/last.secs")
echo "   $(echo "$URLS / $s0" | bc -l | cut -d. -f1) URLs/s: the politeness gap caps one host at 20 requests/s"
measure "syndic-links --interval 0 (4/host, 64 in all)" \
    "$top/$B/syndic-links" -q --no-db --allow-private --interval 0 \
    "$W/urls.txt"
s1=$(cat "$W/last.secs")
echo "   $(echo "$URLS / $s1" | bc -l | cut -d. -f1) URLs/s; $(grep -c . "$W/cmd.out") problems reported"
if [ -d "$W/node_modules/linkinator" ]; then
	measure "linkinator 6 (concurrency 64)" env NODE_PATH="$W/node_modules" \
	    node "$W/node_modules/linkinator/build/src/cli.js" \
	    --concurrency 64 --timeout 20000 "$W/links.html"
	s2=$(cat "$W/last.secs")
	echo "   syndic-links is $(echo "$s2 / $s1" | bc -l | cut -c1-5)x linkinator's throughput"
fi
if [ -z "${BENCH_NO_LINKCHECKER:-}" ] && command -v linkchecker >/dev/null; then
	keep=$REPEAT
	REPEAT=1 # over ten minutes a run: once is enough
	measure "LinkChecker (threads 64)" linkchecker --no-status \
	    --threads 64 --check-extern --no-robots "$W/links.html"
	REPEAT=$keep
	s3=$(cat "$W/last.secs")
	echo "   syndic-links is $(echo "$s3 / $s1" | bc -l | cut -c1-5)x LinkChecker's throughput"
fi
if command -v wrk >/dev/null; then
	wrk -t2 -c64 -d5s "http://127.0.0.1:$port/article/1" >"$W/wrk.out" 2>&1
	rate=$(awk '/Requests\/sec/ {print $2}' "$W/wrk.out")
	echo "wrk ceiling (2 threads, 64 connections): $rate requests/s"
	echo "   syndic-links reaches $(echo "$URLS / $s1 / $rate * 100" | bc -l | cut -c1-5)% of it"
fi
