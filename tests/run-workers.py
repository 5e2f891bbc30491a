#!/usr/bin/python3
"""run-workers.py -- --workers N gives the events of one worker.

Usage: /usr/bin/python3 tests/run-workers.py [--bin PATH] [--workers N] [--corpus DIR]
                                              PCAPS_DIR [NAME ...]

For every PCAPS_DIR/<scenario>/test.json (with its "args") and every
*.pcap / *.pcapng of the corpus directory (default ../shared/corpus, skipped
when absent; no args), only names containing one of NAME when given, it runs
`BIN -r INPUT --eve TMP ARGS` with --workers 1 and with --workers N (default 2),
each in its own process with a timeout, and asserts:

  - the same exit status, and no sanitizer report on stderr;
  - every line of the merged output is one JSON object ending in a newline;
  - the same multiset of non-stats events. flow_id differs between runs (the
    worker number is mixed into it), so every flow_id is replaced by its
    flow's identity from the `flow` event that carries it: proto, addresses,
    ports, VLANs and flow.start;
  - the same number of `stats` events, and the k-th merged one equal to the
    k-th single-worker one in every counter except uptime and the memory
    figures (flow.memcap, *.memuse: each worker has its own caps and tables,
    the merged event gives their sum).

A scenario whose test.json has "workers_split": [[IP, IP], [IP, IP], ...]
(address pairs whose events depend on one another: the chat that carries a
transfer request and the wallet RPC that pays it, the streams a by_src
threshold counts together) is run once more with the smallest worker count
from 2 to 16 that puts those pairs on more than one worker, as
tools/ww-owner (ww_engine_owner) says: the workers share that state, so the
events must still equal one worker's. No such count is a failure: the test
must not pass because the pairs met by chance.

Live (root only, else skipped; --no-live to leave out): `BIN -i lo --workers N`
with a BPF port range, LIVE_SESSIONS TCP sessions on 127.0.0.1, the events
file moved away and SIGHUP sent half way, then SIGINT: exit 0, the file
reopened, one flow event per session with distinct flow_ids (a session seen by
two workers would give two: PACKET_FANOUT must split, not copy), exactly one
merged stats event with tcp.sessions equal to the session count. Then
pcaps/dmm-chain replayed onto lo with tcpreplay (200 times faster) to 4
workers: the transfer-tampering alert exactly once, wherever the kernel's
fanout put the chat and the wallet RPC flows.

Prints "ok NAME" or "FAIL NAME: reason" per capture, then
"workers: N passed, M failed"; exits 1 if any failed.
"""

import argparse
import collections
import glob
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 120
HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")
# Per-worker figures: summed they are the total, not a single run's value.
STATS_SKIP = {"uptime", "flow.memcap", "flow.memuse", "tcp.memuse", "tcp.reassembly_memuse"}


class Fail(Exception):
    pass


def run_one(binary, pcap, args, workers, tmp):
    eve = os.path.join(tmp, "eve-%d.json" % workers)
    cmd = [binary, "-r", pcap, "--eve", eve, "--workers", str(workers)] + args
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("--workers %d timed out after %d s" % (workers, TIMEOUT))
    err = p.stderr.decode("utf-8", "replace")
    for mark in SANITIZER_MARKS:
        if mark in err:
            raise Fail("--workers %d: sanitizer report: %s" % (workers, mark))
    events = []
    if os.path.exists(eve):
        with open(eve, "rb") as f:
            for n, raw in enumerate(f, 1):
                if not raw.endswith(b"\n"):
                    raise Fail("--workers %d: line %d is not newline-terminated" % (workers, n))
                try:
                    ev = json.loads(raw.decode("utf-8"))
                except ValueError as e:
                    raise Fail("--workers %d: line %d is not JSON: %s" % (workers, n, e))
                if not isinstance(ev, dict):
                    raise Fail("--workers %d: line %d is not an object" % (workers, n))
                events.append(ev)
    return p.returncode, events


def flow_identity(ev):
    return "%s %s:%s > %s:%s vlan=%s start=%s" % (
        ev.get("proto"), ev.get("src_ip"), ev.get("src_port"), ev.get("dest_ip"),
        ev.get("dest_port"), ev.get("vlan"), ev.get("flow", {}).get("start"))


def normalise(events):
    """-> (Counter of canonical non-stats events, list of stats objects)."""
    ids = {}
    for ev in events:
        if ev.get("event_type") == "flow" and "flow_id" in ev:
            ident = flow_identity(ev)
            if ids.setdefault(ev["flow_id"], ident) != ident:
                raise Fail("flow_id %d names two flows" % ev["flow_id"])
    out = collections.Counter()
    stats = []
    for ev in events:
        if ev.get("event_type") == "stats":
            stats.append(ev)
            continue
        if "flow_id" in ev:
            ev = dict(ev)
            ev["flow_id"] = ids.get(ev["flow_id"], "flow without a flow event")
        out[json.dumps(ev, sort_keys=True)] += 1
    return out, stats


