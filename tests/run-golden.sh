#!/bin/sh
# run-golden.sh — configuration errors, asserted exactly (like jq's %%FAIL
# blocks): `walletwatch -T -c tests/config/bad-X.yaml` must exit 2 and print
# exactly tests/config/bad-X.stderr; good.yaml must exit 0 silently.
# Usage: tests/run-golden.sh [BIN]
bin=${1:-./walletwatch}
dir=$(dirname "$0")/config
passed=0
failed=0
out=$(mktemp)
for conf in "$dir"/bad-*.yaml; do
    "$bin" -T -c "$conf" >/dev/null 2>"$out"
    rc=$?
    if [ "$rc" -eq 2 ] && cmp -s "$out" "${conf%.yaml}.stderr"; then
        passed=$((passed + 1))
    else
        echo "FAIL $conf: exit $rc, stderr:"; cat "$out"
        failed=$((failed + 1))
    fi
done
if "$bin" -T -c "$dir/good.yaml" >/dev/null 2>"$out" && [ ! -s "$out" ]; then
    passed=$((passed + 1))
else
    echo "FAIL $dir/good.yaml:"; cat "$out"
    failed=$((failed + 1))
fi
rm -f "$out"
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
