#!/bin/sh
# tests/fuzz/seeds.sh OUT: writes the seed corpora, OUT/<target>/, from
# the fixtures, the example and the unit test tables (the string literals
# of their table rows).  Run from the top of the tree.  Nothing here is
# committed: the corpora are rebuilt on each run.
set -e
out=$1
[ -n "$out" ] || { echo "usage: seeds.sh OUT" >&2; exit 2; }
mkdir -p "$out"
for t in csv manifest roundtrip date url email html markdown feedread \
    retry_after http; do
	rm -rf "${out:?}/$t"
	mkdir -p "$out/$t"
done

# literals FILE TARGET: each C string literal on a table row of FILE
# (a line starting with "{" or a string) becomes one seed, with the
# escapes \t \r \n \\ \" and \xHH decoded (awk turns \xHH into the
# octal form printf %b knows).
literals() {
	awk -v dir="$out/$2" -v tag="$(basename "$1" .c)" '
	BEGIN { hex = "0123456789abcdef" }
	/^[ \t]*(\{ *)?"/ {
		line = $0
		while ((i = index(line, "\"")) > 0) {
			line = substr(line, i + 1)
			s = ""
			while (length(line) > 0) {
				c = substr(line, 1, 1)
				if (c == "\\" && substr(line, 2, 1) == "x") {
					# \xHH: printf %b wants octal.
					h = tolower(substr(line, 3, 2))
					v = index(hex, substr(h, 1, 1)) * 16 - 16
					v += index(hex, substr(h, 2, 1)) - 1
					s = s sprintf("\\0%o", v)
					line = substr(line, 5)
					continue
				}
				if (c == "\\") {
					s = s substr(line, 1, 2)
					line = substr(line, 3)
					continue
				}
				line = substr(line, 2)
				if (c == "\"")
					break
				s = s c
			}
			n++
			print s > (dir "/" tag "-" n ".esc")
			close(dir "/" tag "-" n ".esc")
		}
	}' "$1"
	for f in "$out/$2"/*.esc; do
		[ -f "$f" ] || continue
		s=$(cat "$f")
		printf '%b' "$s" >"${f%.esc}"
		rm -f "$f"
	done
}

n=0
# seed TARGET FILE...: the files joined with the manifest targets' "\n%%\n".
seed() {
	t=$1
	shift
	n=$((n + 1))
	first=1
	for f in "$@"; do
		[ $first -eq 1 ] || printf '\n%%%%\n'
		first=0
		# content_file paths become the fuzzer's article names.
		sed -e 's#articles/[^,]*\.md#a.md#g' \
		    -e 's#articles/[^,]*\.html#a.html#g' \
		    -e 's#[A-Za-z0-9_-]*\.md,#a.md,#g' \
		    -e 's#[A-Za-z0-9_-]*\.html,#a.html,#g' "$f"
	done >"$out/$t/seed-$n"
}

# CSV: every CSV file of the tree.
for f in feeds/*.csv fixtures/manifest/*/*.csv; do
	cp "$f" "$out/csv/$(echo "$f" | tr / _)"
done
literals tests/unit/csvread_test.c csv

# Manifests: alone, with columns, with an article in either language.
for t in manifest roundtrip; do
	for a in feeds/articles/*; do
		seed $t feeds/manifest.csv feeds/columns.csv "$a"
	done
	seed $t feeds/manifest.csv
	for f in fixtures/manifest/bad/*.csv; do
		seed $t "$f"
	done
	for a in fixtures/manifest/columns-bad/*.md \
	    fixtures/manifest/columns-bad/*.html; do
		[ -f "$a" ] || continue
		seed $t fixtures/manifest/columns-bad/manifest.csv \
		    fixtures/manifest/columns-bad/columns.csv "$a"
	done
done

literals tests/unit/date_test.c date
for d in 2025年1月28日 "Tue, 28 Jan 2025 09:00:00 +0800" \
    2025-02-04T09:30:00+08:00; do
	n=$((n + 1))
	printf '%s' "$d" >"$out/date/seed-$n"
done
literals tests/unit/url_test.c url
literals tests/unit/rules_test.c url
literals tests/unit/email_test.c email
literals tests/unit/html_test.c html
for f in feeds/articles/*.html fixtures/manifest/columns-bad/*.html; do
	[ -f "$f" ] || continue
	cp "$f" "$out/html/$(echo "$f" | tr / _)"
done
for f in feeds/articles/*.md fixtures/manifest/columns-bad/*.md; do
	[ -f "$f" ] || continue
	cp "$f" "$out/markdown/$(echo "$f" | tr / _)"
done
cp "$out"/html/* "$out/markdown/"
for f in fixtures/feeds/lint/*/*.xml fixtures/feeds/lint/*/*.json \
    fixtures/feedwrite/* $(find fixtures/build -type f); do
	[ -f "$f" ] || continue
	cp "$f" "$out/feedread/$(echo "$f" | tr / _)"
done
literals tests/unit/feedread_test.c feedread
if [ -f tests/unit/linkcheck_test.c ]; then
	literals tests/unit/linkcheck_test.c retry_after
fi
for v in 120 0 "Wed, 21 Oct 2015 07:28:00 GMT" \
    "Sunday, 06-Nov-94 08:49:37 GMT" "Sun Nov  6 08:49:37 1994"; do
	n=$((n + 1))
	printf '%s' "$v" >"$out/retry_after/seed-$n"
done
for v in "Location: /next\r\nContent-Type: text/html\r\n" \
    "location: https://example.com/x#y\r\nRetry-After: 120\r\n" \
    "Location: file:///etc/passwd\r\n" "Location: //host/p?q\r\n" \
    "Location: ../up\r\nContent-Type: application/xhtml+xml\r\n"; do
	n=$((n + 1))
	printf '%b' "$v" >"$out/http/seed-$n"
done
# libFuzzer wants no empty corpus folder to start from.
for d in "$out"/*/; do
	[ -n "$(ls "$d")" ] || printf 'x' >"$d/seed-empty"
done
