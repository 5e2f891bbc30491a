#!/usr/bin/python3
"""craft-demo-pcap.py -- the demo capture and the TraderTraitor indicator
scenario, crafted with scapy (deterministic: fixed timestamps, sequence
numbers and payloads; the same bytes on every run).

  pcaps/demo                      one small capture of the DMM-style chain that
                                  raises several shipped alerts (README's
                                  first command):
      1. a developer workstation (10.20.0.15) resolves api.coinhar.io (a
         TraderTraitor "price API" C2 host)                      -> 9102000
      2. fetches /api/v3/ticker?symbol=ETHBTC from it (185.62.58.122, a
         listed IP) and gets YAML with a PyYAML !!python/object/apply tag
         back, the fake-recruiter loader's payload       -> 9102002, 9102020,
                                                                  9102041
      3. opens TLS to storage.hubpage.cloud (ROOFDECK C2 SNI)    -> 9102001
      4. an internal SMTP mail (10.20.0.21 -> 10.20.0.25:25) carries a
         cleartext transfer request                      -> 9100002, 9100020
      5. the workstation calls dumpprivkey on the Bitcoin node
         10.20.0.40:8332                                         -> 9101000
      6. the signing host 10.20.0.41 calls eth_sendTransaction on
         10.20.0.40:8545 paying an address from the FBI's Bybit list
                                                                 -> 9102070
  pcaps/tradertraitor-indicators  the other TraderTraitor rules, one flow each:
      RN Loader POST /club/fb/status and /club/fb/result (9102030, 9102031),
      /app_version on a bare IP (9102032), a lure repository fetched from
      "github.com" in cleartext (9102033), a listed npm package's document
      and tarball through an internal mirror (9102061, 9102060), a weak
      (Nostr relay) DNS query from a wallet server (9102010), an inbound
      connection from a listed C2 address (9102021), a TLS server showing a
      certificate with the ROOFDECK certificate's serial and issuer
      (9102051; the issuer rule 9102052 stays quiet on the same handshake),
      an npm install of a benign package (no alert) and a TLS session to a
      Nostr relay from a wallet server (weak, 9102011).

The certificate below is a self-signed P-256 certificate made once with
openssl for this capture (serial 1CD6D13FF15ADBF7A42025D10EC99B4A, issuer
"O=mkcert development CA, OU=ub@ub-Standard-PC-Q35-ICH9-2009, CN=mkcert
ub@ub-Standard-PC-Q35-ICH9-2009" as SentinelOne describes ROOFDECK's); its
SHA-1 fingerprint is NOT the listed one, so 9102050 does not fire.
The WIF key in the dumpprivkey reply is made up (it is not a valid key) and
must appear nowhere in the output (test.json absent_strings).

Usage: /usr/bin/python3 tools/craft-demo-pcap.py [PCAPS_DIR]   (default: pcaps)
"""
import json
import os
import struct
import sys

from scapy.all import DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, Raw, wrpcap  # noqa: E402

T0 = 1779494400  # 2026-05-23T00:00:00Z
MSS = 1448
MAC = {}

ROOFDECK_LIKE_CERT = bytes.fromhex(
    "30820247308201eda00302010202101cd6d13ff15adbf7a42025d10ec99b4a300a06082a8648ce3d040302307b311e30"
    "1c060355040a0c156d6b6365727420646576656c6f706d656e7420434131283026060355040b0c1f75624075622d5374"
    "616e646172642d50432d5133352d494348392d32303039312f302d06035504030c266d6b636572742075624075622d53"
    "74616e646172642d50432d5133352d494348392d32303039301e170d3236313132353135343431385a170d3336313132"
    "323135343431385a307b311e301c060355040a0c156d6b6365727420646576656c6f706d656e74204341312830260603"
    "55040b0c1f75624075622d5374616e646172642d50432d5133352d494348392d32303039312f302d06035504030c266d"
    "6b636572742075624075622d5374616e646172642d50432d5133352d494348392d323030393059301306072a8648ce3d"
    "020106082a8648ce3d0301070342000471b60ee282a91b30b8eec053b49ae4b16657b08ae673ee9b0e56790a3c355d27"
    "77ddc158f79c4c77ba162ef18987e54cf86b25e1f8c2fba5d0d764222fdf83d8a3533051301d0603551d0e04160414ce"
    "21864886b35c97fd6a695b67d80c260b915704301f0603551d23041830168014ce21864886b35c97fd6a695b67d80c26"
    "0b915704300f0603551d130101ff040530030101ff300a06082a8648ce3d04030203480030450220617238dd8345fe06"
    "4889cd31bdde64d844ac4b65d6ad52db6507d9e68adf5b46022100e61c5965db00c5d135bc0067177e20b87a896945f4"
    "dd3130e40d326fdb6c8807")


