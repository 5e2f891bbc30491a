#!/bin/sh
# record.sh — records pcaps/telnet-login/input.pcap from a real telnetd
# (Debian 12's inetutils-telnetd, started by inetutils-inetd from a
# temporary inetd.conf, running /bin/login):
# option negotiation, "login:" prompt, the name typed one character per
# segment and echoed, "Password:", the password, a shell command, exit.
# The client is Python's telnetlib. Run as root on Debian 12; creates and
# removes the network namespaces ww-tel-a (client, 10.97.0.1) and ww-tel-b
# (server, 10.97.0.2) and a temporary local user "wwtel".
set -eu
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/input.pcap}
export DEBIAN_FRONTEND=noninteractive
[ -x /usr/sbin/inetutils-inetd ] && [ -x /usr/sbin/telnetd ] ||
    apt-get install -y inetutils-inetd inetutils-telnetd tcpdump python3

TMP=$(mktemp -d /tmp/ww-tel.XXXXXX)
cleanup() {
    [ -f "$TMP/tcpdump.pid" ] && kill "$(cat "$TMP/tcpdump.pid")" 2>/dev/null || true
    [ -f "$TMP/inetd.pid" ] && kill "$(cat "$TMP/inetd.pid")" 2>/dev/null || true
    ip netns del ww-tel-a 2>/dev/null || true
    ip netns del ww-tel-b 2>/dev/null || true
    userdel -r wwtel 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair ww-tel-a ww-tel-va 10.97.0.1 ww-tel-b ww-tel-vb 10.97.0.2

useradd -m -s /bin/sh wwtel
echo 'wwtel:Signer-Key-42' | chpasswd
echo 'telnet stream tcp nowait root /usr/sbin/telnetd telnetd' > "$TMP/inetd.conf"
ip netns exec ww-tel-b /usr/sbin/inetutils-inetd -d "$TMP/inetd.conf" >"$TMP/inetd.log" 2>&1 &
echo $! > "$TMP/inetd.pid"
sleep 1

ip netns exec ww-tel-a tcpdump -i ww-tel-va -U -s 0 -w "$TMP/cap.pcap" 'tcp port 23' \
    >/dev/null 2>&1 &
echo $! > "$TMP/tcpdump.pid"
sleep 1

ip netns exec ww-tel-a /usr/bin/python3 -W ignore - <<'PY'
import telnetlib, time
t = telnetlib.Telnet("10.97.0.2", 23, timeout=10)
t.read_until(b"login: ", timeout=10)
for ch in b"wwtel":          # character at a time, as an interactive client types
    t.write(bytes([ch]))
    time.sleep(0.05)
t.write(b"\r\n")
t.read_until(b"Password: ", timeout=10)
t.write(b"Signer-Key-42\r\n")
t.read_until(b"$ ", timeout=10)
t.write(b"id -un\r\n")
time.sleep(0.5)
t.write(b"exit\r\n")
print(t.read_all().decode(errors="replace")[-200:])
t.close()
PY
sleep 1
kill "$(cat "$TMP/tcpdump.pid")"
rm -f "$TMP/tcpdump.pid"
sleep 1
cp "$TMP/cap.pcap" "$OUT"
echo "wrote $OUT"
