#!/bin/sh
# 7000-package: one version everywhere, the release tarball, the Debian
# package.
#   - debian/changelog's version (the one home of it, read by make) is what
#     dpkg-parsechangelog reads, what every tool's --version prints and
#     what the example's goldens name as generator;
#   - make dist twice gives the same bytes; unpacked in an empty folder
#     outside any git tree, with a git on PATH that fails if called, the
#     tree builds with -Werror, its tools print the version, and make dist
#     there gives the very same tarball again (the no-git file list is the
#     git one);
#   - as root, with dpkg-buildpackage: make deb, lintian (no error, no
#     warning), blhc on the build log, the package's contents, a copyright
#     file naming the package of every library the tools link, and an
#     install into a throw-away root (its own admindir), the installed
#     tools and the installed example, then a purge that leaves nothing.
# The full "make check" of the unpacked tarball is make distcheck's job.
. "$SY_TOP/tests/lib.sh"
case $SY_BIN in
*asan*)
	skip "packaging checks run in the plain pass"
	done_testing
	exit 0
	;;
esac
# Our own make runs, not the caller's jobserver or command-line variables.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
cd "$SY_TOP" || exit 2
TOOLS="syndic-build syndic-lint syndic-links"

# ---- one version ---------------------------------------------------------
V=$(make -s --no-print-directory \
    --eval='sy-print-version: ; @echo $(VERSION)' sy-print-version)
if echo "$V" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$'; then
	ok "make's VERSION is a version: $V"
else
	notok "make's VERSION is a version: '$V'"
fi
if command -v dpkg-parsechangelog >/dev/null 2>&1; then
	P=$(dpkg-parsechangelog -l debian/changelog -SVersion)
	check "debian/changelog's version ($P) is make's ($V)" test "$P" = "$V"
else
	skip "dpkg-parsechangelog not installed (dpkg-dev)"
fi
for t in $TOOLS; do
	check_exit "$t --version exits 0" 0 "$SY_BIN/$t" --version
	check_grep "$t --version prints '$t $V'" "^$t $V\$" "$T/stdout"
done
check_grep "the example's RSS golden names generator syndic $V" \
    "<generator>syndic $V</generator>" fixtures/build/example/rss.xml
check_grep "the example's Atom golden names generator version $V" \
    "<generator version=\"$V\">syndic</generator>" \
    fixtures/build/example/atom.xml

# ---- the release tarball -------------------------------------------------
TGZ=syndic-$V.tar.gz
check_exit "make dist" 0 make -s B="$T/d1" dist
check_exit "make dist again" 0 make -s B="$T/d2" dist
check "the tarball is named $TGZ" test -f "$T/d1/$TGZ"
s1=$(sha256sum <"$T/d1/$TGZ" 2>/dev/null)
s2=$(sha256sum <"$T/d2/$TGZ" 2>/dev/null)
check "made twice, the same sha256 (${s1%% *})" test -n "$s1" -a "$s1" = "$s2"
# gzip -n: no file name (flag byte 3 is 0) and no time (bytes 4 to 7).
hdr=$(od -An -tx1 -j3 -N5 "$T/d1/$TGZ" | tr -d ' \n')
check "the gzip header holds no name and no time ($hdr)" test "$hdr" = 0000000000
tar -tvzf "$T/d1/$TGZ" >"$T/list" 2>&1
check "every entry is under syndic-$V/" test -z \
    "$(awk '$6 !~ "^syndic-'"$V"'/" { print }' "$T/list")"
check "every entry is owned by 0/0" test -z \
    "$(awk '$2 != "0/0" { print }' "$T/list")"
check "no .git, no build output in the tarball" test -z \
    "$(awk '$6 ~ "^syndic-'"$V"'/((\\.git|build)(/|$)|feeds/out/)|\\.o$|\\.a$" { print $6 }' "$T/list")"
for f in debian/changelog debian/control debian/rules Makefile tests/dist.sh \
    lib/manifest.c man/syndic-manifest.5 schemas/atom.rng; do
	check_grep "the tarball holds $f" " syndic-$V/$f\$" "$T/list"
done

mkdir -p "$T/u" "$T/nogit"
# A git that leaves a mark when anything calls it.
printf '#!/bin/sh\necho "$0 $*" >>"%s"\nexit 1\n' "$T/git-called" \
    >"$T/nogit/git"
chmod +x "$T/nogit/git"
check "unpacks into an empty folder" tar -xzf "$T/d1/$TGZ" -C "$T/u"
U=$T/u/syndic-$V
check "the unpacked tree is in no git work tree" test -z \
    "$(git -C "$U" rev-parse --show-toplevel 2>/dev/null)"
check_exit "the unpacked tree builds (make -j2 all WERROR=-Werror)" 0 \
    env PATH="$T/nogit:$PATH" make -C "$U" -j2 all WERROR=-Werror
