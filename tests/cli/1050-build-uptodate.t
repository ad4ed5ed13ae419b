#!/bin/sh
# syndic-build's up-to-date check (lib/stamp.h): a rebuild with nothing
# changed writes nothing at all (every file and folder keeps its inode and
# its times, no temporary file is made) and prints the same summary as a
# full build; every change of what a build depends on, even one that
# keeps the size and puts the mtime back, makes a full build with the
# right result; a damaged or foreign record is ignored; --force always
# builds.  And the libraries syndic-build opens with dlopen (lib/dl.h):
# not linked, the sonames the other tools link, never opened by an
# up-to-date run, and libxml2, libidn2 and libcmark only by rows that
# need them.
. "$SY_TOP/tests/lib.sh"
B="$SY_BIN/syndic-build"
G="$SY_TOP/fixtures/build/example"
RD="$XDG_CACHE_HOME/syndic/build"
FLAGS="--title Housekeeping --link https://column.example.org/ --base-url https://feeds.example.org/"
cd "$T" || exit 2
mkdir src
cp -r "$SY_TOP/feeds/columns.csv" "$SY_TOP/feeds/articles" \
    "$SY_TOP/feeds/manifest.csv" src/

# build [ARGS]: the example into out/; stdout, stderr in $T/stdout, stderr.
build() {
	"$B" $FLAGS "$@" -o out src/manifest.csv >"$T/stdout" 2>"$T/stderr"
}

# recorded FILE CMD...: a build records only when none of its files
# changed in the 50 ms before it began (stamp.h, "racy clean"): runs CMD
# (a build) until the record FILE is there.
recorded() {
	_rec=$1
	shift
	_i=0
	while [ $_i -lt 500 ]; do
		"$@" || return 1
		[ -f "$_rec" ] && return 0
		_i=$((_i + 1))
	done
	return 1
}

# recorded_n N CMD...: the same, until the folder holds N records.
recorded_n() {
	_want=$1
	shift
	_i=0
	while [ $_i -lt 500 ]; do
		"$@" || return 1
		[ "$(ls "$RD" | wc -l)" -eq "$_want" ] && return 0
		_i=$((_i + 1))
	done
	return 1
}

# settle [ARGS]: builds into out/ until a build has left its record.
settle() {
	recorded "$REC" build "$@" || notok "settles ($*)"
}

# snap FILE: every file and folder of out/ and of the records' folder,
# with its inode, size, mtime and ctime: an up-to-date run changes none.
# age first gives the folders an mtime of 2001, so that a file made and
# removed in one shows even within a tick of the clock.
age() {
	find out "$RD" -type d -exec touch -d '2001-01-01 00:00:00' {} +
}
snap() {
	find out "$RD" -printf '%p %y %i %s %T@ %C@\n' | sort >"$T/$1"
}

# record: the record's inode and ctime, "none" without one.  A full build
# removes the record first and writes a new one: this line changes.
record() {
	if [ -f "$REC" ]; then find "$REC" -printf '%i %C@\n'; else echo none; fi
}

# uptodate DESC [ARGS]: an up-to-date run: exit 0, nothing touched.
uptodate() {
	_d=$1
	shift
	age
	snap before
	check_exit "$_d: exit 0" 0 build "$@"
	snap after
	check_same "$_d: nothing written, no temporary file made" \
	    "$T/before" "$T/after"
}

# full DESC [ARGS]: the run was a full build (the record was replaced).
full() {
	_d=$1
	shift
	_r=$(record)
	check_exit "$_d: exit 0" 0 build "$@"
	if [ "$(record)" != "$_r" ]; then ok "$_d: a full build"; else
		notok "$_d: a full build (the record was left as it was)"; fi
}

# same_as_golden DESC: out/ holds the example's goldens.
same_as_golden() {
	check "$1" diff -r "$G" out
}

# keep_times FILE CMD...: runs CMD (which edits FILE in place), then puts
# FILE's mtime back to the nanosecond; checks that inode, size and mtime
# are as before, so that only ctime (or the content) can tell.
keep_times() {
	_f=$1
	shift
	_m=$(find "$_f" -printf '%T@')
	_b=$(find "$_f" -printf '%i %s %T@')
	"$@"
	touch -d "@$_m" "$_f"
	_a=$(find "$_f" -printf '%i %s %T@')
	check "$_f edited in place: same inode, size and mtime ($_a)" \
	    test "$_a" = "$_b"
}

# swap FILE OLD NEW: replaces the bytes OLD by NEW (as long) in place.
swap() {
	$PY - "$@" <<'EOP'
import os, sys
path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
assert len(old) == len(new)
with open(path, "rb") as f:
    data = f.read()
assert old in data, old
fd = os.open(path, os.O_WRONLY)
os.write(fd, data.replace(old, new, 1))
os.close(fd)
EOP
}

