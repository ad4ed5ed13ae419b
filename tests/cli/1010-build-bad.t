#!/bin/sh
# syndic-build on bad manifests: exit 1, every error at its line and
# field exactly as fixtures/manifest/bad/NAME.expected says, and nothing
# written.  Then atomicity and the exit codes of usage and I/O errors.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
BAD="$SY_TOP/fixtures/manifest/bad"

cd "$SY_TOP" || exit 2
for f in "$BAD"/*.csv; do
	name=${f##*/}
	name=${name%.csv}
	rel=fixtures/manifest/bad/$name.csv
	check_exit "$name: exit 1" 1 $B -o "$T/x-$name" "$rel"
	if [ -n "$SY_REGEN" ]; then
		cp "$T/stdout" "$BAD/$name.expected"
	fi
	check_same "$name: diagnostics" "$BAD/$name.expected" "$T/stdout"
	check "$name: nothing written" test ! -e "$T/x-$name"
done

rel=fixtures/manifest/columns-bad/manifest.csv
check_exit "columns-bad: exit 1" 1 $B -o "$T/x-columns" "$rel"
[ -n "$SY_REGEN" ] && cp "$T/stdout" "${rel%.csv}.expected"
check_same "columns-bad: diagnostics" "${rel%.csv}.expected" "$T/stdout"

# Atomicity: a failing build leaves the previous feeds byte-identical.
FLAGS="--title News --link https://column.example.org/"
check_exit "good build" 0 $B -q $FLAGS -o "$T/out" feeds/manifest.csv
cp -a "$T/out" "$T/before"
cp feeds/columns.csv "$T/columns.csv"
cp -r feeds/articles "$T/articles"
sed 's/2025-01-29,/2025-02-30,/' feeds/manifest.csv >"$T/manifest.csv"
check_exit "the same manifest with a bad date fails" 1 $B -q $FLAGS \
    -o "$T/out" "$T/manifest.csv"
check "previous feeds are byte-identical" diff -r "$T/before" "$T/out"

# A write failure (the output folder is a file) is exit 2, and says why.
: >"$T/notadir"
check_exit "output folder that is a file: exit 2" 2 $B -q $FLAGS \
    -o "$T/notadir" feeds/manifest.csv
check_grep "says which path failed" "notadir" "$T/stderr"

# Usage errors and unreadable files are exit 2.
check_exit "missing manifest: exit 2" 2 $B "$T/none.csv"
check_grep "names the missing file" "none.csv: No such file" "$T/stderr"
check_exit "no manifest: exit 2" 2 $B
check_exit "unknown option: exit 2" 2 $B --frobnicate feeds/manifest.csv
check_exit "unknown time zone: exit 2" 2 $B --tz Mars/Olympus \
    feeds/manifest.csv
check_exit "bad --only: exit 2" 2 $B --only rss,html feeds/manifest.csv
check_exit "bad --limit: exit 2" 2 $B --limit -3 feeds/manifest.csv
check_exit "--version: exit 0" 0 $B --version
check_grep "--version prints the version" "syndic-build " "$T/stdout"
check_exit "--help: exit 0" 0 $B --help
check_grep "--help prints the usage" "usage: syndic-build" "$T/stdout"
done_testing
