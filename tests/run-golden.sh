#!/bin/sh
# run-golden.sh — bad input asserted exactly (like jq's %%FAIL blocks):
#   tests/config/bad-X.yaml  `walletwatch -T -c FILE` exits 2, stderr = bad-X.stderr
#   tests/rules/bad-X.rules  `walletwatch -T -S FILE` exits 2, stderr = bad-X.stderr
#   tests/policy/bad-X.json  `walletwatch -T -S tests/policy/dummy.rules
#                            --set wallet-policy=FILE` exits 2, stderr = bad-X.stderr
#   tests/config/good.yaml, tests/rules/all-keywords.rules,
#   signatures/wallet-policy.json: exit 0, silent.
# Usage: tests/run-golden.sh [BIN]
bin=${1:-./walletwatch}
top=$(dirname "$0")
passed=0
failed=0
out=$(mktemp)

expect_fail() { # OPTION FILE
    "$bin" -T "$1" "$2" >/dev/null 2>"$out"
    rc=$?
    if [ "$rc" -eq 2 ] && cmp -s "$out" "${2%.*}.stderr"; then
        passed=$((passed + 1))
    else
        echo "FAIL $2: exit $rc, stderr:"; cat "$out"
        echo "--- expected:"; cat "${2%.*}.stderr" 2>/dev/null
        failed=$((failed + 1))
    fi
}

expect_ok() { # OPTION FILE
    if "$bin" -T "$1" "$2" >/dev/null 2>"$out" && [ ! -s "$out" ]; then
        passed=$((passed + 1))
    else
        echo "FAIL $2: want exit 0 and no output, got:"; cat "$out"
        failed=$((failed + 1))
    fi
}

for f in "$top"/config/bad-*.yaml; do expect_fail -c "$f"; done
for f in "$top"/rules/bad-*.rules; do [ -e "$f" ] && expect_fail -S "$f"; done
# A bad policy: the rules file is valid, so every line of stderr is the policy's.
for f in "$top"/policy/bad-*.json; do
    [ -e "$f" ] || continue
    "$bin" -T -S "$top/policy/dummy.rules" --set "wallet-policy=$f" >/dev/null 2>"$out"
    rc=$?
    if [ "$rc" -eq 2 ] && cmp -s "$out" "${f%.*}.stderr"; then
        passed=$((passed + 1))
    else
        echo "FAIL $f: exit $rc, stderr:"; cat "$out"
        echo "--- expected:"; cat "${f%.*}.stderr" 2>/dev/null
        failed=$((failed + 1))
    fi
done
expect_ok -c "$top/config/good.yaml"
expect_ok --set "wallet-policy=$top/../signatures/wallet-policy.json"
[ -e "$top/rules/all-keywords.rules" ] && expect_ok -S "$top/rules/all-keywords.rules"
rm -f "$out"
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
