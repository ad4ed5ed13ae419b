#!/bin/sh
# syndic-links --format html and --history-report, read back the way a
# person sees them: rendered by headless Chromium, the DOM it made
# compared with the JSON report of the same run (counts, every row, the
# hosts, the run log), with scripts on and off, at a phone's width and
# for print; the requests the page makes counted over the DevTools
# protocol; the HTML validated by tidy and html5lib.  The links are on
# the fixture HTTP server and the mail domains on the fixture DNS server,
# both on 127.0.0.1 (ephemeral ports), stopped by pid.
. "$SY_TOP/tests/lib.sh"
. "$SY_TOP/tests/browser.sh"
K="$SY_BIN/syndic-links"
R="$PY $SY_TOP/tests/report.py"
BR="$PY $SY_TOP/tests/browser.py"
cd "$SY_TOP" || exit 2

if ! have_chromium || ! command -v tidy >/dev/null; then
	skip "needs chromium and tidy (make deps installs them)"
	done_testing
	exit 0
fi

serve $PY tests/http/server.py --port-file "$T/http.port"
serve $PY tests/http/server.py --bind 127.0.0.2 --port-file "$T/http2.port"
mkfifo "$T/dns.in"
exec 3<>"$T/dns.in"
serve $PY tests/dns/server.py <"$T/dns.in" >"$T/dns.port"
wait_files "$T/http.port" "$T/http2.port" "$T/dns.port"
P=$(cat "$T/http.port")
D=$(head -n 1 "$T/dns.port")
check "fixture servers are up" test -n "$P" -a -n "$D"
U="http://127.0.0.1:$P"
L="http://127.0.0.2:$(cat "$T/http2.port")"

# Two hosts (127.0.0.1 and .2), CJK titles, every kind of verdict.
cat >"$T/manifest.csv" <<EOT
id,title,link,published,email,content
tn-1,開源模型後來居上？,$U/ok/tn-1,2025-01-28,editor@good.test,"<p><a href=""$U/notfound"">壞連結</a>、<a href=""$L/redirect/301?to=/ok/moved"">搬家</a></p>"
tn-2,演算法的「作戰室」,$U/gone,2025-02-04,nobody@nullmx.test,"<a href=""$L/ratelimit-long/a"">限流</a> <a href=""$U/botwall"">牆</a>"
tn-3,從 Transformer 說起,$L/ok/tn-3?ms=30,2025-02-11,,"<a href=""$U/chain/2"">三跳</a> <a href=""$U/notfound"">同一個壞連結</a>"
EOT
DB="$T/links.db"
RUN="$K --db $DB --allow-private --timeout 5 --retries 0 --dns-server 127.0.0.1:$D"
for i in 1 2 3; do
	check_exit "run $i (json): problems, exit 1" 1 $RUN --format json \
	    "$T/manifest.csv"
done
# Run 4 twice from the same history: once as JSON, once as the page.
cp "$DB" "$T/links2.db"
RUN2="$K --db $T/links2.db --allow-private --timeout 5 --retries 0 --dns-server 127.0.0.1:$D"
check_exit "run 4 as json: exit 1" 1 $RUN --format json -o "$T/run.json" \
    "$T/manifest.csv"
check_exit "run 4 as html, the same verdicts: exit 1" 1 $RUN2 \
    --format html -o "$T/run.html" "$T/manifest.csv"
check "-o wrote the page, mode 0644, nothing on stdout" sh -c \
    "test -s '$T/run.html' && test ! -s '$T/stdout' &&
     test \"\$(stat -c %a '$T/run.html')\" = 644"
check "the page is one file: no temporary file left beside it" sh -c \
    "! ls -A '$T' | grep -q '^\\.run\\.html\\.'"

# Valid HTML: tidy says nothing (no error, no warning); html5lib agrees.
check "tidy: no error and no warning" tidy -q -e "$T/run.html"
check "html5lib: no parse error" $R valid "$T/run.html"

