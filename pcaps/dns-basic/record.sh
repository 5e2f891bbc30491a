#!/bin/bash
# record.sh -- records pcaps/dns-basic/input.pcap (or, with "tcp", the
# pcaps/dns-tcp capture) from a real dnsmasq (Debian 12 package
# dnsmasq-base) answering for wallet.internal from a local hosts file and
# local records, queried with dig (package dnsutils).
#
# Run as root on Debian 12: /bin/bash pcaps/dns-basic/record.sh [tcp]
# Everything happens between two network namespaces this script creates
# (ww-dns-srv 10.99.2.53, ww-dns-cli 10.99.2.1, joined by a veth pair with
# checksum offload off) and removes again. No other address is used.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"

MODE=${1:-udp}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/input.pcap
[ "$MODE" = tcp ] && OUT=$HERE/../dns-tcp/input.pcap
SRV=ww-dns-srv
CLI=ww-dns-cli
SADDR=10.99.2.53
TMP=$(mktemp -d /tmp/ww-dns.XXXXXX)
chmod 755 "$TMP"   # dnsmasq reads the hosts file after dropping root
DUMP_PID=
DNSMASQ_PID=

for tool in dnsmasq dig tcpdump ethtool; do
    command -v "$tool" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y dnsmasq-base dnsutils tcpdump ethtool
done

cleanup() {
    set +e
    [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null
    [ -n "$DNSMASQ_PID" ] && kill "$DNSMASQ_PID" 2>/dev/null
    sleep 1
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair "$SRV" ww-dns0 $SADDR "$CLI" ww-dns1 10.99.2.1

cat >"$TMP/hosts" <<'HOSTS'
10.99.2.80 wallet.internal
fd00:99:2::80 wallet.internal
10.99.2.25 mail.wallet.internal
HOSTS
chmod 644 "$TMP/hosts"

ip netns exec "$SRV" dnsmasq --keep-in-foreground --no-resolv --no-hosts --no-poll \
    --addn-hosts="$TMP/hosts" --local=/internal/ --domain-needed \
    --listen-address=$SADDR --bind-interfaces --port 53 --pid-file="$TMP/dnsmasq.pid" \
    --cname=www.wallet.internal,wallet.internal \
    --mx-host=wallet.internal,mail.wallet.internal,10 \
    --txt-record=wallet.internal,"v=spf1 -all" \
    --srv-host=_electrum._tcp.wallet.internal,wallet.internal,50002,0,5 \
    --log-facility="$TMP/dnsmasq.log" &
DNSMASQ_PID=$!
sleep 1

ip netns exec "$SRV" tcpdump -i ww-dns0 -s 0 -U -w "$TMP/raw.pcap" "port 53" \
    2>"$TMP/tcpdump.log" &
DUMP_PID=$!
sleep 2

D() { ip netns exec "$CLI" dig @$SADDR +tries=1 +time=2 "$@"; }
if [ "$MODE" = tcp ]; then
    # one connection, three length-prefixed queries (RFC 7766 §6.2.1)
    D +tcp +keepopen wallet.internal A www.wallet.internal A wallet.internal MX >/dev/null
    # a second connection
    D +tcp wallet.internal TXT >/dev/null
else
    D wallet.internal A >/dev/null
    D wallet.internal AAAA >/dev/null
    D www.wallet.internal A >/dev/null
    D wallet.internal MX >/dev/null
    D wallet.internal TXT >/dev/null
    D _electrum._tcp.wallet.internal SRV >/dev/null
    D -x 10.99.2.80 >/dev/null
    D nothere.wallet.internal A >/dev/null
fi
sleep 1
kill "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null || true
DUMP_PID=
cp "$TMP/raw.pcap" "$OUT"
echo "wrote $OUT"
