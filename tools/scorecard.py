#!/usr/bin/python3
"""scorecard.py -- the alerts expected and raised, per scenario and corpus capture.

Usage: /usr/bin/python3 tools/scorecard.py [--bin PATH] [--corpus DIR] [PCAPS_DIR]
       (make scorecard [CORPUS=DIR])

Scenarios: every PCAPS_DIR/<name>/test.json (default pcaps/). walletwatch runs
on input.pcap from the repository root, so it loads the shipped signatures/
unless the test's own "args" name rules (-S); other args (--set, -c ...) are
kept too. Expected alerts come from the test's checks on event_type "alert"
with an alert.signature_id: their counts are added up per sid (a check with
count 0 expects none). A scenario with no such check expects no alert.

Corpus (--corpus DIR, every *.pcap / *.pcapng, read with the shipped
signatures): EXPECT below says which sids each capture should raise (a group
of sids counts as found when any of them fires) and which it may raise. A
capture missing from EXPECT is listed, unscored.

Per sid:  TP = min(expected, raised), FP = raised beyond what is expected,
miss = expected beyond what was raised (for corpus groups: a miss when no sid
of the group fired; every alert of an expected or allowed sid is a TP). The
"expected" column counts alerts for scenarios and groups for corpus captures.

Prints one block per capture (its sids with expected / raised), then a table
and the totals. Exits 0 whatever the score; 1 only when a run crashes (a
signal, an unexpected exit status, a sanitizer report, or a timeout).
"""

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

TIMEOUT = 300
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                   "SUMMARY: UndefinedBehaviorSanitizer")

CLEARTEXT_MESSAGING = ("cleartext messaging", {9100000, 9100001, 9100002, 9100003, 9100004,
                                               9100005, 9100010})
CLEARTEXT_LOGIN = ("cleartext login", {9100050})

# capture (file name without extension) -> (groups that must fire, other sids allowed, note)
EXPECT = {
    "ndpi-jabber": ([CLEARTEXT_MESSAGING], set(), "XMPP c2s without STARTTLS"),
    "ndpi-irc": ([CLEARTEXT_MESSAGING], set(), "IRC in clear"),
    "ndpi-smtp": ([CLEARTEXT_MESSAGING], set(), "SMTP without STARTTLS"),
    "zeek-mqtt": ([CLEARTEXT_MESSAGING], set(), "MQTT publish in clear"),
    "zeek-websocket": ([CLEARTEXT_MESSAGING], set(), "WebSocket text frames in clear"),
    "ndpi-smtp-starttls": ([], set(), "upgraded with STARTTLS: nothing"),
    "ndpi-telnet": ([CLEARTEXT_LOGIN], set(), "telnet login: a password in clear"),
    "ndpi-ftp": ([CLEARTEXT_LOGIN], set(), "FTP USER/PASS in clear"),
    "nesfit-cgminer-bitcoind-rpc": ([], set(), "an internal miner's getwork calls: nothing"),
    "ndpi-jsonrpc": ([], set(), "JSON-RPC that is not a wallet API: nothing"),
    "ndpi-ethereum": ([], set(), "devp2p, no wallet API: nothing"),
    "corelight-caldera-sandcat": ([], set(), "internal C2 on one keep-alive connection: "
                                  "not beaconing by flow starts, no indicator"),
    "ndpi-emotet": ([CLEARTEXT_LOGIN], set(), "Emotet spamming through SMTP AUTH in clear "
                    "(submission port 587): the login is flagged, nothing TraderTraitor"),
    "ndpi-dns-tunnel-iodine": ([], set(), "DNS tunnel: nothing in this pack"),
    "ntopng-test_01-mixed": ([], set(), "ordinary LAN traffic: nothing"),
    "sv-split-handshake-4whs": ([], set(), "TCP edge case: nothing"),
    "sv-tcp-overlap": ([], set(), "TCP edge case: nothing"),
    "sv-tcp-simple-gap2": ([], set(), "TCP edge case: nothing"),
    "zeek-tcp-reassembly": ([], set(), "TCP edge case: nothing"),
    "zeek-http-qinq": ([], set(), "HTTP in QinQ: nothing"),
    "zeek-mixed-vlan-mpls": ([], set(), "encapsulations: nothing"),
    "zeek-ipv6-http-atomic-frag": ([], set(), "HTTP over IPv6: nothing"),
}


class Crash(Exception):
    pass


def run(binary, pcap, args, want_rc=0):
    """Runs walletwatch; returns Counter(sid -> alerts) and the signature names."""
    with tempfile.TemporaryDirectory(prefix="ww-scorecard-") as tmp:
        cmd = [binary, "-r", pcap, "-l", tmp] + list(args)
        try:
            p = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise Crash("timed out after %d s" % TIMEOUT)
        err = p.stderr.decode("utf-8", "replace")
        for mark in SANITIZER_MARKS:
            if mark in err:
                raise Crash("sanitizer report: " + mark)
        if p.returncode < 0:
            raise Crash("killed by signal %d" % -p.returncode)
        if p.returncode != want_rc:
            raise Crash("exit status %d (want %d): %s" % (p.returncode, want_rc,
                                                          err.strip().splitlines()[-1:] or ""))
        raised, names = collections.Counter(), {}
        path = os.path.join(tmp, "eve.json")
        if os.path.exists(path):
            with open(path, "rb") as f:
                for line in f:
                    ev = json.loads(line)
                    if ev.get("event_type") == "alert":
                        sid = ev["alert"]["signature_id"]
                        raised[sid] += 1
                        names[sid] = ev["alert"].get("signature", "")
        return raised, names


