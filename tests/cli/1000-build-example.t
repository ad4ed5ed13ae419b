#!/bin/sh
# syndic-build on the example: exit code, files, golden bytes, validity
# (xmllint, the Atom RELAX NG schema), read-back by feedparser,
# determinism and untouched unchanged files.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
EX="$SY_TOP/feeds"
G="$SY_TOP/fixtures/build/example"
FLAGS="--title Housekeeping --link https://column.example.org/ --base-url https://feeds.example.org/"

check_exit "example builds" 0 $B -q $FLAGS -o "$T/out" "$EX/manifest.csv"
check "nothing on stdout for a clean build" test ! -s "$T/stdout"
for f in rss.xml atom.xml feed.json tech-notes/rss.xml tech-notes/atom.xml \
    tech-notes/feed.json video-companion/rss.xml video-companion/atom.xml \
    video-companion/feed.json; do
	check_same "golden $f" "$G/$f" "$T/out/$f"
done
for f in "$T"/out/rss.xml "$T"/out/*/rss.xml "$T"/out/atom.xml \
    "$T"/out/*/atom.xml; do
	check "well-formed ${f#$T/out/}" xmllint --noout --nonet "$f"
done
for f in "$T"/out/atom.xml "$T"/out/*/atom.xml; do
	check "Atom schema ${f#$T/out/}" xmllint --noout --nonet \
	    --relaxng "$SY_TOP/schemas/atom.rng" "$f"
done
for f in "$T"/out/feed.json "$T"/out/*/feed.json; do
	check "JSON ${f#$T/out/}" $PY -m json.tool "$f"
done
# The W3C feed validator, when its source is at hand ($FEEDVALIDATOR or
# /tmp/fv/src; it is never part of this tree): no error, no warning.
for f in rss.xml atom.xml tech-notes/rss.xml tech-notes/atom.xml \
    video-companion/rss.xml video-companion/atom.xml; do
	$PY "$SY_TOP/tests/fv.py" "$T/out/$f" "https://feeds.example.org/$f" \
	    >"$T/fv.out" 2>&1
	case $? in
	0) ok "W3C feed validator: $f clean" ;;
	77) skip "W3C feed validator not available" ;;
	*) notok "W3C feed validator: $f"; sed 's/^/#   /' "$T/fv.out" ;;
	esac
done
check "feedparser reads back the manifest's titles, links and instants" \
    $PY "$SY_TOP/tests/readback.py" "$EX/manifest.csv" "$EX/columns.csv" \
    "$T/out"

# Our own feeds always lint clean: no error, no warning, no note.
check_exit "syndic-lint passes every feed we wrote" 0 "$SY_BIN/syndic-lint" \
    --strict "$T"/out/*.xml "$T"/out/*.json "$T"/out/*/*.xml \
    "$T"/out/*/*.json
check "syndic-lint printed nothing about them" test ! -s "$T/stdout"
check_exit "the example manifest lints clean" 0 "$SY_BIN/syndic-lint" \
    --strict "$EX/manifest.csv"
check "nothing said about the example manifest" test ! -s "$T/stdout"

# Determinism: a second build elsewhere gives the same bytes.
$B -q $FLAGS -o "$T/out2" "$EX/manifest.csv" >/dev/null 2>&1
check "second build is byte-identical" diff -r "$T/out" "$T/out2"

# An unchanged file is not rewritten: same inode, same mtime.
before=$(stat -c '%i %Y' "$T/out/tech-notes/rss.xml")
touch -d '2001-01-01' "$T/out/tech-notes/rss.xml"
before=$(stat -c '%i %Y' "$T/out/tech-notes/rss.xml")
check_exit "rebuild into the same folder" 0 $B -q $FLAGS -o "$T/out" \
    "$EX/manifest.csv"
after=$(stat -c '%i %Y' "$T/out/tech-notes/rss.xml")
check "unchanged file keeps its inode and mtime" test "$before" = "$after"
check "no temporary files left" test -z "$(find "$T/out" -name '.*.tmp')"

# --only writes just the named formats.
check_exit "--only json" 0 $B -q $FLAGS --only json -o "$T/only" \
    "$EX/manifest.csv"
check "--only json wrote feed.json" test -f "$T/only/tech-notes/feed.json"
check "--only json wrote no rss.xml" test ! -e "$T/only/tech-notes/rss.xml"

# --limit cuts every feed.
check_exit "--limit 1" 0 $B -q $FLAGS --limit 1 -o "$T/lim" "$EX/manifest.csv"
check "--limit 1 keeps one item" test \
    "$(grep -c '<item>' "$T/lim/tech-notes/rss.xml")" -eq 1
# The summary counts in words: one entry, one feed, and the plural else.
printf 'id,title,link,published\na1,T,https://example.org/a1,2025-01-28\n' \
    >"$T/one.csv"
check_exit "a one-row manifest" 0 $B --base-url https://example.org/f/ \
    -o "$T/one" "$T/one.csv"
check_grep "summary says 1 entry, 1 feed, 3 files" \
    ": 1 entry, 1 feed, 3 files in $T/one (3 changed)\$" "$T/stderr"
check_exit "--only rss on it" 0 $B --only rss -o "$T/one1" "$T/one.csv"
check_grep "summary says 1 file" ": 1 entry, 1 feed, 1 file in " "$T/stderr"

# The tag URI of an entry without a guid: the column's host, the year
# in four digits (0099 too), the id with every byte but the unreserved
# ones (and '/') percent-encoded.
printf '%s\n%s\n%s\n' 'id,title,link,published' \
    '日誌 #1/a~b,Hi,https://example.org/a,2025-03-01' \
    'x%y,Yo,https://example.org/b,0099-03-01' >"$T/tag.csv"
check_exit "ids to encode: built" 0 $B -q --title T \
    --link https://column.example.org/ -o "$T/tag" "$T/tag.csv"
check_grep "a CJK id, a space, a '#' encoded; '/' and '~' kept" \
    '<guid isPermaLink="false">tag:column.example.org,2025:%E6%97%A5%E8%AA%8C%20%231/a~b</guid>' \
    "$T/tag/rss.xml"
check_grep "a year before 1000 in four digits, '%' itself encoded" \
    '<id>tag:column.example.org,0099:x%25y</id>' "$T/tag/atom.xml"
done_testing
