#!/usr/bin/python3
"""craft-dmm-pcaps.py -- the DMM Bitcoin chain as one capture, and a benign day
of wallet operations on the same network, crafted with scapy (deterministic:
fixed timestamps, ports, sequence numbers and payloads).

  pcaps/dmm-chain    every link of the May 2024 DMM Bitcoin theft, each raising
                     its own alert with the shipped signatures (README.md maps
                     link -> sid; test.json holds the exact events):
      a. the developer workstation 10.20.0.15 fetches the fake recruiter's
         Python "pre-employment test" repository from github.com (cleartext
         HTTP to 140.82.112.3)                                    -> 9102033
      b. the test's loader resolves and contacts its C2 storage.hubpage.cloud
         (listed)                                          -> 9102000, 9102001
         then the second stage beacons every 60 s +- 2 s, 8 contacts, to an
         unlisted address (198.51.100.23:443, TLS)                -> 9102080
      c. over the internal cleartext XMPP chat (prosody 10.20.0.30:5222), the
         hijacked session on the workstation passes a session cookie
                                                           -> 9100000, 9100040
      d. the operations lead 10.20.0.21 asks in the same chat to "send 1500
         BTC to <address A>"                               -> 9100000, 9100020
      e. the operator host 10.20.0.41 calls sendtoaddress(<address B>, 1500)
         on bitcoind 10.20.0.40:8332 (the request was altered): what the
         transfer-tampering detector (wallet.destination_mismatch) needs
  pcaps/benign-day   the same network on a normal day: DNS for ordinary names,
                     TLS to internal services and a few external sites at
                     irregular times, bitcoind getbalance / listunspent /
                     sendtoaddress from the ops host, XMPP upgraded with
                     STARTTLS, internal NTP every 64 s and Prometheus scrapes
                     every 15 s (regular, but internal: not beaconing)
                     -> no alert.

Reuses the demo's helpers (tools/craft-demo-pcap.py: Cap, HTTP, TLS, RPC).

Usage: /usr/bin/python3 tools/craft-dmm-pcaps.py [PCAPS_DIR]   (default: pcaps)
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("craft_demo", os.path.join(HERE, "craft-demo-pcap.py"))
demo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(demo)

from scapy.all import wrpcap  # noqa: E402

T0 = 1717120800  # 2024-05-31T02:00:00Z, the day of the DMM Bitcoin theft

WS = "10.20.0.15"         # developer workstation (the fake recruiter's target)
DNS_SRV = "10.20.0.2"
NTP_SRV = "10.20.0.3"
PROM = "10.20.0.5"        # Prometheus
CHAT = "10.20.0.30"       # prosody, XMPP c2s on 5222
OPS_LEAD = "10.20.0.21"
OPERATOR = "10.20.0.22"
NODE = "10.20.0.40"       # bitcoind (JSON-RPC 8332)
OPS_HOST = "10.20.0.41"   # the host allowed to send
INTRANET = "10.20.0.50"   # internal HTTPS services
GITHUB = "140.82.112.3"
C2_LISTED = "203.0.113.80"
C2_BEACON = "198.51.100.23"

ADDRESS_A = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"   # the requested destination
ADDRESS_B = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"   # what was sent to instead
SESSION_COOKIE = "tc_session=Ymx1ZW5vcm9mZi1kbW0tZGVtby1zZXNzaW9uLTAwMQ"
RPC_AUTH = "b3BzOmRtbS1kZW1vLXJwYy1wYXNzd29yZA=="  # ops:dmm-demo-rpc-password
BEACON_JITTER = (0.0, 1.4, -1.8, 0.6, -0.9, 2.0, -1.2, 0.3)  # seconds, within +-2


def at(c, seconds):
    """The next packet of c goes out T0 + seconds (+ 1 ms)."""
    c.t = T0 + seconds


def xmpp_stream_open(domain="corp.example"):
    return ("<stream:stream to='%s' xmlns:stream='http://etherx.jabber.org/streams' "
            "xmlns='jabber:client' xml:lang='en' version='1.0'>" % domain).encode()


def xmpp_server_open(sid, features, domain="corp.example"):
    return ("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xml:lang='en' "
            "version='1.0' xmlns:stream='http://etherx.jabber.org/streams' id='%s' from='%s'>"
            "<stream:features>%s</stream:features>" % (sid, domain, features)).encode()


SASL_FEATURES = ("<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                 "<mechanism>SCRAM-SHA-1</mechanism></mechanisms>"
                 "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
BIND_FEATURES = "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"


def xmpp_chat(user, password, resource, messages, sid):
    """A cleartext c2s session: SASL PLAIN, bind, the messages (to, body), close."""
    import base64
    plain = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    turns = [
        (True, xmpp_stream_open()), (False, xmpp_server_open(sid + "-1", SASL_FEATURES)),
        (True, ('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">%s</auth>'
                % plain).encode()),
        (False, b"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
        (True, xmpp_stream_open()), (False, xmpp_server_open(sid + "-2", BIND_FEATURES)),
        (True, ('<iq id="b1" type="set"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind">'
                '<resource>%s</resource></bind></iq>' % resource).encode()),
        (False, ("<iq id='b1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                 "<jid>%s@corp.example/%s</jid></bind></iq>" % (user, resource)).encode()),
    ]
    for i, (to, body) in enumerate(messages):
        turns.append((True, ('<message type="chat" to="%s" id="m%d" xml:lang="en"><body>%s</body>'
                             '</message>' % (to, i, body)).encode()))
    turns += [(True, b"</stream:stream>"), (False, b"</stream:stream>")]
    return turns


def tls_session(c, cli, cport, srv, sport, sni, app_records=1):
    """A TLS 1.2 handshake (ClientHello with SNI, ServerHello...) and opaque records."""
    data = bytes(range(48)) * 2
    turns = [(True, demo.client_hello(sni)), (False, demo.server_flight())]
    for _ in range(app_records):
        turns += [(True, b"\x17\x03\x03\x00\x60" + data), (False, b"\x17\x03\x03\x00\x60" + data)]
    c.tcp(cli, cport, srv, sport, turns)


def rpc_call(c, cport, method, params, rid, result):
    c.tcp(OPS_HOST, cport, NODE, 8332, [
        (True, demo.rpc(method, params, rid, auth=RPC_AUTH)),
        (False, demo.http_resp("application/json",
                               ('{"result":%s,"error":null,"id":%d}\n' % (result, rid)).encode()))])


def dmm_chain():
    c = demo.Cap()
    # a. the fake recruiter's Python test, fetched from github.com
    at(c, 0)
    c.dns(WS, 53100, DNS_SRV, "github.com", GITHUB, 0x3001)
    c.tcp(WS, 42000, GITHUB, 80, [
        (True, demo.http_req("GET", "/ashish6976/btc-eth", "github.com",
                             [("User-Agent", "git/2.39.2"), ("Accept", "*/*")])),
        (False, demo.http_resp("text/html", b"<html><title>BTC-ETH price test</title></html>")),
        (True, demo.http_req("GET", "/ashish6976/btc-eth/raw/main/main.py", "github.com",
                             [("User-Agent", "git/2.39.2"), ("Accept", "*/*")])),
        (False, demo.http_resp("text/x-python", b"import requests, yaml\n"))])
    # b. the loader's first-stage C2 (listed), then the implant's beacon (unlisted)
    at(c, 120)
    c.dns(WS, 53101, DNS_SRV, "storage.hubpage.cloud", C2_LISTED, 0x3002)
    tls_session(c, WS, 42001, C2_LISTED, 443, "storage.hubpage.cloud", app_records=2)
    at(c, 170)
    c.dns(WS, 53102, DNS_SRV, "cdn.update-metrics.net", C2_BEACON, 0x3003)
    for i, jitter in enumerate(BEACON_JITTER):
        at(c, 180 + 60 * i + jitter)
        tls_session(c, WS, 42010 + i, C2_BEACON, 443, "cdn.update-metrics.net")
    # c. the hijacked chat session passes a session cookie in the clear
    at(c, 700)
    c.tcp(WS, 42100, CHAT, 5222, xmpp_chat("kenji", "dmm-demo-chat-pass", "desk", [
        ("treasury-ops@corp.example",
         "console keeps logging me out, use my session for the W-0531 check: Cookie: " + SESSION_COOKIE)],
        "c1a1"))
    # d. the legitimate transfer request, in the same cleartext chat
    at(c, 900)
    c.tcp(OPS_LEAD, 42200, CHAT, 5222, xmpp_chat("ops-lead", "dmm-demo-lead-pass", "ops", [
        ("treasury-ops@corp.example",
         "Withdrawal W-0531 approved: please send 1500 BTC to %s today" % ADDRESS_A)], "c2b2"))
    # e. the wallet send, to another address
    at(c, 1020)
    rpc_call(c, 43000, "sendtoaddress", [ADDRESS_B, 1500], 31,
             '"' + "7c" * 32 + '"')
    return c.pkts


BENIGN_NAMES = ["deb.debian.org", "pypi.org", "files.pythonhosted.org", "wiki.corp.example",
                "grafana.corp.example", "www.bitcoin.org", "bitcoincore.org", "github.com"]
ALLOWLISTED = ["bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # cold storage (BIP173 example)
               "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3"]


def benign_day():
    c = demo.Cap()
    # routine DNS through the internal resolver
    for i, name in enumerate(BENIGN_NAMES):
        at(c, 30 + 47 * i)
        c.dns(WS if i % 2 else OPS_HOST, 53200 + i, DNS_SRV, name,
              INTRANET if name.endswith("corp.example") else "192.0.2.%d" % (10 + i), 0x4000 + i)
    # internal HTTPS: wiki, grafana (several times, internal: never a beacon)
    for i, sni in enumerate(["wiki.corp.example", "grafana.corp.example"] * 4):
        at(c, 60 + 300 * i)
        tls_session(c, WS if i % 2 else OPS_LEAD, 44000 + i, INTRANET, 443, sni)
    # a few external sites at irregular times (browsing, package downloads)
    for i, (t, sni, ip) in enumerate([(95, "pypi.org", "192.0.2.11"), (400, "pypi.org", "192.0.2.11"),
                                      (410, "files.pythonhosted.org", "192.0.2.12"),
                                      (1300, "pypi.org", "192.0.2.11"), (1330, "pypi.org", "192.0.2.11"),
                                      (2200, "bitcoincore.org", "192.0.2.16"),
                                      (2260, "pypi.org", "192.0.2.11"), (2900, "pypi.org", "192.0.2.11"),
                                      (2940, "pypi.org", "192.0.2.11")]):
        at(c, t)
        tls_session(c, WS, 44100 + i, ip, 443, sni)
    # internal NTP every 64 s (a new source port per poll) and Prometheus every 15 s
    for i in range(50):
        at(c, 5 + 64 * i)
        ntp = b"\x23" + b"\x00" * 47
        c.add(WS, NTP_SRV, demo.UDP(sport=50000 + i, dport=123), ntp)
        c.add(NTP_SRV, WS, demo.UDP(sport=123, dport=50000 + i), b"\x24\x02" + b"\x00" * 46)
    for i in range(200):
        at(c, 7 + 15 * i)
        c.tcp(PROM, 45000 + i, NODE, 9100, [
            (True, demo.http_req("GET", "/metrics", "10.20.0.40:9100",
                                 [("User-Agent", "Prometheus/2.42.0")])),
            (False, demo.http_resp("text/plain; version=0.0.4",
                                   b"node_load1 0.12\nbitcoind_blocks 845000\n"))])
    # bitcoind: the ops host reads balances and pays allowlisted addresses
    calls = [("getbalance", [], "12.5"), ("listunspent", [1, 9999999], "[]"),
             ("sendtoaddress", [ALLOWLISTED[0], 2.5], '"' + "a1" * 32 + '"'),
             ("getbalance", [], "10.0"),
             ("sendtoaddress", [ALLOWLISTED[1], 0.75], '"' + "b2" * 32 + '"'),
             ("getbalance", [], "9.25")]
    for i, (method, params, result) in enumerate(calls):
        at(c, 600 + 420 * i)
        rpc_call(c, 46000 + i, method, params, 100 + i, result)
    # the chat over XMPP upgraded with STARTTLS (the server requires it)
    for i, (user, t) in enumerate([(OPS_LEAD, 900), (OPERATOR, 905)]):
        at(c, t)
        c.tcp(user, 47000 + i, CHAT, 5222, [
            (True, xmpp_stream_open()),
            (False, xmpp_server_open("s%d" % i, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
                                               "<required/></starttls>")),
            (True, b'<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls" />'),
            (False, b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
            (True, demo.client_hello("chat.corp.example")), (False, demo.server_flight()),
            (True, b"\x17\x03\x03\x00\x40" + bytes(64)), (False, b"\x17\x03\x03\x00\x40" + bytes(64)),
            (True, b"\x17\x03\x03\x00\x80" + bytes(range(128)))])
    c.pkts.sort(key=lambda p: p.time)
    return c.pkts


SCENARIOS = {"dmm-chain": dmm_chain, "benign-day": benign_day}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    for name, fn in SCENARIOS.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        path = os.path.join(out, name, "input.pcap")
        demo.MAC.clear()
        wrpcap(path, fn())
        print("wrote", path)


if __name__ == "__main__":
    main()
