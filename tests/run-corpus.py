#!/usr/bin/python3
"""run-corpus.py -- run walletwatch over public captures it was not written for.

Usage: /usr/bin/python3 tests/run-corpus.py [--bin PATH] [--keep] DIR [NAME ...]
       (make test-corpus CORPUS=DIR)

DIR absent: prints "test-corpus: DIR not found, skipped" and exits 0.
Otherwise, for every *.pcap / *.pcapng in DIR (sorted; only files whose name
contains one of NAME when given):

1. `BIN -r FILE --eve TMP` with a 300 s timeout must exit 0, without any
   AddressSanitizer / LeakSanitizer / UndefinedBehaviorSanitizer report on
   stderr; every line of TMP is a JSON object; tests/eve-validate.py accepts
   the file.
2. TCP conversations: `tshark -n -r FILE -q -z conv,tcp` lists the TCP
   conversations as address:port pairs; the set of unordered endpoint pairs
   of the TCP `flow` events must equal tshark's set (addresses normalised
   with ipaddress: tshark prints IPv6 compressed, walletwatch uncompressed).

3. Protocol expectations (EXPECT below): the cleartext messaging captures
   give unencrypted `messaging` events, the STARTTLS one only encrypted
   sessions, the bitcoind RPC capture `wallet` events with methods and the
   HTTP Basic user, the mixed LAN capture http, dns and tls events.

Per file it prints the conversation count from tshark, the TCP flow count
from walletwatch, and the pairs missing / extra. Only missing or extra pairs
(and step 1) fail a file. Differences in multiplicity are reported as notes,
not failures: one tshark conversation may legitimately be several flows
(TCP port reuse after a close; the same conversation on two VLANs, which
tshark merges and walletwatch keys apart; a flow that timed out and
resumed), and tshark can list a pair walletwatch counts once.

Ends with "corpus: N passed, M failed"; exits 1 if any failed.
"""

import argparse
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 300
HERE = os.path.dirname(os.path.abspath(__file__))
VALIDATOR = os.path.join(HERE, "eve-validate.py")
PYTHON = "/usr/bin/python3"
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")


class Fail(Exception):
    pass


def split_endpoint(s):
    """'10.0.0.1:80', 'fd00::1:80' or '[fd00::1]:80' -> (ip_address, port)."""
    if s.startswith("["):
        addr, _, port = s[1:].partition("]:")
    else:
        addr, _, port = s.rpartition(":")
    return ipaddress.ip_address(addr), int(port)


def pair(a, b):
    return frozenset((a, b)) if a != b else frozenset((a,))


def fmt_ep(ep):
    ip, port = ep
    return ("[%s]:%d" % (ip.compressed, port)) if ip.version == 6 else "%s:%d" % (ip, port)


def fmt_pair(p):
    eps = sorted(p, key=lambda e: (e[0].version, int(e[0]), e[1]))
    if len(eps) == 1:
        eps = eps * 2
    return "%s <-> %s" % (fmt_ep(eps[0]), fmt_ep(eps[1]))


def tshark_convs(path):
    try:
        p = subprocess.run(["tshark", "-n", "-r", path, "-q", "-z", "conv,tcp"],
                           capture_output=True, timeout=TIMEOUT)
    except FileNotFoundError:
        raise Fail("tshark not installed")
    except subprocess.TimeoutExpired:
        raise Fail("tshark timed out")
    convs = {}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "<->":
            try:
                a, b = split_endpoint(parts[0]), split_endpoint(parts[2])
            except ValueError:
                continue
            k = pair(a, b)
            convs[k] = convs.get(k, 0) + 1
    if p.returncode != 0 and not convs:
        raise Fail("tshark exit %d: %s" % (p.returncode, p.stderr.decode("utf-8", "replace").strip()[:200]))
    return convs


def read_events(path):
    events = []
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:
                ev = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise Fail("eve line %d does not parse: %s" % (n, e))
            if not isinstance(ev, dict):
                raise Fail("eve line %d is not a JSON object" % n)
            events.append(ev)
    return events


def sanitizer_report(text):
    for mark in SANITIZER_MARKS:
        if mark in text:
            i = text.index(mark)
            return text[text.rfind("\n", 0, i) + 1:].splitlines()[0][:200]
    return None


# file -> checks on its events: (description, predicate over the event list).
def _messaging(events, encrypted):
    return [e for e in events if e.get("event_type") == "messaging"
            and e["messaging"].get("encrypted") == encrypted]


def _cleartext(events):
    return len(_messaging(events, False)) > 0 and not _messaging(events, True)


EXPECT = {
    "ndpi-jabber.pcap": [("cleartext XMPP messages", _cleartext)],
    "ndpi-irc.pcap": [("cleartext IRC messages", _cleartext)],
    "ndpi-smtp.pcap": [("a cleartext mail", _cleartext)],
    "zeek-mqtt.pcap": [("cleartext MQTT publishes", _cleartext)],
    "zeek-websocket.pcap": [("cleartext WebSocket frames", _cleartext)],
    "ndpi-smtp-starttls.pcap": [
        ("only encrypted sessions",
         lambda ev: len(_messaging(ev, True)) > 0 and not _messaging(ev, False))],
    "nesfit-cgminer-bitcoind-rpc.pcapng": [
        ("wallet calls with methods and the HTTP Basic user",
         lambda ev: any(e.get("event_type") == "wallet" and e["wallet"].get("method")
                        and (e["wallet"].get("caller") or {}).get("user") for e in ev))],
    "ntopng-test_01-mixed.pcap": [
        ("http, dns and tls events",
         lambda ev: {"http", "dns", "tls"} <= {e.get("event_type") for e in ev})],
}


