#!/bin/sh
# A public page that redirects to a private address: the private-target
# check runs on every hop, on the resolved address.  A test host with a
# public-looking address (203.0.113.2, TEST-NET-3, RFC 5737) lives in a
# network namespace made here and joined to this machine by a veth pair;
# its redirect points at a server on 127.0.0.1, which must see nothing.
# Needs root (ip netns); skipped otherwise.  Nothing leaves the machine.
. "$SY_TOP/tests/lib.sh"
K="$SY_BIN/syndic-links"
cd "$SY_TOP" || exit 2

# The plain and sanitizer suites may run at once (tests/run.sh): two veth
# pairs with the same addresses would take each other's routes, so one
# at a time (the lock goes with the test's last process).
if command -v flock >/dev/null 2>&1; then
	exec 9>"${TMPDIR:-/tmp}/syndic-netns.lock"
	flock 9
fi
ns=sytest$$
va=sya$$
vb=syb$$
at_exit() {
	ip link del "$va" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null ||
    ! ip netns add "$ns" 2>/dev/null; then
	skip "needs root and ip netns"
	done_testing
	exit 0
fi
if ! { ip link add "$va" type veth peer name "$vb" &&
	ip link set "$vb" netns "$ns" &&
	ip addr add 203.0.113.1/24 dev "$va" && ip link set "$va" up &&
	ip netns exec "$ns" ip addr add 203.0.113.2/24 dev "$vb" &&
	ip netns exec "$ns" ip link set "$vb" up; } 2>/dev/null; then
	skip "cannot make a veth pair here"
	done_testing
	exit 0
fi
serve ip netns exec "$ns" $PY tests/http/server.py --bind 203.0.113.2 \
    --port-file "$T/pub.port"
serve $PY tests/http/server.py --port-file "$T/priv.port"
wait_files "$T/pub.port" "$T/priv.port"
PUB="http://203.0.113.2:$(cat "$T/pub.port")"
PRIV="http://127.0.0.1:$(cat "$T/priv.port")"
hits() {
	curl -s "$PRIV/stats" | $PY -c 'import json,sys; print(json.load(sys.stdin)["hits"].get(sys.argv[1],0))' "$1"
}
printf '%s\n' "$PUB/ok" "$PUB/redirect/302?to=$PRIV/counter/inside" \
    >"$T/urls.txt"
check_exit "run without --allow-private" 0 $K --no-db --timeout 5 \
    "$T/urls.txt"
check "the public page is fine" sh -c "! grep -q 'urls.txt:1:' '$T/stdout'"
check_grep "the redirect to 127.0.0.1 is refused as link-private" \
    "urls.txt:2:0: warning: .*\[link-private\]" "$T/stdout"
check "the private server saw no request" test "$(hits /counter/inside)" -eq 0
check_exit "with --allow-private it is followed" 0 $K --no-db --timeout 5 \
    --allow-private "$T/urls.txt"
check "and then the private server sees it" test \
    "$(hits /counter/inside)" -ge 1
done_testing
