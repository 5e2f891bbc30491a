#!/usr/bin/python3
"""ja-fingerprint.py -- JA3, JA3S and JA4 of the TLS sessions in a pcap,
computed independently of walletwatch (its own record and hello parsing, in
Python), to check the values the C parser logs.

Usage: /usr/bin/python3 tools/ja-fingerprint.py [--selftest] FILE.pcap

Prints one JSON object per TCP session with a ClientHello: sni, client and
server ALPNs, ja3 {string, hash}, ja3s {string, hash}, ja4 and ja4_r, and
for TLS <= 1.2 the server certificate's SHA-1 fingerprint and serial bytes.

JA3/JA3S follow salesforce/ja3 (GREASE removed, decimal, '-' within a field,
',' between fields, MD5); JA4 follows FoxIO's technical_details/JA4.md.
--selftest checks the JA4 hashing against the worked example of JA4.md.
Needs Debian's /usr/bin/python3 with scapy (only to read the pcap).
"""
import hashlib
import json
import struct
import sys

GREASE = {(b << 8) | b for b in range(0x0a, 0x100, 0x10)}


def u16s(b):
    return [struct.unpack(">H", b[i:i + 2])[0] for i in range(0, len(b) - 1, 2)]


def parse_exts(b):
    exts = []
    while len(b) >= 4:
        t, n = struct.unpack(">HH", b[:4])
        exts.append((t, b[4:4 + n]))
        b = b[4 + n:]
    return exts


def alpn_list(d):
    out, p = [], d[2:]
    while p:
        n = p[0]
        out.append(p[1:1 + n])
        p = p[1 + n:]
    return out


def client_hello(body):
    ver = struct.unpack(">H", body[:2])[0]
    p = 34
    p += 1 + body[p]
    n = struct.unpack(">H", body[p:p + 2])[0]
    ciphers = u16s(body[p + 2:p + 2 + n])
    p += 2 + n
    p += 1 + body[p]
    exts = parse_exts(body[p + 2:]) if len(body) > p else []
    h = {"version": ver, "ciphers": ciphers, "exts": [t for t, _ in exts], "groups": [],
         "pf": [], "sigalgs": [], "versions": [], "sni": None, "alpn": []}
    for t, d in exts:
        if t == 0:
            h["sni"] = d[5:5 + struct.unpack(">H", d[3:5])[0]].decode("latin-1")
        elif t == 10:
            h["groups"] = u16s(d[2:])
        elif t == 11:
            h["pf"] = list(d[1:1 + d[0]])
        elif t == 13:
            h["sigalgs"] = u16s(d[2:])
        elif t == 16:
            h["alpn"] = alpn_list(d)
        elif t == 43:
            h["versions"] = u16s(d[1:1 + d[0]])
    return h


def server_hello(body):
    ver = struct.unpack(">H", body[:2])[0]
    p = 34
    p += 1 + body[p]
    cipher = struct.unpack(">H", body[p:p + 2])[0]
    p += 3
    exts = parse_exts(body[p + 2:]) if len(body) > p else []
    alpn = [a for t, d in exts if t == 16 for a in alpn_list(d)]
    return {"version": ver, "cipher": cipher, "exts": [t for t, _ in exts], "alpn": alpn}


def nog(v):
    return [x for x in v if x not in GREASE]


def ja3(h):
    s = "%d,%s,%s,%s,%s" % (h["version"], "-".join(map(str, nog(h["ciphers"]))),
                            "-".join(map(str, nog(h["exts"]))),
                            "-".join(map(str, nog(h["groups"]))), "-".join(map(str, h["pf"])))
    return {"string": s, "hash": hashlib.md5(s.encode()).hexdigest()}


def ja3s(h):
    s = "%d,%d,%s" % (h["version"], h["cipher"], "-".join(map(str, nog(h["exts"]))))
    return {"string": s, "hash": hashlib.md5(s.encode()).hexdigest()}


VERS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2",
        0xfeff: "d1", 0xfefd: "d2", 0xfefc: "d3"}


def ja4_alpn(alpns):
    if not alpns or not alpns[0]:
        return "00"
    a = alpns[0]
    if chr(a[0]).isalnum() and chr(a[-1]).isalnum() and a[0] < 128 and a[-1] < 128:
        return chr(a[0]) + chr(a[-1])
    hx = a.hex()
    return hx[0] + hx[-1]


