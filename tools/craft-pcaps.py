#!/usr/bin/python3
"""craft-pcaps.py -- (re)generate the crafted edge-case captures under pcaps/.

Usage: /usr/bin/python3 tools/craft-pcaps.py [--out PCAPS_DIR] [SCENARIO ...]

Every scenario gets pcaps/<scenario>/input.pcap, README.md (what it proves and
which expected values are design choices) and test.json (the events the
capture must produce, read by tests/run-pcaps.py).

Deterministic: fixed timestamps (2024-05-31 10:00:00 UTC, 10 ms apart),
fixed sequence numbers, IP ids, MACs and ports; addresses in 10.0.0.0/8 and
fd00::/8; IP, TCP, UDP and ICMP checksums are correct (scapy computes them)
except where a case says otherwise. Payloads spell out their order ("AAAA",
"BBBB", ...) so stream checks read naturally. Expected counters (packets,
frame bytes, first/last timestamps) are computed from the frames written, so
test.json always agrees with input.pcap.

Needs Debian's /usr/bin/python3 (scapy).
"""

import argparse
import datetime
import ipaddress
import json
import os
import struct
import sys

from scapy.all import DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, IPv6, IPv6ExtHdrFragment, Raw  # noqa: E402
from scapy.config import conf

conf.verb = 0

T0 = 1717149600  # 2024-05-31 10:00:00 UTC
STEP_US = 10000  # 10 ms between packets

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113

MAC_C = bytes.fromhex("020000000001")
MAC_S = bytes.fromhex("020000000002")
MAC_T1 = bytes.fromhex("0200000000a1")  # tunnel endpoints
MAC_T2 = bytes.fromhex("0200000000a2")

CLI4, SRV4 = "10.0.0.1", "10.0.0.2"
CLI6, SRV6 = "fd00::1", "fd00::2"
CPORT, SPORT = 40000, 9999  # 9999: a port no walletwatch parser claims

ETH_IPV4, ETH_IPV6 = 0x0800, 0x86DD


# ---------------------------------------------------------------- output ---

def eve_ip(addr):
    """An address as walletwatch prints it (Suricata default: IPv6 uncompressed)."""
    a = ipaddress.ip_address(addr)
    return a.exploded if a.version == 6 else str(a)


def eve_time(ts_us):
    dt = datetime.datetime.fromtimestamp(ts_us // 1000000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%06d+0000" % (ts_us % 1000000)


class Capture:
    """Frames of one scenario, each tagged with the flow direction it counts for."""

    def __init__(self, linktype=LINKTYPE_ETHERNET):
        self.linktype = linktype
        self.frames = []  # (ts_us, bytes)
        self.acct = []  # (flow, dir, nbytes, ts_us): what a flow event must count

    def add(self, frame, flow=None, direction=None, count_len=None):
        """Appends a frame. flow/direction say which flow counter it feeds
        (direction 'ts' or 'tc'); count_len overrides the bytes counted (a
        reassembled fragment train counts once, with its reassembled size)."""
        ts = T0 * 1000000 + len(self.frames) * STEP_US
        self.frames.append((ts, bytes(frame)))
        if flow is not None:
            self.acct.append((flow, direction, len(frame) if count_len is None else count_len, ts))
        return len(self.frames)  # pcap_cnt

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, self.linktype))
            for ts, data in self.frames:
                f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(data), len(data)))
                f.write(data)

    def flow_fields(self, flow):
        rows = [r for r in self.acct if r[0] == flow]
        pk = {"ts": 0, "tc": 0}
        by = {"ts": 0, "tc": 0}
        for _, d, n, _ in rows:
            pk[d] += 1
            by[d] += n
        start = min(r[3] for r in rows)
        end = max(r[3] for r in rows)
        return {
            "flow.pkts_toserver": pk["ts"],
            "flow.pkts_toclient": pk["tc"],
            "flow.bytes_toserver": by["ts"],
            "flow.bytes_toclient": by["tc"],
            "flow.start": eve_time(start),
            "flow.end": eve_time(end),
            "flow.age": end // 1000000 - start // 1000000,
        }

    def flow_check(self, flow, src, sport, dst, dport, proto, state, extra=None):
        m = {"event_type": "flow", "src_ip": eve_ip(src)}
        if sport is not None:
            m["src_port"] = sport
        m["dest_ip"] = eve_ip(dst)
        if dport is not None:
            m["dest_port"] = dport
        m["proto"] = proto
        m.update(self.flow_fields(flow))
        m["flow.state"] = state
        m["flow.reason"] = "shutdown"
        m["flow.alerted"] = False
        if extra:
            m.update(extra)
        return {"count": 1, "match": m}


def stats_check(pkts, extra=None):
    m = {"event_type": "stats", "stats.decoder.pkts": pkts}
    if extra:
        m.update(extra)
    return {"count": 1, "match": m}


def endpoint(ip, port):
    a = ipaddress.ip_address(ip)
    return ("[%s]:%d" % (a.compressed, port)) if a.version == 6 else "%s:%d" % (a, port)


# ----------------------------------------------------------- link layers ---

def ether(src, dst, ethertype, payload):
    return dst + src + struct.pack(">H", ethertype) + payload


def vlan_tag(tpid, vid):
    return struct.pack(">HH", tpid, vid & 0x0FFF)


def eth_l2(from_client, ethertype, payload):
    src, dst = (MAC_C, MAC_S) if from_client else (MAC_S, MAC_C)
    return ether(src, dst, ethertype, payload)


def l2_ethernet(ipb, from_client, v6=False):
    return eth_l2(from_client, ETH_IPV6 if v6 else ETH_IPV4, ipb)


def l2_vlan(ipb, from_client, v6=False):
    src, dst = (MAC_C, MAC_S) if from_client else (MAC_S, MAC_C)
    return dst + src + vlan_tag(0x8100, 100) + struct.pack(">H", ETH_IPV4) + ipb


def l2_qinq(ipb, from_client, v6=False):
    src, dst = (MAC_C, MAC_S) if from_client else (MAC_S, MAC_C)
    return (dst + src + vlan_tag(0x88A8, 200) + vlan_tag(0x8100, 100)
            + struct.pack(">H", ETH_IPV4) + ipb)


def mpls_label(label, bos, ttl=64):
    return struct.pack(">I", (label << 12) | (0 << 9) | ((1 if bos else 0) << 8) | ttl)


def l2_mpls(ipb, from_client, v6=False):
    return eth_l2(from_client, 0x8847, mpls_label(100, False) + mpls_label(200, True) + ipb)


def l2_sll(ipb, from_client, v6=False):
    # Captured on the server: packets from the client are PACKET_HOST (0),
    # packets the server sends are PACKET_OUTGOING (4); address = sender MAC.
    pkttype = 0 if from_client else 4
    mac = MAC_C if from_client else MAC_S
    return struct.pack(">HHH8sH", pkttype, 1, 6, mac + b"\0\0", ETH_IPV4) + ipb


def l2_null(ipb, from_client, v6=False):
    return struct.pack("<I", 2) + ipb  # AF_INET, host (little-endian) order


def l2_raw(ipb, from_client, v6=False):
    return ipb


VX_SPORT = {True: 50001, False: 50002}


def l2_vxlan(ipb, from_client, v6=False):
    inner = l2_ethernet(ipb, from_client)
    vx = struct.pack(">BBHI", 0x08, 0, 0, 42 << 8)  # I flag, VNI 42
    a, b = ("10.1.0.1", "10.1.0.2") if from_client else ("10.1.0.2", "10.1.0.1")
    outer = IP(src=a, dst=b, id=0x0100, ttl=64, flags="DF") / UDP(sport=VX_SPORT[from_client], dport=4789, chksum=0) / Raw(vx + inner)
    src, dst = (MAC_T1, MAC_T2) if from_client else (MAC_T2, MAC_T1)
    return ether(src, dst, ETH_IPV4, bytes(outer))


_erspan_seq = [0]


def l2_erspan(ipb, from_client, v6=False):
    # A mirror session: every inner frame, whichever direction, travels from
    # the switch (10.2.0.1) to the collector (10.2.0.2).
    inner = l2_ethernet(ipb, from_client)
    _erspan_seq[0] += 1
    gre = struct.pack(">HHI", 0x1000, 0x88BE, _erspan_seq[0])  # S bit: sequence present
    w1 = (1 << 28) | (0 << 16) | (0 << 13) | (0 << 11) | (0 << 10) | 7  # ver 1 (type II), session 7
    w2 = 0  # reserved 12 bits, index 20 bits
    outer = IP(src="10.2.0.1", dst="10.2.0.2", id=0x0200 + _erspan_seq[0], ttl=64, proto=47) / Raw(gre + struct.pack(">II", w1, w2) + inner)
    return ether(MAC_T1, MAC_T2, ETH_IPV4, bytes(outer))


def l2_gre(ipb, from_client, v6=False):
    a, b = ("10.3.0.1", "10.3.0.2") if from_client else ("10.3.0.2", "10.3.0.1")
    outer = IP(src=a, dst=b, id=0x0300, ttl=64, proto=47) / Raw(struct.pack(">HH", 0, ETH_IPV4) + ipb)
    src, dst = (MAC_T1, MAC_T2) if from_client else (MAC_T2, MAC_T1)
    return ether(src, dst, ETH_IPV4, bytes(outer))


