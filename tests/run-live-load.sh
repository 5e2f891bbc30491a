#!/bin/bash
# run-live-load.sh — live capture under load: the highest replay rate that
# walletwatch -i captures without losing a packet.
#
# A network namespace of our own holds a veth pair: tcpreplay sends on one
# end, walletwatch -i captures on the other (its "host" end). Both ends stay
# inside the namespace, with IPv6 off and no addresses: the replayed packets
# carry foreign addresses and can reach no other interface, and the kernel
# adds none of its own (no router solicitations, no DAD), so walletwatch sees
# exactly what tcpreplay sent. The namespace goes away on exit (trap).
#
# For each rate a fresh walletwatch (shipped signatures, --stats-interval 1)
# captures PKTS packets replayed at that rate; after SIGINT its last `stats`
# event gives capture.kernel_packets, capture.kernel_drops and decoder.pkts,
# and every EVE line must parse as JSON. "lost" = packets tcpreplay sent -
# decoder.pkts (it also counts what the kernel dropped before the capture
# socket, e.g. the backlog queue, which pcap_stats does not see).
# Prints a table and the highest rate with zero kernel drops and nothing
# lost. Asserts nothing about rates: fails only if the set-up or a run does.
#
# Usage (root): tests/run-live-load.sh [CAPTURE]
#   CAPTURE  pcap to replay (Ethernet); default: the first MB MiB of make
#            bench's /tmp/walletwatch-bench/remapped-1024.pcap, else of pcaps/*.
#   env: BIN (./walletwatch), RATES ("100 200 500 1000 2000 5000 top": Mbit/s,
#        top = tcpreplay --topspeed), MB (100: how much of CAPTURE), PKTS
#        (every packet of the cut, LOOPS times), LOOPS (1: times the cut is
#        replayed per rate; walletwatch's 64 MiB ring absorbs a burst of
#        ~60 MB, so a sustained rate needs more than that), SIGS (signatures).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
    echo "live-load: skipped (needs root for the namespace and the capture)"
    exit 0
fi
for tool in tcpreplay ip /usr/bin/python3; do
    command -v "$tool" >/dev/null || { echo "live-load: skipped ($tool missing: tools/install-deps.sh)"; exit 0; }
done
BIN=${BIN:-./walletwatch}
RATES=${RATES:-"100 200 500 1000 2000 5000 top"}
MB=${MB:-100}
SIGS=${SIGS:-signatures}
NS=ww-load-$$
work=$(mktemp -d /tmp/ww-live-load.XXXXXX)
ww_pid=

cleanup() {
    if [ -n "$ww_pid" ] && kill -0 "$ww_pid" 2>/dev/null; then
        kill -INT "$ww_pid" 2>/dev/null || true
        wait "$ww_pid" 2>/dev/null || true
    fi
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The capture to replay: Ethernet records of classic pcap files, up to MB.
src=${1:-}
if [ -z "$src" ]; then
    src=pcaps
    for f in /tmp/walletwatch-bench/remapped-1024.pcap /tmp/walletwatch-bench/big-1024.pcap; do
        [ -s "$f" ] && { src=$f; break; }
    done
fi
cap="$work/replay.pcap"
/usr/bin/python3 - "$cap" "$MB" "$src" <<'PY'
import os, struct, sys
out, budget, src = sys.argv[1], int(sys.argv[2]) << 20, sys.argv[3]
files = [src] if os.path.isfile(src) else sorted(
    os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".pcap"))
