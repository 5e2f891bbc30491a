#!/usr/bin/python3
"""craft-wallet-policy-pcaps.py -- the wallet-policy and transfer-tampering
scenarios, crafted with scapy on tools/craft-pcaps.py's Capture and
TcpSession (deterministic: fixed clock, sequence numbers and payloads).

  pcaps/wallet-policy-violations  bitcoind JSON-RPC calls against the policy
      in pcaps/wallet-policy-violations/policy.json, one violation each
      (see that README for the table)
  pcaps/wallet-tamper             an internal SMTP mail asks for 12.5 BTC to
      address A (ticket TX-2024-001); ten minutes later bitcoind's
      sendtoaddress pays 12.5 BTC to address B -> wallet.destination_mismatch;
      a control send of 12.5 BTC to A -> nothing; two mails with the same
      request id REQ-77 and different addresses -> wallet.request_destination_changed
  pcaps/wallet-policy-workers     windows that span address pairs: sends by three
      callers to two nodes against one per-asset window, one caller's calls and
      one user's authentication failures spread over both nodes (policy.json
      there); with --workers N the pairs land on different workers

Usage: /usr/bin/python3 tools/craft-wallet-policy-pcaps.py [PCAPS_DIR]   (default: pcaps)
"""
import base64
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("craft_pcaps", os.path.join(HERE, "craft-pcaps.py"))
cp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cp)

T0 = 1717149600  # 2024-05-31 10:00:00 UTC (inside 08:00-18:00)

# Checksum-valid addresses (the classifier ignores invalid ones).
ADDR_A = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
ADDR_B = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"  # BIP173 P2WPKH vector
ADDR_C = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"  # genesis block
ADDR_D = "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"  # SLIP-0132 m/44'/0'/0'/0/0
ADDR_E = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"  # SLIP-0132 m/84'/0'/0'/0/0


class ClockCapture(cp.Capture):
    """craft-pcaps' Capture with a clock the scenario sets (1 ms per frame)."""

    def __init__(self):
        super().__init__()
        self.now_us = T0 * 1000000

    def at(self, seconds):
        self.now_us = max(self.now_us, (T0 + seconds) * 1000000)

    def add(self, frame, flow=None, direction=None, count_len=None):
        self.now_us += 1000
        self.frames.append((self.now_us, bytes(frame)))
        return len(self.frames)


PORTS = iter(range(41000, 42000))


def conversation(cap, cli, srv, sport, turns):
    """Handshake, (from_client, bytes) turns each ACKed, FIN both ways."""
    s = cp.TcpSession(cap, None, cli=cli, srv=srv, cport=next(PORTS), sport=sport)
    s.handshake()
    for from_client, data in turns:
        for i in range(0, len(data), 1400):
            s.data(from_client, data[i:i + 1400])
        s.ack(not from_client)
    s.close()


def rpc(method, params, rid, user=None, srv="10.40.0.40"):
    body = json.dumps({"jsonrpc": "1.0", "id": rid, "method": method, "params": params},
                      separators=(",", ":")).encode()
    head = ["POST / HTTP/1.1", "Host: %s:8332" % srv, "Content-Type: application/json"]
    if user:
        head.append("Authorization: Basic " + base64.b64encode(
            (user + ":crafted-not-a-password").encode()).decode())
    head.append("Content-Length: %d" % len(body))
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def reply(rid, result, status="200 OK"):
    body = b"" if status.startswith("401") else json.dumps(
        {"result": result, "error": None, "id": rid}, separators=(",", ":")).encode() + b"\n"
    return ("HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
            % (status, len(body))).encode() + body


TXID = "5e" * 32


def call(cap, cli, method, params, result, user=None, srv="10.40.0.40", status="200 OK"):
    conversation(cap, cli, srv, 8332, [(True, rpc(method, params, 1, user, srv)),
                                       (False, reply(1, result, status))])


def mail(cap, cli, srv, sender, body):
    msg = ("From: %s\r\nTo: treasury@corp.example\r\nSubject: transfer\r\n\r\n%s\r\n.\r\n"
           % (sender, body)).encode()
    conversation(cap, cli, srv, 25, [
        (False, b"220 mail.corp.example ESMTP Postfix\r\n"),
        (True, b"EHLO ws.corp.example\r\n"), (False, b"250 mail.corp.example\r\n"),
        (True, ("MAIL FROM:<%s>\r\n" % sender).encode()), (False, b"250 2.1.0 Ok\r\n"),
        (True, b"RCPT TO:<treasury@corp.example>\r\n"), (False, b"250 2.1.5 Ok\r\n"),
        (True, b"DATA\r\n"), (False, b"354 End data with <CR><LF>.<CR><LF>\r\n"),
        (True, msg), (False, b"250 2.0.0 Ok: queued\r\n"),
        (True, b"QUIT\r\n"), (False, b"221 2.0.0 Bye\r\n")])


POLICY = {
    "comment": "the policy of pcaps/wallet-policy-violations",
    "version": 1,
    "servers": ["10.40.0.40"],
    "home_net_only": True,
    "classes": {
        "read": {"callers": ["10.40.0.0/24"]},
        "send": {"callers": ["treasury@10.40.0.41"], "hours": "08:00-18:00"},
        "key": {"callers": []},
        "admin": {"callers": ["10.40.0.5"]},
    },
    "assets": {
        "BTC": {"destinations": [ADDR_A, ADDR_B], "max_per_call": "5", "max_per_window": "8",
                "window_seconds": 86400},
    },
    "rate_limit": {"calls": 5, "seconds": 60},
    "auth_failures": {"count": 3, "seconds": 60},
}