# ------------------------------------------------------------------- TCP ---

class TcpSession:
    """A client/server TCP conversation written into a Capture."""

    def __init__(self, cap, flow, cli=CLI4, srv=SRV4, cport=CPORT, sport=SPORT,
                 l2=l2_ethernet, cisn=1000, sisn=5000):
        self.cap, self.flow = cap, flow
        self.cli, self.srv, self.cport, self.sport = cli, srv, cport, sport
        self.v6 = ipaddress.ip_address(cli).version == 6
        self.l2 = l2
        self.cseq, self.sseq = cisn, sisn  # next sequence number each side sends
        self.ipid = {True: 0x1000, False: 0x2000}

    def ip_segment(self, from_client, flags, payload=b"", seq=None, ack=None):
        """Returns the IP packet bytes of one segment (checksums computed)."""
        if seq is None:
            seq = self.cseq if from_client else self.sseq
        if ack is None:
            ack = self.sseq if from_client else self.cseq
        if "A" not in flags:
            ack = 0
        src, dst = (self.cli, self.srv) if from_client else (self.srv, self.cli)
        sp, dp = (self.cport, self.sport) if from_client else (self.sport, self.cport)
        tcp = TCP(sport=sp, dport=dp, seq=seq, ack=ack, flags=flags, window=64240)
        if self.v6:
            pkt = IPv6(src=src, dst=dst, hlim=64) / tcp
        else:
            self.ipid[from_client] += 1
            pkt = IP(src=src, dst=dst, id=self.ipid[from_client], ttl=64, flags="DF") / tcp
        if payload:
            pkt = pkt / Raw(payload)
        return bytes(pkt)

    def frame(self, ipb, from_client):
        return self.l2(ipb, from_client, self.v6)

    def send(self, from_client, flags, payload=b"", seq=None, ack=None, advance=True):
        """Writes one segment; advances the sender's sequence number unless
        an explicit seq is given or advance is False. Returns pcap_cnt."""
        explicit = seq is not None
        ipb = self.ip_segment(from_client, flags, payload, seq, ack)
        n = self.cap.add(self.frame(ipb, from_client), self.flow, "ts" if from_client else "tc")
        if advance and not explicit:
            adv = len(payload) + (1 if "S" in flags else 0) + (1 if "F" in flags else 0)
            if from_client:
                self.cseq += adv
            else:
                self.sseq += adv
        return n

    def handshake(self):
        self.send(True, "S")
        self.send(False, "SA")
        self.send(True, "A")

    def data(self, from_client, payload):
        self.send(from_client, "PA", payload)

    def ack(self, from_client):
        self.send(from_client, "A")

    def close(self):
        """Client FIN, server FIN/ACK, client ACK."""
        self.send(True, "FA")
        self.send(False, "FA")
        self.send(True, "A")

    def basic(self, req=b"AAAA", resp=b"BBBB"):
        """3WHS, request, ACK, response, ACK, close: 10 packets."""
        self.handshake()
        self.data(True, req)
        self.ack(False)
        self.data(False, resp)
        self.ack(True)
        self.close()


def tcp_extra(session_flags_ts=0x1B, session_flags_tc=0x1B):
    return {
        "tcp.tcp_flags": "%02x" % (session_flags_ts | session_flags_tc),
        "tcp.tcp_flags_ts": "%02x" % session_flags_ts,
        "tcp.tcp_flags_tc": "%02x" % session_flags_tc,
        "tcp.ts_gap": None,
        "tcp.tc_gap": None,
    }


def basic_stream(cli=CLI4, cport=CPORT, srv=SRV4, sport=SPORT, ts="AAAA", tc="BBBB", ts_gaps=0, tc_gaps=0):
    return {"src": endpoint(cli, cport), "dst": endpoint(srv, sport),
            "to_server": ts, "to_client": tc,
            "to_server_gaps": ts_gaps, "to_client_gaps": tc_gaps}


# ------------------------------------------------------------- scenarios ---

SCENARIOS = {}
RULES = {}  # scenario -> text of its test.rules (run with -S pcaps/<name>/test.rules)


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


COMMON_DESIGN = """\
Common to all crafted scenarios (tools/craft-pcaps.py):

- `flow.bytes_*` is the sum of captured frame lengths including the
  link-layer header (Suricata's `GET_PKT_LEN`), per direction.
- `flow.reason` is `shutdown`: every flow is still open when the capture
  ends and is logged by the end-of-input flush.
- `flow.state`: `closed` once FIN was seen both ways (or a RST),
  `established` after a handshake, `new` otherwise.
- `tcp.ts_gap` / `tcp.tc_gap` must be absent (`null` in test.json means
  "key absent") unless the scenario is about a gap.
- The final `stats` event must count every frame of the file in
  `decoder.pkts`.
- No alert is expected (unless the scenario is about detection: then it
  runs with its own `test.rules` only): the payloads are letters on a port
  no parser claims (9999) and no shipped rule should match them.
"""


def basic_tcp_test(cap, l2_name, pkts, extra_flow=None, extra_stats=None, cli=CLI4, srv=SRV4):
    checks = [cap.flow_check("f", cli, CPORT, srv, SPORT, "TCP", "closed",
                             dict(tcp_extra(), **(extra_flow or {}))),
              stats_check(pkts, extra_stats)]
    return {"event_counts": {"flow": 1, "stats": 1}, "checks": checks,
            "streams": [basic_stream(cli=cli, srv=srv)]}


@scenario
def tcp_basic():
    cap = Capture()
    TcpSession(cap, "f").basic()
    test = basic_tcp_test(cap, "ethernet", 10)
    readme = """\
A complete, clean TCP session over Ethernet/IPv4: three-way handshake, a
4-byte request "AAAA", its ACK, a 4-byte response "BBBB", its ACK, then FIN
from the client, FIN/ACK from the server and the last ACK (10 packets,
10.0.0.1:40000 -> 10.0.0.2:9999).

Proves the baseline: one `flow` event in client -> server orientation with
exact packet and frame-byte counts per direction, state `closed`,
`tcp_flags` 1b (SYN|FIN|PSH|ACK) each way, no gap flags, and the
reassembled payload exactly "AAAA" to the server and "BBBB" to the client.
"""
    return cap, test, readme


@scenario
def tcp_out_of_order():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.send(True, "PA", b"BBBB", seq=1005, ack=5001)  # segment 2 first
    s.send(False, "A", seq=5001, ack=1001)            # duplicate ACK: still waiting for 1001
    s.send(True, "PA", b"AAAA", seq=1001, ack=5001)  # segment 1
    s.cseq = 1009
    s.ack(False)
    s.data(False, b"CCCC")
    s.ack(True)
    s.close()
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(len(cap.frames), {"stats.tcp.reassembly_gap": 0})],
            "streams": [basic_stream(ts="AAAABBBB", tc="CCCC")]}
    readme = """\
The client sends its second segment ("BBBB", seq 1005) before its first
("AAAA", seq 1001); the server duplicate-ACKs 1001, then ACKs 1009 once both
are in. The server answers "CCCC" and both sides close.

Proves that reordering is not loss: the to-server stream is "AAAABBBB" in
sequence order, no gap is declared (`tcp.ts_gap` absent, no
`stream.reassembly_seq_gap` anomaly, `tcp.reassembly_gap` 0), and the
out-of-order packet is still counted in the flow.
"""
    return cap, test, readme


@scenario
def tcp_retransmission():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    ipb = s.ip_segment(True, "PA", b"AAAA")
    cap.add(s.frame(ipb, True), "f", "ts")
    cap.add(s.frame(ipb, True), "f", "ts")  # byte-identical retransmission
    s.cseq += 4
    s.ack(False)
    s.data(True, b"BBBB")
    s.ack(False)
    s.data(False, b"CCCC")
    s.ack(True)
    s.close()
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(len(cap.frames))],
            "streams": [basic_stream(ts="AAAABBBB", tc="CCCC")]}
    readme = """\
The client's first data segment ("AAAA", seq 1001) appears twice, byte for
byte identical (same IP id, same checksum), then "BBBB" follows; the server
answers "CCCC"; both sides close.

Proves that a retransmission is counted as a packet (pkts_toserver includes
both copies, and their bytes) but delivered once: the to-server stream is
"AAAABBBB", not "AAAAAAAABBBB", and no gap is reported.
"""
    return cap, test, readme


