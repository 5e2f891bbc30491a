#!/usr/bin/python3
"""craft-chat-pcaps.py -- the HTTP chat-API captures under pcaps/chat-*.

Debian 12 packages no Matrix homeserver (matrix-synapse is not in bookworm),
no Mattermost, Slack or Rocket.Chat server, so these sessions are crafted
with scapy instead of recorded. Each request is shaped exactly like the
documented API request its client libraries send:

  chat-matrix-send         Matrix client-server API v1.x, "PUT
                           /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}",
                           Authorization: Bearer, {"msgtype":"m.text","body":...};
                           200 {"event_id":...}
  chat-mattermost-webhook  Mattermost incoming webhook "POST /hooks/{id}",
                           application/json {"channel","username","text"}; 200 "ok"
  chat-slack-webhook       Slack incoming webhook "POST /services/T../B../..",
                           application/x-www-form-urlencoded payload=<json>; 200 "ok"
  chat-rocketchat-post     Rocket.Chat REST "POST /api/v1/chat.postMessage",
                           X-Auth-Token + X-User-Id, {"channel","text"};
                           200 {"success":true,...}

Every session: Ethernet/IPv4 10.97.0.1 -> 10.97.0.2, three-way handshake,
the request, its ACK, the response, its ACK, FIN both ways; fixed
timestamps, so the output is byte-for-byte reproducible.

Usage: /usr/bin/python3 tools/craft-chat-pcaps.py [PCAPS_DIR]   (default: pcaps)
"""
import json
import os
import sys
import urllib.parse

from scapy.all import IP, TCP, Ether, Raw, wrpcap  # noqa: E402

CLI, SRV = "10.97.0.1", "10.97.0.2"
CMAC, SMAC = "02:00:00:97:00:01", "02:00:00:97:00:02"
T0 = 1716163200  # 2024-05-20T00:00:00Z
MSS = 1448

TRANSFER = ("Please send 1.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh "
            "from the hot wallet before 15:00, the exchange is waiting.")


def session(cport, sport, request, response):
    pkts = []
    t = [T0]

    def add(from_cli, flags, seq, ack, payload=b""):
        t[0] += 0.001
        src, dst = (CLI, SRV) if from_cli else (SRV, CLI)
        sp, dp = (cport, sport) if from_cli else (sport, cport)
        smac, dmac = (CMAC, SMAC) if from_cli else (SMAC, CMAC)
        p = Ether(src=smac, dst=dmac) / IP(src=src, dst=dst, ttl=64, id=len(pkts) + 1) / \
            TCP(sport=sp, dport=dp, flags=flags, seq=seq, ack=ack, window=64240)
        if payload:
            p = p / Raw(payload)
        p.time = t[0]
        pkts.append(p)

    cseq, sseq = 1000, 5000
    add(True, "S", cseq, 0)
    add(False, "SA", sseq, cseq + 1)
    add(True, "A", cseq + 1, sseq + 1)
    c, s = cseq + 1, sseq + 1
    for i in range(0, len(request), MSS):
        seg = request[i:i + MSS]
        add(True, "PA", c, s, seg)
        c += len(seg)
    add(False, "A", s, c)
    for i in range(0, len(response), MSS):
        seg = response[i:i + MSS]
        add(False, "PA", s, c, seg)
        s += len(seg)
    add(True, "A", c, s)
    add(True, "FA", c, s)
    add(False, "FA", s, c + 1)
    add(True, "A", c + 1, s + 1)
    return pkts


def http_request(method, target, host, headers, body):
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers]
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_response(ctype, body):
    head = ("HTTP/1.1 200 OK\r\n"
            f"Content-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Date: Mon, 20 May 2024 00:00:00 GMT\r\n\r\n")
    return head.encode() + body


def matrix():
    body = json.dumps({"msgtype": "m.text", "body": TRANSFER}).encode()
    room = urllib.parse.quote("!treasury:ww-test.example", safe="")
    req = http_request("PUT", f"/_matrix/client/v3/rooms/{room}/send/m.room.message/m1716163200000.0",
                       "matrix.ww-test.example:8008",
                       [("User-Agent", "mautrix-python/0.20.4"),
                        ("Authorization", "Bearer syt_d3dvcHM_kqHqPHwWrnTksnwlbGCf_1m6eAl"),
                        ("Content-Type", "application/json")], body)
    resp = http_response("application/json",
                         b'{"event_id":"$YUwRidLecu:ww-test.example"}')
    return session(41000, 8008, req, resp)


def mattermost():
    body = json.dumps({"channel": "treasury", "username": "ops-bot", "text": TRANSFER}).encode()
    req = http_request("POST", "/hooks/xi3zkq8i9ifx7ytdzzw7on6cmo", "chat.ww-test.example:8065",
                       [("User-Agent", "curl/7.88.1"), ("Accept", "*/*"),
                        ("Content-Type", "application/json")], body)
    return session(41001, 8065, req, http_response("text/plain", b"ok"))


def slack():
    payload = json.dumps({"channel": "#treasury", "username": "ops-bot", "text": TRANSFER})
    body = urllib.parse.urlencode({"payload": payload}).encode()
    req = http_request("POST", "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                       "hooks.ww-test.example",
                       [("User-Agent", "curl/7.88.1"), ("Accept", "*/*"),
                        ("Content-Type", "application/x-www-form-urlencoded")], body)
    return session(41002, 80, req, http_response("text/html", b"ok"))


def rocketchat():
    body = json.dumps({"channel": "#treasury", "text": TRANSFER}).encode()
    req = http_request("POST", "/api/v1/chat.postMessage", "rocket.ww-test.example:3000",
                       [("User-Agent", "curl/7.88.1"),
                        ("X-Auth-Token", "9HqLlyZOugoStsXCUfD_0YdwnNnunAJF8V47U3QHXSq"),
                        ("X-User-Id", "aobEdbYhXfu5hkeqG"),
                        ("Content-Type", "application/json")], body)
    resp = http_response("application/json",
                         b'{"ts":1716163200000,"channel":"#treasury","message":{"_id":"7aDSXtjMA3KPLxLjt",'
                         b'"rid":"GENERAL"},"success":true}')
    return session(41003, 3000, req, resp)


SCENARIOS = {
    "chat-matrix-send": matrix,
    "chat-mattermost-webhook": mattermost,
    "chat-slack-webhook": slack,
    "chat-rocketchat-post": rocketchat,
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    for name, fn in SCENARIOS.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        path = os.path.join(out, name, "input.pcap")
        wrpcap(path, fn())
        print("wrote", path)


if __name__ == "__main__":
    main()
