#!/usr/bin/python3
"""Feeds as independent readers see them, compared with what they should say.

usage: readers.py manifest MANIFEST COLUMNS OUTDIR TITLE LINK BASE_URL
       readers.py agree DIR PREFIX...

"manifest": every feed syndic-build wrote under OUTDIR (rss.xml, atom.xml,
feed.json of the default feed and of each column) is read, RSS and Atom by
feedparser (python3-feedparser), JSON Feed by the strict JSON Feed 1.1
reader below, and compared with the manifest as read here with Python's
csv module (TITLE, LINK and BASE_URL are the default feed's options): the
entries, and for each its id, title, link, dates (to the second, UTC),
author, categories, enclosure, language, summary and the text of its
content; for each feed its title, home page, self link and language.
Article files are read here too: HTML as it is, Markdown through
python3-commonmark (a CommonMark implementation of its own, not cmark).

"agree": for each PREFIX, DIR/PREFIXrss.xml, atom.xml and feed.json (the
writers' goldens) must say the same thing once read, field by field.

What a format cannot hold is not asked of it: RSS has no per-item
language nor modification date, JSON Feed no e-mail address of its own
(an author's "mailto:" url holds it).  bozo must be false.  Prints one
line per difference and a count; exits 1 on any difference.
"""
import csv
import datetime as dt
import email.utils
import html.parser
import json
import os
import re
import sys
import urllib.parse
import zoneinfo

import commonmark
import feedparser

UTC = dt.timezone.utc


# ---- the manifest, read here -----------------------------------------------

