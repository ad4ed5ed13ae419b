#!/usr/bin/python3
"""Reads feeds back with feedparser and compares them with the manifest.

usage: readback.py MANIFEST COLUMNS OUTDIR

An independent check of syndic-build: the manifest is parsed here with
Python's csv module and its own date handling (datetime.fromisoformat,
email.utils, zoneinfo), the feeds with feedparser, and for every entry of
every feed the title, the link and the publication instant must agree.
Exits 1 on any difference, printing it.
"""
import csv
import datetime as dt
import email.utils
import json
import os
import re
import sys
import urllib.parse
import zoneinfo

import feedparser


def parse_date(s, zone):
    s = s.strip()
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*"
                     r"(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?", s)
    if m:
        y, mo, d, h, mi, se = (int(x) if x else 0 for x in m.groups())
        return dt.datetime(y, mo, d, h, mi, se, tzinfo=zone)
    if re.match(r"^[A-Za-z]{3},", s) or re.match(r"^\d{1,2} [A-Za-z]{3} ", s):
        return email.utils.parsedate_to_datetime(s)
    v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if v.tzinfo is None:
        v = v.replace(tzinfo=zone)
    return v


def uri(s):
    """IRI -> URI the way a reader would compare it."""
    p = urllib.parse.urlsplit(s)
    host = p.hostname.encode("idna").decode() if p.hostname else ""
    netloc = host + (":%d" % p.port if p.port else "")
    path = urllib.parse.quote(p.path, safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(p.query, safe="/%:@!$&'()*+,;=?-._~")
    out = "%s://%s%s" % (p.scheme, netloc, path)
    return out + ("?" + query if p.query else "")


def main():
    manifest, columns, outdir = sys.argv[1:4]
    zones = {}
    if os.path.exists(columns):
        with open(columns, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                zones[row["column"]] = row.get("timezone") or "UTC"
    want = {}
    with open(manifest, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            col = row.get("column") or ""
            zone = zoneinfo.ZoneInfo(zones.get(col, "UTC"))
            want.setdefault(col, {})[uri(row["link"])] = (
                row["title"].strip(),
                parse_date(row["published"], zone).timestamp())
    bad = 0
    seen = 0
    for col, entries in want.items():
        d = os.path.join(outdir, col) if col else outdir
        for name in ("rss.xml", "atom.xml", "feed.json"):
            path = os.path.join(d, name)
            if not os.path.exists(path):
                continue
            if name.endswith(".json"):
                items = json.load(open(path, encoding="utf-8"))["items"]
                got = [(i["url"], i["title"],
                        dt.datetime.fromisoformat(
                            i["date_published"].replace("Z", "+00:00")
                        ).timestamp()) for i in items]
            else:
                fp = feedparser.parse(path)
                if fp.bozo:
                    print("%s: not well-formed: %s" % (path,
                                                        fp.bozo_exception))
                    bad += 1
                    continue
                got = []
                for e in fp.entries:
                    t = e.get("published_parsed")
                    ts = dt.datetime(*t[:6], tzinfo=dt.timezone.utc
                                     ).timestamp() if t else None
                    got.append((e.link, e.title, ts))
            if len(got) != len(entries):
                print("%s: %d entries, manifest has %d" % (path, len(got),
                                                           len(entries)))
                bad += 1
            for link, title, ts in got:
                seen += 1
                if link not in entries:
                    print("%s: link %s not in the manifest" % (path, link))
                    bad += 1
                    continue
                wt, wts = entries[link]
                if title != wt:
                    print("%s: %s: title %r, manifest %r" % (path, link,
                                                             title, wt))
                    bad += 1
                if ts != wts:
                    print("%s: %s: instant %s, manifest %s" % (path, link,
                                                               ts, wts))
                    bad += 1
    if seen == 0:
        print("no entries read back")
        bad += 1
    print("%d entries compared, %d differences" % (seen, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