@scenario
def tcp_overlap_diff():
    cap = Capture()
    # Flow a: overlap of data already delivered in order.
    a = TcpSession(cap, "a", cport=40001)
    a.handshake()
    a.data(True, b"AAAABBBB")                          # 1001..1008
    a.ack(False)
    a.send(True, "PA", b"XXXXCCCC", seq=1005, ack=5001)  # 1005..1012, XXXX differs from BBBB
    a.cseq = 1013
    a.ack(False)
    a.close()
    # Flow b: overlap of queued (out-of-order) data.
    b = TcpSession(cap, "b", cport=40002)
    b.handshake()
    b.send(True, "PA", b"BBBB", seq=1005, ack=5001)      # queued: 1001 missing
    b.send(False, "A", seq=5001, ack=1001)
    b.send(True, "PA", b"AAAAXXXX", seq=1001, ack=5001)  # in order; XXXX covers queued BBBB
    b.cseq = 1009
    b.ack(False)
    b.data(True, b"CCCC")
    b.ack(False)
    b.close()
    fl = {"tcp.tcp_flags": "1b", "tcp.tcp_flags_ts": "1b", "tcp.tcp_flags_tc": "13",
          "tcp.ts_gap": None, "tcp.tc_gap": None}
    test = {"event_counts": {"flow": 2, "stats": 1},
            "checks": [cap.flow_check("a", CLI4, 40001, SRV4, SPORT, "TCP", "closed", fl),
                       cap.flow_check("b", CLI4, 40002, SRV4, SPORT, "TCP", "closed", fl),
                       stats_check(len(cap.frames))],
            "streams": [basic_stream(cport=40001, ts="AAAABBBBCCCC", tc=""),
                        basic_stream(cport=40002, ts="AAAAXXXXCCCC", tc="")]}
    readme = """\
Two TCP sessions (client ports 40001 and 40002) where a segment overlaps
earlier data with DIFFERENT bytes. The server sends no data (its flags are
SYN|FIN|ACK = 13).

Flow a, overlap of data already delivered in order: "AAAABBBB" (seq
1001-1008) arrives in order and is delivered; then "XXXXCCCC" (seq
1005-1012) arrives, its first four bytes rewriting the already-delivered
"BBBB". The copy that must be inspected is the FIRST one received:
to-server stream "AAAABBBBCCCC". This is what libnids does (bytes before
the next expected sequence number are skipped) and what Suricata's default
(bsd/windows) overlap policy gives: a new segment that starts inside an old
one does not win.

Flow b, overlap of queued out-of-order data: "BBBB" (seq 1005-1008) arrives
first and is queued because 1001-1004 is missing; then "AAAAXXXX" (seq
1001-1008) arrives in order and covers the queued bytes with "XXXX"; then
"CCCC". The copy that must be inspected is the SECOND one, the in-order
segment: to-server stream "AAAAXXXXCCCC". libnids delivers the in-order
segment whole and then drops the queued segment, which now lies entirely
before the next expected sequence number; Suricata's bsd/windows/linux
policies agree (a new segment starting before an old one wins), and a Linux
receiver would hand the application the same bytes.

Design choices: walletwatch has no `stream.reassembly_overlap_different_data`
event (it is not in plugin/stream/stream-events.h), so no anomaly is
expected. No gap must be declared on either flow.
"""
    return cap, test, readme


@scenario
def tcp_gap():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.data(True, b"AAAA")      # 1001..1004
    s.ack(False)
    s.cseq = 1009              # "BBBB" at 1005..1008 is never captured
    s.data(True, b"CCCC")      # 1009..1012
    s.ack(False)               # ACK 1013: the receiver got the hole, we did not
    s.data(False, b"DDDD")
    s.ack(True)
    s.close()
    n = len(cap.frames)
    test = {"event_counts": {"flow": 1, "anomaly": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed",
                                      {"tcp.ts_gap": True, "tcp.tc_gap": None}),
                       {"count": 1, "match": {"event_type": "anomaly", "anomaly.type": "stream",
                                              "anomaly.event": "stream.reassembly_seq_gap"}},
                       stats_check(n, {"stats.tcp.reassembly_gap": 1})],
            "streams": [basic_stream(ts="AAAA[4 bytes missing]CCCC", tc="DDDD", ts_gaps=1)]}
    readme = """\
A to-server segment is missing for good: the client sends "AAAA" (seq
1001-1004), "BBBB" (1005-1008) is not in the capture, then "CCCC"
(1009-1012). The server ACKs 1013, past the hole, so the receiver had the
bytes and the sensor never will. The server then answers "DDDD" and both
sides close (the client's FIN at 1013 also waits behind the hole).

Proves that one lost packet does not hide the rest of the stream (libnids
alone would keep "CCCC" and the FIN queued forever): the to-server stream is
"AAAA[4 bytes missing]CCCC" (gap rendered like Suricata's payload logging),
the flow carries `tcp.ts_gap: true` (and no `tc_gap`), exactly one
`stream.reassembly_seq_gap` anomaly is logged, `tcp.reassembly_gap` is 1,
and the flow still ends `closed`.

Design choice: one anomaly event per hole (not per packet queued behind it).
"""
    return cap, test, readme


@scenario
def tcp_midstream():
    cap = Capture()
    s = TcpSession(cap, "f", cport=50000, sport=8332, cisn=2000, sisn=7000)
    s.cseq, s.sseq = 2001, 7001
    s.data(False, b"BBBB")   # first packet comes from the SERVER
    s.ack(True)
    s.data(True, b"CCCC")
    s.ack(False)
    s.data(False, b"DDDD")
    s.ack(True)
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, 50000, SRV4, 8332, "TCP", "established",
                                      {"tcp.tcp_flags_ts": "18", "tcp.tcp_flags_tc": "18",
                                       "tcp.ts_gap": None, "tcp.tc_gap": None}),
                       stats_check(len(cap.frames), {"stats.tcp.midstream_pickups": 1})],
            "streams": [basic_stream(cport=50000, sport=8332, ts="CCCC", tc="BBBBDDDD")]}
    readme = """\
A TCP session picked up in the middle: no SYN, no SYN/ACK, no FIN. The
capture starts with the SERVER (10.0.0.2:8332) sending "BBBB" to the client
(10.0.0.1:50000); the client ACKs and sends "CCCC"; the server ACKs and
sends "DDDD"; the client ACKs.

Proves that sessions whose handshake was not captured are still
reassembled (libnids alone drops them) and that the client is guessed by
port, not by who spoke first: the flow event says 10.0.0.1:50000 ->
10.0.0.2:8332, the to-client stream is "BBBBDDDD" (the very first payload
is not lost to the pickup), the to-server stream is "CCCC", and
`tcp.midstream_pickups` counts 1.

Design choices:
- `flow.state` is `established`, as Suricata reports a midstream pickup
  (stream.midstream=true puts the session straight into ESTABLISHED); the
  flow saw data and ACKs both ways, only the handshake is missing.
- the client is the ephemeral-port side (50000 > 8332, and 8332 is a
  well-known wallet RPC port).
- The shipped signatures must not fire on "BBBB"/"CCCC" even though 8332
  is Bitcoin Core's RPC port (it is not HTTP).
"""
    return cap, test, readme


def frag_ipv4(ip_payload, src, dst, proto, ipid, cuts):
    """Returns the fragments (bytes of IP packets) of one datagram, cut at byte offsets."""
    bounds = [0] + cuts + [len(ip_payload)]
    out = []
    for i in range(len(bounds) - 1):
        lo, hi = bounds[i], bounds[i + 1]
        assert lo % 8 == 0
        mf = i < len(bounds) - 2
        p = IP(src=src, dst=dst, id=ipid, ttl=64, proto=proto, flags="MF" if mf else 0, frag=lo // 8) / Raw(ip_payload[lo:hi])
        out.append(bytes(p))
    return out


@scenario
def ipv4_frag_tcp():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    req = b"AAAAAAAABBBBBBBBCCCCCCCC"
    whole = s.ip_segment(True, "PA", req)  # 20 IP + 20 TCP + 24 = 64 bytes
    frags = frag_ipv4(whole[20:], CLI4, SRV4, 6, 0x4242, [16, 32])
    reassembled = 14 + len(whole)
    cap.add(l2_ethernet(frags[2], True))                              # last third first
    cap.add(l2_ethernet(frags[0], True))                              # first third (TCP header)
    cap.add(l2_ethernet(frags[1], True), "f", "ts", count_len=reassembled)  # completes the datagram
    s.cseq += len(req)
    s.ack(False)
    s.data(False, b"DDDD")
    s.ack(True)
    s.close()
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(len(cap.frames), {"stats.defrag.ipv4.fragments": 3,
                                                     "stats.defrag.ipv4.reassembled": 1})],
            "streams": [basic_stream(ts=req.decode(), tc="DDDD")]}
    readme = """\
After a normal handshake the client's 24-byte request
"AAAAAAAABBBBBBBBCCCCCCCC" travels as ONE TCP segment cut into three IPv4
fragments (IP id 0x4242, fragment payloads of 16, 16 and 12 bytes; the TCP
header is in the first). They arrive out of order: third, first, second.
The server ACKs, answers "DDDD", and both sides close.

Proves IPv4 defragmentation in front of TCP: the to-server stream is the
whole request, in order; `defrag.ipv4.fragments` is 3 and
`defrag.ipv4.reassembled` 1.

Design choice (Suricata's accounting): the flow counts the reassembled
datagram as ONE to-server packet, at the moment the last missing fragment
arrives, with bytes = link header of the frame + reassembled IP length
(14 + 64 = 78); the fragments themselves are not flow packets. So
pkts_toserver is 6 for 8 to-server frames.
"""
    return cap, test, readme


