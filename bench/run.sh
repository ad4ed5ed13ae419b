#!/bin/sh
# make bench: the numbers behind the issue notes, side by side in one run.
#   build: syndic-build vs the npm "feed" package (RSS + Atom from the same
#          CSV through csv-parse's streaming parser), 100,000 and 1,000,000
#          rows: wall time and peak memory (GNU time).
#   lint:  syndic-lint vs a bare libcsv parse of the same file (the floor).
#   links: syndic-links vs linkinator (npm) and LinkChecker (Debian) on
#          10,000 distinct URLs over 8 loopback hosts served by nginx, with
#          wrk's request rate on the same server as the ceiling.
#   no limit: the same rows without the columns' limits, every row in
#          the feeds, at every size, beside the floor (a bare libcsv
#          parse plus cat of the same number of bytes, and the same with
#          an fsync of what cat wrote, as syndic-build does) and peak memory
#          against the size of the feeds; npm feed once beyond 100,000
#          rows, stopped after BENCH_NPM_TIMEOUT seconds (default 600).
#   rebuild: a one-row manifest built again unchanged (median of 50).
#   read back: the no-limit feeds of up to 100,000 rows parsed by libxml2
#          and jansson and compared with the entries (bench/readback.c).
# BENCH_ROWS="100000 1000000" and BENCH_URLS=10000 change the sizes,
# BENCH_REPEAT=3 the runs of each command (the median is reported);
#   shards: syndic-links split into 4 and 8 shards against one run, on
#          100,000 links, with no, SQLite and PostgreSQL history
#          (bench/shards.sh says how).
# BENCH_ONLY=build|lint|links|report|rebuild|shards runs one part; BENCH_NO_LINKCHECKER=1 skips
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
		# The wall time to the millisecond (GNU time's %e has two
		# decimals: 0.13 and 0.14 s are 7% apart), /usr/bin/time's
		# own start included, for every command alike.
		t0=$(date +%s%N)
		/usr/bin/time -f '%M' -o "$W/time.out" "$@" >"$W/cmd.out" 2>&1
		rc=$?
		t1=$(date +%s%N)
		echo "$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc |
		    sed 's/^\./0./') $(tail -n 1 "$W/time.out")" >>"$W/runs.out"
		k=$((k + 1))
	done
	secs=$(sort -n "$W/runs.out" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
	kb=$(sort -n -k2 "$W/runs.out" | tail -n 1 | cut -d' ' -f2)
	printf '%-44s %8s s %8.1f MiB  (exit %s; %s)\n' "$label" "$secs" \
	    "$(echo "${kb:-0} / 1024" | bc -l)" "$rc" \
	    "$(cut -d' ' -f1 "$W/runs.out" | tr '\n' ' ' | sed 's/ $//')"
	echo "$secs" >"$W/last.secs"
	echo "${kb:-0}" >"$W/last.kb"
	echo "$rc" >"$W/last.rc"
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
			# (at 100,000 rows: 315 MiB of feeds, at 1,000,000:
			# 3.1 GiB), against the floor: the bare libcsv parse of
			# the manifest plus writing as many bytes with cat.
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
			kb1=$(cat "$W/last.kb")
			outkb=$(du -ck "$u/out"/*/* | tail -n 1 | cut -f1)
			echo "   $((outkb / 1024)) MiB of feeds; peak memory" \
			    "$(echo "$kb1 * 100 / $outkb" | bc -l | cut -c1-5)% of it"
			measure "floor: bare libcsv parse" "$W/csvfloor" \
			    "$d/manifest.csv"
			f1=$(cat "$W/last.secs")
			m1=$(cut -d' ' -f1 "$W/runs.out" | sort -n | head -n 1)
			BEFORE="rm -f '$W/cat.out'" measure \
			    "floor: cat of the same bytes" sh -c \
			    "cat '$u/out'/*/* >'$W/cat.out'"
			f2=$(cat "$W/last.secs")
			m2=$(cut -d' ' -f1 "$W/runs.out" | sort -n | head -n 1)
			rm -f "$W/cat.out"
			echo "   syndic-build takes $(echo "$s1 / ($f1 + $f2)" |
			    bc -l | cut -c1-5)x the floor ($f1 s + $f2 s)"
			# cat's time swings most (the page cache it fills is
			# new memory each run): against the fastest run of
			# each, the harder ratio.
			echo "   and $(echo "$s1 / ($m1 + $m2)" | bc -l |
			    cut -c1-5)x its fastest runs ($m1 s + $m2 s)"
			# syndic-build's files are on disk when it ends
			# (fsync before the renames); cat's are not.  The
			# same cat, then sync(1) of its file: the floor of
			# output that survives a crash.
			BEFORE="rm -f '$W/cat.out'" measure \
			    "floor: the same cat, then fsync" sh -c \
			    "cat '$u/out'/*/* >'$W/cat.out' && sync '$W/cat.out'"
			f3=$(cat "$W/last.secs")
			rm -f "$W/cat.out"
			echo "   and $(echo "$s1 / ($f1 + $f3)" | bc -l |
			    cut -c1-5)x that durable floor ($f1 s + $f3 s)"
			# libxml2 and jansson read the feeds back to the
			# entries written (a parse into trees: up to 100,000).
			if [ "$n" -le 100000 ]; then
				"$top/$B/bench/readback" "$u/manifest.csv" \
				    "$u/columns.csv" "$u/out" >"$W/readback.out"
				echo "   read back by libxml2 and jansson (exit" \
				    "$?): $(tail -n 1 "$W/readback.out")"
			fi
			if [ -d "$W/node_modules/feed" ]; then
				# Beyond 100,000 rows once, and at most
				# BENCH_NPM_TIMEOUT seconds (default 600).
				keep=$REPEAT
				[ "$n" -le 100000 ] || REPEAT=1
				BEFORE="rm -rf '$u/npm'" measure \
				    "npm feed 4 + csv-parse (RSS+Atom)" \
				    timeout "${BENCH_NPM_TIMEOUT:-600}" \
				    env NODE_PATH="$W/node_modules" node \
				    --max-old-space-size=16000 \
				    "$top/bench/npmfeed.js" \
				    "$u/manifest.csv" "$u/columns.csv" \
				    "$u/npm"
				REPEAT=$keep
				s2=$(cat "$W/last.secs")
				if [ "$(cat "$W/last.rc")" = 0 ]; then
					echo "   syndic-build is $(echo "$s2 / $s1" |
					    bc -l | cut -c1-5)x faster"
				else
					echo "   npm feed failed or timed out" \
					    "(exit $(cat "$W/last.rc")):" \
					    "$(tail -n 1 "$W/cmd.out")"
				fi
				rm -rf "$u/npm"
			fi
			rm -rf "$u/out"
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

