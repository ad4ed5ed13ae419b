#!/bin/sh
# dist.sh VERSION OUT: writes the release tarball OUT
# (syndic-VERSION.tar.gz, every path under syndic-VERSION/), the same bytes
# each time it is made from the same files:
#   - the files are those git tracks when the top of the tree is a git
#     work tree, else every file of the tree (an unpacked tarball) but
#     what a build or a test leaves (build/, feeds/out/, bench/work/,
#     *.o, *.a); both lists give the same tarball;
#   - names sorted (bytewise), owner and group 0, modes 644 or 755, every mtime the
#     date of the newest debian/changelog entry (or SOURCE_DATE_EPOCH);
#   - GNU tar format, gzip -n (no name, no time in the gzip header).
# Needs GNU tar (--sort, 1.28 or later) and gzip; git only for the list.
set -eu
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
v=${1:-}
out=${2:-}
if [ -z "$v" ] || [ -z "$out" ]; then
	echo "usage: dist.sh VERSION OUT" >&2
	exit 2
fi
name=syndic-$v
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
	epoch=$SOURCE_DATE_EPOCH
else
	d=$(sed -n 's/^ -- .*>  //p' debian/changelog | head -n 1)
	epoch=$(date -d "$d" +%s) || {
		echo "dist: no date in debian/changelog's trailer line" >&2
		exit 2
	}
fi

list=$(mktemp)
trap 'rm -f "$list" "$out.tmp"' EXIT
if command -v git >/dev/null 2>&1 &&
    [ -e "$top/.git" ] &&
    [ "$(git rev-parse --show-toplevel 2>/dev/null)" = "$top" ]; then
	# Tracked files that exist (a file deleted but not yet committed
	# is left out); changes not committed yet are in, and said so.
	git ls-files -z | xargs -0 sh -c \
	    'for f; do [ -f "$f" ] || [ -L "$f" ] && printf "%s\n" "$f"; done' \
	    dist >"$list"
	if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
		echo "dist: note: uncommitted changes are in the tarball" >&2
	fi
else
	find . \( -path ./.git -o -path ./build -o -path ./feeds/out \
	    -o -path ./bench/work \) -prune -o \
	    \( -type f -o -type l \) ! -name '*.o' ! -name '*.a' \
	    ! -name compile_commands.json -print | sed 's,^\./,,' >"$list"
fi
# tar --sort=name orders what it reads from directories, not a list.
sort -o "$list" "$list"
if grep -q '[[:cntrl:]]' "$list"; then
	echo "dist: a file name holds a control character" >&2
	exit 2
fi
mkdir -p "$(dirname "$out")"
tar --create --format=gnu --no-recursion --verbatim-files-from \
    --files-from="$list" --sort=name --mtime="@$epoch" \
    --owner=0 --group=0 --numeric-owner --mode='u+rw,go-w,a+rX' \
    --transform="s,^,$name/,S" |
    gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
trap 'rm -f "$list"' EXIT
echo "dist: $out ($(wc -l <"$list") files)"
