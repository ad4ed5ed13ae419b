#!/bin/sh
# syndic-lint --format html: the page of a lint, rendered by headless
# Chromium and compared with the JSON report of the same files (the
# counts, every row, the counts by rule and by file), with scripts on
# and off; CJK folder and file names as written; the same bytes twice
# under SOURCE_DATE_EPOCH; a clean manifest says so.  No network.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/browser.sh"
LINT="$SY_BIN/syndic-lint"
R="$PY $SY_TOP/tests/report.py"
cd "$SY_TOP" || exit 2

if ! have_chromium || ! command -v tidy >/dev/null; then
	skip "needs chromium and tidy (make deps installs them)"
	done_testing
	exit 0
fi

# The bad fixtures, one of them in a folder and under a name in Chinese.
mkdir -p "$T/專欄 資料"
cp fixtures/manifest/bad/date-range.csv "$T/專欄 資料/日期.csv"
set -- fixtures/manifest/bad/site-rule.csv \
    fixtures/manifest/bad/header-problems.csv "$T/專欄 資料/日期.csv" \
    feeds/manifest.csv
export SOURCE_DATE_EPOCH=1738000000
check_exit "lint --format json: exit 1" 1 $LINT --format json \
    -o "$T/lint.json" "$@"
check_exit "lint --format html: exit 1" 1 $LINT --format html \
    -o "$T/lint.html" "$@"
check "tidy: no error and no warning" tidy -q -e "$T/lint.html"
check "html5lib: no parse error" $R valid "$T/lint.html"
check_exit "the same page again" 1 $LINT --format html -o "$T/again.html" "$@"
check "the same bytes: the page's date is SOURCE_DATE_EPOCH's" \
    cmp "$T/lint.html" "$T/again.html"
check_grep "dated from SOURCE_DATE_EPOCH" \
    '<time datetime="2025-01-27T17:46:40Z">2025-01-27 17:46 UTC</time>' \
    "$T/lint.html"

dom "file://$T/lint.html" "$T/dom.html"
check "scripts on: rows, by rule and by file are the json's" \
    $R compare "$T/dom.html" "$T/lint.json"
check "scripts on: one script, the page's; nothing loads" \
    $R safe "$T/dom.html" --text "$T/專欄 資料/日期.csv"
check "the clean input is listed by file, with no problem" \
    grep -q 'data-file="feeds/manifest.csv"' "$T/dom.html"
dom_noscript "file://$T/lint.html" "$T/dom0.html"
check "scripts off: the same rows and counts" \
    $R compare "$T/dom0.html" "$T/lint.json"
dom "file://$T/lint.html#v=warning" "$T/domw.html"
$R visible "$T/domw.html" >"$T/visible.txt"
nwarn=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["warnings"])' "$T/lint.json")
check "#v=warning shows the $nwarn warnings only" sh -c \
    "test \"\$(grep -c . '$T/visible.txt')\" -eq $nwarn &&
     ! grep -qv '^warning\$' '$T/visible.txt'"

# A clean manifest: exit 0, a page that says so.
check_exit "a clean manifest: exit 0" 0 $LINT --format html \
    -o "$T/clean.html" feeds/manifest.csv
check_grep "it says no problem was found" "No problems found" \
    "$T/clean.html"
check "tidy: the clean page too" tidy -q -e "$T/clean.html"
# To standard output without -o, and the usage error of a bad format.
check_exit "html on stdout" 1 $LINT --format html \
    fixtures/manifest/bad/site-rule.csv
check_grep "stdout is the page" '^<!DOCTYPE html>$' "$T/stdout"
check_exit "an unknown format is a usage error" 2 $LINT --format htm \
    feeds/manifest.csv
done_testing