if [ "$ONLY" = all ] || [ "$ONLY" = build ] || [ "$ONLY" = rebuild ]; then
	# A publish script runs syndic-build after every edit: a one-row
	# manifest built again, unchanged, must take under 5 ms and write
	# nothing (every file keeps its inode and its mtime).  The median of
	# 50 runs, spawned from Python; /bin/true spawned the same way is
	# the cost of the spawn alone.
	r="$W/one"
	rm -rf "$r"
	mkdir -p "$r"
	printf 'id,title,link,published\na1,T,https://example.org/a1,2025-01-28\n' \
	    >"$r/manifest.csv"
	"$top/$B/syndic-build" -q --base-url https://example.org/f/ \
	    -o "$r/out" "$r/manifest.csv"
	echo "== a one-row rebuild, unchanged"
	$PY - "$top/$B/syndic-build" "$r" <<'EOP'
import os, statistics, subprocess, sys, time
b, r = sys.argv[1], sys.argv[2]
def stamp():
    out = {}
    for d, _, fs in os.walk(r + "/out"):
        for f in fs:
            st = os.stat(os.path.join(d, f))
            out[os.path.join(d, f)] = (st.st_ino, st.st_mtime_ns)
    return out
def median(cmd):
    t = []
    for _ in range(50):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True)
        t.append(time.perf_counter() - t0)
    return statistics.median(t) * 1000
