#!/usr/bin/env bash
# What counting a command costs: the wall time of `tracetui stat -- CMD` and `perf stat -- CMD` against CMD
# alone, for `/bin/true` (the fixed cost: start-up, opening 8 counters, the held start, reaping, printing;
# `tracetui keys` is tracetui's bare start-up) and for `tracetui-spin faults 1000`. Rounds are interleaved (each
# round runs every variant once) so that the load of a shared machine falls on all of them alike; prints the
# best and the median wall time of ROUNDS per variant, and the median CPU time (user + sys of the variant and
# its children, from bash's `times`), which a loaded machine disturbs much less.
# Usage: Benchmarks/stat-overhead.sh [ROUNDS]   (root or perf_event_paranoid ≤ 2; perf optional)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-30}
BIN=${BIN:-.build/release/tracetui}
SPIN=${SPIN:-.build/release/tracetui-spin}
[ -x "$BIN" ] || swift build -c release --product tracetui
[ -x "$SPIN" ] || swift build -c release --product tracetui-spin
variants=("/bin/true" "$BIN keys" "$BIN stat -- /bin/true")
command -v perf >/dev/null && variants+=("perf stat -- /bin/true")
variants+=("$SPIN faults 1000" "$BIN stat -- $SPIN faults 1000")
command -v perf >/dev/null && variants+=("perf stat -- $SPIN faults 1000")
declare -A wall cpu
# "0m0.012s 0m0.004s" (children's user and sys, as `times` prints them) → µs
to_us() { awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); t += p[1] * 60 + p[2] }
                 printf "%d", t * 1e6 }'; }
for ((r = 0; r < ROUNDS; r++)); do
    for v in "${variants[@]}"; do
        s=$EPOCHREALTIME
        c=$( ($v >/dev/null 2>&1; times) | tail -1 | to_us)
        e=$EPOCHREALTIME
        wall[$v]+="$(( (${e/./} - ${s/./}) )) "
        cpu[$v]+="$c "
    done
done
echo "$(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS rounds (µs)"
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for v in "${variants[@]}"; do
    best=$(tr ' ' '\n' <<<"${wall[$v]}" | grep . | sort -n | head -1)
    printf "%-58s wall best %7d  median %7d   cpu median %7d\n" "$v" "$best" \
        "$(median <<<"${wall[$v]}")" "$(median <<<"${cpu[$v]}")"
done
