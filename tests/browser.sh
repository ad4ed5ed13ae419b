# tests/browser.sh: headless Chromium for the report tests, sourced after
# tests/lib.sh.  Every run gets its own profile under $T and the flags
# that keep the browser's own services (updates, sync, sign-in) quiet; the
# page itself is what the tests look at.  --dump-dom prints the DOM once
# the page has loaded and its script has run; --screenshot draws it.
# tests/browser.py drives the same browser over the DevTools protocol for
# what those two cannot tell (requests, layout widths, print).
if [ -x /usr/lib/chromium/chromium ]; then
	CHROMIUM=${CHROMIUM:-/usr/lib/chromium/chromium}
else
	CHROMIUM=${CHROMIUM:-chromium}
fi
export CHROMIUM

have_chromium() {
	command -v "$CHROMIUM" >/dev/null 2>&1
}

# chrome FLAG... URL: one headless run, at most two minutes.
chrome() {
	_d=$(mktemp -d "$T/chromium.XXXXXX")
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --disable-extensions \
	    --disable-default-apps --no-pings --disable-breakpad \
	    --hide-scrollbars --font-render-hinting=none \
	    --user-data-dir="$_d" "$@" 2>>"$T/chromium.log"
	_rc=$?
	rm -rf "$_d"
	return $_rc
}

# dom URL OUT: the DOM after load, scripts on.
dom() {
	chrome --dump-dom "$1" >"$2"
}

# dom_noscript URL OUT: the same with scripts off, over the DevTools
# protocol (this Chromium's --dump-dom prints nothing when they are off).
dom_noscript() {
	"$PY" "$SY_TOP/tests/browser.py" dom "$1" noscript >"$2" \
	    2>>"$T/chromium.log"
}

# shot URL OUT.png WIDTH HEIGHT: a screenshot of that window size.
shot() {
	chrome --window-size="$3,$4" --screenshot="$2" "$1" >/dev/null
}
