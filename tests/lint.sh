#!/bin/sh
# lint.sh: the static checks of "make lint" (STYLE.md section 2.9).
#
#   1. banned functions (grep, comments and string literals ignored)
#   2. cppcheck
#   3. clang-tidy 14 with .clang-tidy, over lib/*.c and cmd/*/main.c
#   4. mandoc -Tlint on the man pages
#   5. a -Wconversion build of lib/       (informational: a count only)
#   6. clang-format --dry-run --Werror    (the tree is formatted: fails)
#
# Exits 0 when 1 to 4 find nothing, 1 when they find something, 2 when a
# tool is missing.  The compile flags are the Makefile's own (SY_CFLAGS,
# printed by make), so "make lint CFLAGS=..." checks what make builds.
# Full logs go to $B/lint/ (B=build unless set), summaries to stdout.
# Environment: B, JOBS, CLANG_TIDY, CLANG_FORMAT, CPPCHECK, MANDOC.

cd "$(dirname "$0")/.." || exit 2

B=${B:-build}
LOG=$B/lint
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CPPCHECK=${CPPCHECK:-cppcheck}
MANDOC=${MANDOC:-mandoc}
if [ -z "${CLANG_TIDY:-}" ]; then
	CLANG_TIDY=clang-tidy
	command -v clang-tidy-14 >/dev/null 2>&1 && CLANG_TIDY=clang-tidy-14
fi
if [ -z "${CLANG_FORMAT:-}" ]; then
	CLANG_FORMAT=clang-format
	command -v clang-format-14 >/dev/null 2>&1 &&
	    CLANG_FORMAT=clang-format-14
fi

failed=
missing=

# have TOOL PACKAGE: is TOOL there?  Otherwise note the Debian package.
have()
{
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "lint: $1 not found (Debian package: $2)"
	missing="$missing $2"
	return 1
}

# result NAME COUNT: prints the summary line of a failing check.
result()
{
	if [ "$2" -eq 0 ]; then
		echo "lint: $1: ok"
	else
		echo "lint: $1: $2 finding(s)"
		failed="$failed $1"
	fi
}

# makevar NAME: the value of a Makefile variable, as make expands it.
makevar()
{
	make -s --no-print-directory \
	    --eval="sy-lint-print: ; @echo \$($1)" sy-lint-print
}

mkdir -p "$LOG" || exit 2
CC=$(makevar CC) || exit 2
FLAGS=$(makevar SY_CFLAGS) || exit 2
PKGS=$(makevar PKGS) || exit 2
LIBC=$(ls lib/*.c)
CMDC=$(ls cmd/*/main.c)
export FLAGS

# ---- 1. banned functions ----------------------------------------------
#
# An awk pass blanks out comments (also those spanning lines) and the
# insides of string and character literals, then looks for the names as
# whole words.  tests/fuzz is left out on purpose.
echo "lint: banned functions (lib cmd tests/unit)"
# shellcheck disable=SC2016
find lib cmd tests/unit -type f -name '*.[ch]' | sort |
    xargs awk '
FNR == 1 { incom = 0 }
{
	line = $0; out = ""; n = length(line); i = 1
	while (i <= n) {
		c = substr(line, i, 1); c2 = substr(line, i, 2)
		if (incom) {
			if (c2 == "*/") { incom = 0; i += 2; out = out " " }
			else i++
			continue
		}
		if (c2 == "/*") { incom = 1; i += 2; continue }
		if (c2 == "//") break
		if (c == "\"" || c == "\047") {
			for (i++; i <= n && substr(line, i, 1) != c; i++)
				if (substr(line, i, 1) == "\\")
					i++
			out = out c c; i++
			continue
		}
		out = out c; i++
	}
	w = "(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|gets|atoi|atol" \
	    "|gmtime|localtime|asctime|ctime)"
	while (match(out, "(^|[^A-Za-z0-9_])" w "([^A-Za-z0-9_]|$)")) {
		name = substr(out, RSTART, RLENGTH)
		gsub(/[^A-Za-z0-9_]/, "", name)
		printf "%s:%d: banned function %s: %s\n", FILENAME, FNR,
		    name, $0
		out = substr(out, RSTART + RLENGTH - 1)
	}
}' > "$LOG/banned.log"
cat "$LOG/banned.log"
result banned "$(wc -l < "$LOG/banned.log")"

# ---- 2. cppcheck --------------------------------------------------------
#
# The include directories of the pkg-config packages are given so that
# cppcheck sees libxml2's and the others' declarations.  --config-exclude
# keeps the #ifdef configurations of the system headers out of the
# combinations cppcheck tries: with them it hits its limit of 12
# ("toomanyconfigs") and takes a minute instead of seconds, while our own
# #if branches are still all checked.
echo "lint: cppcheck"
if have "$CPPCHECK" cppcheck; then
	# shellcheck disable=SC2046,SC2086
	"$CPPCHECK" --std=c11 --enable=warning,portability,performance \
	    --error-exitcode=1 --inline-suppr -I. \
	    $(pkg-config --cflags-only-I $PKGS) \
	    --config-exclude=/usr/include --suppress=missingIncludeSystem \
	    --template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
	    --quiet -j "$JOBS" lib cmd > "$LOG/cppcheck.log" 2>&1
	rc=$?
	cat "$LOG/cppcheck.log"
	n=$(grep -c '^[^ ]*:[0-9]*:[0-9]*: ' "$LOG/cppcheck.log")
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	result cppcheck "$n"
fi