@scenario
def ipv4_frag_udp():
    cap = Capture()
    payload = b"AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD"
    whole = bytes(IP(src=CLI4, dst=SRV4, id=0x4343, ttl=64) / UDP(sport=40001, dport=SPORT) / Raw(payload))
    frags = frag_ipv4(whole[20:], CLI4, SRV4, 17, 0x4343, [24])
    cap.add(l2_ethernet(frags[0], True))
    cap.add(l2_ethernet(frags[1], True), "f", "ts", count_len=14 + len(whole))
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, 40001, SRV4, SPORT, "UDP", "new"),
                       stats_check(2, {"stats.defrag.ipv4.fragments": 2,
                                       "stats.defrag.ipv4.reassembled": 1,
                                       "stats.decoder.udp": 1})]}
    readme = """\
One UDP datagram (10.0.0.1:40001 -> 10.0.0.2:9999, 32 bytes of payload
"AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD") in two IPv4 fragments, in order: the
first carries the UDP header and 16 payload bytes, the second the last 16.
The UDP checksum is correct for the whole datagram.

Proves that UDP is defragmented before flow tracking (the ports are only in
the first fragment, yet one UDP flow with both ports is logged) and that the
datagram is decoded once (`decoder.udp` 1).

Design choices (Suricata's accounting): the flow counts the reassembled
datagram once (pkts_toserver 1, bytes 14 + 60 = 74); `flow.state` is `new`
because only one direction was seen.
"""
    return cap, test, readme


def encap_scenario(l2, linktype, what, counter, extra_flow=None, note=""):
    cap = Capture(linktype)
    TcpSession(cap, "f", l2=l2).basic()
    test = basic_tcp_test(cap, what, 10, extra_flow=extra_flow,
                          extra_stats={counter: 10} if counter else None)
    return cap, test


@scenario
def vlan():
    cap, test = encap_scenario(l2_vlan, LINKTYPE_ETHERNET, "vlan", "stats.decoder.vlan", {"vlan": [100]})
    readme = """\
The tcp-basic session (10 packets) with every frame carrying one 802.1Q tag
(TPID 0x8100, VLAN 100).

Proves 802.1Q decoding: the same flow, payloads and counts as tcp-basic
(frame bytes include the 4-byte tag), the flow event carries
`"vlan": [100]`, and `decoder.vlan` counts 10.
"""
    return cap, test, readme


@scenario
def qinq():
    cap, test = encap_scenario(l2_qinq, LINKTYPE_ETHERNET, "qinq", "stats.decoder.vlan",
                               {"vlan": [200, 100]})
    test["checks"][1]["match"]["stats.decoder.vlan_qinq"] = 10
    readme = """\
The tcp-basic session with 802.1ad double tags on every frame: outer TPID
0x88a8 VLAN 200, inner TPID 0x8100 VLAN 100.

Proves QinQ decoding: the flow event carries `"vlan": [200, 100]` (outer
first), `decoder.vlan` and `decoder.vlan_qinq` each count 10 (Suricata
counts a packet in `vlan` for its first tag and in `vlan_qinq` for its
second), and payloads and counts are as in tcp-basic.
"""
    return cap, test, readme


@scenario
def mpls():
    cap, test = encap_scenario(l2_mpls, LINKTYPE_ETHERNET, "mpls", "stats.decoder.mpls")
    readme = """\
The tcp-basic session carried over MPLS (ethertype 0x8847) with a two-label
stack: label 100 (bottom-of-stack clear), label 200 (bottom-of-stack set),
then IPv4.

Proves that the label stack is walked to the bottom and IPv4 found after
it: same flow, payloads and counts as tcp-basic (frame bytes include the 8
bytes of labels) and `decoder.mpls` counts 10 (one per packet).
"""
    return cap, test, readme


@scenario
def vxlan():
    cap, test = encap_scenario(l2_vxlan, LINKTYPE_ETHERNET, "vxlan", "stats.decoder.vxlan")
    readme = """\
The tcp-basic session (inner Ethernet/IPv4/TCP, 10.0.0.1:40000 ->
10.0.0.2:9999) inside VXLAN (VNI 42) between VTEPs 10.1.0.1 and 10.1.0.2
(outer UDP to port 4789, source port 50001 one way and 50002 the other,
outer UDP checksum 0 as RFC 7348 recommends).

Proves VXLAN decapsulation: the inner session is reassembled with the same
payloads as tcp-basic and `decoder.vxlan` counts 10.

Design choices:
- decode.h decapsulates to the innermost IP packet, so only the INNER flow
  is logged (event_counts flow 1); Suricata would also log the outer UDP
  4789 flow.
- bytes are the captured frame lengths (outer Ethernet included: 50 bytes
  of outer headers per frame more than tcp-basic); Suricata would count
  the inner packet only.
"""
    return cap, test, readme


@scenario
def erspan():
    _erspan_seq[0] = 0
    cap, test = encap_scenario(l2_erspan, LINKTYPE_ETHERNET, "erspan", "stats.decoder.erspan")
    readme = """\
The tcp-basic session mirrored through ERSPAN type II: every inner
Ethernet frame, whichever direction, is carried from the switch 10.2.0.1 to
the collector 10.2.0.2 in GRE (flags: sequence number present, protocol
0x88BE, sequence 1..10) followed by the 8-byte ERSPAN II header (version 1,
VLAN 0, session 7, index 0).

Proves ERSPAN decapsulation down to the mirrored session: the inner flow
has both directions right, the same payloads as tcp-basic, and
`decoder.erspan` counts 10.

Design choices: only the inner flow is logged (no outer GRE flow), and
bytes are whole captured frames (outer headers included), as for vxlan.
"""
    return cap, test, readme


@scenario
def gre():
    cap, test = encap_scenario(l2_gre, LINKTYPE_ETHERNET, "gre", "stats.decoder.gre")
    readme = """\
The tcp-basic session inside a plain GRE tunnel (no flags, protocol
0x0800, IPv4 inside) between 10.3.0.1 and 10.3.0.2, both directions.

Proves GRE decapsulation: the inner flow, payloads and packet counts are as
in tcp-basic and `decoder.gre` counts 10.

Design choices: only the inner flow is logged (no outer proto-47 flow), and
bytes are whole captured frames (outer headers included), as for vxlan.
"""
    return cap, test, readme


@scenario
def ipv6_tcp():
    cap = Capture()
    s = TcpSession(cap, "f", cli=CLI6, srv=SRV6)
    s.handshake()
    s.data(True, b"AAAA")
    s.ack(False)
    s.data(False, b"BBBB")
    s.ack(True)
    s.data(True, b"CCCC")
    s.ack(False)
    s.data(False, b"DDDD")
    s.ack(True)
    s.close()
    n = len(cap.frames)
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI6, CPORT, SRV6, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(n, {"stats.decoder.ipv6": n})],
            "streams": [basic_stream(cli=CLI6, srv=SRV6, ts="AAAACCCC", tc="BBBBDDDD")]}
    readme = """\
A full TCP session over IPv6 (fd00::1 port 40000 -> fd00::2 port 9999):
handshake, "AAAA" / "BBBB" / "CCCC" / "DDDD" alternating with ACKs, close.

Proves that IPv6 TCP is reassembled even though libnids only handles
IPv4: to-server "AAAACCCC", to-client "BBBBDDDD", exact counts, state
`closed`, `decoder.ipv6` counts every packet.

Design choice: addresses are printed uncompressed
(fd00:0000:0000:0000:0000:0000:0000:0001), Suricata's default
(ipv6-compress off) and what plugin/decode/decode.h's ww_addr_format says.
"""
    return cap, test, readme


@scenario
def ipv6_frag_tcp():
    cap = Capture()
    s = TcpSession(cap, "f", cli=CLI6, srv=SRV6)
    s.handshake()
    req = b"AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD"
    whole = s.ip_segment(True, "PA", req)  # 40 + 20 + 32
    seg = whole[40:]
    fid = 0x11223344
    for lo, hi, m in ((0, 24, 1), (24, len(seg), 0)):
        p = IPv6(src=CLI6, dst=SRV6, hlim=64) / IPv6ExtHdrFragment(nh=6, offset=lo // 8, m=m, id=fid) / Raw(seg[lo:hi])
        if m:
            cap.add(l2_ethernet(bytes(p), True, True))
        else:
            cap.add(l2_ethernet(bytes(p), True, True), "f", "ts", count_len=14 + len(whole))
    s.cseq += len(req)
    s.ack(False)
    s.data(False, b"EEEE")
    s.ack(True)
    s.close()
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI6, CPORT, SRV6, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(len(cap.frames), {"stats.defrag.ipv6.fragments": 2,
                                                     "stats.defrag.ipv6.reassembled": 1})],
            "streams": [basic_stream(cli=CLI6, srv=SRV6, ts=req.decode(), tc="EEEE")]}
    readme = """\
An IPv6 TCP session whose 32-byte request
"AAAAAAAABBBBBBBBCCCCCCCCDDDDDDDD" is one TCP segment split into two IPv6
fragments (Fragment header, id 0x11223344): the first holds the TCP header
and 4 payload bytes (24 bytes, M=1), the second the remaining 28 (offset 24,
M=0), in order. The server answers "EEEE"; both sides close.

Proves IPv6 defragmentation in front of TCP reassembly: the whole request
in the to-server stream, `defrag.ipv6.fragments` 2, `defrag.ipv6.reassembled` 1.

Design choice (Suricata's accounting): the reassembled packet counts once in
the flow, with bytes = link header + IPv6 header + reassembled payload
without the Fragment header (14 + 40 + 52 = 106).
"""
    return cap, test, readme


