#!/bin/sh
# The example's report pages in examples/report/ (made by "make demo"
# through tests/example-report.sh): they are what the tools write today,
# byte for byte; valid; the same as the JSON of the same inputs; CJK
# shown as written.  This test draws the README's screenshot,
# examples/report/links.png, with headless Chromium; it rewrites the
# committed file only when the picture changed (and says so), so a tree
# that is up to date stays clean.  No network.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/browser.sh"
R="$PY $SY_TOP/tests/report.py"
cd "$SY_TOP" || exit 2
EX=examples/report

if ! have_chromium || ! command -v tidy >/dev/null; then
	skip "needs chromium and tidy (make deps installs them)"
	done_testing
	exit 0
fi

check "the pages made now" sh tests/example-report.sh "$SY_BIN" "$T/ex"
for p in lint links; do
	check "$EX/$p.html is what make demo writes today" \
	    cmp "$EX/$p.html" "$T/ex/$p.html"
	check "$EX/$p.html: tidy, no error and no warning" tidy -q -e \
	    "$EX/$p.html"
	check "$EX/$p.html: html5lib, no parse error" $R valid "$EX/$p.html"
done
d=$(sed -n 's/^ -- .*>  //p' debian/changelog | head -n 1)
export SOURCE_DATE_EPOCH="$(date -d "$d" +%s)"
"$SY_BIN/syndic-lint" --format json -o "$T/lint.json" 2>/dev/null \
    feeds/manifest.csv feeds/columns.csv
"$SY_BIN/syndic-links" --offline --format json -o "$T/links.json" 2>/dev/null \
    feeds/manifest.csv
for p in lint links; do
	dom "file://$SY_TOP/$EX/$p.html" "$T/$p.dom"
	check "$p page in the browser: its JSON's counts and rows" \
	    $R compare "$T/$p.dom" "$T/$p.json"
	check "$p page: one script, the page's; nothing loads" \
	    $R safe "$T/$p.dom"
done
check "the links page lists every host of the example with its links" \
    $PY -c '
import json, sys
j = json.load(open(sys.argv[1]))
page = open(sys.argv[2], encoding="utf-8").read()
hosts = {}
for lk in j["links"]:
    hosts[lk["host"]] = hosts.get(lk["host"], 0) + 1
ok = all(("data-host=\"%s\"" % h) in page and
         ("<td class=\"num\">%d</td>" % n) in page.split(
             "data-host=\"%s\"" % h, 1)[1].split("</tr>", 1)[0]
         for h, n in hosts.items())
sys.exit(0 if ok and len(hosts) > 3 else 1)' "$T/links.json" "$T/links.dom"

# CJK needs a font that has it, or the screenshot shows boxes.
check "a Traditional Chinese font is installed (fonts-wqy-microhei)" sh -c \
    "fc-list :lang=zh-tw family | grep -q ."
shot "file://$SY_TOP/$EX/links.html" "$T/links.png" 1000 1100
check "the screenshot is a whole 1000x1100 PNG with a page drawn on it" \
    $R png "$T/links.png" 1000 1100
if [ -s "$T/links.png" ] && ! cmp -s "$T/links.png" "$EX/links.png"; then
	if cp "$T/links.png" "$EX/links.png" 2>/dev/null; then
		echo "# $EX/links.png redrawn: the page or the fonts changed"
	else
		echo "# $EX/links.png differs, and the tree is read-only"
	fi
fi
check "$EX/links.png is that screenshot" cmp -s "$T/links.png" \
    "$EX/links.png"
done_testing
