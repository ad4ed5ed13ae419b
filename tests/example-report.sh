#!/bin/sh
# example-report.sh BUILD OUT: the example's report pages, as "make demo"
# writes them to examples/report/ and tests/cli/2110-report-example.t
# checks them: OUT/lint.html, syndic-lint's page of the example manifest
# and its columns file, and OUT/links.html, syndic-links' page of the same
# manifest run --offline.  Offline because the example's links point at
# example.org hosts, which cannot be reached from here: that page shows
# the links found, per host, checked for form only, and says so.  Both
# are dated from debian/changelog's newest entry (or SOURCE_DATE_EPOCH),
# so they are the same bytes every time.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$1
out=$2
case $b in /*) ;; *) b=$top/$b ;; esac
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
cd "$top"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	d=$(sed -n 's/^ -- .*>  //p' debian/changelog | head -n 1)
	SOURCE_DATE_EPOCH=$(date -d "$d" +%s)
fi
export SOURCE_DATE_EPOCH
mkdir -p "$out"
"$b/syndic-lint" --format html -o "$out/lint.html" \
    feeds/manifest.csv feeds/columns.csv
"$b/syndic-links" --offline --format html -o "$out/links.html" \
    feeds/manifest.csv