@scenario
def sll():
    cap, test = encap_scenario(l2_sll, LINKTYPE_LINUX_SLL, "sll", "stats.decoder.sll")
    readme = """\
The tcp-basic session with a DLT_LINUX_SLL (linktype 113) link layer, as
`tcpdump -i any` writes it: 16-byte cooked header, packet type 0 (to us)
for the client's packets and 4 (outgoing) for the server's, ARPHRD_ETHER,
the sender's MAC, protocol 0x0800.

Proves the cooked-capture decoder: same flow and payloads as tcp-basic,
frame bytes include the 16-byte header, `decoder.sll` counts 10.
"""
    return cap, test, readme


@scenario
def null_loopback():
    cap, test = encap_scenario(l2_null, LINKTYPE_NULL, "null", "stats.decoder.null")
    readme = """\
The tcp-basic session with a DLT_NULL (BSD loopback, linktype 0) link layer:
a 4-byte address family in the writer's byte order (2 = AF_INET,
little-endian, like the file header).

Proves the loopback decoder: same flow and payloads as tcp-basic, frame
bytes include the 4-byte header, `decoder.null` counts 10.
"""
    return cap, test, readme


@scenario
def raw_ip():
    cap, test = encap_scenario(l2_raw, LINKTYPE_RAW, "raw", "stats.decoder.raw")
    readme = """\
The tcp-basic session with no link layer: LINKTYPE_RAW (101) in the file
header, each record a bare IPv4 packet. libpcap maps LINKTYPE_RAW 101 to
DLT_RAW (12 on Linux) when it reads the file, so the decoder must accept
DLT_RAW (and should accept 101 too).

Proves the raw-IP decoder: same flow and payloads as tcp-basic, frame bytes
equal IP lengths, `decoder.raw` counts 10.
"""
    return cap, test, readme


@scenario
def udp_basic():
    cap = Capture()
    dns_srv = "10.0.0.53"
    q = DNS(id=0x1234, rd=1, qd=DNSQR(qname="node.example.com", qtype="A"))
    r = DNS(id=0x1234, qr=1, rd=1, ra=1, qd=DNSQR(qname="node.example.com", qtype="A"),
            an=DNSRR(rrname="node.example.com", type="A", ttl=300, rdata="10.0.0.80"))
    qp = IP(src=CLI4, dst=dns_srv, id=0x5001, ttl=64) / UDP(sport=40053, dport=53) / q
    rp = IP(src=dns_srv, dst=CLI4, id=0x6001, ttl=64) / UDP(sport=53, dport=40053) / r
    cap.add(l2_ethernet(bytes(qp), True), "f", "ts")
    cap.add(l2_ethernet(bytes(rp), False), "f", "tc")
    test = {"event_counts": {"flow": 1, "dns": 2, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, 40053, dns_srv, 53, "UDP", "established",
                                      {"app_proto": "dns"}),
                       {"count": 1, "match": {"event_type": "dns", "dns.type": "request",
                                              "src_ip": CLI4, "src_port": 40053,
                                              "dest_ip": dns_srv, "dest_port": 53,
                                              "dns.id": 0x1234,
                                              "dns.queries.0.rrname": "node.example.com",
                                              "dns.queries.0.rrtype": "A"}},
                       {"count": 1, "match": {"event_type": "dns", "dns.type": "response",
                                              "src_ip": dns_srv, "src_port": 53,
                                              "dest_ip": CLI4, "dest_port": 40053,
                                              "dns.id": 0x1234, "dns.rcode": "NOERROR",
                                              "dns.answers.0.rrname": "node.example.com",
                                              "dns.answers.0.rrtype": "A",
                                              "dns.answers.0.rdata": "10.0.0.80"}},
                       stats_check(2, {"stats.decoder.udp": 2})]}
    readme = """\
A DNS query and its answer over UDP port 53: 10.0.0.1:40053 asks 10.0.0.53
for the A record of node.example.com (id 0x1234, RD), the answer gives
10.0.0.80 (TTL 300, RD RA, NOERROR). Valid DNS messages, correct UDP
checksums, no name matches any TraderTraitor indicator.

Proves UDP flow tracking (one flow, the querier as client, one packet each
way) and that the DNS parser sees both messages.

Design choices:
- `flow.state` is `established` once both directions were seen (Suricata's
  rule for UDP).
- dns events follow Suricata 8 (version 3): the `request` event has the
  querier as src_ip, the `response` event the responder; app_proto "dns".
"""
    return cap, test, readme


@scenario
def malformed():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    bad = "10.0.9.1", "10.0.9.2"
    # 1. Ethernet frame shorter than 14 bytes.
    cap.add(b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00")
    # 2. IPv4 header with IHL 4 (16 bytes) -- below the 20-byte minimum.
    ip = bytearray(bytes(IP(src=bad[0], dst=bad[1], id=0x7001, ttl=64) / TCP(sport=41000, dport=SPORT, flags="S", seq=1)))
    ip[0] = 0x44
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack(">H", inet_cksum(bytes(ip[:20])))
    cap.add(l2_ethernet(bytes(ip), True))
    # 3. IPv4 total length (200) larger than the captured packet (40).
    ip = bytes(IP(src=bad[0], dst=bad[1], id=0x7002, ttl=64, len=200) / TCP(sport=41001, dport=SPORT, flags="S", seq=1))
    assert len(ip) == 40
    cap.add(l2_ethernet(ip, True))
    # 4. TCP header with data offset 3 (12 bytes) -- below the 20-byte minimum.
    ip = bytes(IP(src=bad[0], dst=bad[1], id=0x7003, ttl=64) / TCP(sport=41002, dport=SPORT, flags="S", seq=1, dataofs=3))
    cap.add(l2_ethernet(ip, True))
    # 5. UDP length (100) larger than the IP payload (12).
    ip = bytes(IP(src=bad[0], dst=bad[1], id=0x7004, ttl=64) / UDP(sport=41003, dport=SPORT, len=100, chksum=0) / Raw(b"EEEE"))
    assert len(ip) == 32
    cap.add(l2_ethernet(ip, True))
    s.data(True, b"AAAA")
    s.ack(False)
    s.data(False, b"BBBB")
    s.ack(True)
    s.close()
    ev = ["decoder.ethernet.pkt_too_small", "decoder.ipv4.hlen_too_small", "decoder.ipv4.trunc_pkt",
          "decoder.tcp.hlen_too_small", "decoder.udp.len_invalid"]
    checks = [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra())]
    for e in ev:
        checks.append({"count": 1, "match": {"event_type": "anomaly", "anomaly.type": "decode", "anomaly.event": e}})
    st = {"stats.decoder.invalid": 5}
    for e in ev:
        st["stats.decoder.event." + e[len("decoder."):]] = 1
    checks.append(stats_check(15, st))
    test = {"event_counts": {"flow": 1, "anomaly": 5, "stats": 1}, "checks": checks,
            "streams": [basic_stream()]}
    readme = """\
Five malformed frames injected into a good TCP session (the tcp-basic
session between 10.0.0.1:40000 and 10.0.0.2:9999; the bad frames use
10.0.9.1 -> 10.0.9.2 so they cannot join it). After the handshake:

4. an Ethernet frame of 10 bytes (shorter than the 14-byte header)
   -> `decoder.ethernet.pkt_too_small`
5. an IPv4 header whose IHL is 4 (16 bytes) -> `decoder.ipv4.hlen_too_small`
6. an IPv4 total length of 200 on a 40-byte packet -> `decoder.ipv4.trunc_pkt`
7. a TCP header with data offset 3 (12 bytes) -> `decoder.tcp.hlen_too_small`
8. a UDP length of 100 in a 12-byte IP payload -> `decoder.udp.len_invalid`

then the session goes on: "AAAA", "BBBB", close (15 frames in all).

Proves that malformed input is reported (one `anomaly` event each, type
`decode`, and the matching `decoder.event.*` counter), counted invalid
(`decoder.invalid` 5), creates no flow, does not stop the run (exit 0), and
that the good session around it is unaffected.

Design choices: a malformed packet creates no flow (Suricata does not set up
a flow for a packet whose L3/L4 header fails to decode), and each counts once
in `decoder.invalid`. A UDP length larger than the IP payload is named
`decoder.udp.len_invalid` as walletwatch's brief says; current Suricata
raises `decoder.udp.pkt_too_small` for this case and keeps `udp.len_invalid`
for a UDP length below 8.
"""
    return cap, test, readme


def inet_cksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


@scenario
def truncated_file():
    cap = Capture()
    TcpSession(cap, "f").basic()
    # The last record (the final ACK, packet 10) is cut in half: the file
    # keeps its 16-byte record header and half of its 54 bytes.
    last_ts, last = cap.frames[-1]
    cap.acct = [r for r in cap.acct if r[3] != last_ts]
    cut = 16 + len(last) // 2

    test = {"exit_code": 1,
            "stderr": ["input.pcap: packet 10"],
            "event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(9)],
            "streams": [basic_stream()]}
    readme = """\
The tcp-basic capture with its file cut in the middle of the last record:
packets 1-9 are whole, packet 10 (the final ACK) has its 16-byte record
header and only 27 of its 54 bytes.

Proves that a truncated capture is an error (exit status 1, stderr names
the file and the record: "input.pcap: packet 10", the form of
ww_capture_next's "FILE: packet N: message") and that everything read
before it is still processed and flushed: the flow event is written (reason
`shutdown`, 9 packets, state `closed` since both FINs were seen), with the
full payloads "AAAA" / "BBBB".

Design choices: N is the number of the record that could not be read
(10), not the last good one; the final `stats` event is still written,
with `decoder.pkts` 9.
"""
    return cap, test, readme, cut


