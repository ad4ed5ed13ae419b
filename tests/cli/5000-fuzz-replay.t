#!/bin/sh
# The fuzz targets' regression inputs (fixtures/fuzz/<target>/): each
# target, built with clang, libFuzzer and the sanitizers, runs once over
# them and must neither crash nor leak.  Skipped without clang.
. "$SY_TOP/tests/lib.sh"

if ! command -v clang >/dev/null 2>&1; then
	echo "ok 1 # skip no clang"
	echo "1..1"
	exit 0
fi
# The fuzz build has its own ASan settings (leak checks on).
unset ASAN_OPTIONS UBSAN_OPTIONS
if sh "$SY_TOP/tests/fuzz/run.sh" --replay >"$T/replay" 2>&1; then
	ok "fuzz targets build and replay their regression inputs"
else
	notok "fuzz targets build and replay their regression inputs"
	sed 's/^/#   /' "$T/replay" | tail -n 30
fi
for t in "$SY_TOP"/tests/fuzz/fuzz_*.c; do
	t=${t##*/fuzz_}
	t=${t%.c}
	check_grep "replay of $t ran" "^replay $t: " "$T/replay"
done
done_testing
