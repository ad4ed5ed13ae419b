#!/usr/bin/python3
"""Headless Chromium driven over the DevTools protocol (a pipe, no port),
for what --dump-dom and --screenshot cannot tell: which requests a page
makes, how wide it lays out, what prints.  Stdlib only.

browser.py requests URL
    Loads URL and prints every request the page made (the page itself
    first), one URL a line; Chromium's own traffic (updates, sign-in) is
    not the page's and is not reported by the page's target.
browser.py layout URL WIDTH [print]
    Loads URL in a viewport WIDTH CSS pixels wide (a phone at 390) and
    prints "scroll N client N" (the document's widths: equal when nothing
    overflows sideways), then for each data row of #rows whether it is
    laid out ("shown N hidden N"), and whether #filters is ("filters
    shown|hidden").  With print, under the print media type.
browser.py dom URL [noscript]
    The DOM after load, as --dump-dom prints it; with noscript, the page
    loaded with scripts off (--dump-dom prints nothing at all then: it
    needs a script of its own).
browser.py pdf URL OUT
    Prints the page to a PDF file (A4).

CHROMIUM (default /usr/lib/chromium/chromium, else chromium) names the
browser.  Every run has its own profile folder, removed at the end, and
the browser is closed through the protocol, then waited for.
"""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--no-pings", "--disable-breakpad",
    "--hide-scrollbars", "--font-render-hinting=none",
]


def chromium():
    c = os.environ.get("CHROMIUM")
    if c:
        return c
    if os.access("/usr/lib/chromium/chromium", os.X_OK):
        return "/usr/lib/chromium/chromium"
    return shutil.which("chromium") or "chromium"


class Browser:
    def __init__(self, extra=()):
        self.dir = tempfile.mkdtemp(prefix="syndic-chromium.")
        to_r, self.to_w = os.pipe()
        self.from_r, from_w = os.pipe()
        def fds():
            # The protocol's fds are 3 (to the browser) and 4 (from it).
            # Copies first: the pipe's own numbers may be 3 or 4.
            r, w = os.dup(to_r), os.dup(from_w)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.close(r)
            os.close(w)

        self.proc = subprocess.Popen(
            [chromium()] + FLAGS +
            ["--remote-debugging-pipe", "--user-data-dir=" + self.dir] +
            list(extra), pass_fds=(3, 4), preexec_fn=fds,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_r)
        os.close(from_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_r, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_event(self, method, session):
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self.read()
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def page(self):
        t = self.send("Target.createTarget", {"url": "about:blank"})
        s = self.send("Target.attachToTarget",
                      {"targetId": t["targetId"], "flatten": True})
        return s["sessionId"]

    def close(self):
        try:
            self.send("Browser.close")
        except (RuntimeError, OSError):
            self.proc.kill()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_w)
        os.close(self.from_r)
        shutil.rmtree(self.dir, ignore_errors=True)


def load(b, s, url):
    b.send("Page.enable", session=s)
    b.send("Page.navigate", {"url": url}, session=s)
    b.wait_event("Page.loadEventFired", s)


def evaluate(b, s, expr):
    r = b.send("Runtime.evaluate", {"expression": expr,
                                    "returnByValue": True}, session=s)
    return r["result"].get("value")


def requests(url):
    b = Browser()
    try:
        s = b.page()
        b.send("Network.enable", session=s)
        load(b, s, url)
        # One round trip more: events sent before it are in.
        evaluate(b, s, "document.readyState")
        for m in b.events:
            if m.get("method") == "Network.requestWillBeSent" and \
                    m.get("sessionId") == s:
                print(m["params"]["request"]["url"])
    finally:
        b.close()
    return 0


LAYOUT = """(function () {
  var d = document.documentElement, shown = 0, hidden = 0;
  document.querySelectorAll('#rows tr[data-v]').forEach(function (tr) {
    if (tr.getClientRects().length > 0) shown++; else hidden++;
  });
  var f = document.getElementById('filters');
  return 'scroll ' + d.scrollWidth + ' client ' + d.clientWidth +
    '\\nshown ' + shown + ' hidden ' + hidden +
    '\\nfilters ' + (f && f.getClientRects().length > 0 ? 'shown' : 'hidden');
})()"""


def layout(url, width, media):
    b = Browser()
    try:
        s = b.page()
        b.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": 800, "deviceScaleFactor": 1,
            "mobile": width < 600}, session=s)
        if media:
            b.send("Emulation.setEmulatedMedia", {"media": media},
                   session=s)
        load(b, s, url)
        print(evaluate(b, s, LAYOUT))
    finally:
        b.close()
    return 0


def dom(url, noscript):
    b = Browser()
    try:
        s = b.page()
        if noscript:
            b.send("Emulation.setScriptExecutionDisabled", {"value": True},
                   session=s)
        load(b, s, url)
        root = b.send("DOM.getDocument", {"depth": 0}, session=s)
        html = b.send("DOM.getOuterHTML",
                      {"nodeId": root["root"]["nodeId"]}, session=s)
        sys.stdout.write(html["outerHTML"] + "\n")
    finally:
        b.close()
    return 0


def pdf(url, out):
    b = Browser()
    try:
        s = b.page()
        load(b, s, url)
        r = b.send("Page.printToPDF", {"paperWidth": 8.27,
                                       "paperHeight": 11.69}, session=s)
        with open(out, "wb") as f:
            f.write(base64.b64decode(r["data"]))
    finally:
        b.close()
    return 0


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "requests":
        return requests(a[0])
    if cmd == "layout":
        return layout(a[0], int(a[1]), "print" if "print" in a[2:] else "")
    if cmd == "dom":
        return dom(a[0], "noscript" in a[1:])
    if cmd == "pdf":
        return pdf(a[0], a[1])
    sys.stderr.write("browser.py: unknown command %s\n" % cmd)
    return 2


if __name__ == "__main__":
    sys.exit(main())
