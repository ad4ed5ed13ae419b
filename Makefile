# syndic: plain make (GNU make 4.3), pkg-config for the dependencies.

# The version has one home, the first line of debian/changelog,
# "syndic (0.1.0) unstable; ...": every tool's --version, the package and
# the tarball's name take it from there (tests/cli/7000-package.t checks).
VERSION != sed -n '1s/^[^(]*(\([^)-]*\)[^)]*).*/\1/p' debian/changelog
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
DESTDIR =
CC = cc
AR = ar
RANLIB = ranlib
PKG_CONFIG = pkg-config
B = build

CFLAGS = -g -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2
CPPFLAGS =
LDFLAGS =
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
    -Wmissing-prototypes -Wold-style-definition -Wpointer-arith \
    -Wwrite-strings -Wformat=2 -Wundef -Wvla
WERROR =
VALGRIND =

# Debian packages: the build needs the -dev ones, the tests the rest.
DEB_BUILD = pkg-config gcc make libc6-dev libxml2-dev libcurl4-openssl-dev \
    libcsv-dev libsqlite3-dev libcmark-dev libidn2-dev libjansson-dev libc-ares-dev \
    libpq-dev tzdata
DEB_TEST = libxml2-utils python3 python3-feedparser openssl ca-certificates curl \
    cppcheck clang-tidy-14 clang-format-14 mandoc clang libclang-rt-14-dev \
    nginx-light iproute2 python3-commonmark postgresql \
    chromium tidy python3-html5lib fonts-wqy-microhei
DEB_LINT = cppcheck clang-tidy-14 clang-format-14 mandoc
DEB_BENCH = nginx-light wrk linkchecker time bc
# make deb, make dist and tests/cli/7000-package.t (which builds the .deb).
DEB_PKG = debhelper dpkg-dev fakeroot lintian blhc git tar gzip

PKGS = libxml-2.0 libcurl sqlite3 libcmark libidn2 jansson libcares libpq
# Evaluated when used, so that "make deps" can run before pkg-config.
DEP_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
DEP_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))
CSV_CFLAGS =
CSV_LIBS = -lcsv
LDLIBS = $(DEP_LIBS) $(CSV_LIBS) -ldl -lresolv -lm -pthread
# syndic-build opens libcurl, libxml2, libidn2 and libcmark with dlopen
# when it needs them (lib/dl.h): linked, they and the ~40 libraries
# behind them would be loaded at every start, the up-to-date check's
# included.  Their headers still come from pkg-config (DEP_CFLAGS); the
# sonames lib/dl.c opens are read from the very files pkg-config names.
# The history's databases (SQLite, libpq) are syndic-links' alone.
BUILD_PKGS = $(filter-out libcurl libxml-2.0 libidn2 libcmark sqlite3 libpq,$(PKGS))
BUILD_LDLIBS = $(shell $(PKG_CONFIG) --libs $(BUILD_PKGS)) $(CSV_LIBS) \
    -ldl -lresolv -lm -pthread
