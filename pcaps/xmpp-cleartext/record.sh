#!/bin/bash
# record.sh — records input.pcap beside this script: two XMPP users on a
# real prosody (Debian 12's package) exchanging chat messages, one of them
# carrying the BIP39 test phrase "abandon ... about".
#
# MODE=cleartext (default): c2s_require_encryption = false, allow_unencrypted_plain_auth
#   = true; the clients (python3-slixmpp) skip STARTTLS and use SASL PLAIN.
# MODE=starttls: c2s_require_encryption = true; the clients use STARTTLS,
#   then SASL PLAIN inside TLS: the negative control (pcaps/xmpp-starttls's
#   record.sh runs this script with MODE=starttls OUT=that folder).
#
# Runs as root on Debian 12. Server 10.98.0.1 in netns ww-msg-a, clients
# 10.98.0.2 in netns ww-msg-b, joined by a veth pair; tcpdump captures in
# ww-msg-a. Creates and removes its namespaces, config and temp dir.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
MODE=${MODE:-cleartext}
HERE=${OUT:-$(cd "$(dirname "$0")" && pwd)}
NSA=ww-msg-a
NSB=ww-msg-b
T=$(mktemp -d /tmp/ww-xmpp.XXXXXX)
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

for pkg in prosody python3-slixmpp tcpdump openssl iproute2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"
done

veth_pair "$NSA" ww-msg-va 10.98.0.1 "$NSB" ww-msg-vb 10.98.0.2

mkdir -p "$T/data" "$T/certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=wallet.test \
    -keyout "$T/certs/wallet.test.key" -out "$T/certs/wallet.test.crt" 2>/dev/null
REQUIRE=false
[ "$MODE" = starttls ] && REQUIRE=true
cat >"$T/prosody.cfg.lua" <<CFG
pidfile = "$T/prosody.pid"
data_path = "$T/data"
log = { info = "$T/prosody.log" }
interfaces = { "10.98.0.1" }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "disco", "presence", "message" }
modules_disabled = { "s2s", "offline", "http" }
authentication = "internal_plain"
c2s_require_encryption = $REQUIRE
allow_unencrypted_plain_auth = true
certificates = "$T/certs"
ssl = { key = "$T/certs/wallet.test.key", certificate = "$T/certs/wallet.test.crt" }
VirtualHost "wallet.test"
CFG
chown -R prosody:prosody "$T"
chmod 755 "$T"

prosodyctl --config "$T/prosody.cfg.lua" register alice wallet.test 'alice-Pa55' >/dev/null
prosodyctl --config "$T/prosody.cfg.lua" register bob wallet.test 'bob-Pa55' >/dev/null

ip netns exec "$NSA" tcpdump -i ww-msg-va -U -s 0 -w "$T/capture.pcap" 'tcp port 5222' \
    2>"$T/tcpdump.log" &
PIDS+=($!)
# As its own user: prosody's mod_posix refuses to start as root.
ip netns exec "$NSA" runuser -u prosody -- prosody --config "$T/prosody.cfg.lua" -F \
    >"$T/prosody.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:5222' && break
    sleep 0.2
done
if ! ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:5222'; then
    cat "$T/prosody.log" "$T/prosody.out" >&2
    exit 1
fi
sleep 1

cat >"$T/client.py" <<'PY'
import asyncio, ssl, sys
import slixmpp

MODE = sys.argv[1]
SERVER = ("10.98.0.1", 5222)
PHRASE = ("abandon abandon abandon abandon abandon abandon abandon abandon "
          "abandon abandon abandon about")


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="PLAIN")
        self["feature_mechanisms"].unencrypted_plain = True
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.ready = asyncio.Event()
        self.got = asyncio.Queue()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)

    async def on_start(self, _):
        self.send_presence()
        self.ready.set()

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.got.put_nowait(msg["body"])

    def start(self):
        self.connect(SERVER, use_ssl=False, force_starttls=(MODE == "starttls"),
                     disable_starttls=(MODE != "starttls"))


async def main():
    bob = Client("bob@wallet.test/desk", "bob-Pa55")
    bob.start()
    await asyncio.wait_for(bob.ready.wait(), 20)
    alice = Client("alice@wallet.test/ops", "alice-Pa55")
    alice.start()
    await asyncio.wait_for(alice.ready.wait(), 20)
    await asyncio.sleep(0.5)
    alice.send_message(mto="bob@wallet.test", mtype="chat",
                       mbody="Withdrawal request #4711: 2.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh, please approve")
    await asyncio.wait_for(bob.got.get(), 20)
    alice.send_message(mto="bob@wallet.test", mtype="chat",
                       mbody="backup of the hot wallet seed: " + PHRASE)
    await asyncio.wait_for(bob.got.get(), 20)
    bob.send_message(mto="alice@wallet.test/ops", mtype="chat", mbody="approved <ok> & signed")
    await asyncio.wait_for(alice.got.get(), 20)
    await asyncio.sleep(0.5)
    alice.disconnect()
    await asyncio.sleep(0.5)
    bob.disconnect()
    await asyncio.sleep(1)

asyncio.run(main())
PY
ip netns exec "$NSB" /usr/bin/python3 "$T/client.py" "$MODE"
sleep 1
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null || true
cp "$T/capture.pcap" "$HERE/input.pcap"
echo "wrote $HERE/input.pcap ($(stat -c %s "$HERE/input.pcap") bytes)"