# The DOM Chromium made, scripts on, against the JSON of run 4.
dom "file://$T/run.html" "$T/dom.html"
check "the browser ran the page's script (its CSP hash matches)" \
    grep -q 'data-js="on"' "$T/dom.html"
check "scripts on: counts, rows and hosts are the json's" \
    $R compare "$T/dom.html" "$T/run.json" --no-times
check "the page's script is the one its CSP names; nothing loads" \
    $R safe "$T/dom.html" --text 開源模型後來居上？ --text 演算法的「作戰室」
dom_noscript "file://$T/run.html" "$T/dom0.html"
check "scripts off: every row is there, the same as the json" \
    $R compare "$T/dom0.html" "$T/run.json" --no-times
check "scripts off: the filters stay hidden" sh -c \
    "grep -q 'id=\"filters\" class=\"filters\" hidden' '$T/dom0.html' &&
     ! grep -q 'data-js=' '$T/dom0.html'"

# No request leaves the page: the DevTools protocol lists every request
# the page makes; the page itself is the only one.  The control page
# asks for a style sheet, an image and a fetch, and is caught.
$BR requests "file://$T/run.html" >"$T/req.txt" 2>>"$T/chromium.log"
check "the page makes no request but itself" sh -c \
    "test \"\$(cat '$T/req.txt')\" = 'file://$T/run.html'"
cat >"$T/control.html" <<'EOT'
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>c</title>
<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head><body>
<img src="http://127.0.0.1:9/x.png" alt=""><script>fetch("http://127.0.0.1:9/f")</script>
</body></html>
EOT
$BR requests "file://$T/control.html" >"$T/req0.txt" 2>>"$T/chromium.log"
check "the count can fail: the control page's three requests are seen" \
    test "$(grep -c '127.0.0.1:9/' "$T/req0.txt")" -eq 3

# Filters and sorting, from the address's #fragment.
nbroken=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for x in d["diagnostics"] if x["rule"] not in ("link-redirect","link-blocked","link-unchecked","link-private") and (x["rule"].startswith("link-") or x["rule"]=="email-no-mx")))' "$T/run.json")
dom "file://$T/run.html#v=broken" "$T/domv.html"
$R visible "$T/domv.html" >"$T/visible.txt"
check "#v=broken shows the $nbroken broken rows and only those" sh -c \
    "test \"\$(grep -c . '$T/visible.txt')\" -eq $nbroken &&
     ! grep -qv '^broken\$' '$T/visible.txt' && test $nbroken -gt 0"
dom "file://$T/run.html#s=3" "$T/doms.html"
check "#s=3 sorts each file's rows by status" $R sorted "$T/doms.html" 3
dom "file://$T/run.html#s=-0" "$T/doms0.html"
check "#s=-0 sorts them by position, last first" \
    $R sorted "$T/doms0.html" 0 desc

# A phone's width and print.
$BR layout "file://$T/run.html" 390 >"$T/phone.txt" 2>>"$T/chromium.log"
nrows=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["diagnostics"]))' "$T/run.json")
check "390 px wide: nothing overflows sideways, every row laid out" sh -c \
    "grep -q '^scroll 390 client 390\$' '$T/phone.txt' &&
     grep -q '^shown $nrows hidden 0\$' '$T/phone.txt'"
$BR layout "file://$T/run.html" 800 print >"$T/print.txt" \
    2>>"$T/chromium.log"
check "print: every row, no filters" sh -c \
    "grep -q '^shown $nrows hidden 0\$' '$T/print.txt' &&
     grep -q '^filters hidden\$' '$T/print.txt'"
$BR pdf "file://$T/run.html" "$T/run.pdf" 2>>"$T/chromium.log"
check "it prints to a PDF" sh -c \
    "test \"\$(head -c 5 '$T/run.pdf')\" = '%PDF-' &&
     test \$(wc -c <'$T/run.pdf') -gt 10000"