def parse_date(s, zone):
    """(instant, year as written) of a manifest date."""
    s = s.strip()
    m = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*"
                     r"(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?", s)
    if m:
        y, mo, d, h, mi, se = (int(x) if x else 0 for x in m.groups())
        v = dt.datetime(y, mo, d, h, mi, se, tzinfo=zone)
        return v, y
    m = re.fullmatch(r"(\d{4})/(\d{1,2})/(\d{1,2})"
                     r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?", s)
    if m:
        y, mo, d, h, mi, se = (int(x) if x else 0 for x in m.groups())
        return dt.datetime(y, mo, d, h, mi, se, tzinfo=zone), y
    if re.match(r"^[A-Za-z]{3},", s) or re.match(r"^\d{1,2} [A-Za-z]{3} ", s):
        v = email.utils.parsedate_to_datetime(s)
        return v, v.year
    v = dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
    if v.tzinfo is None:
        v = v.replace(tzinfo=zone)
    return v, v.year


def uri(s):
    """IRI -> URI the way a reader compares it."""
    p = urllib.parse.urlsplit(s)
    if p.scheme not in ("http", "https"):
        return s
    host = p.hostname.encode("idna").decode() if p.hostname else ""
    netloc = host + (":%d" % p.port if p.port else "")
    path = urllib.parse.quote(p.path, safe="/%:@!$&'()*+,;=-._~")
    query = urllib.parse.quote(p.query, safe="/%:@!$&'()*+,;=?-._~")
    out = "%s://%s%s" % (p.scheme, netloc, path)
    return out + ("?" + query if p.query else "")


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def text_of(fragment):
    """The text of an HTML fragment, white space collapsed."""
    p = _Text()
    p.feed(fragment or "")
    p.close()
    return " ".join("".join(p.out).split())


def plain(s):
    return " ".join((s or "").split())


def mail(s):
    """An address as readers compare it: the domain in A-labels."""
    s = urllib.parse.unquote(s or "")
    if "@" not in s:
        return s
    local, _, domain = s.rpartition("@")
    try:
        domain = domain.encode("idna").decode()
    except UnicodeError:
        pass
    return local + "@" + domain.lower()


def is_uri(s):
    return re.match(r"^(https?://|urn:|tag:)", s or "") is not None


def tag_id(host, year, ident):
    enc = "".join(c if re.fullmatch(r"[A-Za-z0-9\-._~/]", c) else
                  "".join("%%%02X" % b for b in c.encode()) for c in ident)
    return "tag:%s,%d:%s" % (host, year, enc)


def read_manifest(manifest, columns, title, link, base):
    """{folder: feed}; a feed is a dict of its fields and "entries"."""
    cols = {}
    if os.path.exists(columns):
        with open(columns, encoding="utf-8-sig", newline="") as f:
            for r in csv.DictReader(f):
                cols[r["column"]] = r
    top = os.path.dirname(manifest)
    feeds = {}
    with open(manifest, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            r = {k: (v or "").strip() for k, v in r.items()}
            col = r.get("column", "")
            c = cols.get(col, {})
            zone = zoneinfo.ZoneInfo(c.get("timezone") or "UTC")
            pub, year = parse_date(r["published"], zone)
            upd = parse_date(r["updated"], zone)[0] if r.get("updated") \
                else pub
            if r.get("content"):
                content = r["content"]
            elif r.get("content_file"):
                p = os.path.join(top, r["content_file"])
                with open(p, encoding="utf-8") as cf:
                    content = cf.read()
                if p.endswith((".md", ".markdown")):
                    content = commonmark.commonmark(content)
            else:
                content = ""
            host = urllib.parse.urlsplit(c.get("link") or r["link"]).hostname
            guid = r.get("guid", "")
            e = {
                "title": r["title"],
                "link": uri(r["link"]),
                "guid": guid or tag_id(host, year, r["id"]),
                "id": (guid if is_uri(guid) else "") or
                tag_id(host, year, r["id"]),
                "published": int(pub.timestamp()),
                "updated": int(upd.timestamp()),
                "author": r.get("author", ""),
                "email": mail(r.get("email", "")),
                "categories": [x.strip() for x in
                               re.split("[;；]", r.get("categories", ""))
                               if x.strip()],
                "enclosure": (uri(r["enclosure"]),
                              r.get("enclosure_type", ""),
                              r.get("enclosure_length", ""))
                if r.get("enclosure") else None,
                "language": r.get("language") or c.get("language", ""),
                "summary": plain(r.get("summary", "")),
                "text": text_of(content),
            }
            if col not in feeds:
                if col:
                    fb = c.get("base_url") or ""
                    feeds[col] = {"title": c.get("title", ""),
                                  "link": uri(c.get("link", "")),
                                  "language": c.get("language", ""),
                                  "base": fb, "entries": []}
                else:
                    feeds[col] = {"title": title, "link": uri(link),
                                  "language": None, "base": base,
                                  "entries": []}
            feeds[col]["entries"].append(e)
    for fd in feeds.values():
        if fd["language"] is None:
            langs = {e["language"] for e in fd["entries"]}
            fd["language"] = langs.pop() if len(langs) == 1 else ""
    return feeds


# ---- the readers ---------------------------------------------------------

def ts(t):
    """feedparser's UTC struct_time -> seconds."""
    if not t:
        return None
    return int(dt.datetime(*t[:6], tzinfo=UTC).timestamp())


# feedparser 6.0.10 takes an RSS <author> apart with a regular expression
# (feedparser/mixin.py, _sync_author_detail) whose top-level domain is
# [a-zA-Z]{2,4}: "jane@xn--fsqu00a.xn--kpry57d (Jane Doe)" (an IDN domain
# in A-labels, as RSS must have it) comes out as the address
# "jane@xn--fsqu00a.xn" and the name "--kpry57d (Jane Doe".  A reader bug:
# such an author is taken apart here by the RSS 2.0 form "address (name)".
FP_TLD = re.compile(r"@\S+\.([a-zA-Z]{2,4}|[0-9]{1,3})$")
RSS_AUTHOR = re.compile(r"^(\S+@\S+) \((.*)\)$")
NOTES = []


def read_xml(path, kind):
    """An RSS or Atom file as feedparser reads it, in our terms."""
    fp = feedparser.parse(path)
    if fp.bozo:
        raise ValueError("bozo: %s" % fp.bozo_exception)
    want = "rss20" if kind == "rss" else "atom10"
    if fp.version != want:
        raise ValueError("feedparser says %r, not %r" % (fp.version, want))
    f = fp.feed
    self_link = [ln.href for ln in f.get("links", [])
                 if ln.get("rel") == "self"]
    out = {"title": f.get("title", ""), "link": f.get("link", ""),
           "language": f.get("language", ""),
           "self": self_link[0] if self_link else "", "entries": []}
    feed_ad = f.get("author_detail", {})
    for e in fp.entries:
        ad = e.get("author_detail", {})
        raw = e.get("author", "")
        m = RSS_AUTHOR.match(raw) if kind == "rss" else None
        if m and not FP_TLD.search(m.group(1)):
            NOTES.append("%s: note: feedparser misreads <author>%s</author> "
                         "(top-level domain longer than 4 letters: "
                         "feedparser/mixin.py); read as address (name)" %
                         (path, raw))
            ad = {"email": m.group(1), "name": m.group(2)}
        if kind == "atom" and not ad and not raw:
            # RFC 4287 4.2.1: the feed's authors apply to an entry
            # without its own.
            ad = feed_ad
        enc = e.get("enclosures", [])
        content = e.get("content", [])
        d = {
            "title": e.get("title", ""),
            "link": e.get("link", ""),
            "id": e.get("id", ""),
            "published": ts(e.get("published_parsed")),
            "author": ad.get("name", "") or e.get("author", ""),
            "email": mail(ad.get("email", "")),
            "categories": [t.term for t in e.get("tags", [])],
            "enclosure": (enc[0].get("href", ""), enc[0].get("type", ""),
                          str(enc[0].get("length", ""))) if enc else None,
            "summary": plain(e.get("summary", "")) if "summary_detail" in e
            and e.summary_detail.get("type") == "text/plain"
            else text_of(e.get("summary", "")),
            "text": text_of(content[0].value) if content else None,
        }
        if kind == "atom":
            d["updated"] = ts(e.get("updated_parsed"))
            d["language"] = e.get("title_detail", {}).get("language") or \
                out["language"]
        else:
            d["guid"] = e.get("id", "")
        if len(enc) > 1:
            d["enclosure"] = ("more than one", "", "")
        out["entries"].append(d)
    return out


RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?"
                     r"(Z|[+-]\d{2}:\d{2})$")
FEED_KEYS = {"version", "title", "home_page_url", "feed_url", "description",
             "user_comment", "next_url", "icon", "favicon", "authors",
             "author", "language", "expired", "hubs", "items"}
ITEM_KEYS = {"id", "url", "external_url", "title", "content_html",
             "content_text", "summary", "image", "banner_image",
             "date_published", "date_modified", "authors", "author", "tags",
             "language", "attachments"}
ATT_KEYS = {"url", "mime_type", "title", "size_in_bytes",
            "duration_in_seconds"}
AUTHOR_KEYS = {"name", "url", "avatar"}


def _nodup(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def _check_keys(obj, allowed, where):
    for k in obj:
        if k not in allowed and not k.startswith("_"):
            raise ValueError("%s: unknown key %r" % (where, k))


def _str(obj, key, where, required=False):
    if key not in obj:
        if required:
            raise ValueError("%s: %r is required" % (where, key))
        return None
    if not isinstance(obj[key], str):
        raise ValueError("%s: %r is not a string" % (where, key))
    return obj[key]


def _url(obj, key, where, required=False):
    v = _str(obj, key, where, required)
    if v is not None:
        p = urllib.parse.urlsplit(v)
        if not p.scheme or (p.scheme in ("http", "https") and not p.netloc):
            raise ValueError("%s: %r is not an absolute URL: %r" %
                             (where, key, v))
    return v


def _date(obj, key, where):
    v = _str(obj, key, where)
    if v is None:
        return None
    if not RFC3339.match(v):
        raise ValueError("%s: %r is not RFC 3339: %r" % (where, key, v))
    return int(dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
               .timestamp())


def _authors(obj, where):
    if "author" in obj:
        raise ValueError("%s: \"author\" is deprecated in 1.1; use "
                         "\"authors\"" % where)
    a = obj.get("authors")
    if a is None:
        return []
    if not isinstance(a, list) or not a:
        raise ValueError("%s: authors is not a non-empty array" % where)
    for i, x in enumerate(a):
        w = "%s.authors[%d]" % (where, i)
        if not isinstance(x, dict):
            raise ValueError("%s: not an object" % w)
        _check_keys(x, AUTHOR_KEYS, w)
        if not any(k in x for k in AUTHOR_KEYS):
            raise ValueError("%s: needs name, url or avatar" % w)
        _str(x, "name", w)
        _url(x, "url", w)
        _url(x, "avatar", w)
    return a


def read_json(path):
    """A JSON Feed 1.1 file, read strictly per https://jsonfeed.org/version/1.1
    (required members, types, RFC 3339 dates, absolute URLs, no unknown
    member unless it starts with "_", no duplicate key), in our terms."""
    with open(path, "rb") as f:
        raw = f.read()
    doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_nodup)
    if not isinstance(doc, dict):
        raise ValueError("top level is not an object")
    _check_keys(doc, FEED_KEYS, "feed")
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        raise ValueError("version is %r" % doc.get("version"))
    out = {"title": _str(doc, "title", "feed", True),
           "link": _url(doc, "home_page_url", "feed") or "",
           "self": _url(doc, "feed_url", "feed") or "",
           "language": _str(doc, "language", "feed") or "",
           "entries": []}
    for k in ("description", "user_comment"):
        _str(doc, k, "feed")
    for k in ("next_url", "icon", "favicon"):
        _url(doc, k, "feed")
    if "expired" in doc and not isinstance(doc["expired"], bool):
        raise ValueError("feed: expired is not a boolean")
    feed_authors = _authors(doc, "feed")
    items = doc.get("items")
    if not isinstance(items, list):
        raise ValueError("feed: items is not an array")
    ids = set()
    for n, it in enumerate(items):
        w = "items[%d]" % n
        if not isinstance(it, dict):
            raise ValueError("%s: not an object" % w)
        _check_keys(it, ITEM_KEYS, w)
        ident = _str(it, "id", w, True)
        if ident == "" or ident in ids:
            raise ValueError("%s: id empty or repeated: %r" % (w, ident))
        ids.add(ident)
        ch = _str(it, "content_html", w)
        ct = _str(it, "content_text", w)
        if ch is None and ct is None:
            raise ValueError("%s: neither content_html nor content_text" % w)
        for k in ("url", "external_url", "image", "banner_image"):
            _url(it, k, w)
        tags = it.get("tags", [])
        if not isinstance(tags, list) or \
                not all(isinstance(t, str) for t in tags):
            raise ValueError("%s: tags is not an array of strings" % w)
        atts = it.get("attachments", [])
        if not isinstance(atts, list):
            raise ValueError("%s: attachments is not an array" % w)
        for i, a in enumerate(atts):
            aw = "%s.attachments[%d]" % (w, i)
            _check_keys(a, ATT_KEYS, aw)
            _url(a, "url", aw, True)
            _str(a, "mime_type", aw, True)
            for k in ("size_in_bytes", "duration_in_seconds"):
                if k in a and (not isinstance(a[k], (int, float)) or
                               isinstance(a[k], bool)):
                    raise ValueError("%s: %s is not a number" % (aw, k))
        # An item without authors has the feed's (JSON Feed 1.1).
        au = _authors(it, w) or feed_authors
        mto = (au[0].get("url") or "") if au else ""
        pub = _date(it, "date_published", w)
        upd = _date(it, "date_modified", w)
        out["entries"].append({
            "title": _str(it, "title", w) or "",
            "link": it.get("url", ""),
            "id": ident,
            "published": pub,
            "updated": upd if upd is not None else pub,
            "author": au[0].get("name", "") if au else "",
            "email": mail(mto[7:]) if mto.startswith("mailto:") else "",
            "categories": tags,
            "enclosure": (atts[0]["url"], atts[0]["mime_type"],
                          str(atts[0].get("size_in_bytes", "")))
            if len(atts) == 1 else (("more than one", "", "") if atts
                                    else None),
            "language": _str(it, "language", w) or out["language"],
            "summary": plain(_str(it, "summary", w)),
            "text": text_of(ch) if ch is not None else plain(ct),
        })
    return out


def read(path):
    name = os.path.basename(path)
    if name.endswith(".json"):
        return read_json(path)
    return read_xml(path, "atom" if "atom" in name else "rss")


# ---- comparing -------------------------------------------------------------

FIELDS = {
    "rss": ("title", "link", "guid", "published", "author", "email",
            "categories", "enclosure", "summary", "text"),
    "atom": ("title", "link", "id", "published", "updated", "author",
             "email", "categories", "enclosure", "language", "summary",
             "text"),
    "json": ("title", "link", "id", "published", "updated", "author",
             "email", "categories", "enclosure", "language", "summary",
             "text"),
}


def kind_of(path):
    n = os.path.basename(path)
    return "json" if n.endswith(".json") else \
        ("atom" if "atom" in n else "rss")


class Report:
    def __init__(self):
        self.bad = 0
        self.compared = 0

    def diff(self, where, field, got, want):
        self.compared += 1
        if got != want:
            print("%s: %s: read %r, want %r" % (where, field, got, want))
            self.bad += 1


def compare(rep, path, got, want, key):
    """Entries of got and want matched by key (link), field by field."""
    kind = kind_of(path)
    if len(got["entries"]) != len(want["entries"]):
        print("%s: %d entries read, want %d" % (path, len(got["entries"]),
                                                len(want["entries"])))
        rep.bad += 1
    have = {e[key]: e for e in got["entries"]}
    for w in want["entries"]:
        g = have.get(w[key])
        if g is None:
            print("%s: entry %s lost" % (path, w[key]))
            rep.bad += 1
            continue
        for fld in FIELDS[kind]:
            if kind == "rss" and fld == "email" and not w["email"]:
                # RSS names an author without an address in dc:creator
                rep.diff("%s: %s" % (path, w[key]), fld, g[fld], "")
                continue
            rep.diff("%s: %s" % (path, w[key]), fld, g[fld], w[fld])
        if kind == "rss" and got["language"] != w["language"]:
            # RSS has one language per channel, none per item.
            print("%s: %s: note: language %r cannot be said in RSS (the "
                  "channel's is %r)" % (path, w[key], w["language"],
                                         got["language"]))


def cmd_manifest(args):
    manifest, columns, outdir, title, link, base = args
    feeds = read_manifest(manifest, columns, title, link, base)
    rep = Report()
    files = 0
    for col, want in sorted(feeds.items()):
        d = os.path.join(outdir, col) if col else outdir
        for name in ("rss.xml", "atom.xml", "feed.json"):
            path = os.path.join(d, name)
            if not os.path.exists(path):
                print("%s: missing" % path)
                rep.bad += 1
                continue
            files += 1
            try:
                got = read(path)
            except (ValueError, KeyError, TypeError) as exc:
                print("%s: the reader refuses it: %s" % (path, exc))
                rep.bad += 1
                continue
            rep.diff(path, "feed title", got["title"], want["title"])
            rep.diff(path, "feed home page", got["link"], want["link"])
            rep.diff(path, "feed language", got["language"],
                     want["language"])
            rep.diff(path, "feed self link", got["self"],
                     urllib.parse.urljoin(want["base"], name)
                     if want["base"] else got["self"])
            compare(rep, path, got, want, "link")
    for n in NOTES:
        print(n)
    print("%d feeds, %d fields compared, %d differences" %
          (files, rep.compared, rep.bad))
    return 1 if rep.bad or rep.compared == 0 else 0


def cmd_agree(args):
    d = args[0]
    rep = Report()
    for pre in args[1:]:
        paths = [os.path.join(d, pre + n)
                 for n in ("rss.xml", "atom.xml", "feed.json")]
        try:
            rss, atom, js = (read(p) for p in paths)
        except (ValueError, KeyError, TypeError) as exc:
            print("%s: a reader refuses it: %s" % (pre or "(plain)", exc))
            rep.bad += 1
            continue
        # JSON Feed is the reference here: it holds every field but the
        # e-mail address, which its authors' mailto: urls carry.
        for got, path in ((rss, paths[0]), (atom, paths[1])):
            for k in ("title", "link", "language"):
                rep.diff(path, "feed " + k, got[k], js[k])
            want = dict(js)
            want["entries"] = [dict(e, guid=e["id"]) for e in js["entries"]]
            kind = kind_of(path)
            have = {e["link"]: e for e in want["entries"]}
            for g in got["entries"]:
                w = have.get(g["link"])
                if w is None:
                    continue
                # What each format demands of the writer, and JSON not:
                # JSON Feed needs content, so an entry without any has
                # its summary (else its title) as content_text.
                if g["text"] is None:
                    g["text"] = g["summary"] or g["title"]
                # Atom: an entry without author and without summary gets
                # the feed's title as author and its title as summary.
                if kind == "atom" and not w["author"] and \
                        g["author"] == got["title"]:
                    g["author"] = ""
                if kind == "atom" and not w["summary"] and \
                        g["summary"] == g["title"]:
                    g["summary"] = ""
                # RSS: an enclosure needs a length, 0 when unknown.
                if kind == "rss" and g["enclosure"] and \
                        g["enclosure"][2] == "0" and w["enclosure"] and \
                        w["enclosure"][2] == "":
                    g["enclosure"] = g["enclosure"][:2] + ("",)
                # An address whose local part is not ASCII is no RFC 5322
                # addr-spec: RSS and Atom name the author only.
                if w["email"] and not w["email"].split("@")[0].isascii() \
                        and g["email"] == "":
                    g["email"] = w["email"]
            compare(rep, path, got, want, "link")
    for n in NOTES:
        print(n)
    print("%d fields compared, %d differences" % (rep.compared, rep.bad))
    return 1 if rep.bad or rep.compared == 0 else 0


def main():
    if len(sys.argv) == 8 and sys.argv[1] == "manifest":
        return cmd_manifest(sys.argv[2:])
    if len(sys.argv) >= 4 and sys.argv[1] == "agree":
        return cmd_agree(sys.argv[2:])
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