before = stamp()
ms = median([b, "-q", "--base-url", "https://example.org/f/", "-o",
             r + "/out", r + "/manifest.csv"])
spawn = median(["/bin/true"])
same = stamp() == before
print("%-44s %8.2f ms  (spawning /bin/true: %.2f ms)" %
      ("syndic-build, one row, unchanged", ms, spawn))
print("   %d files, %s" % (len(before), "none written (same inodes, same "
      "mtimes)" if same else "SOME WRITTEN"))
EOP
fi

# ---- report (issue 11): the HTML page of a 10,000-link run --------------
# A manifest of $URLS/4 rows with four links each ($URLS distinct URLs
# over 4 loopback hosts, nginx): 70% fine, 15% 404, 10% 301, 5% 429.  One
# real run fills a history; then the page of that run is written from the
# history (--history-report: no network, the same gathering and history
# reads for every format), beside the text and JSON reports of the same,
# so the difference is the page's cost.  Its size is printed too.
if [ "$ONLY" = all ] || [ "$ONLY" = report ]; then
	echo "== report: the page of a $URLS-link run (history of one run)"
	nginx=$(command -v nginx || echo /usr/sbin/nginx)
	rport=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
	R="$W/report"
	rm -rf "$R"
	mkdir -p "$R/nginx/logs"
	listen=""
	for i in 1 2 3 4; do
		listen="$listen listen 127.0.0.$i:$rport;"
	done
	cat >"$R/nginx/nginx.conf" <<EOC
worker_processes 2;
pid $R/nginx/nginx.pid;
error_log $R/nginx/logs/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 100000;
	server {
		$listen
		location /gone/ { return 404; }
		location /moved/ { return 301 /ok/; }
		location /busy/ { return 429; }
		location / { default_type text/html; return 200 "<p>ok</p>"; }
	}
}
EOC
	"$nginx" -p "$R/nginx" -c "$R/nginx/nginx.conf" -g 'daemon off;' &
	rpid=$!
	tries=0
	until curl -s "http://127.0.0.1:$rport/" >/dev/null ||
	    [ $tries -ge 100 ]; do
		sleep 0.05
		tries=$((tries + 1))
	done
	$PY - "$rport" "$URLS" "$R/manifest.csv" <<'EOP'
import sys
port, n, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def url(i):
    k = i % 20
    kind = "ok" if k < 14 else "gone" if k < 17 else "moved" if k < 19 \
        else "busy"
    return "http://127.0.0.%d:%d/%s/%d" % (i % 4 + 1, port, kind, i)
with open(out, "w", encoding="utf-8") as f:
    f.write("id,title,link,published,content\n")
    for r in range(n // 4):
        a, b, c, d = (url(4 * r + j) for j in range(4))
        f.write('r%d,專欄第 %d 篇：開源模型後來居上？,%s,2025-01-28,'
                '"<p><a href=""%s"">一</a> <a href=""%s"">二</a> '
                '<a href=""%s"">三</a></p>"\n' % (r, r, a, b, c, d))
EOP
	"$top/$B/syndic-links" -q --db "$R/links.db" --allow-private \
	    --interval 0 --retries 0 "$R/manifest.csv" >/dev/null
	$PY -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute(
    "select fine, broken, blocked, redirected from runs").fetchone()
print("   the run: %d fine, %d broken, %d blocked, %d redirected" % r)' \
	    "$R/links.db"
	for f in text json html; do
		measure "--history-report --format $f" "$top/$B/syndic-links" \
		    --history-report --db "$R/links.db" --format $f \
		    -o "$R/report.$f" "$R/manifest.csv"
		echo "$(cat "$W/last.secs")" >"$R/$f.secs"
	done
	echo "   page: $(wc -c <"$R/report.html") bytes ($(echo "$(wc -c <"$R/report.html") / 1048576" | bc -l | cut -c1-4) MiB), $(grep -c 'data-v=' "$R/report.html") problem rows; json $(wc -c <"$R/report.json") bytes"
	echo "   the page costs $(echo "$(cat "$R/html.secs") - $(cat "$R/text.secs")" | bc -l) s over the text report"
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
fi
# ---- end of report -------------------------------------------------------

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
