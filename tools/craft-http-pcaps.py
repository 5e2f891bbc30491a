#!/usr/bin/python3
"""craft-http-pcaps.py -- (re)generate the crafted HTTP/1.x captures under pcaps/.

Usage: /usr/bin/python3 tools/craft-http-pcaps.py [--out PCAPS_DIR] [SCENARIO ...]

Same layout and conventions as tools/craft-pcaps.py, whose helpers
(Capture, TcpSession, flow and stats checks) it imports: every scenario gets
pcaps/<scenario>/input.pcap, README.md and test.json (read by
tests/run-pcaps.py). Deterministic: fixed timestamps, sequence numbers and
payloads; gzip bodies are made with mtime 0. Expected values (packet and
byte counts, the pcap_cnt of the packet that completes each response, body
lengths) are computed from the frames written.

Scenarios:
  http-basic          GET and a 200 with a Content-Length body
  http-pipelined      two requests, then two responses, cut across segments
  http-chunked-gzip   a chunked (extensions, trailer), gzip-encoded response

Needs Debian's /usr/bin/python3 (scapy).
"""

import argparse
import importlib.util
import json
import os
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("craft_pcaps", os.path.join(HERE, "craft-pcaps.py"))
cp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cp)

HTTP_PORT = 80
CLI, SRV = cp.CLI4, cp.SRV4

SCENARIOS = {}


def scenario(fn):
    SCENARIOS[fn.__name__.replace("_", "-")] = fn
    return fn


COMMON = """\
Common to the crafted HTTP scenarios (tools/craft-http-pcaps.py, built on
tools/craft-pcaps.py's helpers):

- One TCP session 10.0.0.1:40000 -> 10.0.0.2:80 over Ethernet/IPv4 with a
  full handshake and close; HTTP is detected by content (the request line),
  so the flow event carries `app_proto: "http"`.
- `http` events are in flow orientation (client -> server) and are logged
  when a response completes, so their `pcap_cnt` is the packet holding the
  last byte of that response; `tx_id` counts requests from 0.
- The `http` object holds only the fields that exist: no `http_port`
  (the Host header has no port), no `xff`, no `http_refer`, no `redirect`.
  `length` is the response body as received after de-chunking and before
  decompression (Suricata's `response_message_len`).
- `flow.bytes_*` is the sum of captured frame lengths, per direction; the
  flow is logged by the end-of-input flush (`reason: shutdown`).
- The final `stats` event counts every frame of the file.
"""


def http_flow_check(cap):
    extra = dict(cp.tcp_extra(), app_proto="http")
    return cap.flow_check("f", CLI, cp.CPORT, SRV, HTTP_PORT, "TCP", "closed", extra)


def http_check(pcap_cnt, tx_id, fields):
    m = {"event_type": "http", "src_ip": CLI, "src_port": cp.CPORT, "dest_ip": SRV,
         "dest_port": HTTP_PORT, "proto": "TCP", "pcap_cnt": pcap_cnt, "tx_id": tx_id,
         "app_proto": "http"}
    absent = ("http_port", "xff", "http_refer", "redirect")
    for k in absent:
        m["http." + k] = None
    for k, v in fields.items():
        m["http." + k] = v
    return {"count": 1, "match": m}


def session(cap):
    return cp.TcpSession(cap, "f", cli=CLI, srv=SRV, cport=cp.CPORT, sport=HTTP_PORT)


def stream(ts, tc):
    return {"src": cp.endpoint(CLI, cp.CPORT), "dst": cp.endpoint(SRV, HTTP_PORT),
            "to_server": ts, "to_client": tc, "to_server_gaps": 0, "to_client_gaps": 0}


def response(status, headers, body):
    head = "HTTP/1.1 %s\r\n" % status + "".join("%s: %s\r\n" % h for h in headers) + "\r\n"
    return head.encode() + body


@scenario
def http_basic():
    req = (b"GET /index.html HTTP/1.1\r\n"
           b"Host: www.example.com\r\n"
           b"User-Agent: walletwatch-test/1.0\r\n"
           b"Accept: */*\r\n"
           b"\r\n")
    body = b"<html><body>hello from walletwatch</body></html>\n"
    resp = response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                               ("Content-Length", str(len(body))),
                               ("Server", "crafted")], body)
    cap = cp.Capture()
    s = session(cap)
    s.handshake()
    s.data(True, req)
    s.ack(False)
    done = s.send(False, "PA", resp)
    s.ack(True)
    s.close()
    test = {
        "event_counts": {"flow": 1, "http": 1, "stats": 1},
        "checks": [
            http_check(done, 0, {"hostname": "www.example.com", "url": "/index.html",
                                 "http_user_agent": "walletwatch-test/1.0",
                                 "http_content_type": "text/html", "http_method": "GET",
                                 "protocol": "HTTP/1.1", "status": 200, "length": len(body)}),
            http_flow_check(cap),
            cp.stats_check(len(cap.frames)),
        ],
        "streams": [stream(req.decode(), resp.decode())],
    }
    readme = """\
One HTTP/1.1 exchange: `GET /index.html` with Host, User-Agent and Accept,
answered by `200 OK` with `Content-Type: text/html; charset=utf-8` and a
%d-byte Content-Length body, each in its own segment.

Proves detection by content on the request line, request/response pairing
into one transaction, and the `http` event's fields: `hostname`, `url` (as
sent), `http_user_agent`, `http_content_type` (parameters dropped, as
Suricata logs it), `http_method`, `protocol`, `status` and `length`.
""" % len(body)
    return cap, test, readme


