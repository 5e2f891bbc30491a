#!/bin/sh
# run.sh — runs one libFuzzer target (called by the Makefile's fuzz block).
#
#   run.sh fuzz NAME SECONDS OUTDIR   fuzz from tests/fuzz/corpus/NAME for SECONDS;
#                                     new inputs go to OUTDIR/NAME/corpus, crashes
#                                     to OUTDIR/NAME/crash-*, the log to OUTDIR/NAME/log
#   run.sh regress NAME               run every file of tests/fuzz/regress/NAME/ and
#                                     tests/fuzz/corpus/NAME/ once
#
# Exits 1 when the target crashed, leaked, hit a sanitizer report or timed out.
set -u
mode=$1 name=$2
bin=build/fuzz/fuzz-$name
seeds=tests/fuzz/corpus/$name
regress=tests/fuzz/regress/$name
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

case $name in
    rule) maxlen=4096 ;;
    decode) maxlen=9000 ;;
    *) maxlen=65536 ;;
esac
dict=tests/fuzz/dict/$name.dict
dictopt=
[ -f "$dict" ] && dictopt="-dict=$dict"

if [ "$mode" = fuzz ]; then
    secs=$3 out=$4/$name
    mkdir -p "$out/corpus"
    log=$out/log
    [ -d "$seeds" ] || seeds=
    "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=$maxlen \
        -print_final_stats=1 -artifact_prefix="$out/" $dictopt "$out/corpus" $seeds >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -ne 0 ]; then
        echo "fuzz $name: FAILED after ${execs:-?} runs (exit $rc); log $log"
        grep -E '^(==[0-9]+==|SUMMARY|    #[0-9]+ |.*runtime error)' "$log" | head -40
        ls "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-* 2>/dev/null
        exit 1
    fi
    echo "fuzz $name: ${secs}s, ${execs:-?} runs, $cov, corpus $(ls "$out/corpus" | wc -l) new"
    exit 0
fi

if [ "$mode" = regress ]; then
    files=$(find "$regress" "$seeds" -type f 2>/dev/null | sort)
    if [ -z "$files" ]; then
        echo "fuzz-regress $name: no inputs"
        exit 0
    fi
    n=$(echo "$files" | wc -l)
    log=$(mktemp)
    # shellcheck disable=SC2086 # one argument per file name (no spaces in them)
    if "$bin" -timeout=10 -rss_limit_mb=2048 $files >"$log" 2>&1; then
        echo "fuzz-regress $name: $n inputs ok"
        rm -f "$log"
        exit 0
    fi
    echo "fuzz-regress $name: FAILED; log $log"
    grep -E '^(Running:|==[0-9]+==|SUMMARY|    #[0-9]+ |.*runtime error)' "$log" | tail -40
    exit 1
fi
echo "usage: run.sh fuzz NAME SECONDS OUTDIR | run.sh regress NAME" >&2
exit 2
