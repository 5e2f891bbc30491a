#!/bin/bash
# bench.sh — throughput and peak memory of walletwatch on one large capture,
# in one run, beside two baselines: a bare libpcap read loop and a
# libnids-only reassembly loop (tools/nids-loop.c). walletwatch runs with the
# shipped signatures (one worker, then --workers 2), with 10,000 generated
# content rules, and with a 1,000,000-entry domain dataset. Figures are
# printed, never asserted.
# Usage: tools/bench.sh [CORPUS_DIR] [TARGET_MB]
#
# The capture: every pcap under CORPUS_DIR (default ../shared/corpus, else
# pcaps/) laid end to end with mergecap, repeated until TARGET_MB (default
# 1024) by tools/pcap-replicate.py. Each repeat is shifted one day later and
# has its own host addresses (the last 16 bits XORed with a per-copy key,
# checksums fixed), so sessions multiply as in real traffic: every session
# is new to the engine, and no host pair recurs once a day.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus}
[ -d "$corpus" ] || corpus=pcaps
target_mb=${2:-1024}
work=${BENCH_DIR:-/tmp/walletwatch-bench}
mkdir -p "$work"
big="$work/remapped-${target_mb}.pcap"
if [ ! -s "$big" ]; then
    mapfile -t files < <(find "$corpus" -name '*.pcap' -size +1k | sort)
    mergecap -F pcap -a -w "$work/one.pcap" "${files[@]}" 2>/dev/null
    one=$(stat -c %s "$work/one.pcap")
    reps=$(( target_mb * 1024 * 1024 / one + 1 ))
    /usr/bin/python3 tools/pcap-replicate.py "$work/one.pcap" "$big.tmp" "$reps" 86400
    mv "$big.tmp" "$big"
fi
size=$(stat -c %s "$big")
echo "capture: $big ($((size / 1048576)) MiB)"

# run NAME CMD...: the best wall seconds of $REPEAT runs (default 3: the
# machine's noise only ever adds time) and the largest peak RSS among them.
repeat=${REPEAT:-3}
run() {
    local name=$1; shift
    local best="" rss=0 out secs r
    for ((i = 0; i < repeat; i++)); do
        /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" >/dev/null 2>&1
        out=$(tail -1 "$work/time.out")
        secs=${out% *} r=${out#* }
        if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$secs; fi
        [ "$r" -gt "$rss" ] && rss=$r
    done
    echo "$name $best $rss"
}
# 10,000 content rules (deterministic words) and a 1,000,000-domain dataset.
gen="$work/gen10k.rules"
[ -s "$gen" ] || /usr/bin/python3 - "$gen" <<'PY'
import random, sys
r = random.Random(7)
abc = "abcdefghijklmnopqrstuvwxyz0123456789"
with open(sys.argv[1], "w") as f:
    for i in range(10000):
        w = "".join(r.choice(abc) for _ in range(r.randint(8, 14)))
        f.write('alert tcp any any -> any any (msg:"generated %d"; content:"%s"; sid:%d;)\n'
                % (i, w, 3000000 + i))
PY
dsdir="$work/dataset"
mkdir -p "$dsdir"
if [ ! -s "$dsdir/domains.txt" ]; then
    /usr/bin/python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    f.write("# bench: 1,000,000 generated domains\n")
    for i in range(1000000):
        f.write("host-%07d.bench-drainer.example\n" % i)' "$dsdir/domains.txt"
    echo 'alert dns any any -> any any (msg:"listed domain"; dns.query; dataset:isset,bench-domains,type string,load domains.txt,format plain; sid:3100000;)' > "$dsdir/dataset.rules"
fi

read -r pkts _ bytes _ < <(build/tools/pcap-read-loop "$big")
results=$(
    run libpcap-loop build/tools/pcap-read-loop "$big"
    run libnids-loop build/tools/nids-loop "$big"
    run ww-shipped ./walletwatch -r "$big" --eve /dev/null -S signatures
    run ww-2-workers ./walletwatch -r "$big" --eve /dev/null -S signatures --workers 2
    run ww-10k-rules ./walletwatch -r "$big" --eve /dev/null -S "$gen"
    run ww-1M-dataset ./walletwatch -r "$big" --eve /dev/null -S "$dsdir/dataset.rules"
)
nids=$(echo "$results" | awk '$1=="libnids-loop"{print $2}')
printf '%-14s %8s %8s %11s %11s %12s\n' run seconds Gbit/s packets/s peakRSS/MiB "speed/nids"
echo "$results" | while read -r name secs rss; do
    awk -v n="$name" -v s="$secs" -v r="$rss" -v b="$bytes" -v p="$pkts" -v base="$nids" 'BEGIN{
        if (s <= 0) s = 0.01;
        printf "%-14s %8.2f %8.2f %11.0f %11.1f %11.0f%%\n", n, s, b*8/s/1e9, p/s, r/1024, 100*base/s }'
done
echo "$results" | awk '$1=="ww-shipped"{one=$2} $1=="ww-2-workers"{two=$2}
    END{if (two > 0) printf "2 workers: %.2fx one worker (shipped signatures)\n", one/two}'
echo "(best of $repeat runs each; speed/nids: throughput as a share of the libnids-only loop)"
