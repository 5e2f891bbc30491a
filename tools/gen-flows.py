#!/usr/bin/python3
"""gen-flows.py -- a pcap of N concurrent TCP flows, written fast.

Each flow: SYN from a distinct client addr:port, SYN/ACK from one of a few
servers, then the client's ACK carrying one data segment (an HTTP request,
so the app layer claims the flow). No FIN, no RST: every flow stays open
until the end of the capture. Flows follow each other 10 us apart, so
1,000,000 flows span 10 s of capture time, well inside every flow timeout:
they are all live at once unless a memcap ends them.

Records are packed with struct from templates (no scapy); IPv4 and TCP
checksums are right (computed from precomputed partial sums), so the
capture also passes with stream.checksum-validation on.

  tools/gen-flows.py [--flows N] [--servers K] [--order interleaved|phased]
                     [--payload http|opaque] OUT.pcap

--order phased writes every SYN first, then every SYN/ACK, then every data
segment: the flow table must hold all N flows across the whole capture.
Clients: 10.0.0.0/8 (16 source ports per address), servers 198.18.0.0/24
(RFC 2544 benchmark range), port 80. ~270 bytes of pcap per flow.
"""
import argparse
import struct
import sys

PAYLOAD = b"GET /flow HTTP/1.1\r\nHost: bench.example\r\nUser-Agent: gen-flows\r\n\r\n"
ETH = bytes.fromhex("020000000002" "020000000001" "0800")  # dst, src, IPv4
ETH_REV = bytes.fromhex("020000000001" "020000000002" "0800")
T0 = 1767225600  # 2026-01-01T00:00:00Z
SPORTS = 16


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words(b):
    """Ones-complement sum of b's 16-bit big-endian words (b of even length)."""
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))


class Template:
    """An Ethernet+IPv4+TCP packet whose addresses, ports, seq and ack vary.

    The checksums' constant parts are summed once; per packet only the
    varying words are added."""

    def __init__(self, eth, flags, payload, syn_opts):
        self.eth = eth
        self.flags = flags
        self.payload = payload
        self.opts = syn_opts
        thl = 20 + len(syn_opts)
        self.thl = thl
        self.ip_len = 20 + thl + len(payload)
        # IPv4 header constants: ver/ihl/tos, total length, id 0, DF, ttl 64, proto 6.
        self.ip_const = 0x4500 + self.ip_len + 0x4000 + 0x4006
        # TCP constants: pseudo-header proto + length, data offset/flags, window,
        # options, payload (padded to even length).
        pad = payload + (b"\0" if len(payload) & 1 else b"")
        self.tcp_const = 6 + thl + len(payload) + ((thl // 4) << 12 | flags) + 65535
        self.tcp_const += words(syn_opts) + words(pad)
        self.caplen = 14 + self.ip_len

    def pack(self, ts_sec, ts_usec, src, dst, sport, dport, seq, ack):
        ip_sum = 0xFFFF - fold(self.ip_const + (src >> 16) + (src & 0xFFFF) + (dst >> 16)
                               + (dst & 0xFFFF))
        tcp_sum = 0xFFFF - fold(self.tcp_const + (src >> 16) + (src & 0xFFFF) + (dst >> 16)
                                + (dst & 0xFFFF) + sport + dport + (seq >> 16) + (seq & 0xFFFF)
                                + (ack >> 16) + (ack & 0xFFFF))
        return (struct.pack("<IIII", ts_sec, ts_usec, self.caplen, self.caplen) + self.eth
                + struct.pack("!BBHHHBBHII", 0x45, 0, self.ip_len, 0, 0x4000, 64, 6, ip_sum,
                              src, dst)
                + struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (self.thl // 4) << 4,
                              self.flags, 65535, tcp_sum, 0)
                + self.opts + self.payload)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--flows", type=int, default=1000000)
    ap.add_argument("--servers", type=int, default=4)
    ap.add_argument("--order", choices=("interleaved", "phased"), default="interleaved")
    ap.add_argument("--payload", choices=("http", "opaque"), default="http",
                    help="the data segment: an HTTP request, or bytes no parser claims")
    a = ap.parse_args()
    if not 1 <= a.flows <= SPORTS * 0xFFFFFE or not 1 <= a.servers <= 254:
        sys.exit("gen-flows: --flows or --servers out of range")

    mss = struct.pack("!BBH", 2, 4, 1460)
    syn = Template(ETH, 0x02, b"", mss)
    synack = Template(ETH_REV, 0x12, b"", mss)
    payload = PAYLOAD if a.payload == "http" else bytes(range(0x80, 0x80 + len(PAYLOAD)))
    data = Template(ETH, 0x18, payload, b"")  # PSH|ACK, completes the handshake

    def flow(i):
        cli = 0x0A000000 + (i // SPORTS) + 1
        sport = 20000 + (i % SPORTS) * 1111
        srv = 0xC6120001 + (i % a.servers)
        isn = (i * 2654435761) & 0xFFFFFFFF
        isn_srv = (isn ^ 0x5A5A5A5A) & 0xFFFFFFFF
        return cli, sport, srv, isn, isn_srv

    def ts(k):
        usec = k * 10
        return T0 + usec // 1000000, usec % 1000000

    with open(a.out, "wb", buffering=1 << 22) as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        chunk = []
        n = a.flows
        steps = range(3) if a.order == "phased" else [None]
        for phase in steps:
            for i in range(n):
                cli, sport, srv, isn, isn_srv = flow(i)
                if phase is None:
                    s, u = ts(i)
                    chunk.append(syn.pack(s, u, cli, srv, sport, 80, isn, 0))
                    chunk.append(synack.pack(s, u + 1, srv, cli, 80, sport, isn_srv,
                                             (isn + 1) & 0xFFFFFFFF))
                    chunk.append(data.pack(s, u + 2, cli, srv, sport, 80, (isn + 1) & 0xFFFFFFFF,
                                           (isn_srv + 1) & 0xFFFFFFFF))
                else:
                    s, u = ts(phase * n + i)
                    if phase == 0:
                        chunk.append(syn.pack(s, u, cli, srv, sport, 80, isn, 0))
                    elif phase == 1:
                        chunk.append(synack.pack(s, u, srv, cli, 80, sport, isn_srv,
                                                 (isn + 1) & 0xFFFFFFFF))
                    else:
                        chunk.append(data.pack(s, u, cli, srv, sport, 80, (isn + 1) & 0xFFFFFFFF,
                                               (isn_srv + 1) & 0xFFFFFFFF))
                if len(chunk) >= 30000:
                    out.write(b"".join(chunk))
                    chunk.clear()
        out.write(b"".join(chunk))


if __name__ == "__main__":
    main()
