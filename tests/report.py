#!/usr/bin/python3
"""Checks of the HTML report (report.h) for tests/cli/*-report.t.

report.py compare DOM JSON [--no-times] [--history]
    The page as the browser made it (--dump-dom) against the JSON report
    of the same run: the verdict counts, every problem row, the hosts,
    the run log.  Prints what differs; exit 1 if anything does.
report.py safe DOM [--no-csp] [--text STRING]...
    No script of its own added by the input: one <script>, the page's
    (its SHA-256 is the one the CSP allows), no on* attribute, no link
    to anything but http(s) and the page's own #anchors, nothing that
    loads (img, iframe, object, embed, link other than the data: icon,
    base, form, meta refresh), no mark left by a payload (a data-pwned
    attribute, a title 'pwned').
    Each STRING must be in the page's text: shown, not dropped.  The CSP
    must forbid everything by default, name the script, and allow nothing
    unsafe (--no-csp: for a copy of the page without it).
report.py valid FILE
    html5lib parses FILE with no parse error.
report.py visible DOM
    The verdicts of the rows a person sees (not hidden), one a line.
report.py sorted DOM COLUMN [desc]
    Within each file, the rows are in order of COLUMN's sort key.
report.py png FILE WIDTH HEIGHT
    FILE is a whole PNG of that size (signature, every chunk's CRC, the
    image data inflating to exactly its rows) that holds a drawing, not
    a blank page (more than a few distinct bytes in its rows).
"""
import base64
import hashlib
import json
import re
import sys

import html5lib

NS = "{http://www.w3.org/1999/xhtml}"


def parse(path):
    with open(path, "rb") as f:
        return html5lib.parse(f, treebuilder="etree",
                              namespaceHTMLElements=True)


def tag(e):
    t = e.tag if isinstance(e.tag, str) else ""
    return t.split("}", 1)[-1]


def walk(root):
    for e in root.iter():
        if isinstance(e.tag, str):
            yield e


def text(e):
    return "".join(e.itertext())


def find_all(root, name, **attrs):
    out = []
    for e in walk(root):
        if tag(e) != name:
            continue
        if all((e.get(k) == v) if v is not True else (k in e.attrib)
               for k, v in attrs.items()):
            out.append(e)
    return out


def by_id(root, ident):
    for e in walk(root):
        if e.get("id") == ident:
            return e
    return None


def has_class(e, c):
    return c in (e.get("class") or "").split()


# ------------------------------------------------------------------ #
# compare


FAIL_FREE = {None, "link-redirect", "link-blocked", "link-unchecked",
             "link-private"}
UNKNOWN = {"link-blocked", "link-unchecked", "link-private"}


def outcome(rule):
    """history.h's sy_history_outcome_of, for the JSON's rule names."""
    if rule is None or rule == "link-redirect":
        return "ok"
    if rule in UNKNOWN:
        return "unknown"
    return "fail"


def link_rule(rule):
    return rule is not None and (rule.startswith("link-") or
                                 rule == "email-no-mx")


def verdict(rule, links):
    if not links:
        return None
    if not link_rule(rule):
        return "invalid"
    return {"ok": "redirected", "fail": "broken",
            "unknown": "blocked"}[outcome(rule)]


def utc_minute(iso):
    # "2025-02-01T03:17:00Z" -> "2025-02-01 03:17"
    return iso[:10] + " " + iso[11:16]


def page_rows(root):
    table = by_id(root, "rows")
    rows = []
    if table is None:
        return rows
    for tb in find_all(table, "tbody"):
        f = tb.get("data-f")
        for tr in find_all(tb, "tr"):
            if tr.get("data-v") is None:
                continue
            tds = find_all(tr, "td")
            cells = {(td.get("class") or ""): td for td in tds}
            where = cells["where"]
            pos = text(find_all(where, "span")[0])
            title = None
            bdis = [b for b in find_all(where, "bdi")]
            if bdis:
                title = text(bdis[0])
            codes = find_all(where, "code")
            entry = text(codes[0]) if codes else None
            url = None
            chain = None
            link = cells.get("link")
            if link is not None:
                for e in walk(link):
                    if tag(e) in ("a", "span") and (
                            tag(e) == "a" or has_class(e, "u")):
                        url = text(e)
                        break
                chain = [text(li) for ol in find_all(link, "ol")
                         for li in find_all(ol, "li")]
            msg = cells["msg"]
            since = cells.get("since")
            runs = None
            if since is not None and text(since).strip():
                m = re.search(r"\((\d+) runs?\)", text(since))
                runs = int(m.group(1)) if m else -1
            rows.append({
                "file": f, "pos": pos, "rule": text(cells["rule"]),
                "verdict": tr.get("data-v"), "severity": tr.get("class"),
                "url": url, "status": int(msg.get("data-k")),
                "title": title, "entry": entry, "failures": runs,
                "host": tr.get("data-h"), "redirects": chain,
                "hidden": "hidden" in tr.attrib or "hidden" in tb.attrib,
            })
    return rows


