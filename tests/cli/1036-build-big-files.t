#!/bin/sh
# Feeds of several MiB each go to the disk from 4 MiB buffers, in direct
# I/O where the file system allows it, the end of each file in an
# ordinary write (sy_atomic_write).  Every file must come out whole: each
# format of a column holds every row of the column, the same ones in the
# same order, newest first, and ends as its format ends; a rebuild with
# the same bytes leaves the files alone, and a change of one title (the
# same size) replaces exactly its column's files.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
cd "$SY_TOP" || exit 2

$PY bench/gen.py 24000 "$T/g" || { notok "generating"; done_testing; exit 0; }
sed 's/,100\(\r\{0,1\}\)$/,\1/' "$T/g/columns.csv" >"$T/columns.csv"
check_exit "24,000 rows, no limit" 0 $B -q --columns "$T/columns.csv" \
    -o "$T/out" "$T/g/manifest.csv"
check "every file is over 4 MiB (several buffers, an unaligned end)" \
    test "$(find "$T/out" -type f -size -4097k | wc -l)" = 0
check "and there are nine of them" \
    test "$(find "$T/out" -type f | wc -l)" = 9

# whole OUT MANIFEST: every column's three files parse and agree.
cat >"$T/whole.py" <<'EOP'
import csv, datetime as dt, json, os, sys
import xml.etree.ElementTree as ET
out, man = sys.argv[1:3]
cols, row = {}, {}
for n, r in enumerate(csv.DictReader(open(man, encoding="utf-8",
                                          newline=""))):
    cols.setdefault(r["column"], set()).add(r["link"])
    row[r["link"]] = n
A = "{http://www.w3.org/2005/Atom}"
bad = 0
for c, links in sorted(cols.items()):
    d = os.path.join(out, c)
    rss = [i.findtext("link") for i in
           ET.parse(os.path.join(d, "rss.xml")).getroot().iter("item")]
    atom = [e.find(A + "link").get("href") for e in
            ET.parse(os.path.join(d, "atom.xml")).getroot().iter(A + "entry")]
    j = json.load(open(os.path.join(d, "feed.json"), encoding="utf-8"))
    js = [i["url"] for i in j["items"]]
    when = [dt.datetime.fromisoformat(i["date_published"])
            for i in j["items"]]
    if set(rss) != links or len(rss) != len(links):
        print(c, "rss: %d entries, %d rows" % (len(rss), len(links)))
        bad += 1
    if atom != rss or js != rss:
        print(c, "the formats disagree")
        bad += 1
    # newest first; rows of the same time in manifest order
    at = {u: i for i, u in enumerate(js)}
    if js != sorted(js, key=lambda u: (-when[at[u]].timestamp(), row[u])):
        print(c, "not newest first, ties in manifest order")
        bad += 1
    for f, end in (("rss.xml", b"</rss>\n"), ("atom.xml", b"</feed>\n"),
                   ("feed.json", b"}\n")):
        if not open(os.path.join(d, f), "rb").read().endswith(end):
            print(c, f, "does not end as it should")
            bad += 1
sys.exit(bad)
EOP
check "each column's RSS, Atom and JSON hold all its rows, newest first" \
    $PY "$T/whole.py" "$T/out" "$T/g/manifest.csv"

# Blocks of 500 rows on the same day: ties everywhere, in manifest order.
$PY - "$T/g/manifest.csv" "$T/ties.csv" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
for k, r in enumerate(rows[1:]):
    r[4] = "2020-01-%02d" % (1 + (k // 500) % 28)
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
EOP
check_exit "the same rows in blocks of one date" 0 $B -q --columns \
    "$T/columns.csv" -o "$T/ties" "$T/ties.csv"
check "ties: each column's rows newest first, then in manifest order" \
    $PY "$T/whole.py" "$T/ties" "$T/ties.csv"

ls -i "$T/out"/*/* >"$T/inodes.before"
check_exit "the same manifest again (--force)" 0 $B -q --force \
    --columns "$T/columns.csv" -o "$T/out" "$T/g/manifest.csv"
ls -i "$T/out"/*/* >"$T/inodes.after"
check_same "no file replaced" "$T/inodes.after" "$T/inodes.before"

# One title near the end, changed in place: the same size, other bytes.
$PY - "$T/g/manifest.csv" "$T/edited.csv" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
r = rows[-5]
# the next letter or ideograph: as many bytes in UTF-8
r[2] = r[2][:-1] + chr(ord(r[2][-1]) + 1)
print(r[1], file=open(sys.argv[2] + ".col", "w"))
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline="")).writerows(rows)
EOP
col=$(cat "$T/edited.csv.col")
cp -r "$T/out" "$T/before"
check_exit "one title changed" 0 $B -q --columns "$T/columns.csv" \
    -o "$T/out" "$T/edited.csv"
ls -i "$T/out"/*/* >"$T/inodes.edited"
check "its column's three files replaced, no other" test \
    "$(diff "$T/inodes.before" "$T/inodes.edited" | grep -c '^>')" = 3
check "they are the ones of column $col" test \
    "$(diff "$T/inodes.before" "$T/inodes.edited" | grep '^>' |
        grep -c "/out/$col/")" = 3
check "the same sizes as before" test \
    "$(cd "$T/before" && find . -type f -printf '%p %s\n' | sort)" = \
    "$(cd "$T/out" && find . -type f -printf '%p %s\n' | sort)"
check "and still whole" $PY "$T/whole.py" "$T/out" "$T/edited.csv"
check "no temporary file is left" test -z \
    "$(find "$T/out" -name '.*' -type f)"

# A file size limit past two full buffers (8 MiB) but short of the
# files over 8.5 MB: their writes fail only at the end, which a thread
# of each file makes while the next feed is made (sy_atomic_finish_bg).
big=$(find "$T/out" -type f -size +8300k | wc -l)
check "some files are over 8.3 MB ($big)" test "$big" -gt 0
cp -r "$T/out" "$T/intact"
check_exit "file size limit of 8.06 MiB: exit 2" 2 sh -c \
    "trap '' XFSZ; ulimit -f 16512; exec $B -q --force --columns \
    '$T/columns.csv' -o '$T/out' '$T/edited.csv'"
check_grep "says which file and why" "/out/.*\.xml: File too large" \
    "$T/stderr"
check "every feed as it was" diff -r "$T/intact" "$T/out"
check "no temporary file is left" test -z \
    "$(find "$T/out" -name '.*' -type f)"
done_testing
