#!/bin/sh
# Self links, as a new user meets them: without columns.csv, --base-url
# (the output folder's public URL) gives every column's feeds their self
# links in its folder, and a feed left without one is a warning that says
# where the URL goes, at the right place.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"

cd "$T" || exit 2
cat >manifest.csv <<'EOF'
id,column,title,link,published
a1,,第一篇,https://example.org/a1,2025-01-28
a2,blog,Second,https://example.org/blog/a2,2025-01-29
a3,blog,Third,https://example.org/blog/a3,2025-01-30
EOF

# No --base-url: built all the same (exit 0), with one warning per feed.
check_exit "no --base-url: exit 0" 0 $B -q -o out manifest.csv
check "no self link in the default RSS" \
    sh -c '! grep -q "rel=\"self\"" out/rss.xml'
check_grep "the default feed's warning is on the manifest" \
    '^manifest.csv:0:0: warning: the default feed has no self link.*--base-url.*\[feed-schema\]$' \
    stdout
check_grep "the column's warning is at the first row naming it" \
    '^manifest.csv:3:0: warning: column "blog" has no self link.*\[feed-schema\]$' \
    stdout
check "two warnings, nothing else" test "$(wc -l <stdout)" -eq 2
check_exit "the same, not quiet" 0 $B -o out manifest.csv
check_grep "the summary counts them" \
    ': 3 entries, 2 feeds, 6 files in out (0 changed); 2 warnings above$' \
    stderr

# --strict: the warnings fail the build, which writes nothing.
check_exit "--strict without --base-url: exit 1" 1 $B --strict -o strict \
    manifest.csv
check "--strict wrote nothing" test ! -e strict
check_grep "--strict says why" \
    'nothing written: fix the warnings (--strict) above' stderr
check_exit "--strict with --base-url: exit 0" 0 $B -q --strict \
    --base-url https://feeds.example.org/f -o strict manifest.csv
check "--strict with --base-url wrote the feeds" test -f strict/blog/rss.xml

# --base-url: the column's feeds are in its folder under it.
check_exit "--base-url: exit 0" 0 $B -q --base-url https://feeds.example.org/f \
    -o out manifest.csv
check "clean build: nothing on stdout" test ! -s stdout
check_grep "default RSS self link" \
    'atom:link href="https://feeds.example.org/f/rss.xml" rel="self"' \
    out/rss.xml
check_grep "column RSS self link in its folder" \
    'atom:link href="https://feeds.example.org/f/blog/rss.xml" rel="self"' \
    out/blog/rss.xml
check_grep "column Atom self link in its folder" \
    'link rel="self" href="https://feeds.example.org/f/blog/atom.xml"' \
    out/blog/atom.xml
check_grep "column JSON feed_url in its folder" \
    '"feed_url": "https://feeds.example.org/f/blog/feed.json"' \
    out/blog/feed.json
check_grep "the column's Atom id is still its home page" \
    '^  <id>https://example.org/</id>$' out/blog/atom.xml
for f in blog/rss.xml blog/atom.xml; do
	$PY "$SY_TOP/tests/fv.py" "out/$f" "https://feeds.example.org/f/$f" \
	    >fv.out 2>&1
	case $? in
	0) ok "W3C feed validator: $f clean" ;;
	77) skip "W3C feed validator not available" ;;
	*) notok "W3C feed validator: $f"; sed 's/^/#   /' fv.out ;;
	esac
done

# A column listed in columns.csv without base_url: the warning points at
# its row and its (empty) base_url field, in "columns.csv" as named here.
cat >columns.csv <<'EOF'
column,title,link,base_url
blog,Blog,https://example.org/blog/,
EOF
check_exit "listed column without base_url: exit 0" 0 $B -q -o out2 \
    manifest.csv
check_grep "warning at columns.csv:2:4" \
    '^columns.csv:2:4: warning: column "blog" has no base_url.*\[feed-schema\]$' \
    stdout
check_exit "with --base-url: exit 0" 0 $B -q --base-url https://feeds.example.org/ \
    -o out2 manifest.csv
check "no warning with --base-url" test ! -s stdout
check_grep "listed column's self link under --base-url" \
    'atom:link href="https://feeds.example.org/blog/rss.xml" rel="self"' \
    out2/blog/rss.xml
check_grep "its Atom id is its link" \
    '^  <id>https://example.org/blog/</id>$' out2/blog/atom.xml
done_testing