# ---- 3. clang-tidy -----------------------------------------------------
#
# Each file is checked with the Makefile's flags given after "--" (no
# compile_commands.json needed, nothing is built).  $FLAGS is split on
# blanks without any quote removal, which keeps -DSY_VERSION="0.1.0" a
# string, as the compiler gets it from make.  A file that does not
# compile counts as a finding (clang-diagnostic-error).  Findings in
# headers are printed once.
echo "lint: clang-tidy ($CLANG_TIDY)"
if have "$CLANG_TIDY" clang-tidy-14; then
	rm -f "$LOG"/tidy.*.log "$LOG/clang-tidy.dropped"
	export LOG CLANG_TIDY
	# shellcheck disable=SC2016
	printf '%s\n' "$LIBC" "$CMDC" | xargs -P "$JOBS" -n 1 sh -c '
	    log="$LOG/tidy.$(echo "$1" | tr / _).log"
	    # shellcheck disable=SC2086
	    "$CLANG_TIDY" --quiet "$1" -- $FLAGS > "$log" 2>&1 ||
		grep -q ": error: " "$log" ||
		echo "$1:0: error: clang-tidy exited with $? [lint]" >> "$log"
	' lint-tidy
	cat "$LOG"/tidy.*.log > "$LOG/clang-tidy.log"
	grep -E '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error): ' \
	    "$LOG/clang-tidy.log" | sed "s|^$(pwd)/||; s|^\./||" |
	    sort -u > "$LOG/clang-tidy.all"
	# clang-tidy 14's bugprone-sizeof-expression calls the idiom
	# calloc(n, sizeof(*p)) "pointer to aggregate" when p points to
	# pointers to structs (clang-tidy 15 has an option to turn just
	# this off).  STYLE wants sizeof(*p), and the check is otherwise
	# worth having, so exactly that message on a "sizeof(*" is dropped.
	while IFS= read -r l; do
		case $l in
		*"pointer to aggregate [bugprone-sizeof-expression]")
			f=${l%%:*}
			r=${l#*:}
			n=${r%%:*}
			r=${r#*:}
			c=${r%%:*}
			src=$(sed -n "${n}p" "$f" | cut -c"$c"-)
			case $src in
			"sizeof(*"*)
				echo "$l" >> "$LOG/clang-tidy.dropped"
				continue
				;;
			esac
			;;
		esac
		echo "$l"
	done < "$LOG/clang-tidy.all" > "$LOG/clang-tidy.findings"
	cat "$LOG/clang-tidy.findings"
	result clang-tidy "$(wc -l < "$LOG/clang-tidy.findings")"
fi

# ---- 4. mandoc ---------------------------------------------------------
echo "lint: mandoc -Tlint -Wwarning"
if have "$MANDOC" mandoc; then
	"$MANDOC" -Tlint -Wwarning man/*.1 man/*.5 > "$LOG/mandoc.log" 2>&1
	rc=$?
	cat "$LOG/mandoc.log"
	n=$(grep -c . "$LOG/mandoc.log")
	[ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
	result mandoc "$n"
fi

# ---- 5. -Wconversion (informational) -----------------------------------
#
# STYLE.md asks for -Wconversion in lint builds.  The count is printed;
# it does not fail the lint (yet).  -fsyntax-only: nothing is written.
echo "lint: -Wconversion build of lib/ (informational)"
export CC
# shellcheck disable=SC2016,SC2086
printf '%s\n' "$LIBC" | xargs -P "$JOBS" -n 1 sh -c '
    # shellcheck disable=SC2086
    "$CC" $FLAGS -Wconversion -fsyntax-only "$1" 2>&1' lint-conv \
    > "$LOG/wconversion.log"
grep -E ': warning: ' "$LOG/wconversion.log" | sort -u \
    > "$LOG/wconversion.findings"
echo "lint: -Wconversion: $(wc -l < "$LOG/wconversion.findings") warning(s)" \
    "(not failing; list in $LOG/wconversion.findings)"

# ---- 6. clang-format ------------------------------------------------------
#
# The repository's .clang-format (KNF).  Nothing is rewritten here
# (--dry-run); "clang-format-14 -i FILE" fixes a file.
echo "lint: clang-format --dry-run --Werror"
if have "$CLANG_FORMAT" clang-format-14; then
	: > "$LOG/clang-format.log"
	ls lib/*.c lib/*.h cmd/*/*.c tests/unit/*.c tests/unit/*.h \
	    tests/fuzz/*.c tests/fuzz/*.h tests/shim/*.c tests/*.h bench/*.c \
	    > "$LOG/clang-format.all" 2>/dev/null
	total=$(wc -l < "$LOG/clang-format.all")
	# A few files to a process, JOBS at once; each finding names its
	# file ("FILE:LINE:COL: error: code should be clang-formatted").
	xargs -P "$JOBS" -n 16 "$CLANG_FORMAT" --dry-run --Werror \
	    < "$LOG/clang-format.all" >> "$LOG/clang-format.log" 2>&1
	rc=$?
	grep ': error: code should be clang-formatted' \
	    "$LOG/clang-format.log" | cut -d: -f1 | sort -u \
	    > "$LOG/clang-format.files"
	nf=$(wc -l < "$LOG/clang-format.files")
	if [ "$rc" -ne 0 ] && [ "$nf" -eq 0 ]; then
		# It failed, and not for the form of a file: say why.
		cat "$LOG/clang-format.log"
		echo "clang-format exited with $rc" > "$LOG/clang-format.files"
		nf=1
	fi
	echo "lint: clang-format: $nf of $total file(s) would change"
	if [ "$nf" -gt 0 ]; then
		sed 's/^/  /' "$LOG/clang-format.files"
		failed="$failed clang-format"
	fi
fi

if [ -n "$missing" ]; then
	echo "lint: missing tools; install:$missing"
	exit 2
fi
if [ -n "$failed" ]; then
	echo "lint: FAILED:$failed"
	exit 1
fi
echo "lint: all checks passed"
exit 0
