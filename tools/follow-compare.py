#!/usr/bin/python3
"""Compare walletwatch's TCP reassembly with tshark's.

    tools/follow-compare.py [--bin build/tools/ww-follow] [--tshark tshark] FILE.pcap

For each TCP stream tshark knows, `tshark -q -z follow,tcp,raw,N` gives the
bytes each endpoint sent; build/tools/ww-follow gives what walletwatch
reassembled per flow and direction. Flows are matched to streams by their
endpoints (tshark's "Node 0:"/"Node 1:" header; ww-follow's events name the
endpoints of each flow_id) and, for reused port pairs, in order. Prints one
line per stream; exits 1 if any stream differs. A stream that differs where
walletwatch reported a gap is reported as "gap", not as a failure.
"""

import argparse
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

BATCH = 100  # -z follow options per tshark run


def endpoint(text):
    """'10.0.0.1:80' or '[2001:db8::1]:80' -> (ip_address, port), or None."""
    host, _, port = text.strip().rpartition(":")
    host = host.strip("[]")
    try:
        return (ipaddress.ip_address(host), int(port))
    except ValueError:
        return None


def tshark_streams(tshark, path):
    out = subprocess.run([tshark, "-r", path, "-T", "fields", "-e", "tcp.stream"],
                         check=True, capture_output=True, text=True).stdout
    return sorted({int(x) for x in out.split() if x.strip().isdigit()})


def parse_follow(text):
    """tshark follow,tcp,raw output -> {stream: (node0, node1, bytes0, bytes1)}."""
    result = {}
    stream = node0 = node1 = None
    data = [bytearray(), bytearray()]
    for line in text.splitlines():
        if line.startswith("====="):
            if stream is not None:
                result[stream] = (node0, node1, bytes(data[0]), bytes(data[1]))
            stream = node0 = node1 = None
            data = [bytearray(), bytearray()]
        elif line.startswith("Filter: tcp.stream eq "):
            stream = int(line.rsplit(" ", 1)[1])
        elif line.startswith("Node 0: "):
            node0 = endpoint(line[8:])
        elif line.startswith("Node 1: "):
            node1 = endpoint(line[8:])
        elif line.startswith("Follow:") or not line.strip():
            continue
        elif stream is not None:
            side = 1 if line.startswith("\t") else 0
            data[side] += bytes.fromhex(line.strip())
    return result


def run_tshark(tshark, path):
    streams = tshark_streams(tshark, path)
    result = {}
    for i in range(0, len(streams), BATCH):
        cmd = [tshark, "-r", path, "-q"]
        for n in streams[i:i + BATCH]:
            cmd += ["-z", "follow,tcp,raw,%d" % n]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        result.update(parse_follow(out))
    return result


class Flow:
    def __init__(self, flow_id):
        self.flow_id = flow_id
        self.data = [bytearray(), bytearray()]  # to_server, to_client
        self.gap = False
        self.client = self.server = None
        self.oriented = False  # endpoints come from a flow event


def run_ww(binary, path):
    flows = {}
    with tempfile.TemporaryDirectory() as tmp:
        events = os.path.join(tmp, "events.json")
        proc = subprocess.run([binary, "-e", events, path], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr)
            raise SystemExit("follow-compare: %s exited %d" % (binary, proc.returncode))
        for line in proc.stdout.splitlines():
            rec = json.loads(line)
            f = flows.setdefault(rec["flow_id"], Flow(rec["flow_id"]))
            side = 1 if rec["dir"] == "to_client" else 0
            if rec["gap"]:
                f.gap = True
            else:
                f.data[side] += bytes.fromhex(rec.get("hex", ""))
        if os.path.exists(events):
            with open(events) as fh:
                for line in fh:
                    name_endpoints(flows, json.loads(line))
    return flows


def name_endpoints(flows, ev):
    f = flows.get(ev.get("flow_id"))
    if f is None or f.oriented or ev.get("proto") not in ("TCP", "tcp", 6):
        return
    src = endpoint("%s:%s" % (ev.get("src_ip"), ev.get("src_port")))
    dst = endpoint("%s:%s" % (ev.get("dest_ip"), ev.get("dest_port")))
    if src is None or dst is None:
        return
    f.client, f.server = src, dst
    f.oriented = ev.get("event_type") == "flow"


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def show(ep):
    if ep is None:
        return "?"
    ip, port = ep
    return ("[%s]:%d" if ip.version == 6 else "%s:%d") % (ip, port)


def compare(ts, flows):
    by_pair = defaultdict(list)
    for f in sorted(flows.values(), key=lambda x: x.flow_id):
        if f.client is not None:
            by_pair[frozenset((f.client, f.server))].append(f)
    unnamed = [f for f in flows.values() if f.client is None]
    failed = 0
    for n in sorted(ts):
        node0, node1, b0, b1 = ts[n]
        cands = by_pair.get(frozenset((node0, node1)), [])
        f = cands.pop(0) if cands else None
        head = "stream %d %s <-> %s tshark %d/%d" % (n, show(node0), show(node1), len(b0), len(b1))
        if f is None:
            ok = not b0 and not b1
            print("%s walletwatch -: %s" % (head, "identical (no data)" if ok else "MISSING"))
            failed += not ok
            continue
        # Node 0 is whoever tshark saw first; orient it to walletwatch's client.
        w0, w1 = (f.data[0], f.data[1]) if f.client == node0 else (f.data[1], f.data[0])
        verdict = "identical"
        if (w0, w1) != (b0, b1):
            where = "node0 @%d" % first_diff(w0, b0) if w0 != b0 else "node1 @%d" % first_diff(w1, b1)
            verdict = ("gap (differs at %s)" if f.gap else "DIFFERENT at %s") % where
            failed += not f.gap
        elif f.gap:
            verdict = "identical (gap reported)"
        print("%s walletwatch %d/%d flow_id %d: %s" % (head, len(w0), len(w1), f.flow_id, verdict))
    leftover = [f for c in by_pair.values() for f in c] + unnamed
    for f in sorted(leftover, key=lambda x: x.flow_id):
        if f.data[0] or f.data[1]:
            print("flow_id %d %s -> %s walletwatch %d/%d: EXTRA (no tshark stream)"
                  % (f.flow_id, show(f.client), show(f.server), len(f.data[0]), len(f.data[1])))
            failed += 1
    return failed


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "tools", "ww-follow"))
    ap.add_argument("--tshark", default="tshark")
    ap.add_argument("pcap")
    args = ap.parse_args()
    ts = run_tshark(args.tshark, args.pcap)
    flows = run_ww(args.bin, args.pcap)
    failed = compare(ts, flows)
    print("%d stream(s), %d differ" % (len(ts), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
