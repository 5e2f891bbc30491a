#!/usr/bin/python3
"""run-memcap.py -- 1,000,000 concurrent TCP flows against the memcaps.

tools/gen-flows.py writes a capture of N flows (SYN, SYN/ACK, ACK + an HTTP
request; no FIN), all live at once unless a memcap ends them. walletwatch
reads it with the shipped signatures under /usr/bin/time -v, once with small
caps and once with the defaults. Each run must:

  - exit 0, every EVE line whole, one `flow` event per flow (evicted ones too);
  - count what it dropped: flow.mgr.flows_evicted, flow.emerg_mode_entered
    and tcp.ssn_memcap_drop all > 0;
  - keep flow.memuse <= flow.memcap in every `stats` event (one per second
    of capture time, so the table is seen full, not only after shutdown);
  - peak RSS <= the budget: the caps of what grows with traffic
    (flow.memcap + stream.memcap + app-layer.memcap + detect.thresholds.memcap +
    beacon.memcap)
    plus a fixed overhead = the peak RSS of the same command on a 1,000-flow
    capture (code, rules, MPM tables, datasets, libnids' tables: all sized
    at start, none by traffic) + 16 MiB of allocator slack (glibc keeps freed
    chunks of evicted flows in its free lists; the churn of 1M flows through
    a full table fragments the heap).

Usage: tests/run-memcap.py [--bin ./walletwatch] [--flows N] [--workdir DIR]
Prints one table row per run and "memcap: N passed, M failed"; exit 1 on failure.
"""
import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MiB = 1 << 20
SLACK = 16 * MiB
SMALL = {"flow.memcap": "64mb", "stream.memcap": "32mb", "app-layer.memcap": "32mb",
         "detect.thresholds.memcap": "4mb", "beacon.memcap": "4mb"}
DEFAULTS = {"flow.memcap": "128mb", "stream.memcap": "64mb", "app-layer.memcap": "256mb",
            "detect.thresholds.memcap": "16mb", "beacon.memcap": "16mb"}  # README's defaults, passed explicitly so the budget is known


def size_of(text):
    units = {"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}
    t = text.lower()
    for u, m in units.items():
        if t.endswith(u):
            return int(t[:-2]) * m
    return int(t)


def gen(path, flows):
    if os.path.exists(path) and os.path.getsize(path) > 24:
        return
    t = time.time()
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "gen-flows.py"), "--flows",
                    str(flows), path + ".tmp"], check=True)
    os.replace(path + ".tmp", path)
    print("generated %s: %d flows, %.0f MiB in %.1f s" % (path, flows, os.path.getsize(path) / MiB,
                                                          time.time() - t))


def run(binary, pcap, caps, workdir):
    """Runs walletwatch; returns (exit code, time -v fields, stats list, counts, broken lines)."""
    tfile = os.path.join(workdir, "time.out")
    cmd = ["/usr/bin/time", "-v", "-o", tfile, binary, "-r", pcap, "--eve", "-",
           "-S", os.path.join(ROOT, "signatures"), "--stats-interval", "1"]
    for k, v in caps.items():
        cmd += ["--set", "%s=%s" % (k, v)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stats, counts, broken = [], {}, 0
    for line in p.stdout:
        if not (line.startswith(b"{") and line.endswith(b"}\n")):
            broken += 1
            continue
        i = line.find(b'"event_type":"')
        j = line.find(b'"', i + 14)
        et = line[i + 14:j].decode() if i >= 0 else "?"
        counts[et] = counts.get(et, 0) + 1
        if et == "stats":
            stats.append(json.loads(line)["stats"])
    err = p.stderr.read().decode(errors="replace")
    rc = p.wait()
    tv = {}
    with open(tfile) as f:
        for ln in f:
            k, _, v = ln.strip().rpartition(": ")
            tv[k] = v
    return rc, tv, stats, counts, broken, err, " ".join(cmd[4:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "walletwatch"))
    ap.add_argument("--flows", type=int, default=1000000)
    ap.add_argument("--workdir", default="/tmp/walletwatch-memcap")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    big = os.path.join(a.workdir, "flows-%d.pcap" % a.flows)
    small = os.path.join(a.workdir, "flows-1000.pcap")
    gen(big, a.flows)
    gen(small, 1000)

    passed = failed = 0
    rows = []
    for name, caps in (("small caps", SMALL), ("default caps", DEFAULTS)):
        rc0, tv0, _, _, _, err0, _ = run(a.bin, small, caps, a.workdir)
        base = int(tv0.get("Maximum resident set size (kbytes)", "0")) * 1024
        t = time.time()
        rc, tv, stats, counts, broken, err, cmd = run(a.bin, big, caps, a.workdir)
        secs = time.time() - t
        rss = int(tv.get("Maximum resident set size (kbytes)", "0")) * 1024
        cap_sum = sum(size_of(v) for v in caps.values())
        budget = cap_sum + base + SLACK
        last = stats[-1] if stats else {}
        fl, tcp = last.get("flow", {}), last.get("tcp", {})
        memcap = size_of(caps["flow.memcap"])
        max_memuse = max((s["flow"]["memuse"] for s in stats), default=-1)
        max_active = max((s["flow"]["active"] for s in stats), default=-1)
        checks = [
            ("exit 0", rc == 0 and rc0 == 0),
            ("every EVE line whole", broken == 0),
            ("decoder.pkts == 3 x flows", last.get("decoder", {}).get("pkts") == 3 * a.flows),
            ("flow.total == flows", fl.get("total") == a.flows),
            ("one flow event per flow", counts.get("flow", 0) == a.flows),
            ("flow.mgr.flows_evicted > 0", fl.get("mgr", {}).get("flows_evicted", 0) > 0),
            ("flow.emerg_mode_entered > 0", fl.get("emerg_mode_entered", 0) > 0),
            ("tcp.ssn_memcap_drop > 0", tcp.get("ssn_memcap_drop", 0) > 0),
            ("flow.memuse <= flow.memcap (every stats event)", 0 <= max_memuse <= memcap),
            ("peak RSS <= caps + fixed overhead", rss <= budget),
        ]
        print("== %s: %s" % (name, cmd))
        print("   %.1f s, peak RSS %.1f MiB; budget %.1f MiB = caps %.1f + baseline %.1f + slack %.1f"
              % (secs, rss / MiB, budget / MiB, cap_sum / MiB, base / MiB, SLACK / MiB))
        print("   flows %d, most live at once %d, evicted %d, emerg %d; tcp sessions %d, "
              "ssn_memcap_drop %d; max flow.memuse %.1f MiB of %.1f MiB; events %s"
              % (fl.get("total", -1), max_active, fl.get("mgr", {}).get("flows_evicted", -1),
                 fl.get("emerg_mode_entered", -1), tcp.get("sessions", -1),
                 tcp.get("ssn_memcap_drop", -1), max_memuse / MiB, memcap / MiB,
                 json.dumps(counts, sort_keys=True)))
        for what, ok in checks:
            print("   %s %s" % ("ok  " if ok else "FAIL", what))
            passed += ok
            failed += not ok
        if rc != 0 or rc0 != 0:
            sys.stdout.write("   stderr: " + (err or err0)[-2000:] + "\n")
        rows.append((name, secs, rss, budget))
    print()
    print("| run | seconds | peak RSS MiB | budget MiB |")
    print("|---|---|---|---|")
    for name, secs, rss, budget in rows:
        print("| %s | %.1f | %.1f | %.1f |" % (name, secs, rss / MiB, budget / MiB))
    print("memcap: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
