#!/usr/bin/env python3
"""Regenerates dig_fixtures.inc: canned DNS replies and what real dig (BIND 9.18) prints for them.

A tiny DNS server on 127.0.0.1 answers every query with a crafted reply (the query's ID and
question, then the case's records); real dig asks it, once with +nocmd and once with +short.
The bytes the server sent and dig's stdout become one fixture each, so test_dig formats the very
bytes dig saw and compares. Loopback only. Run: python3 make_fixtures.py > dig_fixtures.inc
"""
import socket
import struct
import subprocess
import threading

PORT = 5353 + 47  # loopback only


def name(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def txt(*strings):
    return b"".join(bytes([len(s)]) + s for s in strings)


def rr(owner, rtype, rclass, ttl, rdata):
    return name(owner) + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def opt(udp=1232, do=False):
    return b"\0" + struct.pack("!HHIH", 41, udp, 0x8000 if do else 0, 0)


A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, SRV, CAA = 1, 2, 5, 6, 12, 15, 16, 28, 33, 257
IN, CH = 1, 3
v6 = socket.inet_pton(socket.AF_INET6, "fd77::1")
rev6 = ".".join(reversed("fd770000000000000000000000000001")) + ".ip6.arpa."

# name, dig args, flags (hi, lo) without QR/RD (copied), rcode, answer, authority, additional
CASES = [
    ("a", ["echo.lab.wgnet", "A"], 0x04, 0x80, 0,
     [rr("echo.lab.wgnet", A, IN, 300, bytes([10, 77, 0, 1]))], [], [opt()]),
    ("aaaa", ["echo.lab.wgnet", "AAAA"], 0x04, 0x80, 0,
     [rr("echo.lab.wgnet", AAAA, IN, 0, v6)], [], [opt()]),
    ("mx", ["lab.wgnet", "MX"], 0x04, 0x80, 0,
     [rr("lab.wgnet", MX, IN, 3600, struct.pack("!H", 10) + name("mail.lab.wgnet")),
      rr("lab.wgnet", MX, IN, 3600, struct.pack("!H", 20) + name("mx2.lab.wgnet"))], [], [opt()]),
    ("txt", ["txt.lab.wgnet", "TXT"], 0x04, 0x80, 0,
     [rr("txt.lab.wgnet", TXT, IN, 60, txt(b"hello wgnet", b"second string")),
      rr("txt.lab.wgnet", TXT, IN, 60, txt(b'quote " backslash \\ semi ; tab\t', b"\x80\xff\x00", b""))],
     [], [opt()]),
    ("srv", ["_echo._tcp.lab.wgnet", "SRV"], 0x04, 0x80, 0,
     [rr("_echo._tcp.lab.wgnet", SRV, IN, 0, struct.pack("!HHH", 0, 5, 7) + name("echo.lab.wgnet"))],
     [], [opt()]),
    ("ptr4", ["-x", "10.77.0.1"], 0x04, 0x80, 0,
     [rr("1.0.77.10.in-addr.arpa", PTR, IN, 0, name("echo.lab.wgnet"))], [], [opt()]),
    ("ptr6", ["-x", "fd77::1"], 0x04, 0x80, 0,
     [rr(rev6, PTR, IN, 0, name("echo.lab.wgnet"))], [], [opt()]),
    ("caa", ["lab.wgnet", "CAA"], 0x04, 0x80, 0,
     [rr("lab.wgnet", CAA, IN, 0, b"\x00\x05issueletsencrypt.org")], [], [opt()]),
    ("cname", ["www.lab.wgnet", "A"], 0x04, 0x80, 0,
     [rr("www.lab.wgnet", CNAME, IN, 0, name("echo.lab.wgnet")),
      rr("echo.lab.wgnet", A, IN, 0, bytes([10, 77, 0, 1]))], [], [opt()]),
    ("nxdomain", ["nx.lab.wgnet", "A"], 0x04, 0x80, 3, [],
     [rr("lab.wgnet", SOA, IN, 300, name("ns.lab.wgnet") + name("hostmaster.lab.wgnet") +
         struct.pack("!IIIII", 2026112501, 7200, 900, 1209600, 300))], [opt()]),
    ("ns_glue_no_ra", ["lab.wgnet", "NS"], 0x04, 0x00, 0,
     [rr("lab.wgnet", NS, IN, 86400, name("ns1.lab.wgnet")),
      rr("lab.wgnet", NS, IN, 86400, name("ns2.lab.wgnet"))], [],
     [rr("ns1.lab.wgnet", A, IN, 86400, bytes([10, 77, 0, 53])),
      rr("ns2.lab.wgnet", AAAA, IN, 86400, v6)]),
    ("unknown_type", ["odd.lab.wgnet", "TYPE65280"], 0x04, 0x80, 0,
     [rr("odd.lab.wgnet", 65280, IN, 5, b"\x0a\x4d\x00\x01")], [], [opt()]),
    ("dnssec_do_ad", ["echo.lab.wgnet", "A", "+dnssec"], 0x00, 0xa0, 0,
     [rr("echo.lab.wgnet", A, IN, 300, bytes([10, 77, 0, 1]))], [], [opt(4096, True)]),
    ("chaos", ["version.bind", "TXT", "CH"], 0x04, 0x00, 0,
     [rr("version.bind", TXT, CH, 0, txt(b"dnsmasq-2.89"))], [], [opt()]),
    ("servfail_empty", ["broken.lab.wgnet", "A"], 0x00, 0x80, 2, [], [], [opt()]),
    ("dnskey_ds_sshfp", ["lab.wgnet", "DNSKEY"], 0x04, 0x80, 0,
     [rr("lab.wgnet", 48, IN, 3600, struct.pack("!HBB", 257, 3, 13) + bytes(range(64))),
      rr("lab.wgnet", 43, IN, 3600, struct.pack("!HBB", 2371, 13, 2) + bytes(range(100, 132))),
      rr("lab.wgnet", 44, IN, 60, bytes([4, 2]) + bytes(range(200, 232))),
      rr("lab.wgnet", 46, IN, 60, struct.pack("!HBBIIIH", A, 13, 2, 3600, 1767225600, 1764547200, 2371)
         + name("lab.wgnet") + bytes(range(64)))],
     [], [opt()]),
    ("soa_hinfo_naptr", ["lab.wgnet", "SOA"], 0x04, 0x80, 0,
     [rr("lab.wgnet", SOA, IN, 3600, name("ns.lab.wgnet") + name("host\\.master.lab.wgnet") +
         struct.pack("!IIIII", 1, 2, 3, 4, 5)),
      rr("lab.wgnet", 13, IN, 60, txt(b"x86", b"Linux 6")),
      rr("lab.wgnet", 35, IN, 60, struct.pack("!HH", 100, 10) + txt(b"U", b"E2U+sip", b"!^.*$!sip:info@lab.wgnet!") + b"\0")],
     [], [opt()]),
]

current = {}
sent = {}


def serve(sock):
    while True:
        data, peer = sock.recvfrom(4096)
        if data == b"stop":
            return
        case = current["case"]
        _, _, hi, lo, rcode, an, ns, ar = case
        qid, qflags = struct.unpack("!HH", data[:4])
        qend = 12
        while data[qend] != 0:
            qend += data[qend] + 1
        question = data[12:qend + 5]
        rd = (qflags >> 8) & 0x01
        header = struct.pack("!HBBHHHH", qid, 0x80 | hi | rd, lo | rcode, 1, len(an), len(ns), len(ar))
        reply = header + question + b"".join(an) + b"".join(ns) + b"".join(ar)
        sent[current["mode"]] = reply
        sock.sendto(reply, peer)


def dig(args, extra):
    return subprocess.run(["dig", "@127.0.0.1", "-p", str(PORT), "+time=2", "+tries=1", *extra, *args],
                          capture_output=True, text=True, check=True).stdout


def cxx_string(s):
    return 'R"DIG(' + s + ')DIG"'


def main():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", PORT))
    t = threading.Thread(target=serve, args=(sock,), daemon=True)
    t.start()
    print("// Generated by make_fixtures.py from real dig (BIND 9.18) against canned replies.")
    print("// Do not edit: rerun the script.")
    for case in CASES:
        current["case"] = case
        current["mode"] = "full"
        full = dig(case[1], ["+nocmd"])
        current["mode"] = "short"
        short = dig(case[1], ["+short"])
        wire = sent["full"]
        print("{%s, {%s}, %s, %s}," % (
            cxx_string(case[0]), ", ".join("0x%02x" % b for b in wire), cxx_string(full),
            cxx_string(short)))
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"stop", ("127.0.0.1", PORT))


main()