soname = $(shell readelf -d \
    "$$($(PKG_CONFIG) --variable=libdir $(1))/lib$(2).so" 2>/dev/null | \
    sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
CURL_SONAME = $(call soname,libcurl,curl)
XML_SONAME = $(call soname,libxml-2.0,xml2)
IDN2_SONAME = $(call soname,libidn2,idn2)
CMARK_SONAME = $(call soname,libcmark,cmark)
DL_SONAMES = $(CURL_SONAME) $(XML_SONAME) $(IDN2_SONAME) $(CMARK_SONAME)
DL_CFLAGS = $(foreach l,CURL XML IDN2 CMARK,\
    $(if $($(l)_SONAME),-DSY_$(l)_SONAME=\"$($(l)_SONAME)\"))

SY_CFLAGS = -std=c11 -pthread -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
    -DSY_VERSION=\"$(VERSION)\" -I. $(WARN) $(WERROR) $(DEP_CFLAGS) \
    $(CSV_CFLAGS) $(CPPFLAGS) $(CFLAGS)

TOOLS = syndic-build syndic-lint syndic-links
HDR = $(wildcard lib/*.h)
LIBSRC = $(wildcard lib/*.c)
# The Atom RELAX NG schema (RFC 4287) is compiled in: nothing to install.
# So are the report page's style and script (report.h), with the SHA-256
# its Content-Security-Policy names them by.
LIBOBJ = $(LIBSRC:%.c=$(B)/%.o) $(B)/gen/atom_rng.o $(B)/gen/report_assets.o
LIB = $(B)/libsyndic.a
BIN = $(TOOLS:%=$(B)/%)
UNITSRC = $(wildcard tests/unit/*_test.c)
UNIT = $(UNITSRC:tests/unit/%.c=$(B)/tests/%)
MAN1 = $(TOOLS:%=man/%.1)
MAN5 = man/syndic-manifest.5

ASAN_CFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
    -fno-omit-frame-pointer -O1 -g

all: $(BIN)

$(B)/lib/%.o: lib/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(SY_CFLAGS) -c -o $@ $<

$(B)/gen/atom_rng.c: schemas/atom.rng
	@mkdir -p $(@D)
	{ echo '#include "lib/schema.h"'; \
	  echo 'const unsigned char sy_atom_rng[] = {'; \
	  od -An -v -tx1 schemas/atom.rng | \
	    sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00 };'; \
	  echo 'const size_t sy_atom_rng_len = sizeof(sy_atom_rng) - 1;'; \
	} > $@

$(B)/gen/report_assets.c: lib/report.css lib/report.js tests/embed.sh
	@mkdir -p $(@D)
	sh tests/embed.sh report lib/report.css lib/report.js > $@.tmp
	mv $@.tmp $@

$(B)/gen/%.o: $(B)/gen/%.c $(HDR)
	$(CC) $(SY_CFLAGS) -c -o $@ $<

$(B)/cmd/%.o: cmd/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(SY_CFLAGS) -c -o $@ $<

$(LIB): $(LIBOBJ)
	@rm -f $@
	$(AR) -rc $@ $(LIBOBJ)
	$(RANLIB) $@

$(B)/syndic-%: $(B)/cmd/syndic-%/main.o $(LIB)
	$(CC) $(SY_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(B)/syndic-build: LDLIBS = $(BUILD_LDLIBS)
$(B)/lib/dl.o: SY_CFLAGS += $(DL_CFLAGS)

$(B)/tests/%_test: tests/unit/%_test.c tests/unit/t.h tests/unit/pg.h $(LIB) $(HDR)
	@mkdir -p $(@D)
	$(CC) $(SY_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# bench/readback (make bench): the bench's feeds read back by libxml2 and
# jansson; built by make check too, so that it keeps compiling.
READBACK = $(B)/bench/readback
$(READBACK): bench/readback.c tests/roundtrip.h $(LIB) $(HDR)
	@mkdir -p $(@D)
	$(CC) $(SY_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

unit: $(UNIT) $(READBACK)

# Runs every unit test and every end-to-end script; the last line is
# "N passed, N failed".
test: all unit
	@B=$(B) sh tests/run.sh

# The README's two commands.  Each runs "deps" first, then a fresh make,
# so pkg-config is asked only once the packages are there.
check: deps
	@$(MAKE) --no-print-directory WERROR=-Werror checkall

# The builds use every processor (NPROC); the plain and sanitizer suites
# run side by side, the tests of each one at a time (tests/run.sh).
NPROC != nproc 2>/dev/null || echo 1
checkall:
	@$(MAKE) --no-print-directory -j$(NPROC) all unit
	@$(MAKE) --no-print-directory -j$(NPROC) B=$(B)/asan \
	    CFLAGS="$(ASAN_CFLAGS)" LDFLAGS="$(ASAN_CFLAGS)" all unit
	@B=$(B) ASAN_B=$(B)/asan VALGRIND=$(VALGRIND) sh tests/run.sh

asan: deps
	@$(MAKE) --no-print-directory B=$(B)/asan CFLAGS="$(ASAN_CFLAGS)" \
	    LDFLAGS="$(ASAN_CFLAGS)" test

demo: deps
	@$(MAKE) --no-print-directory all
	./$(B)/syndic-build --title Housekeeping \
	    --link https://column.example.org/ \
	    --base-url https://feeds.example.org/ -o feeds/out feeds/manifest.csv
	@echo "feeds written under feeds/out/:"
	@find feeds/out -type f | sort | sed 's/^/  /'
	sh tests/example-report.sh $(B) examples/report
	@echo "report pages written: examples/report/lint.html, examples/report/links.html"

bench: deps
	@sh tests/deps.sh $(DEB_BENCH)
	@$(MAKE) --no-print-directory all $(READBACK)
	sh bench/run.sh

fuzz: deps
	sh tests/fuzz/run.sh

deps:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST) $(DEB_PKG)

lint: deps
	@sh tests/deps.sh $(DEB_LINT)
	sh tests/lint.sh

install: all
	mkdir -p "$(DESTDIR)$(PREFIX)/bin" "$(DESTDIR)$(MANPREFIX)/man1" \
	    "$(DESTDIR)$(MANPREFIX)/man5"
	for t in $(TOOLS); do \
	    install -m 0755 $(B)/$$t "$(DESTDIR)$(PREFIX)/bin/$$t"; done
	for m in $(MAN1); do \
	    install -m 0644 $$m "$(DESTDIR)$(MANPREFIX)/man1/"; done
	install -m 0644 $(MAN5) "$(DESTDIR)$(MANPREFIX)/man5/"

uninstall:
	for t in $(TOOLS); do rm -f "$(DESTDIR)$(PREFIX)/bin/$$t"; done
	for m in $(MAN1); do \
	    rm -f "$(DESTDIR)$(MANPREFIX)/man1/$${m#man/}"; done
	rm -f "$(DESTDIR)$(MANPREFIX)/man5/syndic-manifest.5"

clean:
	rm -rf $(B) feeds/out

# ---- packaging (issue 12): dist, distcheck, deb ---------------------------
# make dist: $(DIST), the same bytes every time (tests/dist.sh says how).
# make distcheck: unpacks it in an empty folder outside any git tree and
# runs the full "make check" there (minutes: CI's job, not make check's).
# make deb: the Debian package, built by dpkg-buildpackage from the
# unpacked tarball in $(B)/deb/, with lintian's verdict; the .deb is
# $(B)/deb/syndic_$(VERSION)_ARCH.deb.
DIST = $(B)/syndic-$(VERSION).tar.gz

dist:
	@sh tests/dist.sh "$(VERSION)" "$(DIST)"

distcheck: dist
	@d=$$(mktemp -d "$${TMPDIR:-/tmp}/syndic-distcheck.XXXXXX") && \
	tar -xzf "$(DIST)" -C "$$d" && \
	echo "distcheck: make check in $$d/syndic-$(VERSION)" && \
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS \
	    $(MAKE) -C "$$d/syndic-$(VERSION)" check && \
	rm -rf "$$d" && echo "distcheck: $(DIST) is ready"

deb:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_PKG)
	@$(MAKE) --no-print-directory dist
	rm -rf "$(B)/deb" && mkdir -p "$(B)/deb"
	tar -xzf "$(DIST)" -C "$(B)/deb"
	cd "$(B)/deb/syndic-$(VERSION)" && dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info "$(B)"/deb/syndic_$(VERSION)_*.deb
	@ls "$(B)"/deb/syndic_$(VERSION)_*.deb
# ---- end of packaging ------------------------------------------------------

.PHONY: all unit test check checkall asan demo bench fuzz deps lint \
    install uninstall clean dist distcheck deb
