#!/bin/sh
# The static checks (make lint: banned functions, cppcheck, clang-tidy,
# mandoc, clang-format) as part of the suite, once: in the plain pass.
. "$SY_TOP/tests/lib.sh"
case $SY_BIN in
*asan*)
	skip "static checks run in the plain pass"
	done_testing
	exit 0
	;;
esac
cd "$SY_TOP" || exit 2
B="$T/lint" sh tests/lint.sh >"$T/lint.out" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	ok "make lint: every static check passes"
else
	notok "make lint (exit $rc)"
	grep -v '^lint: .*: ok$' "$T/lint.out" | sed 's/^/#   /' | head -n 40
fi
done_testing
