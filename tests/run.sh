#!/bin/sh
# Runs every unit test ($B/tests/*_test) and every end-to-end script
# (tests/cli/*.t), each a TAP producer, and counts the results.  With
# ASAN_B set, the whole suite runs a second time against the sanitizer
# build, beside the plain one when there are two processors or more (its
# lines follow the plain suite's; the tests of one suite run one at a
# time); with VALGRIND set, the plain unit tests run under valgrind.  The
# last line is "N passed, N failed".
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
pass=0
fail=0
log=$(mktemp)
alog=$(mktemp)
alines=$(mktemp)
acount=$(mktemp)
trap 'rm -f "$log" "$alog" "$alines" "$acount"' EXIT

run_one() { # label command...
	label=$1
	shift
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $label exited with status $rc"
	fi
	if [ "$f" -ne 0 ]; then
		echo "# $label: $p passed, $f failed (${secs} s)"
		grep -v '^ok ' "$log" | sed 's/^/#   /' | head -n 60
	else
		echo "# $label: $p passed (${secs} s)"
	fi
	pass=$((pass + p))
	fail=$((fail + f))
}

suite() { # build-dir tag
	bdir=$1
	tag=$2
	for t in "$top/$bdir"/tests/*_test; do
		[ -x "$t" ] || continue
		if [ -n "$VALGRIND" ] && [ "$tag" = plain ]; then
			run_one "$tag unit/${t##*/} (valgrind)" valgrind -q \
			    --error-exitcode=99 --leak-check=full \
			    --errors-for-leak-kinds=definite "$t"
		else
			run_one "$tag unit/${t##*/}" "$t"
		fi
	done
	for t in "$top"/tests/cli/*.t; do
		[ -f "$t" ] || continue
		run_one "$tag cli/${t##*/}" env SY_BIN="$top/$bdir" \
		    SY_TOP="$top" sh "$t"
	done
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$top" || exit 2
ncpu=$(nproc 2>/dev/null || echo 1)
apid=
if [ -n "$ASAN_B" ] && [ "$ncpu" -ge 2 ]; then
	# The sanitizer suite beside the plain one, in a subshell with its
	# own log; its lines and counts are taken after the plain suite.
	(
		log=$alog
		pass=0
		fail=0
		suite "$ASAN_B" asan >"$alines"
		echo "$pass $fail" >"$acount"
	) &
	apid=$!
fi
suite "$B" plain
if [ -n "$apid" ]; then
	wait "$apid" || true
	cat "$alines"
	if read -r ap af <"$acount" && [ -n "$af" ]; then
		pass=$((pass + ap))
		fail=$((fail + af))
	else
		echo "not ok - the sanitizer suite ended without its counts"
		fail=$((fail + 1))
	fi
elif [ -n "$ASAN_B" ]; then
	suite "$ASAN_B" asan
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
