#!/bin/sh
# A manifest larger than the entries syndic-build keeps in memory: with
# per-column limits it lets older entries go while reading, and the feeds
# must still hold exactly each column's newest entries, in order, as an
# independent reading of the CSV says.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
cd "$SY_TOP" || exit 2

$PY bench/gen.py 9000 "$T/m" || { notok "generating"; done_testing; exit 0; }
# A small limit, so that the entries let go are most of them.
sed -i 's/,100\(\r\{0,1\}\)$/,3\1/' "$T/m/columns.csv"
# Rows in no particular order, so that the newest come early and late.
$PY - "$T/m/manifest.csv" <<'EOP'
import csv, random, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
head, body = rows[0], rows[1:]
random.Random(7).shuffle(body)
w = csv.writer(open(sys.argv[1], "w", encoding="utf-8", newline=""))
w.writerow(head)
w.writerows(body)
EOP
check_exit "9,000 rows build" 0 $B -q -o "$T/out" "$T/m/manifest.csv"
check "each column's feed holds its 3 newest entries, newest first" \
    $PY - "$T/m/manifest.csv" "$T/m/columns.csv" "$T/out" <<'EOP'
import csv, datetime as dt, email.utils, os, re, sys, zoneinfo
import xml.etree.ElementTree as ET
man, cols, out = sys.argv[1:4]
zones, limits = {}, {}
for r in csv.DictReader(open(cols, encoding="utf-8")):
    zones[r["column"]] = zoneinfo.ZoneInfo(r["timezone"])
    limits[r["column"]] = int(r["limit"])
def when(s, z):
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", s)
    if m:
        return dt.datetime(*map(int, m.groups()), tzinfo=z).timestamp()
    if s[3] == ",":
        return email.utils.parsedate_to_datetime(s).timestamp()
    v = dt.datetime.fromisoformat(s)
    return (v if v.tzinfo else v.replace(tzinfo=z)).timestamp()
rows = {}
for n, r in enumerate(csv.DictReader(open(man, encoding="utf-8"))):
    rows.setdefault(r["column"], []).append(
        (-when(r["published"], zones[r["column"]]), n, r["link"]))
bad = 0
for col, v in rows.items():
    want = [x[2] for x in sorted(v)[:limits[col]]]
    got = [i.findtext("link") for i in
           ET.parse(os.path.join(out, col, "rss.xml")).iter("item")]
    if got != want:
        print("%s: %d items, first difference at %s" % (col, len(got),
              next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                   "the end")))
        bad += 1
sys.exit(bad)
EOP
# Rows that cannot reach a feed are never copied and those that can are
# read again from the file at the end; from a pipe everything is kept in
# memory instead.  Both must write the same bytes.
check_exit "the same manifest from a pipe" 0 $B -q \
    --columns "$T/m/columns.csv" -o "$T/out-pipe" - <"$T/m/manifest.csv"
check "file and pipe give byte-identical feeds" diff -r "$T/out" \
    "$T/out-pipe"

# The same with a BOM, CRLF line ends, quoted fields across lines, a
# lone CR inside a quoted field and blank lines, in a small manifest
# whose limits are above its size: every row is read again at its
# offset.
mkdir -p "$T/w" "$T/wu"
sed 's/,3\(\r\{0,1\}\)$/,1000\1/' "$T/m/columns.csv" >"$T/w/columns.csv"
$PY - "$T/m/manifest.csv" "$T/w/manifest.csv" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))[:400]
for i, r in enumerate(rows[1:], 1):
    if i % 3 == 0:
        r[2] = r[2] + "\n第二行 line two"
    if i % 7 == 0:
        r[7] = r[7] + "\r\nsecond, \"quoted\" line\rafter a lone CR"
f = open(sys.argv[2], "w", encoding="utf-8-sig", newline="")
w = csv.writer(f, lineterminator="\r\n")
for i, r in enumerate(rows):
    w.writerow(r)
    if i % 50 == 0:
        f.write("\r\n")
EOP
check_exit "CRLF manifest with BOM and multi-line fields" 0 $B -q \
    -o "$T/w/out" "$T/w/manifest.csv"
check_exit "the same from a pipe" 0 $B -q --columns "$T/w/columns.csv" \
    -o "$T/w/out-pipe" - <"$T/w/manifest.csv"
check "file and pipe agree on it" diff -r "$T/w/out" "$T/w/out-pipe"
check "multi-line titles reached the feed" grep -q '第二行 line two' \
    "$T/w/out/tech-notes/atom.xml"