def mac(ip):
    if ip not in MAC:
        MAC[ip] = "02:00:00:00:%02x:%02x" % (len(MAC) // 256, len(MAC) % 256 + 1)
    return MAC[ip]


class Cap:
    def __init__(self):
        self.pkts = []
        self.t = T0

    def add(self, src, dst, l4, payload=b""):
        self.t += 0.001
        p = Ether(src=mac(src), dst=mac(dst)) / IP(src=src, dst=dst, ttl=64, id=len(self.pkts) + 1) / l4
        if payload:
            p = p / Raw(payload)
        p.time = self.t
        self.pkts.append(p)

    def tcp(self, cli, cport, srv, sport, exchanges):
        """Handshake, then (from_client, bytes) turns, each ACKed, then FIN both ways."""
        seq = {True: 1000 + cport, False: 5000 + sport}

        def send(from_cli, flags, payload=b""):
            src, dst = (cli, srv) if from_cli else (srv, cli)
            sp, dp = (cport, sport) if from_cli else (sport, cport)
            ack = seq[not from_cli] if "A" in flags else 0
            self.add(src, dst, TCP(sport=sp, dport=dp, flags=flags, seq=seq[from_cli], ack=ack,
                                   window=64240), payload)
            seq[from_cli] += len(payload) + (1 if ("S" in flags or "F" in flags) else 0)

        send(True, "S")
        send(False, "SA")
        send(True, "A")
        for from_cli, data in exchanges:
            for i in range(0, len(data), MSS):
                send(from_cli, "PA", data[i:i + MSS])
            send(not from_cli, "A")
        send(True, "FA")
        send(False, "FA")
        send(True, "A")

    def dns(self, cli, cport, srv, name, answer, qid):
        q = DNS(id=qid, rd=1, qd=DNSQR(qname=name, qtype="A"))
        self.add(cli, srv, UDP(sport=cport, dport=53), bytes(q))
        r = DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name, qtype="A"),
                an=DNSRR(rrname=name, type="A", ttl=300, rdata=answer))
        self.add(srv, cli, UDP(sport=53, dport=cport), bytes(r))


def http_req(method, target, host, headers=(), body=b""):
    lines = ["%s %s HTTP/1.1" % (method, target), "Host: " + host] + ["%s: %s" % h for h in headers]
    if body or method == "POST":
        lines.append("Content-Length: %d" % len(body))
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_resp(ctype, body, status="200 OK"):
    head = ("HTTP/1.1 %s\r\nServer: nginx\r\nDate: Sat, 23 May 2026 00:00:00 GMT\r\n"
            "Content-Type: %s\r\nContent-Length: %d\r\n\r\n" % (status, ctype, len(body)))
    return head.encode() + body


# ---- TLS 1.2 handshake records (RFC 5246 §7.4; SNI: RFC 6066 §3) ----------------------

def tls_record(hs_type, body):
    hs = bytes([hs_type]) + struct.pack(">I", len(body))[1:] + body
    return b"\x16\x03\x03" + struct.pack(">H", len(hs)) + hs


def client_hello(sni):
    name = sni.encode()
    sn = b"\x00" + struct.pack(">H", len(name)) + name
    ext = b"\x00\x00" + struct.pack(">H", len(sn) + 2) + struct.pack(">H", len(sn)) + sn
    ext += b"\x00\x0a\x00\x04\x00\x02\x00\x17"          # supported_groups: secp256r1
    ext += b"\x00\x0b\x00\x02\x01\x00"                  # ec_point_formats: uncompressed
    ext += b"\x00\x0d\x00\x04\x00\x02\x04\x03"          # signature_algorithms: ecdsa_secp256r1_sha256
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + b"\x00\x04\xc0\x2b\xc0\x2f" + b"\x01\x00"
    body += struct.pack(">H", len(ext)) + ext
    return tls_record(1, body)


