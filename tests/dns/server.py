#!/usr/bin/python3
"""A tiny UDP DNS server for the dnsmx tests (stdlib only).

Listens on 127.0.0.1 at an ephemeral port, prints the port on stdout
(one line, flushed), then answers from the fixed zone below until it is
killed.  It never sends anything except replies to the sender of a query.
It also exits when its standard input reaches end of file, so that a
test that dies without killing it does not leave it running.

Zone (class IN):
  good.test        MX 10 mail.good.test
  nullmx.test      MX 0 "."                 (RFC 7505 null MX)
  aonly.test       A 192.0.2.1, no MX        (implicit MX)
  aaaaonly.test    AAAA 2001:db8::1, no MX   (implicit MX)
  empty.test       exists, no MX, A or AAAA  (NODATA for all)
  nodomain.test    NXDOMAIN
  servfail.test    SERVFAIL
  slow.test        never answers
  N.many.test      MX 10 mx.many.test, for any label N
Any other name is NXDOMAIN.
"""
import os
import select
import socket
import struct
import sys

T_A, T_MX, T_AAAA, T_SOA = 1, 15, 28, 6
NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3


def encode_name(name):
    out = b""
    for label in name.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode("ascii")
    return out + b"\0"


def rr(name, rtype, ttl, rdata):
    return (encode_name(name) + struct.pack(">HHIH", rtype, 1, ttl,
                                             len(rdata)) + rdata)


def mx(pref, host):
    return struct.pack(">H", pref) + encode_name(host)


def soa(zone):
    return rr(zone, T_SOA, 60,
              encode_name("ns." + zone) + encode_name("admin." + zone) +
              struct.pack(">IIIII", 1, 3600, 600, 86400, 60))


def lookup(name, qtype):
    """Returns (rcode, answers, authority) or None to stay silent."""
    name = name.lower().rstrip(".")
    if name == "slow.test":
        return None
    if name == "servfail.test":
        return SERVFAIL, [], []
    if name == "good.test":
        if qtype == T_MX:
            return NOERROR, [rr(name, T_MX, 60, mx(10, "mail.good.test"))], []
        return NOERROR, [], [soa(name)]
    if name == "nullmx.test":
        if qtype == T_MX:
            return NOERROR, [rr(name, T_MX, 60, mx(0, "."))], []
        return NOERROR, [], [soa(name)]
    if name == "aonly.test":
        if qtype == T_A:
            return NOERROR, [rr(name, T_A, 60, bytes([192, 0, 2, 1]))], []
        return NOERROR, [], [soa(name)]
    if name == "aaaaonly.test":
        if qtype == T_AAAA:
            addr = socket.inet_pton(socket.AF_INET6, "2001:db8::1")
            return NOERROR, [rr(name, T_AAAA, 60, addr)], []
        return NOERROR, [], [soa(name)]
    if name == "empty.test":
        return NOERROR, [], [soa(name)]
    if name.endswith(".many.test"):
        if qtype == T_MX:
            return NOERROR, [rr(name, T_MX, 60, mx(10, "mx.many.test"))], []
        return NOERROR, [], [soa("many.test")]
    return NXDOMAIN, [], [soa("test")]


def parse_question(msg):
    qid, flags, qd = struct.unpack(">HHH", msg[:6])
    if qd != 1 or flags & 0x8000:
        return None
    pos, labels = 12, []
    while True:
        n = msg[pos]
        pos += 1
        if n == 0:
            break
        if n & 0xC0:
            return None
        labels.append(msg[pos:pos + n].decode("ascii", "replace"))
        pos += n
    qtype, qclass = struct.unpack(">HH", msg[pos:pos + 4])
    return qid, flags, ".".join(labels), qtype, msg[12:pos + 4]


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sys.stdout.write("%d\n" % sock.getsockname()[1])
    sys.stdout.flush()
    watch = [sock]
    if not os.isatty(0):
        watch.append(0)
    while True:
        ready, _, _ = select.select(watch, [], [])
        if 0 in ready and not os.read(0, 512):
            return
        if sock not in ready:
            continue
        msg, peer = sock.recvfrom(4096)
        try:
            q = parse_question(msg)
        except (IndexError, struct.error):
            continue
        if q is None:
            continue
        qid, flags, name, qtype, question = q
        res = lookup(name, qtype)
        if res is None:
            continue
        rcode, answers, authority = res
        # QR, AA, RD copied, RA.
        rflags = 0x8000 | 0x0400 | (flags & 0x0100) | 0x0080 | rcode
        head = struct.pack(">HHHHHH", qid, rflags, 1, len(answers),
                           len(authority), 0)
        sock.sendto(head + question + b"".join(answers) +
                    b"".join(authority), peer)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
