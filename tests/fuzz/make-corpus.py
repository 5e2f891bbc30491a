#!/usr/bin/python3
"""make-corpus.py — rebuilds the seed corpora tests/fuzz/corpus/<name>/ from the
project's pcaps (pcaps/*/input.pcap) and, when present, the public captures in
../shared/corpus. Each TCP flow is reassembled naively (capture order, bytes
already seen dropped) into the script encoding of fuzz-app.c; UDP datagrams
become one record each. Run from the project root:

    /usr/bin/python3 tests/fuzz/make-corpus.py [--shared ../shared/corpus]
"""
import argparse
import glob
import hashlib
import os
import re
import struct
import sys

from scapy.all import IP, IPv6, TCP, UDP, PcapReader  # noqa: E402

OUT = "tests/fuzz/corpus"
SEED_MAX = 48 * 1024        # bytes per seed file
PER_TARGET = 40             # seed files per target
PER_TARGET_OF = {"decode": 150, "rule": 200}


def flows_of(path, limit=20000):
    """Returns {key: flow} with flow = {proto, srv, cli, sport, dport, chunks:[(dir, bytes)]}."""
    flows = {}
    order = []
    try:
        reader = PcapReader(path)
    except Exception as e:  # noqa: BLE001
        print(f"skip {path}: {e}", file=sys.stderr)
        return []
    for i, pkt in enumerate(reader):
        if i >= limit:
            break
        ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
        if ip is None:
            continue
        l4 = ip.getlayer(TCP) or ip.getlayer(UDP)
        if l4 is None:
            continue
        proto = 6 if isinstance(l4, TCP) else 17
        a, b = (ip.src, l4.sport), (ip.dst, l4.dport)
        key = (proto,) + tuple(sorted([a, b]))
        fl = flows.get(key)
        if fl is None:
            syn = proto == 6 and (l4.flags & 0x12) == 0x02
            if proto == 6 and not syn and l4.sport < l4.dport:
                cli, srv = b, a          # midstream: the lower port serves
            else:
                cli, srv = a, b
            fl = {"proto": proto, "cli": cli, "srv": srv, "v6": ip.version == 6,
                  "chunks": [], "next": {}}
            flows[key] = fl
            order.append(key)
        d = 0 if a == fl["cli"] else 1
        data = bytes(l4.payload)
        if proto == 17:
            if data:
                fl["chunks"].append((d, data))
            continue
        if len(data) and ip.version == 4:
            data = data[: max(0, ip.len - ip.ihl * 4 - l4.dataofs * 4)]
        seq = l4.seq
        if l4.flags & 0x02:
            fl["next"][d] = (seq + 1) & 0xFFFFFFFF
            continue
        if not data:
            continue
        nxt = fl["next"].get(d, seq)
        delta = (seq - nxt) & 0xFFFFFFFF
        if delta >= 0x80000000:           # starts before what we have: trim
            old = (nxt - seq) & 0xFFFFFFFF
            if old >= len(data):
                continue
            data = data[old:]
            seq = nxt
        fl["chunks"].append((d, data))
        fl["next"][d] = (seq + len(data)) & 0xFFFFFFFF
    return [flows[k] for k in order]


def script(fl, chunks=None, flags=0):
    out = bytearray([flags | (1 if fl["v6"] else 0)]) + struct.pack(">H", fl["srv"][1])
    for d, data in (fl["chunks"] if chunks is None else chunks):
        while data:
            part, data = data[:16383], data[16383:]
            out += bytes([(0x80 if d else 0) | (len(part) >> 8), len(part) & 0xFF]) + part
            if len(out) >= SEED_MAX:
                return bytes(out[:SEED_MAX])
    return bytes(out)


def save(name, blob, tag=""):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    if len(os.listdir(d)) >= PER_TARGET_OF.get(name, PER_TARGET) or not blob:
        return
    h = hashlib.sha1(blob).hexdigest()[:12]
    with open(os.path.join(d, (tag + "-" if tag else "") + h), "wb") as f:
        f.write(blob)


def tag_of(path):
    base = os.path.basename(os.path.dirname(path)) if path.endswith("input.pcap") else \
        os.path.splitext(os.path.basename(path))[0]
    return re.sub(r"[^a-z0-9-]", "", base.lower())[:32]


def stream_flows(paths, name, want, max_flows=6):
    for p in paths:
        n = 0
        for fl in flows_of(p):
            if fl["proto"] != 6 or not fl["chunks"] or not want(fl):
                continue
            save(name, script(fl), tag_of(p))
            n += 1
            if n >= max_flows:
                break


def http_messages(data):
    """Yields (head, body) of each Content-Length / chunked-less HTTP message in a stream."""
    while data:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            return
        head, rest = data[:end], data[end + 4:]
        m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
        n = int(m.group(1)) if m else 0
        yield head, rest[:n]
        data = rest[n:]


def split_dirs(fl):
    s = [b"", b""]
    for d, data in fl["chunks"]:
        s[d] += data
    return s