def leaves(obj, prefix=""):
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict):
            yield from leaves(v, name + ".")
        else:
            yield name, v


def compare_stats(one, many):
    if len(one) != len(many):
        raise Fail("%d stats events with one worker, %d merged" % (len(one), len(many)))
    for k, (a, b) in enumerate(zip(one, many)):
        if a.get("timestamp") != b.get("timestamp"):
            raise Fail("stats %d: timestamp %s, merged %s" % (k, a.get("timestamp"),
                                                              b.get("timestamp")))
        la = {n: v for n, v in leaves(a.get("stats", {})) if n not in STATS_SKIP}
        lb = {n: v for n, v in leaves(b.get("stats", {})) if n not in STATS_SKIP}
        diffs = ["%s %s != %s" % (n, la.get(n), lb.get(n))
                 for n in sorted(set(la) | set(lb)) if la.get(n) != lb.get(n)]
        if diffs:
            raise Fail("stats %d: %s" % (k, "; ".join(diffs[:6])))


def compare_events(one, many):
    if one == many:
        return
    missing = one - many
    extra = many - one
    parts = []
    for label, c in (("missing", missing), ("extra", extra)):
        for line, n in list(c.items())[:2]:
            parts.append("%s x%d %s" % (label, n, line[:300]))
    raise Fail("%d events missing, %d extra with workers: %s" % (
        sum(missing.values()), sum(extra.values()), " | ".join(parts)))


def check(binary, pcap, args, workers):
    tmp = tempfile.mkdtemp(prefix="ww-workers-")
    try:
        rc1, ev1 = run_one(binary, pcap, args, 1, tmp)
        rcn, evn = run_one(binary, pcap, args, workers, tmp)
        if rc1 != rcn:
            raise Fail("exit %d with one worker, %d with %d" % (rc1, rcn, workers))
        c1, s1 = normalise(ev1)
        cn, sn = normalise(evn)
        compare_events(c1, cn)
        compare_stats(s1, sn)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


LIVE_PORT = 46100
LIVE_SESSIONS = 24


def session(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)

    def serve():
        c, _ = srv.accept()
        c.recv(100)
        c.sendall(b"PONG")
        c.close()

    t = threading.Thread(target=serve)
    t.start()
    cli = socket.create_connection(("127.0.0.1", port))
    cli.sendall(b"PING")
    cli.recv(100)
    cli.close()
    t.join()
    srv.close()


def read_lines(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f]


def stop_live(p):
    """SIGINT to a live run: it must exit 0 within 20 s, without a sanitizer report."""
    p.send_signal(signal.SIGINT)
    try:
        _, err = p.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        raise Fail("no exit 20 s after SIGINT")
    err = err.decode("utf-8", "replace")
    if p.returncode != 0:
        raise Fail("exit status %d: %s" % (p.returncode, err.strip()[:300]))
    for mark in SANITIZER_MARKS:
        if mark in err:
            raise Fail("sanitizer report: %s" % mark)


def check_live(binary, workers):
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        last = LIVE_PORT + LIVE_SESSIONS - 1
        p = subprocess.Popen([binary, "-i", "lo", "--eve", eve, "--workers", str(workers),
                              "-S", "/dev/null", "tcp", "portrange",
                              "%d-%d" % (LIVE_PORT, last)], stderr=subprocess.PIPE)
        time.sleep(1.5)  # every worker's socket open and in the fanout group
        for i in range(LIVE_SESSIONS):
            session(LIVE_PORT + i)
            if i == LIVE_SESSIONS // 2:
                time.sleep(0.5)
                os.rename(eve, eve + ".1")
                p.send_signal(signal.SIGHUP)
                time.sleep(0.5)
        time.sleep(0.5)
        stop_live(p)
        if not os.path.exists(eve):
            raise Fail("events file not reopened after SIGHUP")
        evs = read_lines(eve + ".1") + read_lines(eve)
        flows = [e for e in evs if e["event_type"] == "flow"]
        ports = sorted(e.get("dest_port") for e in flows)
        if ports != list(range(LIVE_PORT, last + 1)):
            raise Fail("want one flow per session, got dest ports %s" % ports)
        if len({e["flow_id"] for e in flows}) != len(flows):
            raise Fail("flow_id used twice")
        stats = [e for e in evs if e["event_type"] == "stats"]
        if len(stats) != 1:
            raise Fail("want one merged stats event, got %d" % len(stats))
        if stats[0]["stats"]["tcp"]["sessions"] != LIVE_SESSIONS:
            raise Fail("merged tcp.sessions %d" % stats[0]["stats"]["tcp"]["sessions"])