def server_flight(cert=None):
    sh = b"\x03\x03" + bytes(range(32, 64)) + b"\x00" + b"\xc0\x2b" + b"\x00" + b"\x00\x00"
    out = tls_record(2, sh)
    if cert:
        chain = struct.pack(">I", len(cert))[1:] + cert
        out += tls_record(11, struct.pack(">I", len(chain))[1:] + chain)
    return out + tls_record(14, b"")


# ---- wallet JSON-RPC over HTTP ------------------------------------------------------------

def rpc(method, params, rid, auth=None, port=8332, target="/"):
    body = json.dumps({"jsonrpc": "1.0" if port == 8332 else "2.0", "id": rid, "method": method,
                       "params": params}, separators=(",", ":")).encode()
    headers = [("User-Agent", "python-requests/2.28.1"), ("Content-Type", "application/json")]
    if auth:
        headers.insert(0, ("Authorization", "Basic " + auth))
    return http_req("POST", target, "10.20.0.40:%d" % port, headers, body)


FAKE_WIF = "cWwDemoNotARealKeyDoNotUse1111111111111111111111111"
THEFT_ADDRESS = "0x51E9d833Ecae4E8D9D8Be17300AEE6D3398C135D"


def demo():
    c = Cap()
    ws, dns_srv = "10.20.0.15", "10.20.0.2"
    # 1-2. the "price API" of the fake-recruiter lure
    c.dns(ws, 53001, dns_srv, "api.coinhar.io", "185.62.58.122", 0x1a2b)
    yaml_body = (b"symbol: ETHBTC\nprice: !!python/object/apply:subprocess.check_output\n"
                 b"  - [\"/bin/sh\", \"-c\", \"echo demo\"]\n")
    c.tcp(ws, 40100, "185.62.58.122", 80, [
        (True, http_req("GET", "/api/v3/ticker?symbol=ETHBTC", "api.coinhar.io",
                        [("User-Agent", "python-requests/2.31.0"), ("Accept", "*/*")])),
        (False, http_resp("application/yaml", yaml_body))])
    # 3. ROOFDECK C2 over TLS
    c.tcp(ws, 40101, "203.0.113.80", 443, [(True, client_hello("storage.hubpage.cloud")),
                                          (False, server_flight())])
    # 4. a cleartext transfer request by internal mail
    mail = (b"From: ops-lead@corp.example\r\nTo: treasury@corp.example\r\n"
            b"Subject: withdrawal W-2291\r\nDate: Sat, 23 May 2026 00:00:01 +0000\r\n\r\n"
            b"Hi, please send 12.5 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq today,\r\n"
            b"approved in the morning call.\r\n.\r\n")
    c.tcp("10.20.0.21", 40200, "10.20.0.25", 25, [
        (False, b"220 mail.corp.example ESMTP Postfix\r\n"),
        (True, b"EHLO ops-lead.corp.example\r\n"),
        (False, b"250-mail.corp.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
        (True, b"MAIL FROM:<ops-lead@corp.example>\r\n"), (False, b"250 2.1.0 Ok\r\n"),
        (True, b"RCPT TO:<treasury@corp.example>\r\n"), (False, b"250 2.1.5 Ok\r\n"),
        (True, b"DATA\r\n"), (False, b"354 End data with <CR><LF>.<CR><LF>\r\n"),
        (True, mail), (False, b"250 2.0.0 Ok: queued as 4Xk2Lq0Zb1z9\r\n"),
        (True, b"QUIT\r\n"), (False, b"221 2.0.0 Bye\r\n")])
    # 5. key export from the Bitcoin node
    c.tcp(ws, 40300, "10.20.0.40", 8332, [
        (True, rpc("dumpprivkey", ["bc1qc7slrfxkknqcq2jevvvkdgvrt8080852dfjewde450xdlk4ugp7szw5tk9"], 1,
                   auth="b3BzOmRlbW8tcnBjLXBhc3N3b3Jk")),
        (False, http_resp("application/json",
                          ('{"result":"%s","error":null,"id":1}\n' % FAKE_WIF).encode()))])
    # 6. a transfer to a Bybit theft address
    tx = {"from": "0x2f0b23f53734252bda2277357e97e1517d6b042a", "to": THEFT_ADDRESS,
          "value": "0x8ac7230489e80000", "gas": "0x5208"}
    c.tcp("10.20.0.41", 40400, "10.20.0.40", 8545, [
        (True, rpc("eth_sendTransaction", [tx], 7, port=8545)),
        (False, http_resp("application/json",
                          b'{"jsonrpc":"2.0","id":7,"result":"0x'
                          + b"5e" * 32 + b'"}'))])
    return c.pkts


def indicators():
    c = Cap()
    ws = "10.20.0.15"
    form = b"system=Darwin&machine=dev-mbp-07&version=14.4.1"
    c.tcp(ws, 41000, "203.0.113.50", 80, [
        (True, http_req("POST", "/club/fb/status", "203.0.113.50",
                        [("User-Agent", "python-requests/2.31.0"),
                         ("Content-Type", "application/x-www-form-urlencoded")], form)),
        (False, http_resp("application/json", b'{"ret":1,"content":""}')),
        (True, http_req("POST", "/club/fb/result", "203.0.113.50",
                        [("User-Agent", "python-requests/2.31.0"),
                         ("Content-Type", "application/x-www-form-urlencoded")],
                        b"machine=dev-mbp-07&result=b2s=")),
        (False, http_resp("application/json", b'{"ret":0}'))])
    c.tcp(ws, 41001, "203.0.113.60", 80, [
        (True, http_req("GET", "/app_version", "203.0.113.60", [("User-Agent", "Go-http-client/1.1")])),
        (False, http_resp("application/json", b'{"v":"1"}'))])
    c.tcp(ws, 41002, "10.20.0.60", 80, [
        (True, http_req("GET", "/exubient0/terraform-candidate-repo", "github.com",
                        [("User-Agent", "Mozilla/5.0")])),
        (False, http_resp("text/html", b"<html>terraform-candidate-repo</html>"))])
    mirror = "npm.corp.example:8081"
    ua = [("User-Agent", "npm/10.8.2 node/v20.18.0 linux x64 workspaces/false"),
          ("Accept", "application/vnd.npm.install-v1+json")]
    c.tcp(ws, 41003, "10.20.0.50", 8081, [
        (True, http_req("GET", "/repository/npm-proxy/btc-web3", mirror, ua)),
        (False, http_resp("application/json", b'{"name":"btc-web3","versions":{}}')),
        (True, http_req("GET", "/repository/npm-proxy/btc-web3/-/btc-web3-1.0.3.tgz", mirror, ua)),
        (False, http_resp("application/octet-stream", b"\x1f\x8b\x08\x00demo")),
        (True, http_req("GET", "/repository/npm-proxy/left-pad/-/left-pad-1.3.0.tgz", mirror, ua)),
        (False, http_resp("application/octet-stream", b"\x1f\x8b\x08\x00demo"))])
    c.dns("10.20.0.40", 53002, "10.20.0.2", "relay.damus.io", "203.0.113.90", 0x2b3c)
    c.tcp("45.11.59.140", 41004, "10.20.0.70", 22, [
        (True, b"SSH-2.0-Go\r\n"), (False, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")])
    c.tcp(ws, 41005, "203.0.113.81", 443, [(True, client_hello("203-0-113-81.example.net")),
                                          (False, server_flight(ROOFDECK_LIKE_CERT))])
    # a weak SNI from a wallet server
    c.tcp("10.20.0.40", 41007, "203.0.113.91", 443, [(True, client_hello("nos.lol")),
                                                    (False, server_flight())])
    return c.pkts


SCENARIOS = {"demo": demo, "tradertraitor-indicators": indicators}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pcaps"
    for name, fn in SCENARIOS.items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        path = os.path.join(out, name, "input.pcap")
        MAC.clear()
        wrpcap(path, fn())
        print("wrote", path)


if __name__ == "__main__":
    main()