def json_rows(j, links):
    out = []
    for d in j["diagnostics"]:
        fails = d.get("failures")
        out.append({
            "file": d["file"], "pos": "%d:%d" % (d["line"], d["column"]),
            "rule": d["rule"],
            "verdict": verdict(d["rule"], links) or d["severity"],
            "severity": d["severity"],
            "url": d["url"] if links else None,
            "status": d["status"] or 0,
            "title": d.get("title"), "entry": d.get("entry"),
            "failures": fails if fails and d.get("failing_since") else None,
            "host": d.get("host"),
            "redirects": d.get("redirects", []) if links else None,
        })
    return out


def host_of(url):
    m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^/?#]*)", url or "")
    if not m:
        return None
    h = m.group(1).rsplit("@", 1)[-1]
    h = h[1:h.index("]")] if h.startswith("[") else h.split(":")[0]
    return h.lower() or None


def key(r):
    return json.dumps(r, sort_keys=True, ensure_ascii=False)


def compare(args):
    dom, js = args[0], args[1]
    times = "--no-times" not in args
    root = parse(dom)
    with open(js, encoding="utf-8") as f:
        j = json.load(f)
    links = "links" in j
    bad = []

    def want(what, got, exp):
        if got != exp:
            bad.append("%s: page %r, json %r" % (what, got, exp))

    # The verdict line and the counts.
    counts = {e.get("data-n"): text(e) for e in walk(root)
              if e.get("data-n") is not None}
    s = j["summary"]
    want("problems", int(counts.get("problems", "-1")),
         len(j["diagnostics"]))
    if links:
        for k in ("broken", "blocked", "redirected", "fine", "skipped"):
            want(k, int(counts.get(k, "-1")), s[k])
        if s.get("unchecked"):
            want("unchecked", int(counts.get("unchecked", "-1")),
                 s["unchecked"])
    else:
        for k in ("errors", "warnings", "notes"):
            want(k, int(counts.get(k, "-1")), s[k])
    # The rows, as multisets.
    pr = page_rows(root)
    jr = json_rows(j, links)
    drop = ("hidden",) if links else ("hidden", "url", "failures", "host")
    # The page files a row without a checked link under the host of its
    # URL all the same (a filter by host finds it); the JSON has no host
    # there.
    for r in jr:
        if r["host"] is None:
            r["host"] = host_of(r["url"]) if links else None
    if not links:
        for r in pr:
            r["host"] = None
    pk = sorted(key({k: v for k, v in r.items() if k not in drop})
                for r in pr)
    jk = sorted(key({k: v for k, v in r.items() if k not in drop})
                for r in jr)
    if pk != jk:
        for x in sorted(set(pk) - set(jk))[:5]:
            bad.append("row only in the page: " + x)
        for x in sorted(set(jk) - set(pk))[:5]:
            bad.append("row only in the json: " + x)
        if len(pk) != len(jk):
            bad.append("rows: page %d, json %d" % (len(pk), len(jk)))
    if links:
        compare_hosts(root, j, times, want)
        compare_runs(root, j, want, times)
    else:
        compare_lint(root, j, want)
    for b in bad:
        print("# " + b)
    print("compared %d rows, %d differences" % (len(pr), len(bad)))
    return 1 if bad else 0