check "all 399 entries are in the feeds" test "$(cat "$T/w/out"/*/rss.xml |
    grep -c '<item>')" = 399
# Without any limit, a listed column's rows are kept as offsets and dates
# only and read again a part at a time while the feeds are written
# (sy_manifest_fill): the same feeds.
sed 's/,3\(\r\{0,1\}\)$/,\1/' "$T/m/columns.csv" >"$T/wu/columns.csv"
cp "$T/w/manifest.csv" "$T/wu/manifest.csv"
check_exit "the same without limits" 0 $B -q -o "$T/wu/out" \
    "$T/wu/manifest.csv"
check "kept at once or read again: the same feeds" diff -r "$T/w/out" \
    "$T/wu/out"
mkdir -p "$T/wm"
sed '/^tech-notes,/!s/,3\(\r\{0,1\}\)$/,\1/; /^tech-notes,/s/,3\(\r\{0,1\}\)$/,1000\1/' \
    "$T/m/columns.csv" >"$T/wm/columns.csv"
cp "$T/w/manifest.csv" "$T/wm/manifest.csv"
check "one column limited, the others not" test \
    "$(grep -c ',1000' "$T/wm/columns.csv")" = 1
check_exit "builds with both kinds of column" 0 $B -q -o "$T/wm/out" \
    "$T/wm/manifest.csv"
check "and writes the same feeds" diff -r "$T/w/out" "$T/wm/out"

# Many columns: one pass over the entries whatever their number, and
# the files closed as soon as written (1,200 files under a limit of 256
# open files), every entry in its own column's feed.
mkdir -p "$T/mc"
$PY - "$T/mc/manifest.csv" <<'EOP'
import csv, sys
w = csv.writer(open(sys.argv[1], "w", encoding="utf-8", newline=""))
w.writerow(["id", "column", "title", "link", "published"])
for i in range(1200):
    c = "c%03d" % (i % 400)
    w.writerow(["e%d" % i, c, "標題 %d" % i,
                "https://column.example.org/%s/%d" % (c, i),
                "2024-%02d-%02dT10:00:00+08:00" % (i % 12 + 1, i % 28 + 1)])
EOP
check_exit "400 columns, 256 open files at most" 0 sh -c \
    "ulimit -n 256 && exec $B -q -o '$T/mc/out' '$T/mc/manifest.csv'"
check "a folder per column" test "$(ls "$T/mc/out" | wc -l)" = 400
check "three entries in each RSS feed, their own" $PY - "$T/mc/out" <<'EOP'
import os, re, sys
d = sys.argv[1]
bad = 0
for c in os.listdir(d):
    x = open(os.path.join(d, c, "rss.xml"), encoding="utf-8").read()
    links = re.findall(r"<link>([^<]*)</link>", x)[1:]
    if len(links) != 3 or any("/%s/" % c not in l for l in links):
        bad += 1
sys.exit(bad)
EOP

# The manifest changed between the two readings (an editor saved it in
# the middle of the build): exit 2, said so, nothing written.
if ldd "$B" | grep -q libasan; then
	skip "the LD_PRELOAD shim does not mix with ASan"
elif cc -shared -fPIC -O1 -o "$T/touchat.so" tests/shim/touchat.c -ldl; then
	cp -r "$T/w/out" "$T/w/before"
	check_exit "manifest changed while read: exit 2" 2 env \
	    SY_TOUCH="$T/w/manifest.csv" LD_PRELOAD="$T/touchat.so" $B -q \
	    -o "$T/w/out" "$T/w/manifest.csv"
	check "and says so" grep -q 'changed while it was being read' \
	    "$T/stderr"
	check "the previous feeds are untouched" diff -r "$T/w/before" \
	    "$T/w/out"
	# The same when the rows are read again while being written.
	cp -r "$T/wu/out" "$T/wu/before"
	cp "$T/w/manifest.csv" "$T/wu/manifest.csv"
	check_exit "no limit, manifest changed while written: exit 2" 2 env \
	    SY_TOUCH="$T/wu/manifest.csv" LD_PRELOAD="$T/touchat.so" $B -q \
	    -o "$T/wu/out" "$T/wu/manifest.csv"
	check "and says so" grep -q 'changed while it was being read' \
	    "$T/stderr"
	check "the previous feeds are untouched" diff -r "$T/wu/before" \
	    "$T/wu/out"
	check "no temporary file is left" test -z \
	    "$(find "$T/wu/out" -name '.*' -type f)"
else
	notok "building the touch shim"
fi
done_testing
