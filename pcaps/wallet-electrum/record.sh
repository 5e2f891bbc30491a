#!/bin/bash
# record.sh -- records pcaps/wallet-electrum/input.pcap from a real Electrum
# 4.3 daemon (Debian 12 package `electrum`) on testnet, offline (it talks to
# no Electrum server), driven by the electrum command line and by curl.
#
# Electrum's own CLI reaches its daemon over HTTP: POST / with HTTP Basic
# auth and JSON-RPC 2.0, method "run_cmdline" whose single parameter is the
# command line as an object ({"cmd": "getseed", "password": ..., ...}). The
# daemon uses a Unix socket unless rpcport is set, so rpcport/rpchost are
# set here. Scripts also call the commands directly ({"method":
# "listaddresses","params":{}}); one such call is recorded too.
#
# Run as root on Debian 12. Everything happens between two network
# namespaces this script creates (ww-el-srv 10.99.0.2, ww-el-cli 10.99.0.1,
# joined by a veth pair) and removes again, with its data in a temporary
# directory deleted at exit. No other address is used. The secrets the
# recording holds (RPC password, wallet password, the seed) go to secrets.txt.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SRV=ww-el-srv
CLI=ww-el-cli
PORT=7777
RPCUSER=elops
RPCPASS=el-rpc-Pw-90c2e1
WALLET_PW=el-wallet-Pw-3317
DEST=tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx   # BIP173's testnet example
TMP=$(mktemp -d /tmp/ww-el.XXXXXX)
DUMP_PID=

for tool in electrum tcpdump curl ethtool; do
    command -v "$tool" >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y electrum tcpdump curl ethtool
done

E() { ip netns exec "$1" env HOME="$TMP" electrum --testnet -D "$TMP/el" "${@:2}"; }

cleanup() {
    set +e
    E "$CLI" stop >/dev/null 2>&1
    [ -n "$DUMP_PID" ] && kill "$DUMP_PID" 2>/dev/null
    sleep 1
    ip netns pids "$SRV" 2>/dev/null | xargs -r kill 2>/dev/null
    sleep 1
    ip netns del "$SRV" 2>/dev/null
    ip netns del "$CLI" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

veth_pair "$SRV" ww-el0 10.99.0.2 "$CLI" ww-el1 10.99.0.1

mkdir -p "$TMP/el"
for kv in "rpcport $PORT" "rpchost 10.99.0.2" "rpcuser $RPCUSER" "rpcpassword $RPCPASS"; do
    # shellcheck disable=SC2086
    E "$SRV" --offline setconfig $kv >/dev/null
done
E "$SRV" --offline daemon -d >/dev/null 2>&1
for _ in $(seq 30); do
    E "$CLI" getinfo >/dev/null 2>&1 && break
    sleep 1
done

ip netns exec "$SRV" tcpdump -i ww-el0 -s 0 -U -w "$TMP/raw.pcap" "tcp port $PORT" \
    2>"$TMP/tcpdump.log" &
DUMP_PID=$!
sleep 2

E "$CLI" create --seed_type segwit --password "$WALLET_PW" >"$TMP/create.json"   # admin; result carries the seed
E "$CLI" load_wallet --password "$WALLET_PW" >/dev/null                          # admin
E "$CLI" getbalance >/dev/null                                                   # read
E "$CLI" listaddresses >/dev/null                                                # read
SEED=$(E "$CLI" getseed --password "$WALLET_PW")                                 # key: result is the seed
E "$CLI" getseed --password "wrong-$WALLET_PW" >/dev/null 2>&1 || true           # key, error
E "$CLI" payto "$DEST" 0.001 --password "$WALLET_PW" >/dev/null 2>&1 || true     # send, error (no funds)
ip netns exec "$CLI" curl -s -u "$RPCUSER:$RPCPASS" -H 'Content-Type: application/json' \
    --data-binary '{"jsonrpc":"2.0","id":"c1","method":"listaddresses","params":{}}' \
    http://10.99.0.2:$PORT/ >/dev/null                                           # direct call
ip netns exec "$CLI" curl -s -u "$RPCUSER:not-the-password" -H 'Content-Type: application/json' \
    --data-binary '{"jsonrpc":"2.0","id":"c2","method":"getseed","params":{}}' \
    http://10.99.0.2:$PORT/ >/dev/null                                           # 403
sleep 2

kill "$DUMP_PID"
wait "$DUMP_PID" 2>/dev/null || true
DUMP_PID=
cp "$TMP/raw.pcap" "$HERE/input.pcap"
printf '%s\n' "$RPCPASS" "$WALLET_PW" "wrong-$WALLET_PW" "$SEED" > "$HERE/secrets.txt"
echo "recorded $(tcpdump -r "$HERE/input.pcap" 2>/dev/null | wc -l) packets into $HERE/input.pcap"