def compare_hosts(root, j, times, want):
    hosts = {}
    for lk in j["links"]:
        h = hosts.setdefault((lk["host"], lk["mail"]), {
            "links": 0, "broken": 0, "blocked": 0, "ms": [], "rl": False})
        h["links"] += 1
        if lk["state"] != "unchecked":
            o = outcome(lk["rule"])
            h["broken"] += o == "fail"
            h["blocked"] += o == "unknown"
        if lk["response_ms"] is not None:
            h["ms"].append(lk["response_ms"])
        h["rl"] = h["rl"] or lk["rate_limited"]
    table = by_id(root, "hosts-table")
    got = {}
    if table is not None:
        for tr in find_all(find_all(table, "tbody")[0], "tr"):
            tds = find_all(tr, "td")
            mail = "(mail)" in text(tds[0])
            got[(tr.get("data-host"), mail)] = {
                "links": int(text(tds[1])), "broken": int(text(tds[2])),
                "blocked": int(text(tds[3])),
                "median": int(tds[5].get("data-k")),
                "worst": int(tds[6].get("data-k")),
                "rl": text(tds[7]) == "yes"}
    want("hosts", sorted(got), sorted(hosts))
    for k, h in hosts.items():
        g = got.get(k)
        if g is None:
            continue
        for f in ("links", "broken", "blocked", "rl"):
            want("host %s %s" % (k[0], f), g[f], h[f])
        ms = sorted(h["ms"])
        if not ms:
            want("host %s median" % k[0], g["median"], -1)
            want("host %s worst" % k[0], g["worst"], -1)
        elif times:
            n = len(ms)
            med = ms[n // 2] if n % 2 else (ms[n // 2 - 1] + ms[n // 2]) // 2
            want("host %s median" % k[0], g["median"], med)
            want("host %s worst" % k[0], g["worst"], ms[-1])
        else:
            want("host %s has a median" % k[0], g["median"] >= 0, True)


def compare_runs(root, j, want, times):
    """With times false, the newest run's date is left out: the page and
    the JSON come from two copies of a history, one run each."""
    runs = [dict(r) for r in j.get("runs", [])]
    sec = by_id(root, "timeline")
    if sec is None:
        want("a timeline section", None, "one")
        return
    tables = [t for t in find_all(sec, "table") if has_class(t, "runs")]
    got = []
    if tables:
        for tr in find_all(find_all(tables[0], "tbody")[0], "tr"):
            tds = find_all(tr, "td")
            t = find_all(tds[0], "time")[0].get("datetime")
            got.append([t] + [int(text(td)) for td in tds[2:7]])
    if not times and runs and got:
        runs[-1]["started"] = got[0][0]
    exp = [[r["started"], r["broken"], r["blocked"], r["redirected"],
            r["fine"], r["skipped"]] for r in reversed(runs)]
    want("run log table", got, exp)
    # The bars: one <g> per run, its <title> the run's numbers.
    titles = []
    for svg in find_all(sec, "svg"):
        for g in find_all(svg, "g"):
            for t in find_all(g, "title"):
                titles.append(text(t))
    exp = ["%s UTC: %d broken, %d blocked, %d fine (%d redirected), "
           "%d skipped" % (utc_minute(r["started"]), r["broken"],
                           r["blocked"], r["fine"], r["redirected"],
                           r["skipped"]) for r in runs]
    want("timeline bars", titles, exp)


def compare_lint(root, j, want):
    rules, files = {}, {}
    for d in j["diagnostics"]:
        rules.setdefault(d["rule"], [0, 0, 0])
        files.setdefault(d["file"], [0, 0, 0])
        i = ["error", "warning", "note"].index(d["severity"])
        rules[d["rule"]][i] += 1
        files[d["file"]][i] += 1
    got = {}
    t = by_id(root, "rules-table")
    if t is not None:
        for tr in find_all(find_all(t, "tbody")[0], "tr"):
            tds = find_all(tr, "td")
            got[tr.get("data-rule")] = [int(text(x)) for x in tds[2:5]]
    want("by rule", got, rules)
    got = {}
    t = by_id(root, "files-table")
    if t is not None:
        for tr in find_all(find_all(t, "tbody")[0], "tr"):
            tds = find_all(tr, "td")
            c = [int(text(x)) for x in tds[1:4]]
            if sum(c) > 0:
                got[tr.get("data-file")] = c
    want("by file", got, files)


# ------------------------------------------------------------------ #
# safe


LOADING = {"img", "iframe", "frame", "object", "embed", "base", "form",
           "audio", "video", "source", "track", "picture", "applet",
           "portal", "input", "template"}


def safe(args):
    dom = args[0]
    texts = [args[i + 1] for i in range(1, len(args) - 1)
             if args[i] == "--text"]
    root = parse(dom)
    bad = []
    scripts = find_all(root, "script")
    csp = [m.get("content") for m in find_all(root, "meta")
           if (m.get("http-equiv") or "").lower() ==
           "content-security-policy"]
    want_csp = "--no-csp" not in args
    if len(scripts) != 1:
        bad.append("%d <script> elements, not 1" % len(scripts))
    if want_csp and (len(csp) != 1 or "default-src 'none'" not in csp[0] or
                     "unsafe" in csp[0]):
        bad.append("no CSP that forbids everything by default: %r" % csp)
    for s in scripts:
        h = base64.b64encode(hashlib.sha256(
            text(s).encode("utf-8")).digest()).decode()
        if s.get("src") is not None:
            bad.append("a script with src")
        if want_csp and (not csp or ("'sha256-%s'" % h) not in csp[0]):
            bad.append("a script the CSP does not name: sha256-%s" % h)
    for e in walk(root):
        t = tag(e)
        if t in LOADING:
            bad.append("a <%s> element" % t)
        if t == "link" and not (e.get("rel") == "icon" and
                                e.get("href") == "data:,"):
            bad.append("a <link> other than the data: icon")
        if t == "meta" and (e.get("http-equiv") or "").lower() == "refresh":
            bad.append("a meta refresh")
        for k, v in e.attrib.items():
            k = k.split("}", 1)[-1].lower()
            if k.startswith("on"):
                bad.append("attribute %s on <%s>" % (k, t))
            if k in ("href", "src", "action", "formaction", "xlink:href",
                     "srcdoc", "background", "poster", "data"):
                if t == "link" and v == "data:,":
                    continue
                if not (re.match(r"^https?://", v, re.I) or
                        re.match(r"^#[a-z-]+$", v)):
                    bad.append("%s=%r on <%s>" % (k, v, t))
            if k == "style":
                bad.append("a style attribute on <%s>" % t)
            if k == "data-pwned":
                bad.append("a payload ran: data-pwned=%r" % v)
    for t in find_all(root, "title"):
        if text(t) == "pwned":
            bad.append("a payload ran: the title is 'pwned'")
    body = text(root)
    for s in texts:
        if s not in body:
            bad.append("text not shown: %r" % s)
    for b in bad:
        print("# " + b)
    print("%d scripts, %d problems" % (len(scripts), len(bad)))
    return 1 if bad else 0


# ------------------------------------------------------------------ #


def valid(args):
    p = html5lib.HTMLParser(strict=False)
    with open(args[0], "rb") as f:
        p.parse(f)
    for pos, code, data in p.errors:
        print("# line %s col %s: %s %s" % (pos[0], pos[1], code, data))
    print("%d parse errors" % len(p.errors))
    return 1 if p.errors else 0


def visible(args):
    for r in page_rows(parse(args[0])):
        if not r["hidden"]:
            print(r["verdict"])
    return 0


def sorted_rows(args):
    root = parse(args[0])
    col = int(args[1])
    desc = len(args) > 2 and args[2] == "desc"
    table = by_id(root, "rows")
    for tb in find_all(table, "tbody"):
        keys = []
        for tr in find_all(tb, "tr"):
            if tr.get("data-v") is None:
                continue
            td = find_all(tr, "td")[col]
            k = td.get("data-k")
            keys.append(k if k is not None else text(td))

        def num(x):
            try:
                return (0, float(x))
            except ValueError:
                return (1, x)
        want = sorted(keys, key=num, reverse=desc)
        if keys != want:
            print("# %s: %r" % (tb.get("data-f"), keys))
            return 1
    print("sorted")
    return 0


def png(args):
    import struct
    import zlib
    path, w, h = args[0], int(args[1]), int(args[2])
    with open(path, "rb") as f:
        data = f.read()
    bad = []
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print("# not a PNG")
        return 1
    pos, idat, ihdr, end = 8, b"", None, False
    while pos + 12 <= len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if zlib.crc32(kind + body) != crc:
            bad.append("bad CRC in %r" % kind)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            end = True
        pos += 12 + n
    if ihdr is None or not end:
        bad.append("no IHDR or no IEND")
    else:
        iw, ih, depth, ctype = ihdr[:4]
        if (iw, ih) != (w, h):
            bad.append("%dx%d, not %dx%d" % (iw, ih, w, h))
        bpp = {2: 3, 6: 4, 0: 1, 4: 2}.get(ctype, 0) * depth // 8
        raw = zlib.decompress(idat)
        if len(raw) != ih * (1 + iw * bpp):
            bad.append("image data of %d bytes for %d rows" %
                       (len(raw), ih))
        if len(set(raw[::97])) < 16:
            bad.append("a blank picture")
    for b in bad:
        print("# " + b)
    print("%s: %d problems" % (path, len(bad)))
    return 1 if bad else 0


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"compare": compare, "safe": safe,
          "valid": valid, "visible": visible, "sorted": sorted_rows,
          "png": png}[cmd]
    sys.exit(fn(args) or 0)


if __name__ == "__main__":
    main()
