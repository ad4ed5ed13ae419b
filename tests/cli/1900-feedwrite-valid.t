#!/bin/sh
# 1900-feedwrite-valid: the golden feeds of tests/unit/feedwrite_test.c
# (which checks that the writers produce them byte for byte) pass
# xmllint against RFC 4287's RELAX NG schema, the W3C feed validator
# (tests/fv.py) with no error and no warning, and python3-feedparser,
# which must read back the same titles, links and instants from all three.
# Run with SY_TOP=<repo top>; SY_ATOM_RNG and FEEDVALIDATOR override where
# the schema and the validator are.  Missing tools make a check skip.
top=${SY_TOP:-.}
dir=$top/fixtures/feedwrite
base=https://example.org/feeds/tech
py=/usr/bin/python3
rng=${SY_ATOM_RNG:-$top/schemas/atom.rng}
[ -f "$rng" ] || rng=/work/shared/schemas/atom.rng
out=$(mktemp)
trap 'rm -f "$out"' EXIT
n=0

ok() { # status description
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/#   /' "$out"
	fi
}

skip() { # description reason
	n=$((n + 1))
	echo "ok $n - $1 # skip $2"
}

for pre in "" author-; do
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout "$dir/${pre}rss.xml" >"$out" 2>&1
	ok $? "${pre}rss.xml is well-formed"
	if [ -f "$rng" ]; then
		xmllint --noout --relaxng "$rng" "$dir/${pre}atom.xml" \
		    >"$out" 2>&1
		ok $? "${pre}atom.xml passes the RFC 4287 RELAX NG schema"
	else
		skip "${pre}atom.xml RELAX NG" "no atom.rng"
	fi
else
	skip "${pre}rss.xml is well-formed" "no xmllint"
	skip "${pre}atom.xml RELAX NG" "no xmllint"
fi

for f in rss.xml atom.xml; do
	if [ -x "$py" ]; then
		"$py" "$top/tests/fv.py" "$dir/$pre$f" "$base/$f" >"$out" 2>&1
		rc=$?
	else
		rc=77
	fi
	if [ "$rc" -eq 77 ]; then
		skip "$pre$f: W3C feed validator" "validator not available"
	else
		ok $rc "$pre$f: W3C feed validator, no error, no warning"
	fi
done

if [ -x "$py" ] && "$py" -c 'import feedparser' 2>/dev/null; then
	"$py" - "$dir" "$pre" >"$out" 2>&1 <<'PY'
import calendar, datetime, json, sys
import feedparser

d = sys.argv[1] + "/" + sys.argv[2]
want = None
for name in ("rss.xml", "atom.xml"):
    p = feedparser.parse(d + name)
    if p.bozo:
        sys.exit("%s: %s" % (name, p.bozo_exception))
    got = [(e.title, e.link, calendar.timegm(e.published_parsed))
           for e in p.entries]
    if (p.feed.title != "科技專欄" or
            p.feed.link != "https://example.org/tech/"):
        sys.exit("%s: feed title or link differ" % name)
    if want is None:
        want = got
    elif got != want:
        sys.exit("%s: %r != %r" % (name, got, want))
with open(d + "feed.json", encoding="utf-8") as f:
    j = json.load(f)
got = [(i["title"], i["url"],
        int(datetime.datetime.fromisoformat(i["date_published"]).timestamp()))
       for i in j["items"]]
if got != want:
    sys.exit("feed.json: %r != %r" % (got, want))
if len(want) != 4:
    sys.exit("expected 4 entries, got %d" % len(want))
PY
	ok $? "${pre}*: feedparser reads the same titles, links, instants"
else
	skip "${pre}*: feedparser read-back" "no python3-feedparser"
fi
done

echo "1..$n"
