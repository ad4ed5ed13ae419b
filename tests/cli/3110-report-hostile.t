#!/bin/sh
# Hostile inputs on the HTML report: titles, links, file names and server
# answers (reason phrase, Location) that try to add markup, attributes or
# script to the page.  Each payload, if it ever ran, would mark the page
# (data-pwned); the page must show every payload as text and keep its one
# script, the page's own.  Checked with the page's CSP, then on a copy
# without it (the escaping alone must hold), and shown to be able to fail
# on a copy with one payload written in raw.  Servers on 127.0.0.1 only,
# stopped by pid.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/browser.sh"
K="$SY_BIN/syndic-links"
LINT="$SY_BIN/syndic-lint"
R="$PY $SY_TOP/tests/report.py"
cd "$SY_TOP" || exit 2

if ! have_chromium || ! command -v tidy >/dev/null; then
	skip "needs chromium and tidy (make deps installs them)"
	done_testing
	exit 0
fi

serve $PY tests/http/server.py --port-file "$T/http.port"
wait_files "$T/http.port"
P=$(cat "$T/http.port")
check "fixture server is up" test -n "$P"
U="http://127.0.0.1:$P"

# The payloads: each sets data-pwned on <html> if it ever runs.
S="<script>document.documentElement.setAttribute('data-pwned','title')</script>"
I="\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">"
V="<svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\">"
# A folder and a file name that close an attribute and open a tag.
dir="$T/\"><b onmouseover=x>"
mkdir -p "$dir"
M="$dir/<i>manifest'.csv"
# CSV: every quote doubled inside a quoted field.
q() { printf '%s' "$1" | sed 's/"/""/g'; }
cat >"$M" <<EOT
id,title,link,published,content
h1,"$(q "$S")",$U/notfound,2025-01-28,
h2,"$(q "$I")",$U/hostile-reason,2025-01-29,"<a href=""$U/ok/x?q=%22onmouseover=alert(1)"">q</a>"
h3,"$(q "$V")",$U/hostile-location,2025-01-30,"<a href=""javascript:document.documentElement.setAttribute('data-pwned','js')"">j</a>"
h4,</style></title></textarea><!--,$U/gone,2025-01-31,"<a href=""$U/ok/&quot;&gt;&lt;script&gt;x"">e</a>"
EOT
check_exit "links page of the hostile manifest: exit 1" 1 $K --no-db \
    --allow-private --timeout 5 --retries 0 --format html \
    -o "$T/links.html" "$M"
check_exit "its json: exit 1" 1 $K --no-db --allow-private --timeout 5 \
    --retries 0 --format json -o "$T/links.json" "$M"
check_exit "lint page of it: exit 1" 1 $LINT --format html \
    -o "$T/lint.html" "$M"
check_exit "lint json: exit 1" 1 $LINT --format json -o "$T/lint.json" "$M"
R1="<img src=x onerror=document.title='pwned'>"
R2="/ok/\"onmouseover=\"document.documentElement.setAttribute('data-pwned','hop')\"x"
check "the server's answers are in the report as they came" sh -c \
    "grep -qF \"\$1\" '$T/links.json' && grep -qF 'data-pwned' '$T/links.json'" \
    sh "$R1"

for page in links lint; do
	if [ $page = links ]; then
		set -- --text "$S" --text "$I" --text "$V" --text "$R1" \
		    --text "$R2"
	else
		set -- --text "javascript:document.documentElement"
	fi
	check "$page: tidy, no error and no warning" tidy -q -e "$T/$page.html"
	check "$page: html5lib, no parse error" $R valid "$T/$page.html"
	dom "file://$T/$page.html" "$T/$page.dom"
	check "$page: one script, the page's; no on* attribute; nothing runs" \
	    $R safe "$T/$page.dom" --text "<i>manifest'.csv" "$@"
	check "$page: the rows are the json's (nothing dropped or added)" \
	    $R compare "$T/$page.dom" "$T/$page.json" --no-times
	# Without the CSP: the escaping alone keeps every payload inert.
	grep -v 'http-equiv="Content-Security-Policy"' "$T/$page.html" \
	    >"$T/$page-nocsp.html"
	dom "file://$T/$page-nocsp.html" "$T/$page-nocsp.dom"
	check "$page without its CSP: still nothing runs" \
	    $R safe "$T/$page-nocsp.dom" --no-csp "$@"
done
check "the javascript: link is text, not a link" sh -c \
    "grep -q 'javascript:document' '$T/links.html' &&
     ! grep -qi 'href=\"javascript' '$T/links.html'"

# The checks can fail: one payload written in raw, CSP removed, runs.
sed "s|</main>|$V</main>|" "$T/links-nocsp.html" >"$T/raw.html"
dom "file://$T/raw.html" "$T/raw.dom"
check "control: a raw payload is caught (it ran and is an on* attribute)" \
    sh -c "! $R safe '$T/raw.dom' --no-csp >'$T/raw.out' &&
     grep -q 'a payload ran' '$T/raw.out' &&
     grep -q 'attribute onload' '$T/raw.out'"
sed "s|</main>|<script>1</script></main>|" "$T/links.html" >"$T/raw2.html"
dom "file://$T/raw2.html" "$T/raw2.dom"
check "control: a second script is caught, CSP or not" sh -c \
    "! $R safe '$T/raw2.dom' >'$T/raw2.out' &&
     grep -q '2 <script> elements' '$T/raw2.out'"
done_testing