@scenario
def ethernet_padding():
    cap = Capture()
    s = TcpSession(cap, "f")
    pad = {"n": 0}

    def l2_padded(ipb, from_client, v6=False):
        f = l2_ethernet(ipb, from_client)
        if len(f) < 60:
            # Padding is normally zero; use visible bytes so a leak shows.
            f += (b"PADDING!" * 8)[: 60 - len(f)]
            pad["n"] += 1
        return f

    s.l2 = l2_padded
    s.handshake()
    s.data(True, b"AAAA")   # IP 44 -> frame 58 + 2 padding
    s.ack(False)
    s.data(True, b"BB")     # IP 42 -> frame 56 + 4 padding
    s.ack(False)
    s.data(False, b"CC")
    s.ack(True)
    s.close()
    assert all(len(f) == 60 for _, f in cap.frames)
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(len(cap.frames), {"stats.decoder.bytes": 60 * len(cap.frames)})],
            "streams": [basic_stream(ts="AAAABB", tc="CC")]}
    readme = """\
Every frame of a small TCP session is padded to the 60-byte Ethernet
minimum, and the padding is not zeros but visible text ("PADDING!"...):
the IPv4 total length is smaller than the frame. Data: "AAAA" and "BB" to
the server (2 and 4 padding bytes), "CC" to the client.

Proves that the IP total length, not the frame length, bounds the payload:
the streams are exactly "AAAABB" and "CC" with no "PA"/"PADD" in them,
and no gap is reported. Flow bytes and `decoder.bytes` count the whole
60-byte frames (padding included: they are captured frame lengths).
"""
    return cap, test, readme


@scenario
def icmp():
    cap = Capture()
    req = IP(src=CLI4, dst=SRV4, id=0x3001, ttl=64) / ICMP(type=8, code=0, id=0x1234, seq=1) / Raw(b"AAAABBBB")
    rep = IP(src=SRV4, dst=CLI4, id=0x4001, ttl=64) / ICMP(type=0, code=0, id=0x1234, seq=1) / Raw(b"AAAABBBB")
    cap.add(l2_ethernet(bytes(req), True), "f", "ts")
    cap.add(l2_ethernet(bytes(rep), False), "f", "tc")
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, None, SRV4, None, "ICMP", "established",
                                      {"icmp_type": 8, "icmp_code": 0,
                                       "response_icmp_type": 0, "response_icmp_code": 0}),
                       stats_check(2, {"stats.decoder.icmpv4": 2})]}
    readme = """\
An ICMP echo request from 10.0.0.1 to 10.0.0.2 (id 0x1234, seq 1, payload
"AAAABBBB") and its echo reply.

Proves ICMP flow tracking: request and reply are ONE flow (Suricata keys
ICMP flows on the address pair only), the requester is the client, the flow
event has proto "ICMP", no ports, `icmp_type` 8 / `icmp_code` 0 from the
request and `response_icmp_type` 0 / `response_icmp_code` 0 from the reply,
one packet each way.

Design choice: `flow.state` is `established` once both directions were
seen, as Suricata does for ICMP and UDP.
"""
    return cap, test, readme


# ------------------------------------------------------------------ main ---

@scenario
def anomaly_rate_limit():
    cap = Capture()
    # 12 Ethernet frames too short to decode, within 120 ms (one second).
    for i in range(12):
        cap.add(b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00" + bytes([i]))
    test = {"args": ["--set", "anomaly.rate-limit=5"],
            "event_counts": {"anomaly": 5, "stats": 1},
            "checks": [{"count": 5, "match": {"event_type": "anomaly", "anomaly.type": "decode",
                                              "anomaly.event": "decoder.ethernet.pkt_too_small"}},
                       stats_check(12, {"stats.decoder.invalid": 12,
                                        "stats.decoder.event.ethernet.pkt_too_small": 12})]}
    readme = """\
Twelve undecodable frames (11-byte Ethernet frames) within one second,
run with `--set anomaly.rate-limit=5`.

Proves that a hostile capture cannot flood the event stream: exactly five
`anomaly` events are logged for that event name in that second, and all
twelve are still counted (`decoder.event.ethernet.pkt_too_small` 12,
`decoder.invalid` 12).
"""
    return cap, test, readme


@scenario
def tcp_depth():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.data(True, b"AAAA")
    s.ack(False)
    s.data(True, b"BBBB")
    s.ack(False)
    s.data(False, b"CCCC")
    s.ack(True)
    s.close()
    n = len(cap.frames)
    test = {"args": ["--set", "stream.reassembly.depth=6"],
            "event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed", tcp_extra()),
                       stats_check(n, {"stats.tcp.stream_depth_reached": 1})],
            "streams": [dict(basic_stream(ts="AAAABB", tc="CCCC"))]}
    readme = """\
A session whose client sends 8 bytes ("AAAA", "BBBB") and whose server
answers "CCCC", run with `--set stream.reassembly.depth=6`.

Proves the per-direction reassembly depth: the to-server stream stops after
6 bytes ("AAAABB"), the to-client stream (4 bytes) is whole, the flow is
still tracked to its close, and `tcp.stream_depth_reached` counts 1.
"""
    return cap, test, readme


@scenario
def tcp_stream_memcap():
    cap = Capture()
    sessions = []
    for i in range(100):
        s = TcpSession(cap, "f%d" % i, cport=41000 + i)
        s.handshake()
        sessions.append(s)
    for s in sessions:
        s.data(True, b"AAAA")
    n = len(cap.frames)
    test = {"args": ["--set", "stream.memcap=64kb"],
            "event_counts": {"flow": 100, "stats": 1},
            "checks": [{"count": 100, "match": {"event_type": "flow", "proto": "TCP",
                                                "flow.pkts_toserver": 3, "flow.pkts_toclient": 1}},
                       stats_check(n, {"stats.tcp.sessions": 100, "stats.tcp.ssn_memcap_drop": 51})]}
    readme = """\
One hundred concurrent sessions (handshake, then "AAAA" from each client),
run with `--set stream.memcap=64kb`, which leaves libnids its minimum table of
64 slots, of which it follows 3/4 (48); it evicts only once it holds more
than that, so 49 sessions fit.

Proves that reassembly memory stays bounded under many sessions and that
what is dropped is counted: libnids evicts the oldest session for each new
one beyond 49 (`tcp.ssn_memcap_drop` 51), while every flow is still tracked
and logged (100 `flow` events with their exact counters).
"""
    return cap, test, readme


@scenario
def tcp_reordered_pickup():
    cap = Capture()
    s = TcpSession(cap, "f")
    syn_ack = s.ip_segment(False, "SA", seq=5000, ack=1001)
    s.send(True, "S")                      # seq 1000
    s.sseq = 5001
    cap.add(s.frame(syn_ack, False), "f", "tc")
    # The server's data, which ACKs the request, is captured before the request.
    s.send(False, "PA", b"BBBB", seq=5001, ack=1005, advance=False)
    s.send(True, "PA", b"AAAA", seq=1001, ack=5001, advance=False)
    s.send(True, "A", seq=1005, ack=5005, advance=False)
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "established")],
            "streams": [basic_stream()]}
    readme = """\
A capture that reorders the opening of a session: the client's SYN, then
the server's SYN/ACK (frames 1-2, in order), but the server's response
"BBBB" (which already ACKs the request) is captured before the client's
request "AAAA", and the client's handshake ACK is missing.

libnids never sees a completed handshake, so the session is picked up from
the response. Proves that the pickup starts each side at the sequence
number its SYN announced, not at the ACK of the first data seen: the
request "AAAA" is still reassembled (a start at the ACK would drop it).
"""
    return cap, test, readme


@scenario
def tcp_early_rst():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.data(True, b"AAAA")
    # The server's RST after its response is captured before the response.
    s.send(False, "R", seq=5005, ack=0, advance=False)
    s.send(False, "PA", b"BBBB", seq=5001, ack=1005, advance=False)
    s.send(False, "R", seq=5005, ack=0, advance=False)
    n = len(cap.frames)
    test = {"event_counts": {"flow": 1, "stats": 1},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "TCP", "closed"),
                       stats_check(n, {"stats.stream.suspected_rst_inject": 1})],
            "streams": [basic_stream()]}
    readme = """\
A server RST whose sequence number lies past data not yet seen: the capture
shows the RST (seq 5005) before the response "BBBB" (seq 5001-5004), then
the RST again.

libnids accepts a RST anywhere in the window and would end the session
before "BBBB"; a receiver accepts a RST only at the exact next sequence
number (RFC 5961 section 3.2). Proves that the out-of-sequence RST is held
back (`stream.suspected_rst_inject` 1), the response is still reassembled,
and the second, in-sequence RST closes the session.
"""
    return cap, test, readme