@scenario
def http_pipelined():
    req1 = b"GET /first HTTP/1.1\r\nHost: wallet.example\r\nUser-Agent: pipe/1\r\n\r\n"
    req2 = (b"POST /second HTTP/1.1\r\nHost: wallet.example\r\nUser-Agent: pipe/1\r\n"
            b"Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"ping\":true}")
    body1 = b"first body"
    resp1 = response("200 OK", [("Content-Type", "text/plain"),
                                ("Content-Length", str(len(body1)))], body1)
    body2 = b"no such thing"
    resp2 = response("404 Not Found", [("Content-Type", "text/plain"),
                                       ("Content-Length", str(len(body2)))], body2)
    ts = req1 + req2
    tc = resp1 + resp2
    cut_ts = len(req1) + 9     # inside the second request line
    cut_tc = len(resp1) + 20   # inside the second response's headers
    cap = cp.Capture()
    s = session(cap)
    s.handshake()
    s.data(True, ts[:cut_ts])
    s.data(True, ts[cut_ts:])
    s.ack(False)
    first = s.send(False, "PA", tc[:cut_tc])
    done = s.send(False, "PA", tc[cut_tc:])
    s.ack(True)
    s.close()
    common = {"hostname": "wallet.example", "http_user_agent": "pipe/1",
              "http_content_type": "text/plain", "protocol": "HTTP/1.1"}
    test = {
        "event_counts": {"flow": 1, "http": 2, "stats": 1},
        "checks": [
            http_check(first, 0, dict(common, url="/first", http_method="GET", status=200,
                                      length=len(body1))),
            http_check(done, 1, dict(common, url="/second", http_method="POST", status=404,
                                     length=len(body2))),
            http_flow_check(cap),
            cp.stats_check(len(cap.frames)),
        ],
        "streams": [stream(ts.decode(), tc.decode())],
    }
    readme = """\
HTTP/1.1 pipelining: the client sends `GET /first` and `POST /second`
(13-byte JSON body) before any answer, in two segments cut inside the
second request line; the server answers `200` then `404` in two segments
cut inside the second response's headers.

Proves that requests and responses pair in order across arbitrary segment
boundaries: two `http` events, tx 0 (`/first`, 200, logged at the packet
that completes the first response, which also carries the start of the
second) and tx 1 (`/second`, POST, 404).
"""
    return cap, test, readme


@scenario
def http_chunked_gzip():
    req = (b"GET /api/status HTTP/1.1\r\nHost: node.example\r\n"
           b"User-Agent: gzip-client/2\r\nAccept-Encoding: gzip\r\n\r\n")
    text = (b'{"status":"ok","marker":"walletwatch-decoded",'
            + b'"padding":"' + b"abcdefgh" * 40 + b'"}\n')
    co = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip wrapper, mtime 0
    gz = co.compress(text) + co.flush()
    a, b = gz[: len(gz) // 2], gz[len(gz) // 2:]
    chunked = (b"%x;name=first\r\n" % len(a) + a + b"\r\n"
               + b"%x\r\n" % len(b) + b + b"\r\n"
               + b"0\r\nX-Checksum: crafted\r\n\r\n")
    head = response("200 OK", [("Content-Type", "application/json"),
                               ("Content-Encoding", "gzip"),
                               ("Transfer-Encoding", "chunked"),
                               ("Trailer", "X-Checksum")], b"")
    resp = head + chunked
    cut = len(head) + len(chunked) // 2
    cap = cp.Capture()
    s = session(cap)
    s.handshake()
    s.data(True, req)
    s.ack(False)
    s.send(False, "PA", resp[:cut])
    done = s.send(False, "PA", resp[cut:])
    s.ack(True)
    s.close()
    test = {
        "event_counts": {"flow": 1, "http": 1, "stats": 1},
        "checks": [
            http_check(done, 0, {"hostname": "node.example", "url": "/api/status",
                                 "http_user_agent": "gzip-client/2",
                                 "http_content_type": "application/json",
                                 "http_method": "GET", "protocol": "HTTP/1.1",
                                 "status": 200, "length": len(gz)}),
            http_flow_check(cap),
            cp.stats_check(len(cap.frames)),
        ],
    }
    readme = """\
A `200 OK` with `Transfer-Encoding: chunked` and `Content-Encoding: gzip`:
a %d-byte gzip stream (of a %d-byte JSON document) sent as two chunks, the
first with a chunk extension (`;name=first`), then the last chunk and an
`X-Checksum` trailer; the response is cut across two segments in the middle
of the chunked data.

Proves de-chunking over segment boundaries with extensions and trailers:
one `http` event whose `length` is the de-chunked, still-compressed size
(%d), not the wire size and not the decompressed size. (The unit tests
check the decompressed body and its SHA-256; no stream check here because
the body is binary.)
""" % (len(gz), len(text), len(gz))
    return cap, test, readme


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(HERE), "pcaps"))
    ap.add_argument("scenarios", nargs="*")
    args = ap.parse_args()
    names = args.scenarios or list(SCENARIOS)
    for name in names:
        if name not in SCENARIOS:
            sys.exit("craft-http-pcaps: unknown scenario %s (have: %s)"
                     % (name, ", ".join(SCENARIOS)))
    for name in names:
        cap, test, readme = SCENARIOS[name]()
        d = os.path.join(args.out, name)
        os.makedirs(d, exist_ok=True)
        cap.write(os.path.join(d, "input.pcap"))
        with open(os.path.join(d, "test.json"), "w") as f:
            json.dump(test, f, indent=2)
            f.write("\n")
        with open(os.path.join(d, "README.md"), "w") as f:
            f.write("# %s\n\n%s\nCrafted by `tools/craft-http-pcaps.py %s` (scapy, deterministic).\n\n%s"
                    % (name, readme, name, COMMON))
        print("%-20s %3d frames" % (name, len(cap.frames)))


if __name__ == "__main__":
    main()
