#!/bin/sh
# A manifest file of 1 MiB or more is read in pieces by two workers at
# once (35% each, then pieces of 10% and 5% to whichever is free first,
# each cut where a row seems to start); whatever could read differently
# in one piece makes the build read it again in one piece.  From a pipe
# it is always one piece, so file and pipe must agree, in feeds and in
# diagnostics, whatever the pieces hold.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
cd "$SY_TOP" || exit 2

$PY bench/gen.py 3000 "$T/g" || { notok "generating"; done_testing; exit 0; }
# No limits: every row deferred, read again as the feeds are written.
sed 's/,100\(\r\{0,1\}\)$/,\1/' "$T/g/columns.csv" >"$T/columns.csv"
check "the manifest is over 1 MiB" test "$(wc -c <"$T/g/manifest.csv")" \
    -gt 1048576

# both NAME DESC STATUS: builds $T/NAME.csv from the file and from a
# pipe; both must exit with STATUS, write the same feeds and say the
# same things (the pipe's "<stdin>" put back to the file's name).
both() {
	check_exit "$2: from the file, exit $3" "$3" $B -q --columns \
	    "$T/columns.csv" -o "$T/$1.out" "$T/$1.csv"
	sed "s|^$T/$1.csv:|F:|" "$T/stdout" "$T/stderr" >"$T/$1.err"
	check_exit "$2: from a pipe, exit $3" "$3" $B -q --columns \
	    "$T/columns.csv" -o "$T/$1.pipe" - <"$T/$1.csv"
	sed 's|^<stdin>:|F:|' "$T/stdout" "$T/stderr" >"$T/$1.perr"
	check_same "$2: the same diagnostics" "$T/$1.perr" "$T/$1.err"
	if [ "$3" -eq 0 ]; then
		check "$2: the same feeds" diff -r "$T/$1.out" "$T/$1.pipe"
	else
		check "$2: no feed written" test ! -e "$T/$1.out"
	fi
}

# edit NAME PYTHON: $T/NAME.csv is the generated manifest changed by
# PYTHON, which sees rows (header first), mid (the index of the row
# the middle byte falls in) and writes nothing itself.
edit() {
	$PY - "$T/g/manifest.csv" "$T/$1.csv" "$2" <<'EOP'
import csv, io, sys
src, dst, code = sys.argv[1:4]
rows = list(csv.reader(open(src, encoding="utf-8", newline="")))
size, at, mid = len(open(src, "rb").read()), 0, None
for i, r in enumerate(rows):
    b = io.StringIO()
    csv.writer(b).writerow(r)
    at += len(b.getvalue().encode())
    if mid is None and at > size // 2:
        mid = i
exec(code)
csv.writer(open(dst, "w", encoding="utf-8", newline="")).writerows(rows)
EOP
}

edit clean "pass"
both clean "no problem" 0
check "every row is in the feeds" test \
    "$(cat "$T/clean.out"/*/rss.xml | grep -c '<item>')" = 3000

# A warning in the first half only: the halves stand, the warning too.
edit warn "rows[5][12] = ''; rows[5][11] = 'audio/mpeg'; rows[5][10] = 'https://m.example.org/a.mp3'"
both warn "a warning in the first half" 0
check_grep "the warning is on its line" '^F:6:' "$T/warn.err"

# A row of the second half repeats an id of the first: one piece again,
# where "first used on line" names the first half's line.
edit dupid "rows[mid + 40][0] = rows[10][0]"
both dupid "an id of the first half again in the second" 1
check_grep "the duplicate names the line of the first" \
    "first used on line 11" "$T/dupid.err"
edit duplink "rows[-1][3] = rows[mid - 3][3]"
both duplink "a link of the first half again in the second" 1

# Repeats within one worker's piece, the first's and the second's: the
# workers keep hashes of ids, links and guids, not the values
# (hashset.h), so a repeat sends the rows to one reading, which names
# the first line exactly.
edit dupid0 "rows[200][0] = rows[10][0]"
both dupid0 "an id repeated within the first piece" 1
check_grep "it names the first's line" \
    "^F:201:.*duplicate id .*first used on line 11" "$T/dupid0.err"
edit dupguid1 "[r.append('') for r in rows]; rows[0][-1] = 'guid'
rows[mid + 60][-1] = rows[mid + 120][-1] = 'urn:x:same'"
both dupguid1 "a guid repeated within the second piece" 1
check "it names both lines" $PY - "$T/dupguid1.csv" "$T/dupguid1.err" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
at = [i + 1 for i, r in enumerate(rows) if r[-1] == "urn:x:same"]
want = 'F:%d:' % at[1], 'first used on line %d' % at[0]
sys.exit(0 if any(want[0] in l and want[1] in l
                  for l in open(sys.argv[2])) else 1)
EOP

# A bad date in the second half: one piece again, its line as written.
edit baddate "rows[mid + 100][4] = 'yesterday'"
both baddate "a bad date in the second half" 1
check "the bad date is reported on its line" \
    $PY - "$T/baddate.csv" "$T/baddate.err" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
