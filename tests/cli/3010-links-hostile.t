#!/bin/sh
# Hostile servers: an endless body, a gzip bomb, a slowloris trickle,
# endless headers, redirects to file: and ftp:, a huge Retry-After, a
# Location with CR LF.  Each ends with its rule, and the whole run stays
# within a small, fixed amount of memory (GNU time's peak).
. "$SY_TOP/tests/lib.sh"
K="$SY_BIN/syndic-links"
cd "$SY_TOP" || exit 2

serve $PY tests/http/server.py --port-file "$T/port"
wait_files "$T/port"
U="http://127.0.0.1:$(cat "$T/port")"
cat >"$T/urls.txt" <<EOT
$U/endless#here
$U/gzipbomb#here
$U/trickle
$U/headers-endless
$U/redirect-file
$U/redirect-ftp
$U/ratelimit-long/h
$U/crlf
EOT
/usr/bin/time -f '%M' -o "$T/mem" $K --no-db --allow-private --timeout 3 \
    --retries 0 --deadline 60 "$T/urls.txt" >"$T/stdout" 2>"$T/stderr"
o="$T/stdout"
want() { # LINE RULE
	check_grep "line $1: $2" "urls.txt:$1:0: [a-z]*: .*\[$2\]\$" "$o"
}
want 1 link-fragment
check_grep "the endless body was read only in part" "first part" "$o"
want 2 link-fragment
want 3 link-timeout
want 4 link-error
want 5 link-error
want 6 link-error
want 7 link-blocked
want 8 link-error
mem=$(tail -n 1 "$T/mem")
check "peak memory stays small ($mem KiB < 100 MiB)" test "$mem" -lt 102400
done_testing
