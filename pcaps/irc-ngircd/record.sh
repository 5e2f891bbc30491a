#!/bin/bash
# record.sh — records input.pcap beside this script: two IRC clients on a
# real ngircd (Debian 12's package) with a server password (PASS), joining
# a channel and exchanging a channel message and a private message.
#
# The server is real; the clients are a scripted python3 socket client that
# speaks RFC 2812 (PASS, NICK, USER, JOIN, PRIVMSG, QUIT). Runs as root on
# Debian 12. Server 10.98.0.1 in netns ww-msg-a, clients 10.98.0.2 in netns
# ww-msg-b, joined by a veth pair; tcpdump captures in ww-msg-a. Creates
# and removes its namespaces, config and temp dir.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
NSA=ww-msg-a
NSB=ww-msg-b
T=$(mktemp -d /tmp/ww-irc.XXXXXX)
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

for pkg in ngircd tcpdump iproute2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"
done

veth_pair "$NSA" ww-msg-va 10.98.0.1 "$NSB" ww-msg-vb 10.98.0.2

cat >"$T/ngircd.conf" <<CFG
[Global]
Name = irc.wallet.test
Info = walletwatch test server
Listen = 10.98.0.1
Ports = 6667
Password = irc-Srv-Pa55
PidFile = $T/ngircd.pid
MotdPhrase = "internal ops chat"
ServerUID = irc
ServerGID = irc
[Options]
DNS = no
Ident = no
PAM = no
[Channel]
Name = #treasury
Topic = withdrawals
CFG
chmod 755 "$T"
chmod 644 "$T/ngircd.conf"

ip netns exec "$NSA" tcpdump -i ww-msg-va -U -s 0 -w "$T/capture.pcap" 'tcp port 6667' \
    2>"$T/tcpdump.log" &
PIDS+=($!)
ip netns exec "$NSA" ngircd -n -f "$T/ngircd.conf" >"$T/ngircd.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:6667' && break
    sleep 0.2
done
if ! ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:6667'; then
    cat "$T/ngircd.out" >&2
    exit 1
fi
sleep 1

cat >"$T/client.py" <<'PY'
import socket, time

SERVER = ("10.98.0.1", 6667)


class Client:
    def __init__(self, nick):
        self.nick = nick
        self.s = socket.create_connection(SERVER, timeout=5)
        self.buf = b""

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def wait_for(self, token):
        """Reads (answering PINGs) until a line holds token."""
        deadline = time.time() + 10
        while time.time() < deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                if line.startswith(b"PING "):
                    self.send("PONG " + line[5:].decode().strip())
                if token.encode() in line:
                    return line
            self.buf += self.s.recv(4096)
        raise SystemExit("%s: no %r" % (self.nick, token))

    def register(self):
        self.send("PASS irc-Srv-Pa55")
        self.send("NICK " + self.nick)
        self.send("USER %s 0 * :%s of the treasury desk" % (self.nick, self.nick))
        self.wait_for(" 376 ")  # end of MOTD


alice = Client("alice")
alice.register()
bob = Client("bob")
bob.register()
alice.send("JOIN #treasury")
alice.wait_for(" 366 ")
bob.send("JOIN #treasury")
bob.wait_for(" 366 ")
alice.wait_for("JOIN")
time.sleep(0.3)
alice.send("PRIVMSG #treasury :withdrawal #4711: 2.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh, approve?")
bob.wait_for("PRIVMSG #treasury")
bob.send("PRIVMSG alice :approved, signing with the hot wallet now")
alice.wait_for("PRIVMSG alice")
bob.send("NOTICE alice :done")
alice.wait_for("NOTICE alice")
time.sleep(0.3)
alice.send("QUIT :bye")
alice.wait_for("ERROR")
bob.send("QUIT :bye")
bob.wait_for("ERROR")
time.sleep(0.5)
PY
ip netns exec "$NSB" /usr/bin/python3 "$T/client.py"
sleep 1
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null || true
cp "$T/capture.pcap" "$HERE/input.pcap"
echo "wrote $HERE/input.pcap ($(stat -c %s "$HERE/input.pcap") bytes)"
