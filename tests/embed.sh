#!/bin/sh
# embed.sh NAME FILE...: writes C source to stdout that embeds each FILE
# as "const unsigned char sy_NAME_EXT[]" (NUL-terminated) with its length
# and the base64 of its SHA-256, "sy_NAME_EXT_sha256", which is how a
# Content-Security-Policy names an inline style or script (CSP Level 2,
# hash-source).  EXT is the file's extension.  POSIX sh and coreutils only
# (od, sha256sum, base64), so a fresh machine can build.
set -eu
name=$1
shift
echo "/* Made by tests/embed.sh from $*: do not edit. */"
echo '#include <stddef.h>'
for f in "$@"; do
	ext=${f##*.}
	var="sy_${name}_$ext"
	echo "const unsigned char ${var}[] = {"
	od -An -v -tx1 "$f" | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'
	echo '0x00 };'
	echo "const size_t ${var}_len = sizeof(${var}) - 1;"
	hex=$(sha256sum "$f" | cut -c1-64)
	oct=
	while [ -n "$hex" ]; do
		b=${hex%"${hex#??}"}
		hex=${hex#??}
		oct="$oct\\$(printf %03o "0x$b")"
	done
	printf 'const char %s_sha256[] = "%s";\n' "$var" \
	    "$(printf "$oct" | base64 | tr -d '\n')"
done