def http_json_seeds(paths, name, pick):
    for p in paths:
        for fl in flows_of(p):
            if fl["proto"] != 6:
                continue
            req, resp = split_dirs(fl)
            reqs = list(http_messages(req))
            resps = list(http_messages(resp))
            for i, (head, body) in enumerate(reqs[:8]):
                sel = pick(head, fl["srv"][1])
                if sel is None or not body:
                    continue
                rhead, rbody = resps[i] if i < len(resps) else (b"", b"")
                if b" 401 " in rhead.split(b"\r\n")[0]:
                    sel |= 0x10
                if re.search(rb"(?im)^authorization:\s*basic", head):
                    sel |= 0x40
                blob = bytes([sel]) + struct.pack(">H", len(body)) + body + rbody
                save(name, blob[:SEED_MAX], tag_of(p))


def wallet_pick(head, port):
    line = head.split(b"\r\n")[0]
    if b"/json_rpc" in line:
        return 2
    if b"/wallet/" in line:
        return 1
    return {8332: 0, 8545: 3, 9332: 4, 7777: 5, 18443: 1, 18082: 2}.get(port, 6)


def chat_pick(head, port):
    line = head.split(b"\r\n")[0]
    if b"/_matrix/" in line:
        return 0
    if b"/services/" in line:
        return 3
    if b"chat.postMessage" in line:
        return 5
    if b"chat.sendMessage" in line:
        return 6
    if line.count(b"/") >= 4 and b"/hooks/" in line:
        return 4
    if b"/hooks/" in line:
        return 2
    return None


def websocket_seeds(paths):
    """The bytes after the HTTP upgrade (request head to server, 101 head to client)."""
    for p in paths:
        for fl in flows_of(p):
            if fl["proto"] != 6:
                continue
            req, resp = split_dirs(fl)
            if b" 101 " not in resp[:64]:
                continue
            skip = [req.find(b"\r\n\r\n") + 4, resp.find(b"\r\n\r\n") + 4]
            chunks = []
            for d, data in fl["chunks"]:
                cut = min(skip[d], len(data))
                skip[d] -= cut
                if data[cut:]:
                    chunks.append((d, data[cut:]))
            save("websocket", script(fl, chunks), tag_of(p))


def dns_udp_seeds(paths):
    for p in paths:
        for fl in flows_of(p)[:20]:
            if fl["proto"] == 17 and 53 in (fl["srv"][1], fl["cli"][1]):
                save("dns-udp", script(fl, fl["chunks"][:6]), tag_of(p))


LINKTYPES = {1: 0, 113: 1, 276: 2, 0: 3, 108: 4, 12: 5, 14: 6, 101: 7, 228: 8, 229: 9}


def decode_seeds(paths, per_file=3):
    from scapy.utils import RawPcapReader
    for p in paths:
        try:
            r = RawPcapReader(p)
        except Exception:  # noqa: BLE001
            continue
        lt = getattr(r, "linktype", 1)
        sel = LINKTYPES.get(lt)
        if sel is None:
            continue
        seen = 0
        for data, _meta in r:
            save("decode", bytes([sel]) + data[:9000], tag_of(p))
            seen += 1
            if seen >= per_file:
                break


def jsonrpc_crafted():
    """Line-delimited JSON-RPC over raw TCP (Electrum server protocol, Stratum,
    Ethereum): no recorded capture exists, so a few sessions are written out."""
    fl = {"v6": False, "srv": (None, 50001)}
    sessions = [
        [(0, b'{"jsonrpc":"2.0","id":0,"method":"server.version","params":["electrum 4.3","1.4"]}\n'),
         (1, b'{"jsonrpc":"2.0","result":["ElectrumX 1.16","1.4"],"id":0}\n'),
         (0, b'{"jsonrpc":"2.0","id":1,"method":"blockchain.scripthash.get_balance","params":["8b01df4e368ea28f8dc0423bcf7a4923e3a12d307c875e47a0cfbf90b5c39161"]}\n'),
         (1, b'{"jsonrpc":"2.0","id":1,"result":{"confirmed":100000000,"unconfirmed":0}}\n'),
         (0, b'{"jsonrpc":"2.0","id":2,"method":"blockchain.transaction.broadcast","params":["0200000001aa"]}\n'),
         (1, b'{"jsonrpc":"2.0","id":2,"error":{"code":1,"message":"bad tx"}}\n')],
        [(0, b'[{"jsonrpc":"2.0","id":1,"method":"blockchain.headers.subscribe","params":[]},'),
         (0, b'{"jsonrpc":"2.0","id":2,"method":"blockchain.estimatefee","params":[2]}]\n'),
         (1, b'[{"jsonrpc":"2.0","id":1,"result":{"hex":"00","height":5}},{"jsonrpc":"2.0","id":2,"result":0.0001}]\n'),
         (1, b'{"jsonrpc":"2.0","method":"blockchain.headers.subscribe","params":[{"height":6}]}\n')],
        [(0, b'{"id":1,"method":"mining.subscribe","params":["cgminer/4.10"]}\n'),
         (1, b'{"id":1,"result":[[["mining.notify","ae68"]],"08000002",4],"error":null}\n'),
         (0, b'{"id":2,"method":"mining.authorize","params":["worker1","secretpw"]}\n'),
         (1, b'{"id":2,"result":true,"error":null}\n')],
        [(0, b'{"jsonrpc":"2.0","method":"eth_sendTransaction","params":[{"from":"0xb60e8dd61c5d32be8058bb8eb970870f07233155",'),
         (0, b'"to":"0xd46e8dd67c5d32be8058bb8eb970870f07244567","value":"0x9184e72a","gas":"0x76c0"}],"id":1}\n'),
         (1, b'{"jsonrpc":"2.0","id":1,"result":"0xe670ec64341771606e55d6b4ca35a1a6b75ee3d5145a99d05921026d1527331"}\n'),
         (0, b'{"jsonrpc":"2.0","method":"personal_unlockAccount","params":["0xb60e8dd61c5d32be8058bb8eb970870f07233155","hunter2",300],"id":"x"}\n'),
         (1, b'{"jsonrpc":"2.0","id":"x","result":true}\n')],
        [(0, b'{"jsonrpc":"2.0","id":3,"method":"payto","params":{"destination":"tb1qxyz","amount":"0.5","fee":"0.0001"}}\n'),
         (1, b'{"jsonrpc":"2.0","id":3,"result":"0200000000010"}\n'),
         (0, b'{"jsonrpc":"2.0","id":4,"method":"getprivatekeys","params":{"address":"tb1qxyz","password":"pw"}}\n'),
         (1, b'{"jsonrpc":"2.0","id":4,"result":["p2wpkh:cTyx2Sv2QyXLD6qYsfxGq3qBuQwpzmtJfW4fXzRgC4v5FkGiQW1Z"]}\n')],
    ]
    for ses in sessions:
        save("jsonrpc", script(fl, ses), "crafted")
        # the same session cut every 7 bytes, to start with split lines
        flat = [(d, data[i:i + 7]) for d, data in ses for i in range(0, len(data), 7)]
        save("jsonrpc", script(fl, flat), "crafted-split")


