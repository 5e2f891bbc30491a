#!/bin/sh
# run-unit.sh -- run each unit test binary in its own process with a timeout.
#
# Usage: tests/run-unit.sh BINARY...
# Prints each binary's output, then "unit: N passed, M failed" (N/M count
# binaries). Exit status 1 if any binary failed, timed out or was missing.

passed=0
failed=0
for t in "$@"; do
    echo "== $t"
    if [ ! -x "$t" ]; then
        echo "FAIL $t: not found or not executable"
        failed=$((failed + 1))
        continue
    fi
    timeout 120 "$t" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ]; then
        echo "ok $t"
        passed=$((passed + 1))
    elif [ "$rc" -eq 124 ]; then
        echo "FAIL $t: timed out after 120 s"
        failed=$((failed + 1))
    elif [ "$rc" -gt 128 ]; then
        echo "FAIL $t: killed by signal $((rc - 128))"
        failed=$((failed + 1))
    else
        echo "FAIL $t: exit status $rc"
        failed=$((failed + 1))
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