if [ -f "$T/git-called" ]; then
	notok "nothing in the unpacked build called git"
	sed 's/^/#   /' "$T/git-called"
else
	ok "nothing in the unpacked build called git"
fi
for t in $TOOLS; do
	check_exit "unpacked $t --version" 0 "$U/build/$t" --version
	check_grep "unpacked $t --version prints '$t $V'" "^$t $V\$" \
	    "$T/stdout"
done
check_exit "make dist in the unpacked tree" 0 env PATH="$T/nogit:$PATH" \
    make -s -C "$U" dist
s3=$(sha256sum <"$U/build/$TGZ" 2>/dev/null)
check "it is the same tarball, byte for byte" test -n "$s3" -a "$s3" = "$s1"
if [ -f "$T/git-called" ]; then
	notok "make dist in the unpacked tree called no git"
	sed 's/^/#   /' "$T/git-called"
else
	ok "make dist in the unpacked tree called no git"
fi

# ---- the Debian package --------------------------------------------------
# make deb installs DEB_BUILD and DEB_PKG: every build dependency that
# debian/control names must be in them (debhelper-compat is debhelper's).
mk=$(make -s --no-print-directory \
    --eval='sy-print-pkgs: ; @echo $(DEB_BUILD) $(DEB_PKG)' sy-print-pkgs)
need=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' debian/control |
    sed '1s/^Build-Depends://; /^[A-Z]/d' | tr ',' '\n' |
    sed 's/[(<].*//; s/ //g' | grep . | sed 's/^debhelper-compat$/debhelper/')
miss=
for p in $need; do
	case " $mk " in *" $p "*) ;; *) miss="$miss $p" ;; esac
done
check "make deb installs every Build-Depends ($(echo $need))" test -z "$miss"
[ -n "$miss" ] && echo "# not in DEB_BUILD or DEB_PKG:$miss"
if command -v dpkg-checkbuilddeps >/dev/null 2>&1; then
	mkdir -p "$T/noadmin"
	: >"$T/noadmin/status"
	check_exit "on a machine without them, dpkg-checkbuilddeps fails" 1 \
	    dpkg-checkbuilddeps --admindir="$T/noadmin" debian/control
	check_grep "and names what is missing" \
	    "Unmet build dependencies: .*libxml2-dev" "$T/stderr"
else
	skip "dpkg-checkbuilddeps not installed (dpkg-dev)"
	skip "dpkg-checkbuilddeps not installed (dpkg-dev)"
fi
why=
[ "$(id -u)" -eq 0 ] || why="not root (make deb installs its build dependencies; the install test needs root)"
for c in dpkg-buildpackage lintian blhc dpkg-deb readelf; do
	[ -n "$why" ] && break
	command -v "$c" >/dev/null 2>&1 || why="$c not installed (make deps)"
done
if [ -n "$why" ]; then
	skip "Debian package: $why"
	done_testing
	exit 0
fi
ARCH=$(dpkg --print-architecture)
DEB=$T/pb/deb/syndic_${V}_$ARCH.deb
# The package's own build runs the unit tests (debian/rules), as a
# user's "make deb" does; here make check has just run them: nocheck.
DEB_BUILD_OPTIONS=nocheck make B="$T/pb" deb >"$T/deb.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	ok "make deb"
else
	notok "make deb (exit $rc)"
	tail -n 30 "$T/deb.log" | sed 's/^/#   /'
fi
check "the package is syndic_${V}_$ARCH.deb" test -f "$DEB"
check "its Version is $V" test "$(dpkg-deb -f "$DEB" Version)" = "$V"
lintian --info "$DEB" "$T/pb/deb/syndic_${V}_$ARCH.changes" >"$T/lintian" 2>&1
check "lintian: no error, no warning" test -z \
    "$(grep -E '^[EW]: ' "$T/lintian")"
grep -E '^[EW]: ' "$T/lintian" | sed 's/^/#   /'
check "blhc: every compile and link line has the hardening flags" \
    blhc --debian --bindnow --arch="$ARCH" "$T/deb.log"
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's,^\./,/,' >"$T/contents"
for f in /usr/bin/syndic-build /usr/bin/syndic-lint /usr/bin/syndic-links \
    /usr/share/man/man1/syndic-build.1.gz /usr/share/man/man1/syndic-lint.1.gz \
    /usr/share/man/man1/syndic-links.1.gz \
    /usr/share/man/man5/syndic-manifest.5.gz \
    /usr/share/doc/syndic/copyright /usr/share/doc/syndic/examples/crontab \
    /usr/share/doc/syndic/examples/systemd/syndic-links.service \
    /usr/share/doc/syndic/examples/systemd/syndic-links.timer \
    /usr/share/doc/syndic/examples/github/syndic-lint.yml \
    /usr/share/doc/syndic/examples/github/syndic-links.yml \
    /usr/share/doc/syndic/examples/feeds/manifest.csv; do
	check_grep "the package holds $f" "^$f\$" "$T/contents"
