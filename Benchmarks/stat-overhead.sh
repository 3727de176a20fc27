#!/usr/bin/env bash
# What counting a command costs: the wall time of `tracetui stat -- CMD` and `perf stat -- CMD` against CMD
# alone, for `true` (the fixed cost: start-up, opening 8 counters, the held start, reaping, printing) and for
# `tracetui-spin faults 1000`. Rounds are interleaved (each round runs every variant once) so that the load
# of a shared machine falls on all of them alike; prints the best and the median of ROUNDS per variant.
# Usage: Benchmarks/stat-overhead.sh [ROUNDS]   (root or perf_event_paranoid ≤ 2; perf optional)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-30}
BIN=${BIN:-.build/release/tracetui}
SPIN=${SPIN:-.build/release/tracetui-spin}
[ -x "$BIN" ] || swift build -c release --product tracetui
[ -x "$SPIN" ] || swift build -c release --product tracetui-spin
variants=("true" "$BIN stat -- true")
command -v perf >/dev/null && variants+=("perf stat -- true")
variants+=("$SPIN faults 1000" "$BIN stat -- $SPIN faults 1000")
command -v perf >/dev/null && variants+=("perf stat -- $SPIN faults 1000")
declare -A times
for ((r = 0; r < ROUNDS; r++)); do
    for v in "${variants[@]}"; do
        s=$EPOCHREALTIME
        $v >/dev/null 2>&1
        e=$EPOCHREALTIME
        times[$v]+="$(( (${e/./} - ${s/./}) )) "
    done
done
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds (µs of wall time)"
for v in "${variants[@]}"; do
    tr ' ' '\n' <<<"${times[$v]}" | grep . | sort -n | awk -v name="$v" \
        '{a[NR]=$1} END {printf "%-58s best %8.0f  median %8.0f\n", name, a[1], a[int((NR+1)/2)]}'
done
