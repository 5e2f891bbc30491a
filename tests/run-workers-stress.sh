#!/bin/bash
# run-workers-stress.sh — --workers N under real concurrency: the public
# corpus replayed 16 times with remapped addresses (tools/pcap-replicate.py,
# ~128 MiB, 150,000 frames), the shipped signatures plus
# tests/workers-stress.rules (cross-pair thresholds checked on every HTTP
# request and DNS query, ~10,000 times), run with 1, 2 and 3 workers by
# tests/run-workers.py: the same events and stats every time. The crafted
# scenarios are too small for the workers to overlap much; here they race.
# Usage: tests/run-workers-stress.sh [BIN] [CORPUS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-./walletwatch}
corpus=${2:-../shared/corpus}
if [ ! -d "$corpus" ]; then
    echo "workers-stress: skipped (no corpus at $corpus)"
    exit 0
fi
work=$(mktemp -d /tmp/ww-stress.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scenarios/replay"
mapfile -t files < <(find "$corpus" -name '*.pcap' -size +1k | sort)
mergecap -F pcap -a -w "$work/one.pcap" "${files[@]}" 2>/dev/null
/usr/bin/python3 tools/pcap-replicate.py "$work/one.pcap" "$work/scenarios/replay/input.pcap" 16 86400
cat signatures/*.rules tests/workers-stress.rules > "$work/stress.rules"
cp signatures/*.config signatures/*.txt signatures/wallet-policy.json "$work/"
printf '{"args": ["-S", "%s"]}\n' "$work/stress.rules" > "$work/scenarios/replay/test.json"
for n in 2 3; do
    /usr/bin/python3 tests/run-workers.py --bin "$bin" --workers "$n" --no-live --corpus "" \
        "$work/scenarios"
done
