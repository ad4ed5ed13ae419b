# tests/lib.sh: TAP helpers for the end-to-end scripts in tests/cli/.
# The runner sets SY_BIN (the build folder with the tools) and SY_TOP
# (the top of the tree).  Each script sources this file, calls the
# checks, and ends with done_testing.
: "${SY_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${SY_BIN:=$SY_TOP/build}"
PY=/usr/bin/python3
export LC_ALL=C.UTF-8
T=$(mktemp -d "${TMPDIR:-/tmp}/syndic-test.XXXXXX")

# Servers a script starts in the background (serve); when it ends they
# are stopped by pid, then the script's own at_exit runs if it has one
# (a database, a network namespace), then $T goes.
_pids=
_end() {
	for _p in $_pids; do
		kill "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	if command -v at_exit >/dev/null 2>&1; then at_exit; fi
	rm -rf "$T"
}
trap _end EXIT

# serve COMMAND...: runs it in the background, to be stopped at the end,
# its standard input the one serve is given (a background command's is
# /dev/null otherwise, even with <&0: the DNS fixture reads a FIFO).
serve() {
	exec 9<&0
	"$@" <&9 9<&- &
	_pids="$_pids $!"
	exec 9<&-
}

# wait_files FILE...: until each FILE holds something (a server's port),
# for at most 10 s; false if one is still empty then.
wait_files() {
	_tries=0
	while [ $_tries -lt 200 ]; do
		_all=1
		for _f; do
			[ -s "$_f" ] || _all=0
		done
		[ $_all -eq 1 ] && return 0
		sleep 0.05
		_tries=$((_tries + 1))
	done
	return 1
}
# The tools' caches (syndic-build's up-to-date records, syndic-links'
# history) stay inside the test's folder, away from the user's.
export XDG_CACHE_HOME="$T/cache"
_n=0

ok() {
	_n=$((_n + 1))
	echo "ok $_n - $*"
}

notok() {
	_n=$((_n + 1))
	echo "not ok $_n - $*"
}

skip() {
	_n=$((_n + 1))
	echo "ok $_n # skip $*"
}

# check DESC COMMAND...: passes when the command succeeds.
check() {
	_d=$1
	shift
	if "$@" >"$T/.out" 2>&1; then
		ok "$_d"
	else
		notok "$_d"
		sed 's/^/#   /' "$T/.out" | head -n 30
	fi
}

# check_same DESC WANT GOT: the two files hold the same bytes.
check_same() {
	if diff -u "$2" "$3" >"$T/.diff" 2>&1; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/#   /' "$T/.diff" | head -n 40
	fi
}

# check_exit DESC STATUS COMMAND...: the command exits with STATUS;
# its stdout is kept in $T/stdout and its stderr in $T/stderr.
check_exit() {
	_d=$1
	_want=$2
	shift 2
	"$@" >"$T/stdout" 2>"$T/stderr"
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then
		ok "$_d"
	else
		notok "$_d (exit $_rc, want $_want)"
		sed 's/^/#   stderr: /' "$T/stderr" | head -n 10
	fi
}

# check_grep DESC PATTERN FILE: FILE has a line matching PATTERN.
check_grep() {
	if grep -q -- "$2" "$3"; then
		ok "$1"
	else
		notok "$1"
		sed 's/^/#   /' "$3" | head -n 10
	fi
}

done_testing() {
	echo "1..$_n"
}