n = next(i for i, r in enumerate(rows) if r[4] == "yesterday")
# every generated row is on one line: row n is on line n + 1
err = open(sys.argv[2], encoding="utf-8").read()
sys.exit(0 if ("F:%d:" % (n + 1)) in err else 1)
EOP

# Every content spread over lines: the first line end past the middle
# falls inside a quoted field, so the first half cannot end there.
edit quoted "rows[1:] = [r[:8] + [r[8].replace('</p>', '</p>\n')] + r[9:] for r in rows[1:]]"
check "the first line end past the middle is inside quotes" \
    $PY - "$T/quoted.csv" <<'EOP'
import sys
data = open(sys.argv[1], "rb").read()
head = data.index(b"\n") + 1
mid = head + (len(data) - head) // 2
nl = data.index(b"\n", mid)
sys.exit(0 if data[:nl].count(b'"') % 2 == 1 else 1)
EOP
both quoted "a split inside a quoted field" 0

# Half the rows spread over lines: the cuts go to the rows that are not
# (a row whose quote stays open on its first line is never a cut).
edit somequoted "rows[1::2] = [r[:8] + [r[8].replace('</p>', '</p>\n')] + r[9:] for r in rows[1::2]]"
both somequoted "every other row over several lines" 0
check "every row is in its feeds" test \
    "$(cat "$T/somequoted.out"/*/rss.xml | grep -c '<item>')" = 3000

# The small pieces at the end, which either worker may take: a
# duplicate between two of them, and a bad date in the last.
edit duplate "rows[len(rows) * 97 // 100][0] = rows[len(rows) * 82 // 100][0]"
both duplate "an id of the 82nd percent again at the 97th" 1
check "the late duplicate names the line of the first" $PY - \
    "$T/duplate.csv" "$T/duplate.err" <<'EOP'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
first = len(rows) * 82 // 100
err = open(sys.argv[2], encoding="utf-8").read()
sys.exit(0 if "first used on line %d" % (first + 1) in err else 1)
EOP
edit lastdate "rows[-1][4] = 'yesterday'"
both lastdate "a bad date on the last row" 1
check_grep "reported on the last line" "^F:3001:" "$T/lastdate.err"

# A quote opened at 30% of the file and closed only past the first
# cut (the rows between written without quotes): the first piece ends
# inside it, a problem of the CSV that gives the pieces up, so file and
# pipe say the same.
$PY - "$T/g/manifest.csv" "$T/openquote.csv" <<'EOP'
import csv, io, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline="")))
a, b = len(rows) * 30 // 100, len(rows) * 45 // 100
out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
for i, r in enumerate(rows):
    if a <= i < b:
        plain = [x.replace('"', "").replace(",", " ").replace("\n", " ")
                 for x in r]
        out.write(('"' if i == a else "") + ",".join(plain) + "\n")
    else:
        w.writerow(r)
open(sys.argv[2], "w", encoding="utf-8", newline="").write(out.getvalue())
EOP
both openquote "a quote open across the first cut" 1

# Rows as old as each other in every piece: the feeds break the ties by
# the rows' order in the file, whichever worker read them.
edit ties "rows[1:] = [r[:4] + ['2020-01-0%d' % (i % 5 + 1)] + r[5:] for i, r in enumerate(rows[1:])]"
both ties "five dates for 3000 rows" 0

# The same ties with each column's limit of 100: a worker's best rows
# mix its pieces, and the ties among them go by the rows' place in the
# file, not by lines each piece counts from its start.
check_exit "ties with limits, from the file" 0 $B -q --columns \
    "$T/g/columns.csv" -o "$T/tieslim.out" "$T/ties.csv"
check_exit "ties with limits, from a pipe" 0 $B -q --columns \
    "$T/g/columns.csv" -o "$T/tieslim.pipe" - <"$T/ties.csv"
check "ties with limits: the same feeds" \
    diff -r "$T/tieslim.out" "$T/tieslim.pipe"

# A link of the first worker's first piece again in the second's: only
# the check across the workers' maps can see it.
edit duplink2 "rows[len(rows) * 60 // 100][3] = rows[len(rows) * 10 // 100][3]"
both duplink2 "a link of the 10th percent again at the 60th" 1

# Without columns.csv every row is kept whole as it is read: the
# entries of both workers' pieces put back in the file's order.
check_exit "no columns.csv, from the file" 0 $B -q --columns '' \
    --title T --link https://column.example.org/ -o "$T/nocol.out" \
    "$T/ties.csv"
check_exit "no columns.csv, from a pipe" 0 $B -q --columns '' \
    --title T --link https://column.example.org/ -o "$T/nocol.pipe" - \
    <"$T/ties.csv"
check "no columns.csv: the same feeds" \
    diff -r "$T/nocol.out" "$T/nocol.pipe"

done_testing
