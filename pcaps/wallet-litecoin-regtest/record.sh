#!/bin/bash
# record.sh -- records pcaps/wallet-litecoin-regtest/input.pcap from a real
# litecoind (Debian 12 package `litecoind`, Bitcoin Core 0.21's RPC server) in
# regtest mode, driven by litecoin-cli and curl.
#
# Run as root on Debian 12. Everything happens between two network
# namespaces this script creates (ww-ltc-srv 10.99.0.2, ww-ltc-cli
# 10.99.0.1, joined by a veth pair) and removes again, with its data in a
# temporary directory that is deleted at exit. No other address is used.
#
# The secrets the recording contains (and that eve.json must never show) are
# written to secrets.txt beside this script: the RPC password, the wallet
# passphrase and the WIF key that dumpprivkey returned.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SRV=ww-ltc-srv
CLI=ww-ltc-cli
PORT=19443                          # litecoind's regtest RPC port
RPCUSER=walletops
RPCPASS=ltc-rpc-Pw-7f3a91           # in the Authorization header only
PASSPHRASE=correct-horse-ltc-4411   # encryptwallet / walletpassphrase
TMP=$(mktemp -d /tmp/ww-ltc.XXXXXX)
DUMP_PID=

for tool in litecoind litecoin-cli tcpdump editcap curl ethtool; do
    command -v "$tool" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y litecoind tcpdump wireshark-common curl ethtool
done

cleanup() {
    set +e
    ip netns exec "$SRV" litecoin-cli -regtest -datadir="$TMP/ltc" -rpcconnect=10.99.0.2 \
        -rpcport=$PORT -rpcuser=$RPCUSER -rpcpassword=$RPCPASS stop >/dev/null 2>&1
    sleep 2
    [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null
    ip netns pids "$SRV" 2>/dev/null | xargs -r kill 2>/dev/null
    sleep 1
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair "$SRV" ww-ltc0 10.99.0.2 "$CLI" ww-ltc1 10.99.0.1

mkdir -p "$TMP/ltc"
ip netns exec "$SRV" litecoind -regtest -datadir="$TMP/ltc" -server=1 -listen=0 \
    -rpcuser=$RPCUSER -rpcpassword=$RPCPASS -rpcbind=10.99.0.2 -rpcport=$PORT \
    -rpcallowip=10.99.0.0/24 -fallbackfee=0.0001 -daemon=1 >/dev/null

cli() { ip netns exec "$CLI" litecoin-cli -regtest -rpcconnect=10.99.0.2 -rpcport=$PORT \
            -rpcuser=$RPCUSER -rpcpassword=$RPCPASS "$@"; }
wcli() { cli -rpcwallet=ops "$@"; }
cli -rpcwait -rpcclienttimeout=60 getblockcount >/dev/null

ip netns exec "$SRV" tcpdump -i ww-ltc0 -s 0 -U -w "$TMP/raw.pcap" "tcp port $PORT" \
    2>"$TMP/tcpdump.log" &
DUMP_PID=$!
sleep 2

cli createwallet ops >/dev/null                               # admin, POST /
A=$(wcli getnewaddress)                                       # read, /wallet/ops
wcli generatetoaddress 101 "$A" >/dev/null                    # admin
wcli getbalance >/dev/null                                    # read: 50.00000000
B=$(wcli getnewaddress)
C=$(wcli getnewaddress)
D=$(wcli getnewaddress)
wcli sendtoaddress "$B" 1.5 >/dev/null                        # send, success
wcli sendmany "" "{\"$C\":0.25,\"$D\":0.125}" >/dev/null      # send, two destinations
wcli sendtoaddress "$B" 0.00000001 >/dev/null 2>&1 || true    # send, error: amount too small (dust)
# A JSON-RPC batch, as libraries such as python-bitcoinrpc send it.
ip netns exec "$CLI" curl -s -u "$RPCUSER:$RPCPASS" -H 'Content-Type: application/json' \
    --data-binary '[{"jsonrpc":"1.0","id":"b1","method":"getbalance","params":[]},{"jsonrpc":"1.0","id":"b2","method":"getblockcount","params":[]},{"jsonrpc":"1.0","id":"b3","method":"listunspent","params":[1,9999999]}]' \
    http://10.99.0.2:$PORT/wallet/ops >/dev/null
WIF=$(wcli dumpprivkey "$A")                                  # key: result is a WIF secret
wcli encryptwallet "$PASSPHRASE" >/dev/null                   # admin, passphrase secret
wcli walletpassphrase "wrong-$PASSPHRASE" 60 >/dev/null 2>&1 || true  # admin, error -14
wcli walletpassphrase "$PASSPHRASE" 60                        # admin, success
wcli walletlock                                               # admin
# A caller with a wrong RPC password: HTTP 401, no JSON body.
ip netns exec "$CLI" litecoin-cli -regtest -rpcconnect=10.99.0.2 -rpcport=$PORT \
    -rpcuser=$RPCUSER -rpcpassword=not-the-password getbalance >/dev/null 2>&1 || true
sleep 2

kill "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null || true
DUMP_PID=
# Keep only the RPC conversations (the filter did that) and strip nothing else.
cp "$TMP/raw.pcap" "$HERE/input.pcap"
printf '%s\n' "$RPCPASS" "$PASSPHRASE" "wrong-$PASSPHRASE" "$WIF" > "$HERE/secrets.txt"
echo "recorded $(tcpdump -r "$HERE/input.pcap" 2>/dev/null | wc -l) packets into $HERE/input.pcap"