def ja4_parts(ciphers, exts, sigalgs):
    cs = sorted(nog(ciphers))
    es = sorted(x for x in nog(exts) if x not in (0x0000, 0x0010))
    sa = nog(sigalgs)
    b_raw = ",".join("%04x" % c for c in cs)
    c_raw = ",".join("%04x" % e for e in es)
    if sa:
        c_raw += "_" + ",".join("%04x" % s for s in sa)
    b = hashlib.sha256(b_raw.encode()).hexdigest()[:12] if cs else "000000000000"
    c = hashlib.sha256(c_raw.encode()).hexdigest()[:12] if es else "000000000000"
    return b, c, b_raw, c_raw


def ja4(h):
    vs = nog(h["versions"])
    v = max(vs) if vs else h["version"]
    a = "t%s%s%02d%02d%s" % (VERS.get(v, "00"), "d" if 0 in h["exts"] else "i",
                             min(len(nog(h["ciphers"])), 99), min(len(nog(h["exts"])), 99),
                             ja4_alpn(h["alpn"]))
    b, c, b_raw, c_raw = ja4_parts(h["ciphers"], h["exts"], h["sigalgs"])
    return a + "_" + b + "_" + c, a + "_" + b_raw + "_" + c_raw


def selftest():
    """JA4.md's worked example (Chrome): ciphers and extensions in wire order."""
    ciphers = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
               0xc014, 0x009c, 0x009d, 0x002f, 0x0035]
    exts = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023,
            0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015]
    sig = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]
    b, c, _, _ = ja4_parts(ciphers, exts, sig)
    assert b == "8daaf6152771", b
    assert c == "e5627efa2ab1", c
    _, c2, _, _ = ja4_parts(ciphers, exts, [])
    assert c2 == "6d807ffa2a79", c2
    assert ja4_alpn([bytes([0xab])]) == "ab" and ja4_alpn([bytes([0x30, 0xab])]) == "3b"
    assert ja4_alpn([bytes([0x30, 0xab, 0xcd, 0x31])]) == "01"
    print("selftest: JA4.md example b=8daaf6152771 c=e5627efa2ab1 (no sigalgs 6d807ffa2a79) ok")


def streams(path):
    from scapy.all import IP, TCP, rdpcap
    segs = {}
    for pkt in rdpcap(path):
        if IP not in pkt or TCP not in pkt:
            continue
        ip, tcp = pkt[IP], pkt[TCP]
        data = bytes(tcp.payload)
        key = (ip.src, tcp.sport, ip.dst, tcp.dport)
        if data:
            segs.setdefault(key, {})[tcp.seq] = data
    out = {}
    for key, by_seq in segs.items():
        buf, nxt = b"", None
        for seq in sorted(by_seq):
            d = by_seq[seq]
            if nxt is not None and seq < nxt:
                d = d[nxt - seq:]
            buf += d
            nxt = seq + len(by_seq[seq])
        out[key] = buf
    return out


def handshakes(buf):
    """Handshake messages of the plaintext part of one direction."""
    hs, msgs = b"", []
    while len(buf) >= 5:
        t, n = buf[0], struct.unpack(">H", buf[3:5])[0]
        frag, buf = buf[5:5 + n], buf[5 + n:]
        if t == 20 or t == 23:
            break
        if t == 22:
            hs += frag
    while len(hs) >= 4:
        n = struct.unpack(">I", b"\0" + hs[1:4])[0]
        msgs.append((hs[0], hs[4:4 + n]))
        hs = hs[4 + n:]
    return msgs


def main():
    if "--selftest" in sys.argv:
        selftest()
        return
    st = streams(sys.argv[1])
    for (src, sport, dst, dport), buf in st.items():
        msgs = handshakes(buf)
        ch = [b for t, b in msgs if t == 1]
        if not ch:
            continue
        h = client_hello(ch[0])
        res = {"client": "%s:%d" % (src, sport), "server": "%s:%d" % (dst, dport),
               "sni": h["sni"], "client_alpns": [a.decode("latin-1") for a in h["alpn"]],
               "ja3": ja3(h)}
        res["ja4"], res["ja4_r"] = ja4(h)
        back = handshakes(st.get((dst, dport, src, sport), b""))
        sh = [b for t, b in back if t == 2]
        if sh:
            s = server_hello(sh[0])
            res["ja3s"] = ja3s(s)
            res["server_alpns"] = [a.decode("latin-1") for a in s["alpn"]]
        cert = [b for t, b in back if t == 11]
        if cert:
            n = struct.unpack(">I", b"\0" + cert[0][3:6])[0]
            der = cert[0][6:6 + n]
            fp = hashlib.sha1(der).hexdigest()
            res["fingerprint"] = ":".join(fp[i:i + 2] for i in range(0, 40, 2))
        print(json.dumps(res))


if __name__ == "__main__":
    main()
