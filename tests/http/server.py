#!/usr/bin/python3
"""Fixture HTTP(S) server for the syndic-links tests (stdlib only).

server.py [--tls CERT KEY] [--port N] [--bind ADDR] [--port-file FILE]
          [--ports N]

Binds (port 0 = ephemeral), prints "PORT\\n" on stdout (or writes it to
--port-file) once listening, and serves until killed.  With --ports N it
listens on N ephemeral ports (N authorities for the sharding tests, one
set of counters) and the line holds the N ports, blank-separated.  Scenarios are
chosen by path; see SCENARIOS below.  /stats returns JSON with hits per
path and the highest number of requests in flight at once, overall and
per first path segment, so tests can assert "checked once" and "per-host
limit honoured".
"""
import argparse
import email.utils
import gzip
import json
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
HITS = {}          # path -> count (query excluded)
KEYS = {}          # stateful scenario key -> count
INFLIGHT = {}      # prefix -> now
MAXFLIGHT = {}     # prefix -> max
STATE = {"inflight": 0, "max_inflight": 0}

PAGE = (b'<!DOCTYPE html><html><head><title>ok</title></head><body>'
        b'<h1 id="top">ok</h1><p><a name="anchor">a</a></p>'
        b'<div id="here">here</div></body></html>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "syndic-fixture/1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", ctype="text/html; charset=utf-8",
             headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.dispatch()

    def do_GET(self):
        self.dispatch()

    def dispatch(self):
        u = urlsplit(self.path)
        path = u.path
        q = parse_qs(u.query)
        prefix = "/" + path.split("/")[1] if path.count("/") else path
        with LOCK:
            if path != "/stats":
                HITS[path] = HITS.get(path, 0) + 1
                HITS["%s %s" % (self.command, path)] = \
                    HITS.get("%s %s" % (self.command, path), 0) + 1
            INFLIGHT[prefix] = INFLIGHT.get(prefix, 0) + 1
            MAXFLIGHT[prefix] = max(MAXFLIGHT.get(prefix, 0),
                                    INFLIGHT[prefix])
            STATE["inflight"] += 1
            STATE["max_inflight"] = max(STATE["max_inflight"],
                                        STATE["inflight"])
        try:
            self.scenario(path, q)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            with LOCK:
                INFLIGHT[prefix] -= 1
                STATE["inflight"] -= 1

    def bump(self, key):
        with LOCK:
            KEYS[key] = KEYS.get(key, 0) + 1
            return KEYS[key]

    def redirect(self, code, to):
        self.send(code, b"moved", headers=[("Location", to)])

    def scenario(self, path, q):
        arg = lambda k, d=None: q.get(k, [d])[0]
        if path in ("/ok", "/counter", "/frag") or \
                path.startswith("/counter/") or path.startswith("/ok/") or \
                path.startswith("/par/"):
            if arg("ms"):
                time.sleep(int(arg("ms")) / 1000.0)
            etag = '"v1"'
            if self.headers.get("If-None-Match") == etag:
                self.bump("304 " + path)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send(200, PAGE, headers=[
                ("ETag", etag),
                ("Last-Modified", "Tue, 28 Jan 2025 01:00:00 GMT")])
        elif path == "/stats":
            with LOCK:
                body = json.dumps({"hits": HITS, "keys": KEYS,
                                   "max_inflight": STATE["max_inflight"],
                                   "max_inflight_prefix": MAXFLIGHT},
                                  sort_keys=True).encode()
            self.send(200, body, "application/json")
        elif path == "/reset-stats":
            with LOCK:
                HITS.clear()
                MAXFLIGHT.clear()
                STATE["max_inflight"] = STATE["inflight"]
            self.send(200, b"reset")
        elif path == "/notfound":
            self.send(404, b"not found")
        elif path == "/gone":
            self.send(410, b"gone")
        elif path == "/error":
            self.send(500, b"error")
        elif path.startswith("/flaky/"):
            n = self.bump(path)
            if n <= 2:
                self.send(503, b"busy")
            else:
                self.send(200, PAGE)
        elif path.startswith("/redirect/"):
            code = int(path.split("/")[2])
            self.redirect(code, arg("to", "/ok"))
        elif path in ("/301", "/302", "/303", "/307", "/308"):
            self.redirect(int(path[1:]), arg("to", "/ok"))
        elif path.startswith("/chain/"):
            n = int(path.split("/")[2])
            self.redirect(302, "/chain/%d" % (n - 1) if n > 0 else "/ok")
        elif path == "/loop/a":
            self.redirect(302, "/loop/b")
        elif path == "/loop/b":
            self.redirect(302, "/loop/a")
        elif path == "/slow":
            time.sleep(int(arg("ms", "1000")) / 1000.0)
            self.send(200, PAGE)
        elif path.startswith("/slow-once/"):
            # slow the first time it is asked for, quick afterwards
            if self.bump(path) == 1:
                time.sleep(int(arg("ms", "1000")) / 1000.0)
            self.send(200, PAGE)
        elif path == "/head405":
            if self.command == "HEAD":
                self.send(405, b"", headers=[("Allow", "GET")])
            else:
                self.send(200, PAGE)
        elif path.startswith("/ratelimit/"):
            n = self.bump(path)
            if n <= 1:
                self.send(429, b"slow down", headers=[("Retry-After", "1")])
            else:
                self.send(200, PAGE)
        elif path.startswith("/ratelimit-long/"):
            self.send(429, b"slow down", headers=[("Retry-After", "3600")])
        elif path.startswith("/retry-date/") or path == "/retry-date":
            n = self.bump(path)
            if n <= 1:
                when = email.utils.formatdate(time.time() + 1, usegmt=True)
                self.send(503, b"later", headers=[("Retry-After", when)])
            else:
                self.send(200, PAGE)
        elif path == "/botwall":
            self.send(403, b"<html>Just a moment...</html>", headers=[
                ("cf-mitigated", "challenge"), ("Server", "cloudflare")])
        elif path == "/forbidden":
            self.send(403, b"forbidden")
        elif path == "/999":
            self.send(999, b"request denied")
        elif path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
        elif path == "/huge":
            total = 100 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(total))
            self.end_headers()
            if self.command == "HEAD":
                return
            chunk = b"<p>filler</p>" * 5000
            sent = 0
            self.wfile.write(b"<html><body>")
            while sent < total - 12:
                n = min(len(chunk), total - 12 - sent)
                self.wfile.write(chunk[:n])
                sent += n
        elif path == "/gzip":
            body = gzip.compress(PAGE + b"<!--" + b" " * 100000 + b"-->")
            self.send(200, body, headers=[("Content-Encoding", "gzip")])
        elif path == "/redirect-file":
            self.redirect(302, "file:///etc/passwd")
        elif path == "/redirect-js":
            self.redirect(302, "javascript:alert(1)")
        elif path == "/crlf":
            # A Location value carrying a bare CR and a control character.
            self.close_connection = True
            self.wfile.write(b"HTTP/1.1 302 Found\r\n"
                             b"Location: /ok\rSet-Cookie: evil=1\x01\r\n"
                             b"Content-Length: 0\r\n\r\n")
        elif path == "/oembed":
            url = arg("url", "")
            if arg("missing", "gone") in url:
                self.send(404, b"Not Found", "text/plain")
            else:
                self.send(200, b'{"type":"video"}', "application/json")
        elif path == "/gzipbomb":
            # 1 GiB of zeros, about 1 MiB on the wire: the body cap must
            # count decoded bytes.
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Encoding", "gzip")
            self.end_headers()
            if self.command == "HEAD":
                return
            z = zlib.compressobj(9, zlib.DEFLATED, 31)
            zeros = b"\0" * (1 << 20)
            for _ in range(1024):
                self.wfile.write(z.compress(zeros))
            self.wfile.write(z.flush())
        elif path == "/endless":
            # A body with no length that never ends.
            self.close_connection = True
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            if self.command == "HEAD":
                return
            chunk = b"<p>more</p>" * 1000
            while True:
                self.wfile.write(chunk)
        elif path == "/trickle":
            # Slowloris from the server's side: a byte every 200 ms.
            self.close_connection = True
            for b in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n":
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                time.sleep(0.2)
        elif path == "/redirect-ftp":
            self.redirect(301, "ftp://127.0.0.1/pub/file")
        elif path == "/headers-endless":
            self.close_connection = True
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            i = 0
            while i < 200000:
                self.wfile.write(b"X-Filler-%d: %s\r\n" % (i, b"a" * 100))
                i += 1
            self.wfile.write(b"\r\n")
        elif path == "/hostile-reason":
            # Markup in the reason phrase (the engine keeps up to 63
            # bytes of it): a report must show it as text.
            self.close_connection = True
            self.wfile.write(
                b"HTTP/1.1 404 <img src=x onerror=document.title='pwned'>"
                b"\r\nContent-Length: 0\r\n\r\n")
        elif path == "/hostile-location":
            # A permanent redirect to a URL that closes an attribute.
            self.redirect(301, '/ok/"onmouseover="document.documentElement.'
                          'setAttribute(\'data-pwned\',\'hop\')"x')
        else:
            self.send(404, b"no such scenario")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port-file")
    ap.add_argument("--ports", type=int, default=1)
    a = ap.parse_args()
    srv = Server((a.bind, a.port), Handler)
    more = [Server((a.bind, 0), Handler) for _ in range(a.ports - 1)]
    for m in more:
        threading.Thread(target=m.serve_forever, daemon=True).start()
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    port = " ".join(str(x.server_address[1]) for x in [srv] + more)
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%s\n" % port)
        import os
        os.rename(a.port_file + ".tmp", a.port_file)
    else:
        sys.stdout.write("%s\n" % port)
        sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