def rule_seeds():
    files = sorted(glob.glob("signatures/*.rules")) + sorted(glob.glob("tests/rules/*.rules"))
    n = 0
    for path in files:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                save("rule", line.encode(), "r")
                n += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="../shared/corpus")
    a = ap.parse_args()
    P = lambda *names: [f"pcaps/{n}/input.pcap" for n in names if os.path.exists(f"pcaps/{n}/input.pcap")]  # noqa: E731
    S = lambda *names: [os.path.join(a.shared, n) for n in names if os.path.exists(os.path.join(a.shared, n))]  # noqa: E731
    port = lambda *ports: lambda fl: fl["srv"][1] in ports  # noqa: E731
    anyflow = lambda fl: True  # noqa: E731

    stream_flows(P("http-basic", "http-chunked-gzip", "http-pipelined", "chat-matrix-send",
                   "chat-mattermost-webhook", "chat-rocketchat-post", "chat-slack-webhook",
                   "wallet-litecoin-regtest", "wallet-monero-rpc") + S("zeek-websocket.pcap"),
                 "http", anyflow, max_flows=4)
    stream_flows(P("dns-tcp"), "dns-tcp", port(53))
    dns_udp_seeds(P("dns-basic", "udp-basic", "detect-udp") + S("ndpi-dns-tunnel-iodine.pcap"))
    stream_flows(P("tls12-handshake", "tls13-handshake"), "tls", anyflow)
    stream_flows(P("smtp-cleartext", "smtp-starttls") + S("ndpi-smtp.pcap", "ndpi-smtp-starttls.pcap"),
                 "smtp", port(25, 587, 465, 2525))
    stream_flows(P("telnet-login") + S("ndpi-telnet.pcap"), "telnet", port(23))
    stream_flows(P("ftp-login") + S("ndpi-ftp.pcap"), "ftp", port(21), max_flows=3)
    jsonrpc_crafted()
    stream_flows(S("ndpi-jsonrpc.pcap"), "jsonrpc", lambda fl: fl["chunks"][0][1][:1] in (b"{", b"["))
    stream_flows(P("xmpp-cleartext", "xmpp-starttls") + S("ndpi-jabber.pcap"), "xmpp",
                 port(5222, 5269, 5280), max_flows=4)
    stream_flows(S("ndpi-irc.pcap"), "irc", anyflow)
    stream_flows(S("zeek-mqtt.pcap"), "mqtt", port(1883, 8883))
    websocket_seeds(S("zeek-websocket.pcap"))
    http_json_seeds(P("wallet-litecoin-regtest", "wallet-monero-rpc", "wallet-electrum")
                    + S("nesfit-cgminer-bitcoind-rpc.pcapng"), "wallet-http", wallet_pick)
    http_json_seeds(P("chat-matrix-send", "chat-mattermost-webhook", "chat-rocketchat-post",
                      "chat-slack-webhook"), "chat-http", chat_pick)
    decode_seeds(sorted(glob.glob("pcaps/*/input.pcap")) + S("zeek-http-qinq.pcap",
                 "zeek-ipv6-http-atomic-frag.pcap", "zeek-mixed-vlan-mpls.pcap"), per_file=2)
    rule_seeds()


if __name__ == "__main__":
    main()