n = size = 0
with open(out, "wb") as o:
    o.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for path in files:
        with open(path, "rb") as f:
            h = f.read(24)
            if len(h) < 24:
                continue
            magic = struct.unpack("<I", h[:4])[0]
            e = {0xA1B2C3D4: "<", 0xD4C3B2A1: ">", 0xA1B23C4D: "<", 0x4D3CB2A1: ">"}.get(magic)
            if e is None or struct.unpack(e + "I", h[20:24])[0] != 1:
                continue  # pcapng or not Ethernet
            nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
            while size < budget:
                r = f.read(16)
                if len(r) < 16:
                    break
                s, u, cl, wl = struct.unpack(e + "IIII", r)
                d = f.read(cl)
                if len(d) < cl:
                    break
                o.write(struct.pack("<IIII", s, u // 1000 if nano else u, cl, wl) + d)
                n += 1
                size += 16 + cl
        if size >= budget:
            break
print("capture: %s: %d packets, %.1f MiB from %s" % (out, n, size / 1048576, src))
PY
total=$(/usr/bin/python3 -c '
import struct, sys
f = open(sys.argv[1], "rb"); f.read(24); n = 0
while True:
    r = f.read(16)
    if len(r) < 16: break
    f.seek(struct.unpack("<IIII", r)[2], 1); n += 1
print(n)' "$cap")
LOOPS=${LOOPS:-1}
PKTS=${PKTS:-$((total * LOOPS))}

ip netns add "$NS"
ip netns exec "$NS" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$NS" link add ww-tx type veth peer name ww-rx
for dev in ww-tx ww-rx; do
    # large frames of loopback captures (up to 64 KiB) must fit
    ip -n "$NS" link set "$dev" mtu 65535 up
done

# run RATE: one walletwatch, one replay; appends a row to $work/rows.
run() {
    local rate=$1 eve="$work/eve-$1.json" log="$work/replay-$1.txt"
    local speed=(--mbps "$rate")
    [ "$rate" = top ] && speed=(--topspeed)
    ip netns exec "$NS" "$BIN" -i ww-rx --eve "$eve" --stats-interval 1 -S "$SIGS" -q \
        2>"$work/ww-$rate.err" &
    ww_pid=$!
    for _ in $(seq 100); do # up to 10 s for the capture to start (first stats event)
        grep -q '"event_type":"stats"' "$eve" 2>/dev/null && break
        kill -0 "$ww_pid" 2>/dev/null || break
        sleep 0.1
    done
    ip netns exec "$NS" tcpreplay -i ww-tx "${speed[@]}" -K --loop "$LOOPS" --limit "$PKTS" "$cap" >"$log" 2>&1 ||
        { echo "live-load: tcpreplay failed at $rate:"; cat "$log"; exit 1; }
    sleep 2 # the stack and the capture ring drain
    kill -INT "$ww_pid"
    local rc=0
    wait "$ww_pid" || rc=$?
    ww_pid=
    if [ "$rc" != 0 ]; then
        echo "live-load: walletwatch exited $rc at $rate:"; cat "$work/ww-$rate.err"; exit 1
    fi
    /usr/bin/python3 - "$rate" "$eve" "$log" >>"$work/rows" <<'PY'
import json, re, sys
rate, eve, log = sys.argv[1:4]
text = open(log).read()
sent = int(re.search(r"Successful packets:\s+(\d+)", text).group(1))
failed = int(re.search(r"Failed packets:\s+(\d+)", text).group(1))
m = re.search(r"Rated: [\d.]+ Bps, ([\d.]+) Mbps, ([\d.]+) pps", text)
mbps, pps = (float(m.group(1)), float(m.group(2))) if m else (0.0, 0.0)
stats, whole, lines = None, True, 0
with open(eve, "rb") as f:
    for line in f:
        lines += 1
        try:
            ev = json.loads(line)
        except ValueError:
            whole = False
            continue
        if ev.get("event_type") == "stats":
            stats = ev["stats"]
cap = stats["capture"] if stats else {}
dec = stats["decoder"]["pkts"] if stats else -1
print(rate, sent, failed, "%.0f" % mbps, "%.0f" % pps, cap.get("kernel_packets", -1),
      cap.get("kernel_drops", -1), dec, sent - dec, lines, "yes" if whole else "NO")
PY
}

echo "replaying $PKTS packets per rate on a veth pair in namespace $NS (walletwatch -S $SIGS)"
: >"$work/rows"
for rate in $RATES; do
    run "$rate"
done
/usr/bin/python3 - "$work/rows" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
print("| asked Mbit/s | sent | failed | achieved Mbit/s | packets/s | kernel_packets | kernel_drops | decoder.pkts | lost | events | lines whole |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
best = None
for r in rows:
    print("| " + " | ".join(r) + " |")
    rate, sent, failed, mbps, pps, kp, kd, dec, lost, ev, whole = r
    if int(kd) == 0 and int(lost) == 0 and int(failed) == 0 and whole == "yes":
        if best is None or float(mbps) > float(best[3]):
            best = r
if best:
    print("highest rate with zero kernel drops and nothing lost: %s Mbit/s, %s packets/s (asked: %s)"
          % (best[3], best[4], best[0]))
else:
    print("no rate ran without kernel drops or lost packets")
PY
echo "live-load: 1 passed, 0 failed"
