#!/usr/bin/python3
"""run-pcaps.py -- the pcap regression suite.

Usage: /usr/bin/python3 tests/run-pcaps.py [--bin PATH] [--follow PATH] [--keep]
                                            PCAPS_DIR [SCENARIO ...]

For every PCAPS_DIR/<scenario>/test.json (sorted by name; only the named
scenarios when some are given, a name matching exactly or as a substring)
it runs `BIN -r PCAPS_DIR/<scenario>/input.pcap -l TMPDIR [args...]` in its
own process with a 60 s timeout and checks TMPDIR/eve.json against test.json:

  "args":         extra command-line arguments (list), default []
  "exit_code":    expected exit status, default 0
  "stderr":       substrings that must all appear in stderr
  "absent_strings": secrets of the capture that must appear neither in
                  eve.json nor in stderr (keys, seeds, passwords, cookies)
  "event_counts": {"flow": 1, "stats": 1, ...}: exact count per event_type;
                  every event_type present in the output must be listed
  "checks":       [{"count": N, "match": {"dotted.key": value, ...}}]: exactly
                  N events whose fields equal every value. Dotted keys walk
                  nested objects ("flow.pkts_toserver"; "stats.decoder.pkts");
                  a numeric part indexes a list ("dns.queries.0.rrname");
                  the value null means "this key must be absent"
  "streams":      [{"src": "ip:port", "dst": "ip:port", "to_server": "text",
                  "to_client": "text", "to_server_gaps": N, "to_client_gaps": N}]
                  checked with ww-follow (see below); IPv6 as "[addr]:port"

Always: every line of eve.json is a JSON object, the file validates with
tests/eve-validate.py, and stderr holds no AddressSanitizer /
LeakSanitizer / UndefinedBehaviorSanitizer report.

Streams: `FOLLOW -e TMPDIR/follow-eve.json [-s KEY=VALUE for each --set in
args] input.pcap` prints one JSON line per
chunk {"flow_id", "dir": "to_server"|"to_client", "offset", "len", "gap",
"hex"}; its flow events map flow_id to the client -> server endpoints. The
chunks of each direction are joined in offset order, gaps rendered as
"[N bytes missing]" (like Suricata's payload logging), and compared exactly.

Prints "ok NAME" or "FAIL NAME: reason" per scenario, then
"pcaps: N passed, M failed"; exits 1 if any failed.
"""

import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60
HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATOR = os.path.join(HERE, "eve-validate.py")
PYTHON = "/usr/bin/python3"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")

MISSING = object()
SCHEMA_WARNED = []


class Fail(Exception):
    pass


def lookup(ev, dotted):
    cur = ev
    for part in dotted.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return MISSING
    return cur


def same(a, b):
    # JSON true must not equal 1, nor 1 equal 1.0 with a different type.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def matches(ev, match):
    for k, want in match.items():
        got = lookup(ev, k)
        if want is None:
            if got is not MISSING:
                return False
        elif got is MISSING or not same(got, want):
            return False
    return True


def near_miss(events, match):
    """Explains the closest event for a failed check: the keys it got wrong."""
    best = None
    for ev in events:
        if "event_type" in match and ev.get("event_type") != match["event_type"]:
            continue
        diffs = []
        for k, want in match.items():
            got = lookup(ev, k)
            if want is None:
                if got is not MISSING:
                    diffs.append("%s=%s (want absent)" % (k, json.dumps(got)))
            elif got is MISSING:
                diffs.append("%s missing (want %s)" % (k, json.dumps(want)))
            elif not same(got, want):
                diffs.append("%s=%s (want %s)" % (k, json.dumps(got), json.dumps(want)))
        if best is None or len(diffs) < len(best):
            best = diffs
    if best is None:
        return "no %s event at all" % match.get("event_type", "matching")
    return "closest differs: " + ", ".join(best)


def sanitizer_report(text):
    for mark in SANITIZER_MARKS:
        if mark in text:
            i = text.index(mark)
            return text[max(0, text.rfind("\n", 0, i) + 1): i + 200].splitlines()[0]
    return None


def read_events(path):
    events = []
    if not os.path.exists(path):
        raise Fail("%s was not written" % os.path.basename(path))
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                raise Fail("%s line %d is not UTF-8: %s" % (os.path.basename(path), n, e))
            if not line.endswith("\n"):
                raise Fail("%s line %d is not newline-terminated" % (os.path.basename(path), n))
            try:
                ev = json.loads(line)
            except ValueError as e:
                raise Fail("%s line %d is not JSON: %s" % (os.path.basename(path), n, e))
            if not isinstance(ev, dict):
                raise Fail("%s line %d is not a JSON object" % (os.path.basename(path), n))
            events.append(ev)
    return events


