#!/bin/bash
# record.sh -- records pcaps/wallet-monero-rpc/input.pcap from a real
# monero-wallet-rpc (Debian 12 package `monero`) running --offline with a
# wallet created over RPC, driven by curl (POST /json_rpc, JSON-RPC 2.0).
#
# Run as root on Debian 12. Everything happens between two network
# namespaces this script creates (ww-xmr-srv 10.99.0.2, ww-xmr-cli
# 10.99.0.1, joined by a veth pair) and removes again, with its data in a
# temporary directory deleted at exit. No other address is used.
#
# RPC login is disabled (--disable-rpc-login): monero-wallet-rpc's login is
# HTTP Digest, whose first request of every connection draws a 401
# challenge that is not a failed login. The secrets the recording holds (the
# wallet password, the 25-word seed and the spend key query_key returned) go
# to secrets.txt beside this script: eve.json must show none of them.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SRV=ww-xmr-srv
CLI=ww-xmr-cli
PORT=18083                          # monero-wallet-rpc's customary port
WALLET_PW=xmr-wallet-Pw-5521
TMP=$(mktemp -d /tmp/ww-xmr.XXXXXX)
DUMP_PID=

for tool in monero-wallet-rpc tcpdump curl ethtool python3; do
    command -v "$tool" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y monero tcpdump curl ethtool python3
done

cleanup() {
    set +e
    [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null
    ip netns pids "$SRV" 2>/dev/null | xargs -r kill 2>/dev/null
    sleep 1
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair "$SRV" ww-xmr0 10.99.0.2 "$CLI" ww-xmr1 10.99.0.1

mkdir -p "$TMP/wallets"
ip netns exec "$SRV" monero-wallet-rpc --offline --wallet-dir "$TMP/wallets" \
    --rpc-bind-ip 10.99.0.2 --rpc-bind-port $PORT --confirm-external-bind \
    --disable-rpc-login --log-file "$TMP/wallet-rpc.log" --non-interactive \
    >"$TMP/wallet-rpc.out" 2>&1 &

rpc() {
    ip netns exec "$CLI" curl -s -H 'Content-Type: application/json' \
        --data-binary "{\"jsonrpc\":\"2.0\",\"id\":\"$1\",\"method\":\"$2\",\"params\":$3}" \
        http://10.99.0.2:$PORT/json_rpc
}
for _ in $(seq 60); do
    rpc 0 get_version '{}' >/dev/null 2>&1 && break
    sleep 1
done

ip netns exec "$SRV" tcpdump -i ww-xmr0 -s 0 -U -w "$TMP/raw.pcap" "tcp port $PORT" \
    2>"$TMP/tcpdump.log" &
DUMP_PID=$!
sleep 2

rpc 1 create_wallet "{\"filename\":\"ops\",\"password\":\"$WALLET_PW\",\"language\":\"English\"}" >/dev/null
rpc 2 get_balance '{"account_index":0}' >/dev/null
ADDR=$(rpc 3 get_address '{"account_index":0}' |
       python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["address"])')
SUB=$(rpc 4 create_address '{"account_index":0,"label":"payout"}' |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["address"])')
SEED=$(rpc 5 query_key '{"key_type":"mnemonic"}' |
       python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["key"])')
SPEND=$(rpc 6 query_key '{"key_type":"spend_key"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["key"])')
# Offline with an empty wallet: these fail, and are still calls with destinations.
rpc 7 transfer "{\"destinations\":[{\"amount\":1500000000000,\"address\":\"$SUB\"},{\"amount\":1,\"address\":\"$ADDR\"}],\"account_index\":0,\"priority\":0}" >/dev/null
rpc 8 sweep_all "{\"address\":\"$SUB\",\"account_index\":0}" >/dev/null
rpc 9 store '{}' >/dev/null
sleep 2

kill "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null || true
DUMP_PID=
cp "$TMP/raw.pcap" "$HERE/input.pcap"
printf '%s\n' "$WALLET_PW" "$SEED" "$SPEND" > "$HERE/secrets.txt"
echo "recorded $(tcpdump -r "$HERE/input.pcap" 2>/dev/null | wc -l) packets into $HERE/input.pcap"