@scenario
def stats_interval():
    cap = Capture()
    # One UDP datagram every 4 seconds of capture time, 0 s to 24 s.
    for i in range(7):
        ip = bytes(IP(src=CLI4, dst=SRV4, id=0x4000 + i, ttl=64) / UDP(sport=CPORT, dport=SPORT) / Raw(b"PING"))
        cap.add(l2_ethernet(ip, True), "f", "ts")
        cap.frames[-1] = (T0 * 1000000 + i * 4000000, cap.frames[-1][1])
        cap.acct[-1] = cap.acct[-1][:3] + (T0 * 1000000 + i * 4000000,)
    test = {"args": ["--stats-interval", "10"],
            "event_counts": {"flow": 1, "stats": 3},
            "checks": [cap.flow_check("f", CLI4, CPORT, SRV4, SPORT, "UDP", "new"),
                       {"count": 1, "match": {"event_type": "stats", "stats.decoder.pkts": 3}},
                       {"count": 1, "match": {"event_type": "stats", "stats.decoder.pkts": 5}},
                       stats_check(7)]}
    readme = """\
Seven UDP datagrams 4 seconds apart (capture time 0 s to 24 s), run with
`--stats-interval 10`.

Proves periodic `stats` events in packet time offline: one when the capture
clock crosses 10 s (3 packets seen), one at 20 s (5 packets), and the final
one at exit (7 packets).
"""
    return cap, test, readme



# ------------------------------------------------------------- detection ---

def rules_args(name):
    return ["-S", "pcaps/%s/test.rules" % name]


def alert_check(sid, count=1, extra=None):
    m = {"event_type": "alert", "alert.signature_id": sid}
    if extra:
        m.update(extra)
    return {"count": count, "match": m}


@scenario
def detect_split_content():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.data(True, b"GET /wal")          # the pattern "wallet.dat" spans two segments
    s.ack(False)
    s.data(True, b"let.dat HTTP/1.0")
    s.ack(False)
    s.data(False, b"NO")
    s.ack(True)
    s.close()
    RULES["detect-split-content"] = (
        'alert tcp any any -> any 9999 (msg:"wallet file requested"; flow:to_server; '
        'content:"wallet.dat"; sid:1000001; rev:1;)\n'
        'alert tcp any any -> any 9999 (msg:"request start"; flow:to_server; '
        'content:"GET"; depth:3; sid:1000002; rev:1;)\n'
        'alert tcp any any -> any any (msg:"never: the reply"; flow:to_server; '
        'content:"NO"; sid:1000003; rev:1;)\n')
    test = {"args": rules_args("detect-split-content"),
            "event_counts": {"flow": 1, "alert": 2, "stats": 1},
            "checks": [alert_check(1000001, 1, {"src_ip": CLI4, "src_port": CPORT, "dest_ip": SRV4,
                                                 "dest_port": SPORT, "direction": "to_server",
                                                 "alert.rev": 1, "alert.gid": 1,
                                                 "alert.signature": "wallet file requested",
                                                 "alert.severity": 3, "alert.action": "allowed",
                                                 "flow.src_ip": CLI4, "flow.dest_port": SPORT}),
                       alert_check(1000002, 1),
                       stats_check(len(cap.frames), {"stats.detect.alert": 2})]}
    readme = """\
A request whose pattern "wallet.dat" is split across two TCP segments
("GET /wal" + "let.dat HTTP/1.0"), each delivered by its own libnids
callback, with rules on the reassembled stream.

Proves that a content split across segments and callbacks matches, exactly
once (sid 1000001); that a content matched in the first segment is not
reported again when the next segment extends the stream (sid 1000002, one
alert); that a to_server rule does not fire on the reply (sid 1000003), and
the alert's fields: packet-direction header, `direction`, `flow` summary in
client -> server orientation, gid 1, severity 3 without classtype.
"""
    return cap, test, readme


@scenario
def detect_out_of_order():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.send(True, "PA", b"let.dat", seq=1005, advance=False)   # second half first
    s.send(True, "PA", b"/wal", seq=1001, advance=False)
    s.cseq = 1012
    s.ack(False)
    s.close()
    RULES["detect-out-of-order"] = (
        'alert tcp any any -> any any (msg:"wallet file requested"; flow:to_server; '
        'content:"/wallet.dat"; sid:1000010; rev:1;)\n')
    test = {"args": rules_args("detect-out-of-order"),
            "event_counts": {"flow": 1, "alert": 1, "stats": 1},
            "checks": [alert_check(1000010, 1, {"direction": "to_server"})],
            "streams": [basic_stream(ts="/wallet.dat", tc="")]}
    readme = """\
The pattern "/wallet.dat" arrives in two segments in the wrong order: the
capture holds "let.dat" (seq 1005) before "/wal" (seq 1001).

Proves that out-of-order delivery is put back in order before detection and
that the rule alerts once.
"""
    return cap, test, readme


@scenario
def detect_once_per_direction():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    s.data(True, b"SEED words")
    s.ack(False)
    s.data(False, b"SEED back")
    s.ack(True)
    s.close()
    RULES["detect-once-per-direction"] = (
        'alert tcp any any <> any any (msg:"SEED in either direction"; content:"SEED"; '
        'sid:1000020; rev:2;)\n'
        'alert ip any any -> any any (msg:"SEED, ip rule"; content:"SEED"; sid:1000021;)\n')
    test = {"args": rules_args("detect-once-per-direction"),
            "event_counts": {"flow": 1, "alert": 4, "stats": 1},
            "checks": [alert_check(1000020, 1, {"direction": "to_server", "src_ip": CLI4}),
                       alert_check(1000020, 1, {"direction": "to_client", "src_ip": SRV4}),
                       alert_check(1000021, 1, {"direction": "to_server"}),
                       alert_check(1000021, 1, {"direction": "to_client"})]}
    readme = """\
"SEED" is sent once each way. A `tcp` rule (and an `ip` rule) on the
payload must alert once per direction: the stream is inspected, the packet
carrying the same bytes is not inspected again (4 alerts in all, not 8).
"""
    return cap, test, readme


