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

# Rows cycling through more columns than row_cb remembers (and one
# whose slug is too long to keep): each row still gets its own column's
# checks, zone and best rows.
$PY - "$T/cyc" <<'EOP'
import csv, datetime, os, sys
d = sys.argv[1]
os.makedirs(d)
zones = {"a": "Asia/Taipei", "b": "America/Los_Angeles",
         "c": "Europe/London", "d": "Asia/Kolkata", "e": "Pacific/Auckland",
         "l" * 60: "Asia/Tokyo"}
slugs = list(zones)
with open(d + "/columns.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["column", "title", "link", "timezone", "base_url", "limit"])
    for s, z in zones.items():
        w.writerow([s, "T", "https://example.org/%s/" % s[:8], z,
                    "https://feeds.example.org/%s/" % s[:8], 3])
rows = []
for i in range(48):
    s = slugs[i % 6]
    day = datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
    rows.append(["r%02d" % i, s, "T%d" % i,
                 "https://example.org/%s/%d" % (s[:8], i), day.isoformat()])
head = ["id", "column", "title", "link", "published"]
csv.writer(open(d + "/cycle.csv", "w", newline="")).writerows([head] + rows)
grouped = sorted(rows, key=lambda r: (slugs.index(r[1]), r[0]))
csv.writer(open(d + "/grouped.csv", "w", newline="")).writerows(
    [head] + grouped)
bad, want = [head], []
for i, r in enumerate(rows):
    bad.append(r)
    for k, slug in ((5, "zz"), (7, "Bad Slug")):
        if i % k == 2:
            bad.append(["x%d%s" % (i, k), slug, "T",
                        "https://example.org/x/%d/%d" % (k, i), "2025-03-01"])
            want.append(len(bad))
csv.writer(open(d + "/bad.csv", "w", newline="")).writerows(bad)
open(d + "/want", "w").write("".join("%d\n" % n for n in want))
EOP
check_exit "eight slugs in turn, two of them wrong: exit 1" 1 $L -q \
    --columns "$T/cyc/columns.csv" "$T/cyc/bad.csv"
sed -n 's/^[^:]*:\([0-9]*\):2: error: .*\[column-unknown\]$/\1/p' \
    "$T/stdout" >"$T/cyc/got"
check_same "each wrong column's row, and only those, on its line" \
    "$T/cyc/want" "$T/cyc/got"
B="$SY_BIN/syndic-build"
check_exit "six columns in turn: built" 0 $B -q --columns \
    "$T/cyc/columns.csv" -o "$T/cyc/out1" "$T/cyc/cycle.csv"
check_exit "the same rows grouped by column: built" 0 $B -q --columns \
    "$T/cyc/columns.csv" -o "$T/cyc/out2" "$T/cyc/grouped.csv"
check "in turn or grouped: the same feeds" \
    diff -r "$T/cyc/out1" "$T/cyc/out2"
check_grep "column b's dates in its zone" \
    "<pubDate>Thu, 13 Feb 2025 00:00:00 -0800</pubDate>" \
    "$T/cyc/out1/b/rss.xml"
check_grep "column e's in its own" \
    "<pubDate>Sun, 16 Feb 2025 00:00:00 +1300</pubDate>" \
    "$T/cyc/out1/e/rss.xml"
check "each feed holds its limit of 3" sh -c \
    "for f in '$T'/cyc/out1/*/rss.xml; do
	    test \$(grep -c '<item>' \"\$f\") -eq 3 || exit 1; done"

# Language tags, more kinds than row_cb remembers verdicts of (four),
# in turn: each bad one is reported on its own row, each good one never.
mkdir -p "$T/lang"
{
	echo 'id,title,link,published,language'
	i=0
	while [ $i -lt 24 ]; do
		for tag in zh-Hant en zh_TW x-klingon de-CH-1996 en_US; do
			i=$((i + 1))
			echo "l$i,T,https://example.org/$i,2025-01-01,$tag"
		done
	done
} >"$T/lang/m.csv"
check_exit "six language tags in turn: exit 1" 1 $L -q "$T/lang/m.csv"
check "every zh_TW and en_US row is reported, no other" sh -c "
	grep 'language-tag' '$T/stdout' | cut -d: -f2 >'$T/lang/got'
	awk -F, 'NR > 1 && (\$5 == \"zh_TW\" || \$5 == \"en_US\") {
		print NR }' '$T/lang/m.csv' >'$T/lang/want'
	test -s '$T/lang/want' && cmp -s '$T/lang/got' '$T/lang/want'"

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
