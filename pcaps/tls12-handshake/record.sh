#!/bin/bash
# record.sh -- records pcaps/tls12-handshake/input.pcap (or, with "1.3",
# pcaps/tls13-handshake/input.pcap): one TLS session between the real
# `openssl s_client` and `openssl s_server` (Debian 12 package openssl),
# with SNI wallet.internal and ALPN h2,http/1.1 offered, a self-signed
# certificate (fixed serial, 10 years from the recording), one line of application data each
# way, then close.
#
# Run as root on Debian 12: /bin/bash pcaps/tls12-handshake/record.sh [1.3]
# Everything happens between two network namespaces this script creates
# (ww-tls-srv 10.99.3.2 port 443, ww-tls-cli 10.99.3.1, a veth pair with
# checksum offload off) and removes again; the key is thrown away.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"

VER=${1:-1.2}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/input.pcap
[ "$VER" = 1.3 ] && OUT=$HERE/../tls13-handshake/input.pcap
SRV=ww-tls-srv
CLI=ww-tls-cli
TMP=$(mktemp -d /tmp/ww-tls.XXXXXX)
DUMP_PID=
SERVER_PID=

for tool in openssl tcpdump ethtool; do
    command -v "$tool" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y openssl tcpdump ethtool
done

cleanup() {
    set +e
    [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    sleep 1
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair "$SRV" ww-tls0 10.99.3.2 "$CLI" ww-tls1 10.99.3.1

# A P-256 key keeps the certificate (and the server's flight) small.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -set_serial 0x0c0099aabbccddeeff \
    -days 3650 \
    -subj "/C=US/O=Walletwatch Test/CN=wallet.internal" \
    -addext "subjectAltName=DNS:wallet.internal" 2>/dev/null

ip netns exec "$SRV" tcpdump -i ww-tls0 -s 0 -U -w "$TMP/raw.pcap" "tcp port 443" \
    2>"$TMP/tcpdump.log" &
DUMP_PID=$!
sleep 2

# s_server answers the client's line with its own and exits after one session
{ sleep 2; printf 'pong\n'; sleep 2; } | ip netns exec "$SRV" openssl s_server -quiet \
    -accept 443 -naccept 1 -cert "$TMP/cert.pem" -key "$TMP/key.pem" \
    -tls${VER/./_} -alpn h2,http/1.1 >"$TMP/server.out" 2>&1 &
SERVER_PID=$!
sleep 1
{ printf 'ping\n'; sleep 3; } | ip netns exec "$CLI" openssl s_client -quiet \
    -connect 10.99.3.2:443 -servername wallet.internal -tls${VER/./_} \
    -alpn h2,http/1.1 >"$TMP/client.out" 2>&1 || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
sleep 1
kill "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null || true
DUMP_PID=
cp "$TMP/raw.pcap" "$OUT"
echo "wrote $OUT"
