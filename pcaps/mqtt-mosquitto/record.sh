#!/bin/bash
# record.sh — records input.pcap beside this script: a real mosquitto broker
# (Debian 12's package) requiring a user name and password; mosquitto_sub
# (MQTT 3.1.1) subscribes to wallet/#, mosquitto_pub publishes twice: once
# as MQTT 3.1.1 QoS 1, once as MQTT 5.0 with a user property (v5 properties
# on CONNECT and PUBLISH). The broker forwards both to the subscriber.
#
# Runs as root on Debian 12. Broker 10.98.0.1 in netns ww-msg-a, clients
# 10.98.0.2 in netns ww-msg-b, joined by a veth pair; tcpdump captures in
# ww-msg-a. Creates and removes its namespaces, config and temp dir.
set -euo pipefail
. "$(dirname "$(readlink -f "$0")")/../../tools/veth-pair.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
NSA=ww-msg-a
NSB=ww-msg-b
T=$(mktemp -d /tmp/ww-mqtt.XXXXXX)
PIDS=()

cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

for pkg in mosquitto mosquitto-clients tcpdump iproute2; do
    dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y "$pkg"
done

veth_pair "$NSA" ww-msg-va 10.98.0.1 "$NSB" ww-msg-vb 10.98.0.2

touch "$T/passwd"
mosquitto_passwd -b "$T/passwd" alice 'mqtt-Alice-Pa55'
mosquitto_passwd -b "$T/passwd" bob 'mqtt-Bob-Pa55'
cat >"$T/mosquitto.conf" <<CFG
listener 1883 10.98.0.1
allow_anonymous false
password_file $T/passwd
persistence false
log_dest file $T/mosquitto.log
user mosquitto
CFG
chown -R mosquitto "$T"
chmod 755 "$T"

ip netns exec "$NSA" tcpdump -i ww-msg-va -U -s 0 -w "$T/capture.pcap" 'tcp port 1883' \
    2>"$T/tcpdump.log" &
PIDS+=($!)
ip netns exec "$NSA" mosquitto -c "$T/mosquitto.conf" >"$T/mosquitto.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
    ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:1883' && break
    sleep 0.2
done
if ! ip netns exec "$NSA" ss -ltn | grep -q '10.98.0.1:1883'; then
    cat "$T/mosquitto.out" "$T/mosquitto.log" >&2
    exit 1
fi

ip netns exec "$NSB" mosquitto_sub -h 10.98.0.1 -i ops-console -u bob -P 'mqtt-Bob-Pa55' \
    -t 'wallet/#' -q 1 -C 2 -W 20 >"$T/sub.out" &
SUB=$!
sleep 1
ip netns exec "$NSB" mosquitto_pub -h 10.98.0.1 -i hot-wallet -u alice -P 'mqtt-Alice-Pa55' \
    -t wallet/withdrawals -q 1 \
    -m 'withdrawal #4711: 2.5 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh approved'
sleep 0.5
ip netns exec "$NSB" mosquitto_pub -V mqttv5 -h 10.98.0.1 -i hot-wallet-v5 -u alice \
    -P 'mqtt-Alice-Pa55' -D publish user-property desk treasury -t wallet/backup -q 0 \
    -m 'seed: abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'
wait "$SUB"
cat "$T/sub.out"
sleep 1
kill "${PIDS[0]}"
wait "${PIDS[0]}" 2>/dev/null || true
cp "$T/capture.pcap" "$HERE/input.pcap"
echo "wrote $HERE/input.pcap ($(stat -c %s "$HERE/input.pcap") bytes)"