# ---- the unchanged rebuild -----------------------------------------------
check_exit "first build" 0 build
same_as_golden "first build: the goldens"
cp "$T/stderr" "$T/summary.full"
_i=0
while [ $_i -lt 500 ] && [ -z "$(ls "$RD" 2>/dev/null)" ]; do
	build
	_i=$((_i + 1))
done
check "a later build leaves one record, under \$XDG_CACHE_HOME/syndic/build/" \
    test "$(ls "$RD" | wc -l)" -eq 1
REC=$(ls "$RD"/*.rec)
uptodate "unchanged"
check_exit "--force: exit 0" 0 build --force
cp "$T/stderr" "$T/summary.force"
check_grep "--force: summary (0 changed)" "(0 changed)" "$T/summary.force"
settle
uptodate "unchanged again"
check_same "the same summary as a full build of the same input" \
    "$T/summary.force" "$T/stderr"
check_grep "which names every entry, feed and file" \
    "^syndic-build: 7 entries, 3 feeds, 9 files in out (0 changed)$" \
    "$T/stderr"
uptodate "unchanged, -q" -q
check "-q: nothing printed" test ! -s "$T/stderr" -a ! -s "$T/stdout"
uptodate "unchanged, --format json" -q --format json
cp "$T/stdout" "$T/json.fast"
check_exit "--format json, forced" 0 build -q --format json --force
check_same "--format json: the same report" "$T/stdout" "$T/json.fast"
settle
uptodate "unchanged, --format junit (libxml2 opened for the report)" \
    -q --format junit
check_grep "junit: a report" "<testsuites" "$T/stdout"
same_as_golden "still the goldens"

# ---- each input changed --------------------------------------------------
keep_times src/manifest.csv swap src/manifest.csv \
    "Open Models Catch Up" "Open Models Catch On"
full "manifest edited, size and mtime kept"
check_grep "the new title is in the feed" "Open Models Catch On" \
    out/video-companion/rss.xml
check_grep "the summary counts what changed" "(3 changed)" "$T/stderr"
settle
uptodate "after it, unchanged"

keep_times src/articles/open-models.md swap src/articles/open-models.md \
    "筆者想提出" "作者想提出"
full "article file edited, size and mtime kept"
check_grep "the new text is in the feed" "作者想提出" \
    out/tech-notes/atom.xml
settle

keep_times src/columns.csv swap src/columns.csv \
    "Video Companion" "Video Kompanion"
full "columns.csv edited, size and mtime kept"
check_grep "the column's new title is in its feed" \
    "<title>Video Kompanion</title>" out/video-companion/rss.xml
settle

full "an option changed (--title)" --title "Housekeeping 2"
check_grep "the default feed has the new title" \
    "<title>Housekeeping 2</title>" out/rss.xml
settle --title "Housekeeping 2"
uptodate "the new option kept" --title "Housekeeping 2"
full "the option back"
check_grep "and the old one again" "<title>Housekeeping</title>" out/rss.xml
settle
full "--only rss" --only rss
settle --only rss
full "all three formats again"
settle

cp out/tech-notes/feed.json "$T/feed.json"
rm out/tech-notes/feed.json
full "an output file deleted"
check_same "it is back" "$T/feed.json" out/tech-notes/feed.json
settle
cp out/tech-notes/rss.xml "$T/rss.xml"
keep_times out/tech-notes/rss.xml swap out/tech-notes/rss.xml \
    "<channel>" "<chanxel>"
full "an output file edited by hand, size and mtime kept"
check_same "it is written again" "$T/rss.xml" out/tech-notes/rss.xml
settle

build() {
	TZ=Asia/Tokyo "$B" $FLAGS "$@" -o out src/manifest.csv \
	    >"$T/stdout" 2>"$T/stderr"
}
full "TZ set"
check_same "TZ changes no byte" "$T/rss.xml" out/tech-notes/rss.xml
settle
uptodate "TZ kept"
build() {
	"$B" $FLAGS "$@" -o out src/manifest.csv >"$T/stdout" 2>"$T/stderr"
}
full "TZ unset again"
settle

# The example as it was, for the goldens.
cp "$SY_TOP/feeds/manifest.csv" "$SY_TOP/feeds/columns.csv" src/
cp "$SY_TOP/feeds/articles/open-models.md" src/articles/
full "the sources as they were"
same_as_golden "the goldens"
settle

# ---- another version of the tool -----------------------------------------
# A record written by another version, checksum and all.
rec=$REC
$PY - "$REC" <<'EOP'
import sys
path = sys.argv[1]
lines = open(path, "rb").read().split(b"\n")[:-2]
lines = [b"version 0.0.0-other" if l.startswith(b"version ") else l
         for l in lines]
body = b"".join(l + b"\n" for l in lines)
h = 14695981039346656037
for c in body:
    h = ((h ^ c) * 1099511628211) & (2**64 - 1)
open(path, "wb").write(body + b"end %016x\n" % h)
EOP
check_grep "the record now names another version" "^version 0.0.0-other$" \
    "$rec"
full "a record of another version"
settle
# A new binary in place of the old: the same version, another program.
cp "$B" "$T/syndic-build.new"
_r=$(record)
check_exit "another binary: exit 0" 0 "$T/syndic-build.new" $FLAGS -o out \
    src/manifest.csv
if [ "$(record)" != "$_r" ]; then ok "another binary: a full build"; else
	notok "another binary: a full build"; fi
settle

# ---- damaged and foreign records ------------------------------------------
# Without its output's line, the record would pass with that output gone:
# the checksum says the record was tampered with.
rec=$REC
cp out/tech-notes/feed.json "$T/feed.json"
grep -v '^f o .*/out/tech-notes/feed.json$' "$rec" >"$T/cut"
check "the record lost a line" test "$(wc -l <"$T/cut")" -lt \
    "$(wc -l <"$rec")"
cat "$T/cut" >"$rec"
rm out/tech-notes/feed.json
full "a damaged record (a line gone), the file of that line gone"
check_same "the file is back" "$T/feed.json" out/tech-notes/feed.json
settle
rec=$REC
head -c 100 "$rec" >"$T/part" && cat "$T/part" >"$rec"
full "a truncated record"
settle
check "another output folder gets a record of its own" recorded_n 2 \
    "$B" -q $FLAGS -o other src/manifest.csv
for r in "$RD"/*.rec; do
	[ "$r" = "$REC" ] || foreign=$r
done
cp "$foreign" "$REC"
full "a foreign record (another folder's) in our record's place"
same_as_golden "the goldens again"
settle

# ---- what is never recorded -----------------------------------------------
# A build's files must be old enough to be recorded: once a clean build
# made after the others has been recorded, theirs are too.
rm -f "$RD"/*.rec
check_exit "a build with a warning (no --base-url)" 0 "$B" -q -o warn \
    src/manifest.csv
printf 'id,title,link,published\na1,T,https://example.org/a1,2025-01-28\n' \
    >"$T/one.csv"
check_exit "a manifest on standard input" 0 sh -c \
    "'$B' -q $FLAGS -o stdin - <'$T/one.csv'"
check "a clean build made after them leaves its record" recorded_n 1 \
    "$B" -q $FLAGS -o clean src/manifest.csv
check_exit "the build with a warning again" 0 "$B" -q -o warn \
    src/manifest.csv
check_exit "the manifest on standard input again" 0 sh -c \
    "'$B' -q $FLAGS -o stdin - <'$T/one.csv'"
check "neither leaves a record" test "$(ls "$RD" | wc -l)" -eq 1
rm -f "$RD"/*.rec

# ---- columns.csv appearing -------------------------------------------------
mkdir one
printf 'id,column,title,link,published\na1,notes,T,https://example.org/a1,2025-01-28\n' \
    >one/manifest.csv
one() {
	"$B" --base-url https://example.org/f/ -o one/out one/manifest.csv \
	    >"$T/stdout" 2>"$T/stderr"
}
check_exit "a manifest without columns.csv" 0 one
check "settles" recorded_n 1 one
check_grep "its record says columns.csv must stay away" \
    "^f a -2 .*/one/columns.csv$" "$RD"/*.rec
printf 'column,title\nnotes,My Notes\n' >one/columns.csv
_r=$(find "$RD" -name '*.rec' -printf '%i %C@\n')
check_exit "columns.csv added: exit 0" 0 one
if [ "$(find "$RD" -name '*.rec' -printf '%i %C@\n')" != "$_r" ]; then
	ok "columns.csv added: a full build"
else
	notok "columns.csv added: a full build"
fi
check_grep "the column takes its title from it" "<title>My Notes</title>" \
    one/out/notes/rss.xml

# ---- the libraries ---------------------------------------------------------
readelf -d "$B" >"$T/needed" 2>&1
check "syndic-build links shared libraries (readelf works)" grep -q NEEDED \
    "$T/needed"
# Nor the history's databases (their libraries load ~30 more).
for l in libcurl libxml2 libidn2 libcmark libsqlite3 libpq; do
	check "syndic-build does not link $l" sh -c "! grep -q '\[$l' '$T/needed'"
done
# The sonames it opens are those of the libraries its headers belong to,
# and those syndic-links links.
for pc in libcurl:curl libxml-2.0:xml2 libidn2:idn2 libcmark:cmark; do
	so=$(readelf -d "$(pkg-config --variable=libdir "${pc%:*}")/lib${pc#*:}.so" |
	    sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
	check "syndic-build opens ${so:-lib${pc#*:}?}" grep -q -a -F "${so:-?}" "$B"
done
readelf -d "$SY_BIN/syndic-links" |
    sed -n 's/.*Shared library: \[\(lib\(curl\|xml2\)[^]]*\)\]/\1/p' \
    >"$T/sonames"
check "syndic-links links libcurl and libxml2" test "$(wc -l <"$T/sonames")" -eq 2
while read -r so; do
	check "syndic-build opens $so, as syndic-links links it" \
	    grep -q -a -F "$so" "$B"
done <"$T/sonames"

if ldd "$B" | grep -q libasan; then
	skip "the LD_PRELOAD shim does not mix with ASan"
	done_testing
	exit 0
fi
settle
cc -shared -fPIC -O1 -o "$T/nodlopen.so" "$SY_TOP/tests/shim/nodlopen.c" \
    -ldl || { notok "building the shim"; done_testing; exit 0; }
build() {
	LD_PRELOAD="$T/nodlopen.so" SY_DLOPEN_LOG="$T/dlopen.log" \
	    "$B" $FLAGS "$@" -o out src/manifest.csv >"$T/stdout" 2>"$T/stderr"
}
full "under the shim, nothing refused"
check_grep "a full build opens libcurl" "libcurl" "$T/dlopen.log"
settle
rm -f "$T/dlopen.log"
export SY_NODLOPEN="libcurl libxml2 libidn2 libcmark"
uptodate "up to date, with the four libraries missing"
check "an up-to-date run opens no library" test ! -s "$T/dlopen.log"
age
snap before
check_exit "a full build without libcurl: exit 2" 2 build --force
check_grep "it says which library is missing" \
    "^syndic-build: cannot load libcurl.so.4: .*No such file" "$T/stderr"
snap after
check_same "and writes nothing" "$T/before" "$T/after"
SY_NODLOPEN=libcmark
check_exit "a full build without libcmark: exit 2" 2 build --force
check_grep "it says so" "cannot load libcmark" "$T/stderr"
# libxml2, libidn2 and libcmark are opened where first needed: the
# example's rows need libcmark (Markdown articles) and neither other.
rm -f "$T/dlopen.log"
SY_NODLOPEN="libxml2 libidn2"
check_exit "a full build without libxml2 and libidn2, unneeded: exit 0" 0 \
    build --force
check "it opened neither" sh -c "! grep -q 'libxml2\|libidn2' '$T/dlopen.log'"
same_as_golden "and wrote the goldens"
unset SY_NODLOPEN
# A comment in the HTML takes the links out through libxml2's parser.
mkdir "$T/cm"
printf '%s\n%s\n' 'id,title,link,published,content' \
    'c1,Hi,https://example.org/a,2025-01-01,"<p>a<!-- c --><a href=""/b"">b</a></p>"' \
    >"$T/cm/manifest.csv"
LD_PRELOAD="$T/nodlopen.so" "$B" $FLAGS -o "$T/cm/out" "$T/cm/manifest.csv" \
    >"$T/stdout" 2>"$T/stderr"
check "the same row builds with libxml2 there" test -s "$T/cm/out/rss.xml"
cp "$T/cm/out/rss.xml" "$T/cm/rss.before"
check_exit "without libxml2, when a row needs it: exit 2" 2 \
    env SY_NODLOPEN=libxml2 LD_PRELOAD="$T/nodlopen.so" "$B" $FLAGS \
    --force -o "$T/cm/out" "$T/cm/manifest.csv"
check_grep "it says so" "^syndic-build: cannot load libxml2" "$T/stderr"
check_same "and the feed it had is kept" "$T/cm/rss.before" "$T/cm/out/rss.xml"
same_as_golden "the goldens, still"
# The other tools open the same libraries, all at start.
check_exit "syndic-lint without libidn2: exit 2" 2 env SY_NODLOPEN=libidn2 \
    LD_PRELOAD="$T/nodlopen.so" "$SY_BIN/syndic-lint" src/manifest.csv
check_grep "it says so" "^syndic-lint: cannot load libidn2" "$T/stderr"
check_exit "syndic-links without libcmark: exit 2" 2 env SY_NODLOPEN=libcmark \
    LD_PRELOAD="$T/nodlopen.so" "$SY_BIN/syndic-links" --offline --no-db \
    src/manifest.csv
check_grep "it says so" "^syndic-links: cannot load libcmark" "$T/stderr"
done_testing
