#!/bin/sh
# Crash safety: a build killed with SIGKILL at every file operation (an
# LD_PRELOAD shim counts them) leaves every feed either as it was or as
# the new build makes it, never half-written; the next run finishes the
# job and leaves no temporary file.  Then a full disk (ulimit -f): exit 2,
# a clear message, previous feeds intact, nothing left behind.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
cd "$SY_TOP" || exit 2

if ldd "$B" | grep -q libasan; then
	skip "the LD_PRELOAD shim does not mix with ASan"
	done_testing
	exit 0
fi
cc -shared -fPIC -O1 -o "$T/killat.so" tests/shim/killat.c -ldl ||
    { notok "building the shim"; done_testing; exit 0; }

FLAGS="--title News --link https://column.example.org/"
mkdir "$T/src"
cp -r feeds/columns.csv feeds/articles "$T/src/"
cp feeds/manifest.csv "$T/src/manifest.csv"
$B -q $FLAGS -o "$T/old" "$T/src/manifest.csv"
# The new manifest changes every feed: a new entry in each column.
{
	cat feeds/manifest.csv
	echo 'tn-new,tech-notes,新的一篇,https://column.example.org/tech-notes/2025/new,2025-03-01,,,,zh-Hant,,<p>新</p>,,,,,,,'
	echo 'vc-new,video-companion,A new one,https://column.example.org/video/2025/new,2025-03-02,,,,en,,<p>new</p>,,,,,,,'
	echo 'misc-new,,Another note,https://column.example.org/news/new,2025-03-03,,,,en,,<p>n</p>,,,,,,,'
} >"$T/src/manifest.csv"
$B -q $FLAGS -o "$T/new" "$T/src/manifest.csv"
check "old and new builds differ" sh -c "! diff -rq '$T/old' '$T/new' >/dev/null"

SY_KILL_COUNT="$T/count" LD_PRELOAD="$T/killat.so" \
    $B -q $FLAGS -o "$T/probe" "$T/src/manifest.csv"
total=$(cat "$T/count")
check "the shim saw the build's file operations ($total)" test "$total" -gt 10

# The renames into a feed's folder are made durable by one fsync of
# the folder, after the last of them and before any other folder's.
rm -rf "$T/out" "$T/ops"
cp -a "$T/old" "$T/out"
SY_KILL_LOG="$T/ops" LD_PRELOAD="$T/killat.so" \
    $B -q $FLAGS -o "$T/out" "$T/src/manifest.csv"
check "each feed folder synced once, after its renames" \
    $PY - "$T/ops" "$(cd "$T/out" && pwd -P)" <<'EOP'
import os, sys
ops, out = sys.argv[1], sys.argv[2]
pending, synced, renamed, bad = None, [], set(), 0
for line in open(ops):
    op, path = line.rstrip("\n").split(" ", 1)
    if op == "rename" and path.startswith(out + "/"):
        d = os.path.dirname(path)
        renamed.add(d)
        if pending not in (None, d):
            print("# %s renamed into before %s was synced" % (d, pending))
            bad += 1
        pending = d
    elif op == "fsync-folder" and path == pending:
        synced.append(path)
        pending = None
if pending is not None:
    print("# %s never synced" % pending)
    bad += 1
if sorted(synced) != sorted(renamed):
    print("# synced %s, renamed into %s" % (synced, sorted(renamed)))
    bad += 1
sys.exit(1 if bad or not renamed else 0)
EOP

bad=0
n=1
while [ "$n" -le "$total" ]; do
	rm -rf "$T/out"
	cp -a "$T/old" "$T/out"
	SY_KILL_AT=$n LD_PRELOAD="$T/killat.so" \
	    $B -q $FLAGS -o "$T/out" "$T/src/manifest.csv" 2>/dev/null
	for f in $(cd "$T/old" && find . -type f); do
		if ! cmp -s "$T/out/$f" "$T/old/$f" &&
		    ! cmp -s "$T/out/$f" "$T/new/$f"; then
			echo "# killed at $n: $f is neither old nor new"
			bad=$((bad + 1))
		fi
	done
	$B -q $FLAGS -o "$T/out" "$T/src/manifest.csv" 2>/dev/null
	if ! diff -r "$T/out" "$T/new" >/dev/null; then
		echo "# killed at $n: the next run did not finish the job"
		bad=$((bad + 1))
	fi
	n=$((n + 1))
done
check "killed at each of $total points: every feed old or new, rerun complete" \
    test "$bad" -eq 0

# A full disk: writes fail with EFBIG under a tiny file size limit.
rm -rf "$T/out"
cp -a "$T/old" "$T/out"
check_exit "file size limit: exit 2" 2 sh -c \
    "trap '' XFSZ; ulimit -f 1; exec $B -q $FLAGS -o '$T/out' '$T/src/manifest.csv'"
check_grep "says what failed" "File too large" "$T/stderr"
check "previous feeds intact after the failed write" diff -r "$T/old" "$T/out"
check "no temporary file left" test -z "$(find "$T/out" -name '.*.tmp')"
done_testing
