#!/bin/sh
# tests/fuzz/run.sh [--replay] [TARGET...]: builds libsyndic and the
# libFuzzer targets tests/fuzz/fuzz_*.c with clang under build/fuzz/,
# then either
#   fuzzes each target for FUZZ_SECONDS (default 60) from a seed corpus
#   rebuilt from the fixtures (build/fuzz/corpus/<target>/), FUZZ_JOBS
#   targets at a time (default 1), and prints a table: target,
#   executions, coverage (cov: and ft:), crashes; or, with --replay,
#   runs each target once over its regression inputs fixtures/fuzz/<target>/.
# Crash inputs go to build/fuzz/artifacts/<target>/.  Exit status 1 when
# a target crashed (or leaked, or timed out), 2 when the build failed.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
B=build/fuzz
CC=${FUZZ_CC:-clang}
SAN=-fsanitize=address,undefined
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
replay=0
if [ "$1" = --replay ]; then
	replay=1
	shift
fi
targets=$*
if [ -z "$targets" ]; then
	for f in tests/fuzz/fuzz_*.c; do
		t=${f#tests/fuzz/fuzz_}
		targets="$targets ${t%.c}"
	done
fi

command -v "$CC" >/dev/null 2>&1 || { echo "run.sh: no $CC" >&2; exit 2; }

# The library, with the fuzzer's coverage hooks and the sanitizers.  The
# variables of a calling make (B, CFLAGS, WERROR) must not leak in.
unset MAKEFLAGS MFLAGS MAKELEVEL
make --no-print-directory -s -j2 B=$B CC="$CC" \
    CFLAGS="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $SAN" \
    $B/libsyndic.a || exit 2
# The libraries are the Makefile's (one list: PKGS).
PKGS=$(sed -n 's/^PKGS = //p' Makefile)
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I. -Wall \
    -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
    -Wwrite-strings -Wformat=2 -Wvla -g -O1 -fno-omit-frame-pointer $(pkg-config --cflags $PKGS)"
libs="$(pkg-config --libs $PKGS) -lcsv -ldl -lresolv -lm -pthread"
mkdir -p $B/bin
for t in $targets; do
	src=tests/fuzz/fuzz_$t.c
	bin=$B/bin/fuzz_$t
	[ -f "$src" ] || { echo "run.sh: no target $t" >&2; exit 2; }
	stale=0
	[ -x "$bin" ] || stale=1
	for dep in "$src" tests/fuzz/*.h $B/libsyndic.a; do
		[ "$dep" -nt "$bin" ] && stale=1
	done
	[ $stale -eq 1 ] || continue
	# shellcheck disable=SC2086
	$CC $cflags -fsanitize=fuzzer $SAN -o "$bin" "$src" \
	    $B/libsyndic.a $libs || exit 2
done

# The manifest targets' private folders, out of reach of /tmp sweepers.
mkdir -p $B/tmp
TMPDIR=$top/$B/tmp
export TMPDIR
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if [ $replay -eq 1 ]; then
	fail=0
	for t in $targets; do
		dir=fixtures/fuzz/$t
		if [ -z "$(ls "$dir" 2>/dev/null)" ]; then
			echo "replay $t: no regression inputs"
			continue
		fi
		log=$B/replay-$t.log
		if $B/bin/fuzz_$t -detect_leaks=1 "$dir"/* >"$log" 2>&1; then
			echo "replay $t: $(ls "$dir" | wc -l) inputs, ok"
		else
			echo "replay $t: FAILED (see $log)"
			grep -E 'ERROR|runtime error|property broken|Running' \
			    "$log" | head -n 20 | sed 's/^/  /'
			fail=1
		fi
	done
	exit $fail
fi

sh tests/fuzz/seeds.sh $B/corpus || exit 2

dict_of() {
	case $1 in
	roundtrip) echo tests/fuzz/manifest.dict ;;
	markdown) echo tests/fuzz/html.dict ;;
	retry_after) echo tests/fuzz/date.dict ;;
	http) echo tests/fuzz/url.dict ;;
	*) echo "tests/fuzz/$1.dict" ;;
	esac
}

fuzz_one() {
	t=$1
	art=$B/artifacts/$t
	rm -rf "$art"
	mkdir -p "$art"
	d=$(dict_of "$t")
	set -- -max_total_time="$FUZZ_SECONDS" -timeout=30 -rss_limit_mb=2048 \
	    -print_final_stats=1 -detect_leaks=1 -artifact_prefix="$art/"
	[ -f "$d" ] && set -- "$@" -dict="$d"
	nice $B/bin/fuzz_$t "$@" $B/corpus/$t >$B/fuzz-$t.log 2>&1
	echo $? >$B/fuzz-$t.rc
}

running=0
for t in $targets; do
	echo "fuzzing $t for ${FUZZ_SECONDS}s"
	fuzz_one "$t" &
	running=$((running + 1))
	if [ $running -ge "$FUZZ_JOBS" ]; then
		wait
		running=0
	fi
done
wait

fail=0
printf '%-12s %12s %8s %8s %8s\n' target executions cov ft crashes
for t in $targets; do
	log=$B/fuzz-$t.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | \
	    tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	crashes=$(ls $B/artifacts/$t | wc -l)
	rc=$(cat $B/fuzz-$t.rc)
	if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
		crashes=1
	fi
	[ "$crashes" -eq 0 ] || fail=1
	printf '%-12s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "${cov:-?}" \
	    "${ft:-?}" "$crashes"
done
if [ $fail -ne 0 ]; then
	echo "crash inputs are in $B/artifacts/, logs in $B/fuzz-*.log"
fi
exit $fail
