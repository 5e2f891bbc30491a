#!/usr/bin/python3
"""run-live.py -- live capture end to end on the loopback interface.

1. capture: `walletwatch -i lo --eve FILE tcp port PORT`, one TCP session
   on 127.0.0.1:PORT, SIGHUP after moving eve.json away (the file must be
   reopened), then SIGINT: exit 0; the session's `flow` event; `stats` with
   capture counters; nothing outside the BPF filter.
2. reload: rules file A alerts on the request; it is rewritten to alert on
   the response and SIGUSR2 sent; then it is removed and SIGUSR2 sent again
   (a failed reload keeps the rules). Three sessions: exactly one alert of
   sid 1000101 (session 1) and two of sid 1000102 (sessions 2 and 3).
Needs root (CAP_NET_RAW); skipped otherwise. Prints "live: N passed, M failed".
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "./walletwatch"


def session(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)

    def serve():
        c, _ = srv.accept()
        c.recv(100)
        c.sendall(b"PONG-RESPONSE")
        c.close()

    t = threading.Thread(target=serve)
    t.start()
    cli = socket.create_connection(("127.0.0.1", port))
    cli.sendall(b"PING-REQUEST")
    cli.recv(100)
    cli.close()
    t.join()
    srv.close()
    return cli


def events(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def test_reload(port):
    fails = []
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        rules = os.path.join(tmp, "live.rules")
        with open(rules, "w") as f:
            f.write('alert tcp any any -> any any (msg:"request"; content:"PING-REQUEST"; '
                    'sid:1000101;)\n')
        p = subprocess.Popen([BIN, "-i", "lo", "--eve", eve, "-S", rules, "-v",
                              "tcp", "port", str(port)], stderr=subprocess.PIPE)
        time.sleep(1.5)
        session(port)
        time.sleep(0.5)
        with open(rules, "w") as f:
            f.write('alert tcp any any -> any any (msg:"response"; content:"PONG-RESPONSE"; '
                    'sid:1000102;)\n')
        p.send_signal(signal.SIGUSR2)
        time.sleep(1.0)
        session(port)
        time.sleep(0.5)
        os.unlink(rules)
        p.send_signal(signal.SIGUSR2)
        time.sleep(1.0)
        session(port)
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            return ["reload: no exit 20 s after SIGINT"]
        err = err.decode(errors="replace")
        alerts = [e["alert"]["signature_id"] for e in events(eve) if e["event_type"] == "alert"]
        if sorted(alerts) != [1000101, 1000102, 1000102]:
            fails.append("reload: alerts %s, want [1000101, 1000102, 1000102]" % alerts)
        if "reloaded: 1 rules loaded" not in err or "reload failed" not in err:
            fails.append("reload: stderr lacks the reload messages: %s" % err)
    return fails


def main():
    if os.geteuid() != 0:
        print("live: skipped (needs root for capture on lo)")
        return 0
    port = 45678
    fails = test_reload(port + 10)
    with tempfile.TemporaryDirectory() as tmp:
        eve = os.path.join(tmp, "eve.json")
        p = subprocess.Popen([BIN, "-i", "lo", "--eve", eve, "-S", "/dev/null", "tcp", "port",
                              str(port)], stderr=subprocess.PIPE)
        time.sleep(1.5)  # capture handle open and filter set
        session(port)
        session(port + 1)  # outside the filter
        time.sleep(0.5)
        os.rename(eve, eve + ".1")  # logrotate
        p.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        try:
            _, err = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            print("FAIL live: no exit 20 s after SIGINT")
            print("live: 0 passed, 1 failed")
            return 1
        if p.returncode != 0:
            fails.append("exit status %d: %s" % (p.returncode, err.decode(errors="replace")))
        if not os.path.exists(eve):
            fails.append("eve.json was not reopened after SIGHUP")
            evs = []
        else:
            evs = events(eve + ".1") + events(eve)
        flows = [e for e in evs if e["event_type"] == "flow"]
        mine = [f for f in flows if f.get("dest_port") == port]
        if len(flows) != 1 or len(mine) != 1:
            fails.append("want exactly one flow event (port %d), got %s"
                         % (port, [(f.get("src_port"), f.get("dest_port")) for f in flows]))
        else:
            f = mine[0]
            if f["src_ip"] != "127.0.0.1" or f["flow"]["reason"] != "shutdown":
                fails.append("flow event fields: %s" % f)
            if f["flow"]["pkts_toserver"] < 3 or f["flow"]["pkts_toclient"] < 2:
                fails.append("flow counters: %s" % f["flow"])
        stats = [e for e in evs if e["event_type"] == "stats"]
        if not stats or "kernel_packets" not in stats[-1]["stats"].get("capture", {}):
            fails.append("no final stats with capture counters")
        elif stats[-1]["stats"]["capture"]["kernel_drops"] != 0:
            fails.append("kernel drops: %s" % stats[-1]["stats"]["capture"])
    for msg in fails:
        print("FAIL live: " + msg)
    nfail = len({m.split(":")[0] == "reload" for m in fails})
    print("live: %d passed, %d failed" % (2 - nfail, nfail))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