def validate(path):
    if not os.path.exists(VALIDATOR):
        raise Fail("tests/eve-validate.py not found")
    try:
        p = subprocess.run([PYTHON, VALIDATOR, path], capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("eve-validate.py timed out")
    if p.returncode == 2 and not SCHEMA_WARNED:
        # The schema lives beside the repository (../shared/anchors); without
        # it lines are still parsed and checked, only not schema-validated.
        SCHEMA_WARNED.append(True)
        print("note: Suricata EVE schema not found; schema validation skipped")
    elif p.returncode == 1:
        msg = (p.stdout + p.stderr).decode("utf-8", "replace").strip().splitlines()
        raise Fail("eve-validate.py exit %d: %s" % (p.returncode, " | ".join(msg[:3])))


def parse_endpoint(s):
    """'10.0.0.1:80' or '[fd00::1]:80' -> (ip_address, port)."""
    if s.startswith("["):
        addr, _, port = s[1:].partition("]:")
    else:
        addr, _, port = s.rpartition(":")
    return ipaddress.ip_address(addr), int(port)


def follow_sets(args):
    """The --set KEY=VALUE pairs of a test's args, as ww-follow -s options."""
    out = []
    for i, a in enumerate(args):
        if a == "--set" and i + 1 < len(args):
            out += ["-s", args[i + 1]]
    return out


def follow_streams(follow, pcap, tmp, args):
    evfile = os.path.join(tmp, "follow-eve.json")
    try:
        p = subprocess.run([follow, "-e", evfile] + follow_sets(args) + [pcap],
                           capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("ww-follow timed out after %d s" % TIMEOUT)
    err = p.stderr.decode("utf-8", "replace")
    san = sanitizer_report(err)
    if san:
        raise Fail("ww-follow sanitizer report: %s" % san)
    flows = {}
    for ev in read_events(evfile):
        if ev.get("event_type") == "flow" and "flow_id" in ev and "src_port" in ev:
            key = (ipaddress.ip_address(ev["src_ip"]), ev["src_port"],
                   ipaddress.ip_address(ev["dest_ip"]), ev["dest_port"])
            flows.setdefault(key, []).append(ev["flow_id"])
    chunks = {}
    for n, line in enumerate(p.stdout.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            c = json.loads(line)
            chunks.setdefault((c["flow_id"], c["dir"]), []).append(c)
        except (ValueError, KeyError, TypeError) as e:
            raise Fail("ww-follow output line %d unreadable (%s): %.80s" % (n, e, line))
    return flows, chunks, p.returncode


def render(chunks):
    text, gaps = [], 0
    for c in sorted(chunks, key=lambda c: c["offset"]):  # stable: arrival order on ties
        if c.get("gap"):
            gaps += 1
            text.append("[%d bytes missing]" % c["len"])
        else:
            text.append(bytes.fromhex(c.get("hex", "")).decode("latin-1"))
    return "".join(text), gaps


def check_streams(test, follow, pcap, tmp):
    if not follow or not os.access(follow, os.X_OK):
        raise Fail("ww-follow not found (%s); build it or pass --follow" % follow)
    flows, chunks, rc = follow_streams(follow, pcap, tmp, test.get("args", []))
    problems = []
    for st in test["streams"]:
        (sip, sport), (dip, dport) = parse_endpoint(st["src"]), parse_endpoint(st["dst"])
        ids = flows.get((sip, sport, dip, dport), [])
        if len(ids) != 1:
            rev = flows.get((dip, dport, sip, sport), [])
            problems.append("stream %s -> %s: %d flow events in ww-follow -e output%s"
                            % (st["src"], st["dst"], len(ids),
                               " (found reversed: client/server swapped)" if rev else ""))
            continue
        for d in ("to_server", "to_client"):
            text, gaps = render(chunks.get((ids[0], d), []))
            if d in st and text != st[d]:
                problems.append("stream %s -> %s %s: got %r, want %r" % (st["src"], st["dst"], d, text, st[d]))
            if d + "_gaps" in st and gaps != st[d + "_gaps"]:
                problems.append("stream %s -> %s %s: %d gaps, want %d"
                                % (st["src"], st["dst"], d, gaps, st[d + "_gaps"]))
    if problems:
        if rc != 0:
            problems.append("ww-follow exit status %d" % rc)
        raise Fail("; ".join(problems))


def run_one(name, sdir, args, tmp_root):
    with open(os.path.join(sdir, "test.json")) as f:
        test = json.load(f)
    pcap = os.path.join(sdir, "input.pcap")
    tmp = tempfile.mkdtemp(prefix=name + ".", dir=tmp_root)
    cmd = [args.bin, "-r", pcap, "-l", tmp] + list(test.get("args", []))
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("timed out after %d s: %s" % (TIMEOUT, " ".join(cmd)))
    except OSError as e:
        raise Fail("cannot run %s: %s" % (args.bin, e))
    stderr = p.stderr.decode("utf-8", "replace")
    with open(os.path.join(tmp, "stderr.txt"), "w") as f:
        f.write(stderr)
    problems = []

    san = sanitizer_report(stderr)
    if san:
        raise Fail("sanitizer report: %s" % san)
    want_rc = test.get("exit_code", 0)
    if p.returncode != want_rc:
        last = stderr.strip().splitlines()[-1:] or [""]
        problems.append("exit status %d, want %d (stderr: %s)" % (p.returncode, want_rc, last[0][:200]))
    for s in test.get("stderr", []):
        if s not in stderr:
            problems.append("stderr lacks %r" % s)

    eve = os.path.join(tmp, "eve.json")
    if test.get("absent_strings"):
        with open(eve, "rb") as f:
            raw = f.read().decode("utf-8", "replace")
        for secret in test["absent_strings"]:
            if secret in raw or secret in stderr:
                problems.append("a secret reached the output: %.12s..." % secret)
    try:
        events = read_events(eve)
    except Fail as e:
        problems.append(str(e))
        raise Fail("; ".join(problems))
    try:
        validate(eve)
    except Fail as e:
        problems.append(str(e))

    if "event_counts" in test:
        got = {}
        for ev in events:
            t = ev.get("event_type", "<none>")
            got[t] = got.get(t, 0) + 1
        want = test["event_counts"]
        for t in sorted(set(got) | set(want)):
            if got.get(t, 0) != want.get(t, 0):
                problems.append("%d %s events, want %d" % (got.get(t, 0), t, want.get(t, 0)))

    for i, chk in enumerate(test.get("checks", [])):
        n = sum(1 for ev in events if matches(ev, chk["match"]))
        if n != chk["count"]:
            what = chk["match"].get("event_type", "event")
            detail = "" if n > chk["count"] else "; " + near_miss(events, chk["match"])
            problems.append("check %d (%s): %d matching, want %d%s" % (i, what, n, chk["count"], detail))

    if test.get("streams"):
        try:
            check_streams(test, args.follow, pcap, tmp)
        except Fail as e:
            problems.append(str(e))

    if problems:
        raise Fail("; ".join(problems))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)


def default_follow(binpath):
    beside = os.path.join(os.path.dirname(binpath) or ".", "tools", "ww-follow")
    for cand in (beside, os.path.join("build", "tools", "ww-follow")):
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return os.path.join("build", "tools", "ww-follow")


def main():
    ap = argparse.ArgumentParser(description="walletwatch pcap regression suite")
    ap.add_argument("--bin", default="./walletwatch")
    ap.add_argument("--follow", default=None,
                    help="ww-follow binary (default: tools/ww-follow next to --bin, else build/tools/ww-follow)")
    ap.add_argument("--keep", action="store_true", help="keep each scenario's output directory")
    ap.add_argument("pcaps", nargs="?", default="pcaps")
    ap.add_argument("filters", nargs="*")
    args = ap.parse_args()
    if args.follow is None:
        args.follow = default_follow(args.bin)

    if not os.path.isdir(args.pcaps):
        print("run-pcaps: %s: no such directory" % args.pcaps, file=sys.stderr)
        return 2
    names = sorted(n for n in os.listdir(args.pcaps)
                   if os.path.isfile(os.path.join(args.pcaps, n, "test.json")))
    if args.filters:
        names = [n for n in names if any(f == n or f in n for f in args.filters)]
    tmp_root = tempfile.mkdtemp(prefix="ww-pcaps.")
    passed = failed = 0
    for name in names:
        try:
            run_one(name, os.path.join(args.pcaps, name), args, tmp_root)
            print("ok %s" % name, flush=True)
            passed += 1
        except Fail as e:
            print("FAIL %s: %s" % (name, e), flush=True)
            failed += 1
        except (OSError, ValueError, KeyError) as e:
            print("FAIL %s: runner error: %s: %s" % (name, type(e).__name__, e), flush=True)
            failed += 1
    if args.keep:
        print("outputs kept in %s" % tmp_root)
    else:
        shutil.rmtree(tmp_root, ignore_errors=True)
    print("pcaps: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
