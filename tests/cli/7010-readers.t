#!/bin/sh
# 7010-readers: our feeds as independent readers read them.  The example
# is built, and every feed is read back, RSS and Atom by python3-feedparser
# (bozo must be false), JSON Feed by the strict JSON Feed 1.1 reader of
# tests/readers.py; what they read must be what the manifest (read with
# Python's csv module, Markdown articles rendered by python3-commonmark)
# says: entries, ids, titles, links, dates to the second, authors,
# categories, enclosures, languages, summaries, the content's text.  The
# writers' CJK goldens (fixtures/feedwrite) must read the same in all
# three formats.  The JSON reader is shown to refuse broken feeds.
. "$SY_TOP/tests/lib.sh"
R="$SY_TOP/tests/readers.py"
if ! $PY -c 'import feedparser, commonmark' 2>/dev/null; then
	skip "python3-feedparser or python3-commonmark missing (make deps)"
	done_testing
	exit 0
fi
check_exit "the example builds" 0 "$SY_BIN/syndic-build" -q \
    --title Housekeeping --link https://column.example.org/ \
    --base-url https://feeds.example.org/ -o "$T/out" \
    "$SY_TOP/feeds/manifest.csv"
$PY "$R" manifest "$SY_TOP/feeds/manifest.csv" "$SY_TOP/feeds/columns.csv" \
    "$T/out" Housekeeping https://column.example.org/ \
    https://feeds.example.org/ >"$T/r1" 2>&1
rc=$?
summary=$(tail -n 1 "$T/r1")
if [ "$rc" -eq 0 ]; then
	ok "readers read the example's 9 feeds as the manifest says ($summary)"
else
	notok "readers and the manifest differ (exit $rc)"
	sed 's/^/#   /' "$T/r1" | head -n 40
fi
check_grep "all nine feeds were read" "^9 feeds, " "$T/r1"

$PY "$R" agree "$SY_TOP/fixtures/feedwrite" "" author- >"$T/r2" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	ok "the CJK goldens read the same in RSS, Atom and JSON Feed ($(tail -n 1 "$T/r2"))"
else
	notok "the CJK goldens' three formats differ once read (exit $rc)"
	sed 's/^/#   /' "$T/r2" | head -n 40
fi
grep 'note:' "$T/r1" "$T/r2" | sed 's/^[^:]*:/# /'

# The JSON Feed reader is strict: it refuses what the spec refuses.
J=$T/out/tech-notes/feed.json
bad_json() { # description sed-expression
	rm -rf "$T/badout" && cp -r "$T/out" "$T/badout"
	sed "$2" "$J" >"$T/badout/tech-notes/feed.json"
	check_exit "the JSON Feed reader refuses $1" 1 $PY "$R" manifest \
	    "$SY_TOP/feeds/manifest.csv" "$SY_TOP/feeds/columns.csv" \
	    "$T/badout" Housekeeping https://column.example.org/ \
	    https://feeds.example.org/
	check_grep "and says why ($1)" "feed.json: the reader refuses it" \
	    "$T/stdout"
}
bad_json "a date without a zone" \
    's/"date_published": "2025-02-18T20:00:00+08:00"/"date_published": "2025-02-18T20:00:00"/'
bad_json "an item without an id" 's/^      "id": "tag:[^"]*",$//'
bad_json "a version other than 1.1" 's,jsonfeed.org/version/1.1,jsonfeed.org/version/1,'
bad_json "a member unknown to the spec" 's/"summary":/"abstract":/'
# A changed field in our output is a difference, not a pass.
rm -rf "$T/badout" && cp -r "$T/out" "$T/badout"
sed 's,<category>播客</category>,<category>廣播</category>,' \
    "$T/out/tech-notes/rss.xml" >"$T/badout/tech-notes/rss.xml"
check_exit "a changed RSS category is found" 1 $PY "$R" manifest \
    "$SY_TOP/feeds/manifest.csv" "$SY_TOP/feeds/columns.csv" "$T/badout" \
    Housekeeping https://column.example.org/ https://feeds.example.org/
check_grep "and named" "categories: read \['廣播'\], want \['播客'\]" \
    "$T/stdout"
done_testing
