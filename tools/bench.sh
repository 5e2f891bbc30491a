#!/bin/bash
# bench.sh — throughput and peak memory of walletwatch against a bare libpcap
# read loop on one large capture, in one run. Figures are printed, never
# asserted. Usage: tools/bench.sh [CORPUS_DIR] [TARGET_MB]
#
# The capture: every pcap under CORPUS_DIR (default ../shared/corpus, else
# pcaps/) laid end to end with mergecap, repeated until TARGET_MB (default
# 1024). Each repeat is shifted one day later (editcap -t), so every session
# is new to the engine and reassembled again.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
[ -d "$corpus" ] || corpus=pcaps
target_mb=${2:-1024}
work=${BENCH_DIR:-/tmp/walletwatch-bench}
mkdir -p "$work"
big="$work/big-${target_mb}.pcap"
if [ ! -s "$big" ]; then
    mapfile -t files < <(find "$corpus" -name '*.pcap' -size +1k | sort)
    mergecap -F pcap -a -w "$work/one.pcap" "${files[@]}" 2>/dev/null
    one=$(stat -c %s "$work/one.pcap")
    reps=$(( target_mb * 1024 * 1024 / one + 1 ))
    list=()
    for i in $(seq "$reps"); do
        editcap -F pcap -t $(( i * 86400 )) "$work/one.pcap" "$work/rep-$i.pcap"
        list+=("$work/rep-$i.pcap")
    done
    mergecap -F pcap -a -w "$big" "${list[@]}"
    rm -f "$work"/rep-*.pcap
fi
size=$(stat -c %s "$big")
echo "capture: $big ($((size / 1048576)) MiB)"

# run NAME CMD...: wall seconds, peak RSS; figures relative to the capture.
run() {
    local name=$1; shift
    local out
    /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" >/dev/null 2>&1
    out=$(tail -1 "$work/time.out")
    local secs=${out% *} rss=${out#* }
    echo "$name $secs $rss"
}
read -r pkts _ bytes _ < <(build/tools/pcap-read-loop "$big")
results=$(
    run libpcap-loop build/tools/pcap-read-loop "$big"
    run walletwatch ./walletwatch -r "$big" --eve /dev/null
)
base=$(echo "$results" | awk '$1=="libpcap-loop"{print $2}')
printf '%-14s %10s %10s %12s %10s %8s\n' run seconds Gbit/s packets/s peakRSS/MiB "vs loop"
echo "$results" | while read -r name secs rss; do
    awk -v n="$name" -v s="$secs" -v r="$rss" -v b="$bytes" -v p="$pkts" -v base="$base" 'BEGIN{
        if (s <= 0) s = 0.01;
        printf "%-14s %10.2f %10.2f %12.0f %10.1f %7.2fx\n", n, s, b*8/s/1e9, p/s, r/1024, s/base }'
done
