#!/bin/sh
# run-golden.sh — bad input asserted exactly (like jq's %%FAIL blocks):
#   tests/config/bad-X.yaml  `walletwatch -T -c FILE` exits 2, stderr = bad-X.stderr
#   tests/rules/bad-X.rules  `walletwatch -T -S FILE` exits 2, stderr = bad-X.stderr
#   tests/config/good.yaml, tests/rules/all-keywords.rules: exit 0, silent.
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
expect_ok -c "$top/config/good.yaml"
[ -e "$top/rules/all-keywords.rules" ] && expect_ok -S "$top/rules/all-keywords.rules"
rm -f "$out"
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