def violations():
    c = ClockCapture()
    t = "10.40.0.41"
    c.at(0)
    call(c, t, "sendtoaddress", [ADDR_A, 1], TXID, user="treasury")      # allowed
    c.at(30)
    call(c, t, "sendtoaddress", [ADDR_C, 1], TXID, user="treasury")      # destination
    c.at(60)
    call(c, t, "sendtoaddress", [ADDR_A, 6], TXID, user="treasury")      # call cap (window 8)
    c.at(90)
    call(c, t, "sendtoaddress", [ADDR_B, 0.5], TXID, user="treasury")    # window 8.5 > 8
    c.at(120)
    call(c, "10.50.0.9", "getbalance", [], 1.5)                          # caller
    c.at(180)
    call(c, "10.40.0.30", "dumpprivkey", [ADDR_A], "cNotARealKey")       # class (+9101000)
    c.at(300)
    s = cp.TcpSession(c, None, cli="10.40.0.30", srv="10.40.0.40", cport=next(PORTS), sport=8332)
    s.handshake()
    for i in range(6):                                                   # 6th: rate
        s.data(True, rpc("getblockcount", [], i + 1))
        s.ack(False)
        s.data(False, reply(i + 1, 840000 + i))
        s.ack(True)
    s.close()
    c.at(420)
    for i in range(3):                                                   # 3rd: auth burst
        call(c, "10.40.0.31", "getbalance", [], None, user="ops", status="401 Unauthorized")
    c.at(480)
    call(c, "198.51.100.7", "getblockcount", [], 840010)                 # outside, caller
    c.at(540)
    call(c, "10.40.0.5", "walletlock", [], None, srv="10.40.0.99")       # unknown server (admin)
    c.at(40 * 3600)  # 2024-06-02 02:00 UTC: the window has passed, the hours have not
    call(c, t, "sendtoaddress", [ADDR_A, 0.1], TXID, user="treasury")    # hours
    return c


def tamper():
    c = ClockCapture()
    c.at(0)
    mail(c, "10.30.0.21", "10.30.0.25", "ops-lead@corp.example",
         "Ticket TX-2024-001: please send 12.5 BTC to %s today.\r\nThanks" % ADDR_A)
    c.at(600)  # the altered request is signed: same amount, the attacker's address
    call(c, "10.30.0.41", "sendtoaddress", [ADDR_B, 12.5], TXID, user="treasury",
         srv="10.30.0.40")
    c.at(700)  # control: the requested address
    call(c, "10.30.0.41", "sendtoaddress", [ADDR_A, 12.5], TXID, user="treasury",
         srv="10.30.0.40")
    c.at(900)
    mail(c, "10.30.0.22", "10.30.0.25", "desk@corp.example",
         "request id: REQ-77 -- send 3 BTC to %s" % ADDR_D)
    c.at(1000)
    mail(c, "10.30.0.22", "10.30.0.25", "desk@corp.example",
         "Correction for request id: REQ-77 -- send 3 BTC to %s" % ADDR_E)
    return c


WORKERS_POLICY = {
    "comment": "the policy of pcaps/wallet-policy-workers",
    "version": 1,
    "servers": ["10.60.0.40", "10.60.0.41"],
    "classes": {"read": {"callers": ["10.60.0.0/24"]}, "send": {"callers": ["10.60.0.0/24"]}},
    "assets": {"BTC": {"destinations": [ADDR_A, ADDR_B], "max_per_window": "8",
                       "window_seconds": 86400}},
    "rate_limit": {"calls": 4, "seconds": 60},
    "auth_failures": {"count": 3, "seconds": 60},
}


def policy_workers():
    c = ClockCapture()
    nodes = ["10.60.0.40", "10.60.0.41"]
    for i, (cli, node, addr) in enumerate((("10.60.0.11", nodes[0], ADDR_A),
                                           ("10.60.0.12", nodes[1], ADDR_B),
                                           ("10.60.0.13", nodes[0], ADDR_A))):
        c.at(10 * i)  # 3 + 3 + 3 BTC: the third send takes the window to 9 > 8
        call(c, cli, "sendtoaddress", [addr, 3], TXID, srv=node)
    for i in range(5):  # one caller, both nodes: the 5th call is over 4 per 60 s
        c.at(100 + 5 * i)
        call(c, "10.60.0.21", "getblockcount", [], 840000 + i, srv=nodes[i % 2])
    for i in range(3):  # one user's failures on both nodes: the 3rd is a burst
        c.at(200 + 5 * i)
        call(c, "10.60.0.31", "getbalance", [], None, user="ops", srv=nodes[i % 2],
             status="401 Unauthorized")
    return c


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    for name, fn, policy in (("wallet-policy-violations", violations, POLICY),
                             ("wallet-tamper", tamper, None),
                             ("wallet-policy-workers", policy_workers, WORKERS_POLICY)):
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        fn().write(os.path.join(d, "input.pcap"))
        if policy:
            with open(os.path.join(d, "policy.json"), "w") as f:
                json.dump(policy, f, indent=2)
                f.write("\n")
        print("wrote", os.path.join(d, "input.pcap"))


if __name__ == "__main__":
    main()