def expected_from_test(test):
    exp = collections.Counter()
    for c in test.get("checks", []):
        m = c.get("match", {})
        if m.get("event_type") == "alert" and "alert.signature_id" in m:
            exp[m["alert.signature_id"]] += c.get("count", 1)
    return exp


def score_exact(expected, raised):
    rows, tp, fp, miss = [], 0, 0, 0
    for sid in sorted(set(expected) | set(raised)):
        e, r = expected.get(sid, 0), raised.get(sid, 0)
        if e == 0 and r == 0:
            continue
        t, f, m = min(e, r), max(0, r - e), max(0, e - r)
        tp, fp, miss = tp + t, fp + f, miss + m
        rows.append((sid, str(e), r, "FP" if f else "miss" if m else "ok"))
    return rows, sum(expected.values()), tp, fp, miss


def score_groups(groups, allowed, raised):
    ok_sids = set(allowed)
    rows, tp, fp, miss = [], 0, 0, 0
    for label, sids in groups:
        ok_sids |= sids
        if not any(raised.get(s) for s in sids):
            miss += 1
            rows.append(("-", "any of " + label, 0, "miss"))
    for sid in sorted(raised):
        r = raised[sid]
        if sid in ok_sids:
            tp += r
            rows.append((sid, "yes", r, "ok"))
        else:
            fp += r
            rows.append((sid, "0", r, "FP"))
    return rows, len(groups), tp, fp, miss


def scenarios(pcaps_dir):
    for name in sorted(os.listdir(pcaps_dir)):
        tj = os.path.join(pcaps_dir, name, "test.json")
        pcap = os.path.join(pcaps_dir, name, "input.pcap")
        if os.path.isfile(tj) and os.path.isfile(pcap):
            yield name, tj, pcap


def print_block(title, note, rows, names):
    print("%s%s" % (title, "  (%s)" % note if note else ""))
    for sid, e, r, verdict in rows:
        label = names.get(sid, "")
        print("    %-8s expected %-22s raised %-4d %-4s %s" % (sid, e, r, verdict, label[:70]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", default="./walletwatch")
    ap.add_argument("--corpus", help="a folder of public captures")
    ap.add_argument("pcaps", nargs="?", default="pcaps")
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    table, crashes = [], []

    def one(label, note, pcap, args, want_rc, scorer):
        try:
            raised, names = run(binary, os.path.abspath(pcap), args, want_rc)
        except Crash as e:
            crashes.append((label, str(e)))
            print("%s  CRASH: %s" % (label, e))
            return
        rows, exp_total, tp, fp, miss = scorer(raised)
        print_block(label, note, rows, names)
        table.append((label, exp_total, sum(raised.values()), tp, fp, miss))

    for name, tj, pcap in scenarios(a.pcaps):
        with open(tj) as f:
            test = json.load(f)
        exp = expected_from_test(test)
        one("pcaps/" + name, "", pcap, test.get("args", []), test.get("exit_code", 0),
            lambda raised, exp=exp: score_exact(exp, raised))

    if a.corpus:
        if not os.path.isdir(a.corpus):
            print("scorecard: corpus %s not found, skipped" % a.corpus)
        else:
            for fname in sorted(os.listdir(a.corpus)):
                if not fname.endswith((".pcap", ".pcapng")):
                    continue
                stem = fname.rsplit(".", 1)[0]
                label = "corpus/" + fname
                if stem in EXPECT:
                    groups, allowed, note = EXPECT[stem]
                    scorer = (lambda raised, g=groups, al=allowed: score_groups(g, al, raised))
                else:
                    note = "no expectation: unscored"
                    scorer = (lambda raised: ([(s, "?", r, "") for s, r in sorted(raised.items())],
                                              0, 0, 0, 0))
                one(label, note, os.path.join(a.corpus, fname), [], 0, scorer)

    print()
    w = max([len(r[0]) for r in table] + [len("capture")])
    print("%-*s %8s %7s %5s %5s %5s" % (w, "capture", "expected", "raised", "TP", "FP", "miss"))
    tot = [0, 0, 0, 0, 0]
    for label, e, r, tp, fp, miss in table:
        print("%-*s %8s %7d %5d %5d %5d" % (w, label, e, r, tp, fp, miss))
        for i, v in enumerate((e, r, tp, fp, miss)):
            tot[i] += v
    print("%-*s %8d %7d %5d %5d %5d" % (w, "total", *tot))
    print("scorecard: %d captures, %d true positives, %d false positives, %d misses%s"
          % (len(table), tot[2], tot[3], tot[4],
             ", %d crashed" % len(crashes) if crashes else ""))
    for label, why in crashes:
        print("CRASH %s: %s" % (label, why))
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