def frame_pairs(pcap):
    """-> {frame number: frozenset of the IPv4 pair} of an Ethernet pcap."""
    with open(pcap, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        raise Fail("workers_split: %s is not an Ethernet capture" % pcap)
    pairs, off, n = {}, 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        n += 1
        if len(frame) >= 34 and frame[12:14] == b"\x08\x00":
            pairs[n] = frozenset((socket.inet_ntoa(frame[26:30]), socket.inet_ntoa(frame[30:34])))
        off += 16 + caplen
    return pairs


def split_count(owner_tool, pcap, split):
    """-> the smallest worker count that puts the pairs of split on more than one worker."""
    pairs = frame_pairs(pcap)
    want = [frozenset(p) for p in split]
    for n in range(2, 17):
        out = subprocess.run([owner_tool, str(n), pcap], capture_output=True, check=True).stdout
        owners = [set() for _ in want]
        for line in out.decode().split("\n"):
            if line:
                cnt, owner = map(int, line.split())
                for i, w in enumerate(want):
                    if pairs.get(cnt) == w:
                        owners[i].add(owner)
        if not all(owners):
            raise Fail("workers_split: a pair has no frame in %s" % pcap)
        if len(set().union(*owners)) > 1:
            return n
    raise Fail("workers_split: no worker count from 2 to 16 splits the pairs")


LIVE_SHARED_WORKERS = 4


def check_live_shared(binary, pcaps_dir):
    """dmm-chain replayed onto lo 200 times faster (the request and the send
    0.6 s apart), LIVE_SHARED_WORKERS workers: whichever workers the kernel's
    fanout gives the chat and the wallet RPC flows, the transfer-tampering
    alert is raised once (the workers share the requests)."""
    pcap = os.path.join(pcaps_dir, "dmm-chain", "input.pcap")
    if not shutil.which("tcpreplay"):
        raise Fail("tcpreplay not found")
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        p = subprocess.Popen([binary, "-i", "lo", "--eve", eve, "--workers",
                              str(LIVE_SHARED_WORKERS), "net", "10.20.0.0/16"],
                             stderr=subprocess.PIPE)
        time.sleep(1.5)
        subprocess.run(["tcpreplay", "-q", "-i", "lo", "--multiplier", "200", pcap],
                       capture_output=True, check=True)
        time.sleep(1)
        stop_live(p)
        alerts = [e for e in read_lines(eve) if e["event_type"] == "alert"
                  and e["alert"]["signature_id"] == 9101110]
        if len(alerts) != 1:
            raise Fail("want one 9101110 transfer-tampering alert, got %d" % len(alerts))


def captures(pcaps_dir, corpus, names):
    """-> [(name, pcap, args, workers_split or None)]"""
    out = []
    for tj in sorted(glob.glob(os.path.join(pcaps_dir, "*", "test.json"))):
        d = os.path.dirname(tj)
        with open(tj) as f:
            t = json.load(f)
        out.append((os.path.basename(d), os.path.join(d, "input.pcap"), t.get("args", []),
                    t.get("workers_split")))
    if corpus and os.path.isdir(corpus):
        for f in sorted(os.listdir(corpus)):
            if f.endswith((".pcap", ".pcapng")):
                out.append(("corpus/" + f, os.path.join(corpus, f), [], None))
    if names:
        out = [c for c in out if any(n in c[0] for n in names)]
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="./walletwatch")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--corpus", default=os.path.join(HERE, "..", "..", "shared", "corpus"))
    ap.add_argument("--no-live", action="store_true")
    ap.add_argument("--owner-tool", default=os.path.join(HERE, "..", "build", "tools", "ww-owner"))
    ap.add_argument("pcaps")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    passed = failed = 0
    for name, pcap, args, split in captures(a.pcaps, a.corpus, a.names):
        try:
            check(a.bin, pcap, args, a.workers)
            print("ok %s" % name)
            passed += 1
        except Fail as e:
            print("FAIL %s: %s" % (name, e))
            failed += 1
        sys.stdout.flush()
        if not split:
            continue
        try:
            n = split_count(a.owner_tool, pcap, split)
            check(a.bin, pcap, args, n)
            print("ok %s (split across %d workers)" % (name, n))
            passed += 1
        except Fail as e:
            print("FAIL %s (split): %s" % (name, e))
            failed += 1
    if a.no_live or a.names:
        pass
    elif os.geteuid() != 0:
        print("live: skipped (needs root for capture on lo)")
    else:
        for name, fn in (("live", lambda: check_live(a.bin, a.workers)),
                         ("live dmm-chain", lambda: check_live_shared(a.bin, a.pcaps))):
            try:
                fn()
                print("ok %s" % name)
                passed += 1
            except Fail as e:
                print("FAIL %s: %s" % (name, e))
                failed += 1
    print("workers: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
