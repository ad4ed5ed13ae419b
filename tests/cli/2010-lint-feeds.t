#!/bin/sh
# syndic-lint on feed files: every bad fixture gives exactly its expected
# diagnostics through the tool (format detected from the content), the
# good ones give none, and XXE never leaks a local file.
. "$SY_TOP/tests/lib.sh"
L="$SY_BIN/syndic-lint"
F=fixtures/feeds/lint
cd "$SY_TOP" || exit 2

for f in $F/good/*; do
	check_exit "good ${f##*/}: exit 0" 0 $L -q --strict "$f"
	check "good ${f##*/}: no diagnostics" test ! -s "$T/stdout"
done
for exp in $F/bad/*.expected; do
	base=${exp%.expected}
	for f in "$base".xml "$base".json; do
		[ -f "$f" ] || continue
		$L -q "$f" >"$T/out" 2>"$T/err"
		rc=$?
		check "${f##*/}: exit 1 or 0 (warnings only)" \
		    test "$rc" -eq 0 -o "$rc" -eq 1
		check_same "${f##*/}: diagnostics" "$exp" "$T/out"
	done
done
for f in $F/bad/*xxe*; do
	case $f in *.expected) continue ;; esac
	$L -q "$f" >"$T/out" 2>&1
	check "${f##*/}: /etc/passwd never read" sh -c \
	    "! grep -q 'root:' '$T/out'"
done
# The same feed under a name that says nothing: detected by content.
cp $F/good/rss.xml "$T/feed.dat"
check_exit "a feed named .dat is linted as a feed" 0 $L -q "$T/feed.dat"
check_exit "a feed on stdin" 0 sh -c "$L -q - <$F/good/atom.xml"
done_testing