check "the json has the redirect's hops and the page shows them" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))["diagnostics"]
r = [x for x in d if x["rule"] == "link-redirect"]
sys.exit(0 if len(r) == 1 and r[0]["redirects"] and
         r[0]["redirects"][-1].endswith("/ok/moved") else 1)' "$T/run.json"

# The history alone: no run, the page of what it holds, the same as its
# JSON to the last number (nothing timed here: no response times).
c0=$(curl -s "$U/stats")
check_exit "--history-report --format json: exit 1" 1 $K --db "$DB" \
    --history-report --format json -o "$T/hist.json" "$T/manifest.csv"
check_exit "--history-report --format html: exit 1" 1 $K --db "$DB" \
    --history-report --format html -o "$T/hist.html" "$T/manifest.csv"
check "the history report fetched nothing" \
    test "$c0" = "$(curl -s "$U/stats")"
check "the history report's verdicts are run 4's" $PY -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
k = lambda d: sorted((x["file"], x["line"], x["column"], x["rule"],
                      x["status"], x.get("failures"))
                     for x in d["diagnostics"])
sys.exit(0 if k(a) == k(b) and a["summary"]["broken"] ==
         b["summary"]["broken"] else 1)' "$T/run.json" "$T/hist.json"
check "tidy: the history page is clean" tidy -q -e "$T/hist.html"
dom "file://$T/hist.html" "$T/domh.html"
check "history page: counts, rows, hosts, run log and bars are its json's" \
    $R compare "$T/domh.html" "$T/hist.json"
check "the run log has the four runs" $PY -c '
import json, sys
sys.exit(0 if len(json.load(open(sys.argv[1]))["runs"]) == 4 else 1)' \
    "$T/hist.json"

# Without files: every link the history holds, at the database.
check_exit "--history-report without files (json)" 1 $K --db "$DB" \
    --history-report --format json -o "$T/all.json"
check_exit "--history-report without files (html)" 1 $K --db "$DB" \
    --history-report --format html -o "$T/all.html"
check "every stored link is there, reported at the database" $PY -c '
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
n = sqlite3.connect(sys.argv[2]).execute("select count(*) from links").fetchone()[0]
files = set(x["file"] for x in d["diagnostics"])
sys.exit(0 if len(d["links"]) == n and files == {sys.argv[2]} else 1)' \
    "$T/all.json" "$DB"
dom "file://$T/all.html" "$T/doma.html"
check "that page is its json too" $R compare "$T/doma.html" "$T/all.json"

# Offline: links found, none fetched, said so.
check_exit "--offline --format html: exit 0" 0 $K --offline --format html \
    -o "$T/off.html" "$T/manifest.csv"
check_exit "--offline --format json: exit 0" 0 $K --offline --format json \
    -o "$T/off.json" "$T/manifest.csv"
dom "file://$T/off.html" "$T/domo.html"
check "offline page: nothing checked, all links listed per host" \
    $R compare "$T/domo.html" "$T/off.json"
check_grep "offline page says so" "Offline: links found" "$T/off.html"

# Failures: exit 2 with a clear message, nothing half written.
check_exit "--history-report with no database: exit 2" 2 $K \
    --db "$T/none.db" --history-report --format html "$T/manifest.csv"
check_grep "it names the file" "none.db: No such file or directory" \
    "$T/stderr"
check "and makes none" test ! -e "$T/none.db"
check_exit "--history-report --offline: usage, exit 2" 2 $K \
    --history-report --offline "$T/manifest.csv"
check_exit "--history-report --no-db: usage, exit 2" 2 $K \
    --history-report --no-db "$T/manifest.csv"
check_exit "-o into a missing folder: exit 2" 2 $K --offline \
    --format html -o "$T/no/such/page.html" "$T/manifest.csv"
check_grep "it says where" "writing the report to $T/no/such/page.html" \
    "$T/stderr"
done_testing