done

# Every library the tools link or open with dlopen (lib/dl.h: the
# Makefile's DL_SONAMES) comes from a package that debian/copyright names
# with its licence; those opened, which dpkg-shlibdeps cannot see, from a
# package the .deb's Depends names.
dl=$(make -s --no-print-directory \
    --eval='sy-print-dl: ; @echo $(DL_SONAMES)' sy-print-dl)
check "the tools open four libraries with dlopen ($dl)" \
    test "$(echo $dl | wc -w)" -eq 4
deps=$(dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed 's/([^)]*)//; s/ //g')
for so in $dl; do
	pkg=$(dpkg -S "*/$so" 2>/dev/null | grep -v -- '-dev' |
	    sed -n 's/^\([^:]*\)\(:[^:]*\)\{0,1\}: .*/\1/p' | head -n 1)
	if [ -n "$pkg" ] && echo "$deps" | grep -qx "$pkg"; then
		ok "the package depends on $pkg, which ships $so (dlopen)"
	else
		notok "the package depends on the package of $so ('$pkg')"
	fi
done
{
	for t in $TOOLS; do
		readelf -d "$T/pb/deb/syndic-$V/build/deb/$t" 2>/dev/null |
		    sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'
	done
	for so in $dl; do echo "$so"; done
} | sort -u >"$T/needed"
check "the tools link shared libraries" test -s "$T/needed"
while read -r so; do
	pkg=$(dpkg -S "*/$so" 2>/dev/null | grep -v -- '-dev' |
	    sed -n 's/^\([^:]*\)\(:[^:]*\)\{0,1\}: .*/\1/p' | head -n 1)
	if [ -n "$pkg" ] && grep -q "($pkg) " debian/copyright; then
		ok "debian/copyright names $pkg, which ships $so"
	else
		notok "debian/copyright names the package of $so ('$pkg')"
	fi
done <"$T/needed"

# Install into a throw-away root.  Its admindir knows only the packages
# syndic depends on (as installed on this machine, whose libraries the
# installed tools load), so dpkg checks the Depends for real.
R=$T/root
A=$T/admin
mkdir -p "$R" "$A/info" "$A/updates" "$A/triggers"
: >"$A/available"
: >"$A/status"
for p in $(dpkg-deb -f "$DEB" Depends | tr ',' '\n' |
    sed 's/([^)]*)//; s/|.*//; s/ //g'); do
	if dpkg-query -s "$p" >>"$A/status" 2>/dev/null; then
		echo >>"$A/status"
		a=$(dpkg-query -W -f '${Architecture}' "$p")
		if [ "$a" = all ]; then : >"$A/info/$p.list"
		else : >"$A/info/$p:$a.list"; fi
	fi
done
DPKG="dpkg --instdir=$R --admindir=$A --force-script-chrootless"
check_exit "dpkg -i into the throw-away root" 0 $DPKG -i "$DEB"
dpkg --admindir="$A" -L syndic >"$T/listed" 2>&1
check "dpkg -L lists the installed files" test -s "$T/listed"
miss=
while read -r f; do
	[ -e "$R$f" ] || miss="$miss $f"
done <"$T/listed"
check "every listed file is in the root" test -z "$miss"
for t in $TOOLS; do
	check_exit "installed $t --version" 0 "$R/usr/bin/$t" --version
	check_grep "installed $t prints '$t $V'" "^$t $V\$" "$T/stdout"
done
EXD=$R/usr/share/doc/syndic/examples
check_exit "the installed syndic-build builds the installed example" 0 \
    "$R/usr/bin/syndic-build" -q --title Housekeeping \
    --link https://column.example.org/ \
    --base-url https://feeds.example.org/ -o "$T/ex" "$EXD/feeds/manifest.csv"
check "the example's feeds are the goldens" diff -r fixtures/build/example \
    "$T/ex"
check_exit "the installed syndic-lint passes the installed example" 0 \
    "$R/usr/bin/syndic-lint" --strict "$EXD/feeds/manifest.csv"
check_exit "the installed syndic-links reads it offline" 0 \
    "$R/usr/bin/syndic-links" -q --offline --no-db "$EXD/feeds/manifest.csv"
exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$EXD/systemd/syndic-links.service")
check "the example unit's ExecStart ($exe) is an installed tool" \
    test -x "$R$exe" -a "${exe#/usr/bin/}" != "$exe"
check_exit "dpkg -P removes it" 0 $DPKG -P syndic
check "dpkg no longer knows syndic" test -z \
    "$(dpkg-query --admindir="$A" -W -f '${db:Status-Status}' syndic 2>/dev/null | grep -v not-installed)"
left=$(find "$R" -mindepth 1 | head -n 20)
check "nothing is left in the root" test -z "$left"
[ -n "$left" ] && echo "$left" | sed 's/^/#   left: /'
done_testing