@scenario
def detect_padding():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    ipb = s.ip_segment(True, "PA", b"hi")
    s.cseq += 2
    frame = l2_ethernet(ipb, True)
    frame += b"PAD!" * ((60 - len(frame)) // 4 + 1)
    cap.add(frame[:64], "f", "ts")
    s.ack(False)
    s.close()
    RULES["detect-padding"] = (
        'alert tcp any any -> any any (msg:"padding is not payload"; content:"PAD!"; '
        'sid:1000030;)\n'
        'alert tcp any any -> any any (msg:"the payload"; content:"hi"; dsize:2; sid:1000031;)\n')
    test = {"args": rules_args("detect-padding"),
            "event_counts": {"flow": 1, "alert": 1, "stats": 1},
            "checks": [alert_check(1000031, 1, {"pcap_cnt": 4})]}
    readme = """\
A 2-byte segment "hi" in a frame padded to 64 bytes with "PAD!PAD!...".

Proves that the TCP payload ends at the IP total length: the padding never
reaches the rules (no alert for sid 1000030), while the real payload does
(sid 1000031, a packet rule through dsize, on the frame pcap_cnt 4).
"""
    return cap, test, readme


@scenario
def detect_udp():
    cap = Capture()
    for i, payload in enumerate([b"wallet ping", b"other"]):
        ip = bytes(IP(src=CLI4, dst=SRV4, id=0x4100 + i, ttl=64) / UDP(sport=CPORT, dport=SPORT) / Raw(payload))
        cap.add(l2_ethernet(ip, True), "f", "ts")
    RULES["detect-udp"] = (
        'alert udp $HOME_NET any -> $HOME_NET 9999 (msg:"wallet over udp"; content:"wallet"; '
        'offset:0; depth:6; dsize:>5; classtype:policy-violation; '
        'metadata:mitre_technique_id T1071, created_at 2026_11_25, mitre_technique_id T1001; '
        'sid:1000040; rev:3;)\n'
        'alert udp any any -> $EXTERNAL_NET any (msg:"never: internal"; content:"wallet"; '
        'sid:1000041;)\n')
    test = {"args": rules_args("detect-udp"),
            "event_counts": {"flow": 1, "alert": 1, "stats": 1},
            "checks": [alert_check(1000040, 1, {
                "pcap_cnt": 1, "proto": "UDP", "alert.rev": 3, "alert.severity": 1,
                "alert.category": "Potential Corporate Privacy Violation",
                "alert.metadata.created_at": ["2026_11_25"],
                "alert.metadata.mitre_technique_id": ["T1071", "T1001"]})]}
    readme = """\
Two UDP datagrams between internal hosts; one starts with "wallet".

Proves packet inspection of UDP, $HOME_NET / $EXTERNAL_NET, offset/depth and
dsize, the classtype's category and priority as severity, and metadata
rendered as key -> list of values in rule order.
"""
    return cap, test, readme


@scenario
def detect_flowbits():
    cap = Capture()
    a = TcpSession(cap, "a", cport=41001)
    a.handshake()
    a.data(True, b"LOGIN alice")
    a.ack(False)
    a.data(True, b"TRANSFER 5")
    a.ack(False)
    b = TcpSession(cap, "b", cport=41002)
    b.handshake()
    b.data(True, b"TRANSFER 7")
    b.ack(False)
    RULES["detect-flowbits"] = (
        'alert tcp any any -> any any (msg:"login seen"; content:"LOGIN"; '
        'flowbits:set,logged_in; flowbits:noalert; sid:1000050;)\n'
        'alert tcp any any -> any any (msg:"transfer after login"; content:"TRANSFER"; '
        'flowbits:isset,logged_in; sid:1000051;)\n'
        'alert tcp any any -> any any (msg:"transfer without login"; content:"TRANSFER"; '
        'flowbits:isnotset,logged_in; sid:1000052;)\n')
    test = {"args": rules_args("detect-flowbits"),
            "event_counts": {"flow": 2, "alert": 2, "stats": 1},
            "checks": [alert_check(1000051, 1, {"src_port": 41001}),
                       alert_check(1000052, 1, {"src_port": 41002}),
                       alert_check(1000050, 0)]}
    readme = """\
Two sessions: one logs in ("LOGIN") then asks for a transfer, the other asks
for a transfer without logging in.

Proves flowbits per flow: `set` with `noalert` (no alert for sid 1000050),
`isset` (sid 1000051 on the first session only) and `isnotset` (sid 1000052
on the second only).
"""
    return cap, test, readme


@scenario
def detect_threshold():
    cap = Capture()
    s = TcpSession(cap, "f")
    s.handshake()
    for i in range(5):
        s.data(True, b"PING%d;" % i)
        s.ack(False)
    RULES["detect-threshold"] = (
        'alert tcp any any -> any any (msg:"ping, limited"; content:"PING"; '
        'threshold:type limit, track by_src, count 2, seconds 60; sid:1000060;)\n'
        'alert tcp any any -> any any (msg:"ping, after 3"; content:"PING"; '
        'detection_filter:track by_src, count 3, seconds 60; sid:1000061;)\n')
    test = {"args": rules_args("detect-threshold"),
            "event_counts": {"flow": 1, "alert": 4, "stats": 1},
            "checks": [alert_check(1000060, 2), alert_check(1000061, 2),
                       stats_check(len(cap.frames), {"stats.detect.alert": 4,
                                                      "stats.detect.alerts_suppressed": 6})]}
    readme = """\
Five "PINGn;" messages in one stream, each in its own segment.

Proves thresholds in packet time: `threshold: type limit, count 2` alerts
for the first two matches only; `detection_filter: count 3` alerts only for
matches after the third (the 4th and 5th); the six silenced matches are
counted in `detect.alerts_suppressed`.
"""
    return cap, test, readme


@scenario
def detect_threshold_hosts():
    cap = Capture()
    servers = ["10.0.1.%d" % i for i in range(1, 7)]
    clients = ["10.0.2.%d" % i for i in range(1, 7)]
    for i, srv in enumerate(servers):  # one client, six servers: by_src spans six pairs
        s = TcpSession(cap, "p%d" % i, cli=CLI4, srv=srv, cport=41000 + i)
        s.handshake()
        s.data(True, b"PING;")
        s.ack(False)
    for i, cli in enumerate(clients):  # six clients, one server: by_dst and by_rule
        s = TcpSession(cap, "q%d" % i, cli=cli, srv=SRV4, cport=42000 + i)
        s.handshake()
        s.data(True, b"PONG;")
        s.ack(False)
    RULES["detect-threshold-hosts"] = (
        'alert tcp any any -> any any (msg:"ping, limited"; content:"PING"; '
        'threshold:type limit, track by_src, count 2, seconds 60; sid:1000070;)\n'
        'alert tcp any any -> any any (msg:"ping, after 3"; content:"PING"; '
        'detection_filter:track by_src, count 3, seconds 60; sid:1000071;)\n'
        'alert tcp any any -> any any (msg:"pong, the 5th"; content:"PONG"; '
        'threshold:type both, track by_dst, count 5, seconds 60; sid:1000072;)\n'
        'alert tcp any any -> any any (msg:"pong, once"; content:"PONG"; '
        'threshold:type limit, track by_rule, count 1, seconds 60; sid:1000073;)\n')
    test = {"args": rules_args("detect-threshold-hosts"),
            "event_counts": {"flow": 12, "alert": 7, "stats": 1},
            "checks": [alert_check(1000070, 1, {"dest_ip": servers[0]}),
                       alert_check(1000070, 1, {"dest_ip": servers[1]}),
                       alert_check(1000071, 0, {"dest_ip": servers[2]}),
                       alert_check(1000071, 1, {"dest_ip": servers[3]}),
                       alert_check(1000071, 1, {"dest_ip": servers[4]}),
                       alert_check(1000071, 1, {"dest_ip": servers[5]}),
                       alert_check(1000072, 1, {"src_ip": clients[4]}),
                       alert_check(1000073, 1, {"src_ip": clients[0]}),
                       stats_check(len(cap.frames), {"stats.detect.alert": 7,
                                                      "stats.detect.alerts_suppressed": 17})],
            "workers_split": [[CLI4, s] for s in servers] + [[c, SRV4] for c in clients]}
    readme = """\
Thresholds whose track spans address pairs. One client sends "PING;" to six
servers, one stream each; then six clients each send "PONG;" to one server.

- `threshold: type limit, track by_src, count 2`: the first two PINGs alert
  (to 10.0.1.1 and 10.0.1.2), the other four are silent.
- `detection_filter: track by_src, count 3`: the 4th, 5th and 6th PING alert.
- `threshold: type both, track by_dst, count 5`: the 5th PONG alerts, once
  (the shape of the shipped wallet RPC authentication-failure burst rule).
- `threshold: type limit, track by_rule, count 1`: the first PONG alerts.

17 matches are silenced (4 + 3 + 5 + 5). With `--workers N` the twelve
address pairs land on different workers, which count in one shared table
(tests/run-workers.py: `workers_split`); N workers must give exactly these
alerts.
"""
    return cap, test, readme


@scenario
def detect_pass():
    cap = Capture()
    a = TcpSession(cap, "a", cport=41001)
    a.handshake()
    a.data(True, b"SECRET x")
    a.ack(False)
    b = TcpSession(cap, "b", cli="10.0.0.3", cport=41002)
    b.handshake()
    b.data(True, b"SECRET y")
    b.ack(False)
    RULES["detect-pass"] = (
        'pass tcp 10.0.0.3 any -> any any (msg:"trusted scanner"; content:"SECRET"; '
        'sid:1000070;)\n'
        'alert tcp any any -> any any (msg:"secret"; content:"SECRET"; sid:1000071;)\n')
    test = {"args": rules_args("detect-pass"),
            "event_counts": {"flow": 2, "alert": 1, "stats": 1},
            "checks": [alert_check(1000071, 1, {"src_ip": CLI4})]}
    readme = """\
The same payload from two clients; a `pass` rule covers 10.0.0.3.

Proves that a matching pass rule silences the alerts of that inspection
(10.0.0.3: none) and nothing else (10.0.0.1: sid 1000071).
"""
    return cap, test, readme


@scenario
def detect_dataset_ip():
    cap = Capture()
    for i, dst in enumerate(["10.0.0.66", "10.0.0.67"]):
        ip = bytes(IP(src=CLI4, dst=dst, id=0x4200 + i, ttl=64) / UDP(sport=CPORT, dport=53) / Raw(b"q"))
        cap.add(l2_ethernet(ip, True), "f%d" % i, "ts")
    RULES["detect-dataset-ip"] = (
        'alert ip any any -> any any (msg:"listed destination"; ip.dst; '
        'dataset:isset,bad-ips,type ipv4,load bad-ips.txt,format plain; sid:1000080;)\n')
    test = {"args": rules_args("detect-dataset-ip"),
            "event_counts": {"flow": 2, "alert": 1, "stats": 1},
            "checks": [alert_check(1000080, 1, {"dest_ip": "10.0.0.66"})]}
    readme = """\
Datagrams to two addresses; one is listed in a plain-format IOC file
(`bad-ips.txt`, with a provenance comment).

Proves address datasets on `ip.dst` loaded relative to the rules file.
"""
    return cap, test, readme


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(os.path.dirname(here), "pcaps"))
    ap.add_argument("scenarios", nargs="*")
    args = ap.parse_args()
    names = args.scenarios or list(SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            sys.exit("craft-pcaps: unknown scenario %s (have: %s)" % (name, ", ".join(SCENARIOS)))
    for name in names:
        res = SCENARIOS[name]()
        cap, test, readme = res[:3]
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "input.pcap")
        cap.write(path)
        if len(res) > 3:  # truncate the file at this many bytes into the last record
            size = os.path.getsize(path)
            last = len(cap.frames[-1][1])
            os.truncate(path, size - (16 + last) + res[3])
        if name in RULES:
            with open(os.path.join(d, "test.rules"), "w") as f:
                f.write(RULES[name])
        with open(os.path.join(d, "test.json"), "w") as f:
            json.dump(test, f, indent=2)
            f.write("\n")
        with open(os.path.join(d, "README.md"), "w") as f:
            f.write("# %s\n\n%s\nCrafted by `tools/craft-pcaps.py %s` (scapy, deterministic).\n\n%s"
                    % (name, readme, name, COMMON_DESIGN))
        print("%-20s %3d frames" % (name, len(cap.frames)))


if __name__ == "__main__":
    main()