def run_file(path, args, tmp_root):
    name = os.path.basename(path)
    tmp = tempfile.mkdtemp(prefix=name + ".", dir=tmp_root)
    eve = os.path.join(tmp, "eve.json")
    cmd = [args.bin, "-r", path, "--eve", eve]
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Fail("timed out after %d s" % TIMEOUT)
    except OSError as e:
        raise Fail("cannot run %s: %s" % (args.bin, e))
    stderr = p.stderr.decode("utf-8", "replace")
    with open(os.path.join(tmp, "stderr.txt"), "w") as f:
        f.write(stderr)
    san = sanitizer_report(stderr)
    if san:
        raise Fail("sanitizer report: %s" % san)
    problems = []
    if p.returncode != 0:
        last = stderr.strip().splitlines()[-1:] or [""]
        problems.append("exit status %d (stderr: %s)" % (p.returncode, last[0][:200]))
    if not os.path.exists(eve):
        problems.append("no eve output written")
        raise Fail("; ".join(problems))
    events = read_events(eve)
    if not os.path.exists(VALIDATOR):
        problems.append("tests/eve-validate.py not found")
    else:
        v = subprocess.run([PYTHON, VALIDATOR, eve], capture_output=True, timeout=TIMEOUT)
        if v.returncode != 0:
            out = (v.stdout + v.stderr).decode("utf-8", "replace").strip().splitlines()
            problems.append("eve-validate.py exit %d (%d lines): %s"
                            % (v.returncode, len(out), " | ".join(out[:3])))

    for what, ok in EXPECT.get(name, []):
        if not ok(events):
            problems.append("expected " + what)

    convs = tshark_convs(path)
    flows = {}
    for ev in events:
        if ev.get("event_type") != "flow" or ev.get("proto") != "TCP":
            continue
        try:
            a = (ipaddress.ip_address(ev["src_ip"]), int(ev["src_port"]))
            b = (ipaddress.ip_address(ev["dest_ip"]), int(ev["dest_port"]))
        except (KeyError, ValueError, TypeError) as e:
            problems.append("TCP flow event without usable endpoints (%s)" % e)
            continue
        k = pair(a, b)
        flows[k] = flows.get(k, 0) + 1
    missing = sorted(set(convs) - set(flows), key=fmt_pair)
    extra = sorted(set(flows) - set(convs), key=fmt_pair)
    notes = []
    for k in sorted(set(convs) & set(flows), key=fmt_pair):
        if convs[k] != flows[k]:
            notes.append("%s: tshark %d conversation(s), walletwatch %d flow(s)"
                         % (fmt_pair(k), convs[k], flows[k]))
    summary = ("conversations tshark %d / flows walletwatch %d (%d pairs) / missing %d / extra %d"
               % (sum(convs.values()), sum(flows.values()), len(flows), len(missing), len(extra)))
    if missing:
        problems.append("missing: " + ", ".join(fmt_pair(k) for k in missing[:10])
                        + (" ..." if len(missing) > 10 else ""))
    if extra:
        problems.append("extra: " + ", ".join(fmt_pair(k) for k in extra[:10])
                        + (" ..." if len(extra) > 10 else ""))
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary, notes, problems


def main():
    ap = argparse.ArgumentParser(description="walletwatch corpus test")
    ap.add_argument("--bin", default="./walletwatch")
    ap.add_argument("--keep", action="store_true", help="keep the outputs")
    ap.add_argument("dir")
    ap.add_argument("filters", nargs="*")
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        print("test-corpus: %s not found, skipped" % args.dir)
        return 0
    files = sorted(f for f in os.listdir(args.dir)
                   if f.endswith((".pcap", ".pcapng")) and os.path.isfile(os.path.join(args.dir, f)))
    if args.filters:
        files = [f for f in files if any(x in f for x in args.filters)]
    tmp_root = tempfile.mkdtemp(prefix="ww-corpus.")
    passed = failed = 0
    for f in files:
        try:
            summary, notes, problems = run_file(os.path.join(args.dir, f), args, tmp_root)
        except Fail as e:
            summary, notes, problems = None, [], [str(e)]
        except OSError as e:
            summary, notes, problems = None, [], ["runner error: %s" % e]
        if problems:
            failed += 1
            print("FAIL %s: %s%s" % (f, "; ".join(problems), (" [%s]" % summary) if summary else ""), flush=True)
        else:
            passed += 1
            print("ok %s: %s" % (f, summary), flush=True)
        for n in notes:
            print("  note %s: %s" % (f, n), flush=True)
    if args.keep:
        print("outputs kept in %s" % tmp_root)
    else:
        shutil.rmtree(tmp_root, ignore_errors=True)
    print("corpus: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
