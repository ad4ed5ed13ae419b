#!/bin/sh
# syndic-lint on manifests: the very diagnostics syndic-build gives (one
# code path), every output format against its golden file, --strict,
# stdin, exit codes.
. "$SY_TOP/tests/lib.sh"
L="$SY_BIN/syndic-lint"
BAD=fixtures/manifest/bad
G=fixtures/lint
cd "$SY_TOP" || exit 2

for f in $BAD/*.csv; do
	name=${f##*/}
	name=${name%.csv}
	check_exit "$name: exit 1" 1 $L -q "$f"
	check_same "$name: the same diagnostics as syndic-build" \
	    "$BAD/$name.expected" "$T/stdout"
done

# Every format, on a manifest with errors, warnings and CJK text.
for fmt in text json github junit sarif markdown; do
	$L -q --format $fmt $BAD/date-range.csv $BAD/site-rule.csv \
	    $BAD/header-problems.csv >"$T/$fmt.out" 2>"$T/stderr"
	[ -n "$SY_REGEN" ] && cp "$T/$fmt.out" "$G/report.$fmt"
	check_same "--format $fmt golden" "$G/report.$fmt" "$T/$fmt.out"
done
check "json report parses" $PY -m json.tool "$T/json.out"
check "sarif report parses" $PY -m json.tool "$T/sarif.out"
check "junit report is well-formed" xmllint --noout "$T/junit.out"

# Warnings alone pass, unless --strict.
printf 'id,title,link,published,colour\na1,標題,https://example.org/a1,2025-01-28,red\n' \
    >"$T/warn.csv"
check_exit "warnings only: exit 0" 0 $L -q "$T/warn.csv"
check_grep "the warning is shown" "header-unknown" "$T/stdout"
check_exit "warnings with --strict: exit 1" 1 $L -q --strict "$T/warn.csv"

# A clean manifest prints nothing; the summary goes to stderr.
check_exit "clean example: exit 0" 0 $L feeds/manifest.csv
check "clean: nothing on stdout" test ! -s "$T/stdout"
check_grep "summary on stderr" "0 errors, 0 warnings" "$T/stderr"
check_exit "-q: nothing on stderr" 0 $L -q feeds/manifest.csv
check "-q: stderr empty" test ! -s "$T/stderr"

# columns.csv given alone (as in "syndic-lint *.csv") is a columns file.
check_exit "columns.csv and manifest.csv together: exit 0" 0 $L -q \
    feeds/columns.csv feeds/manifest.csv
check "nothing said about them" test ! -s "$T/stdout"
check_exit "a bad columns.csv alone: exit 1" 1 $L -q \
    fixtures/manifest/columns-bad/columns.csv
check_grep "its unknown zone" "columns.csv:3:4: error: .*\[timezone\]" \
    "$T/stdout"
check "no manifest errors about it" sh -c "! grep -q header-missing '$T/stdout'"

# Standard input.
check_exit "a bad manifest on stdin: exit 1" 1 sh -c \
    "$L -q - <$BAD/duplicates.csv"
check_grep "stdin positions" "^<stdin>:3:1: error: duplicate id" \
    "$T/stdout"

# Exit 2: unreadable files, usage errors.
check_exit "missing file: exit 2" 2 $L "$T/nothing.csv"
check_grep "names the file" "nothing.csv: No such file" "$T/stderr"
check_exit "no file: exit 2" 2 $L
check_exit "unknown format: exit 2" 2 $L --format yaml feeds/manifest.csv
check_exit "unknown option: exit 2" 2 $L --bogus feeds/manifest.csv
done_testing
