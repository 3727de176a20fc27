#!/usr/bin/env bash
# What the open latency view (key 6) costs the live viewer (issue 16: "< 5 % of the reader's CPU at 1 M events/s"):
# the viewer runs in tmux under the paced syscall load of live-bench.sh (RATE events/s offered, default 1 200 000:
# raw_syscalls + sched_switch of the load's pid, its own instance, 8 MB per-CPU buffers), ROUNDS times with the
# latency view closed and ROUNDS times open, alternating, SECS seconds each. Reports each run's events, lost,
# CPU per event (whole process: reader, parser, drawing and the latency job), and the open runs' extra CPU as a
# share of the closed runs' (the sum of all rounds each way). The open view's last measurement must cover the rows
# read, else it lags instead of costing: the viewer's own `latency view:` line is printed under each open run.
# Root; needs cc and tmux. Usage: sudo [RATE=N] [ROUNDS=2] [BIN=…] Benchmarks/latency-live-bench.sh [SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-8}
RATE=${RATE:-1200000}
ROUNDS=${ROUNDS:-2}
BUF=8192
export TERM=${TERM:-xterm-256color}
BIN=${BIN:-.build/release/tracetui}
[ -x "$BIN" ] || swift build -c release --product tracetui
T=/sys/kernel/tracing
[ -d $T/instances ] || mount -t tracefs nodev $T
W=$(mktemp -d)
trap 'rm -rf "$W"; tmux -L tracetui-latbench kill-server 2>/dev/null || true' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
cc -O2 -o "$W/paced" Benchmarks/paced-syscalls.c

# One viewer run: $1 = closed|open, $2 = run number. Appends "mode events cpu" to $W/runs.
run() {
    local mode=$1 n=$2
    "$W/paced" "$RATE" 100000 2> "$W/load$n" &
    local load=$!
    sleep 0.3
    tmux -L tracetui-latbench -f /dev/null new-session -d -x 140 -y 40 \
        "/usr/bin/time -o $W/t$n -f '%U %S' $BIN --fps 30 --buffer-kb $BUF -p $load -e 'raw_syscalls:*' -e sched:sched_switch 2> $W/e$n"
    sleep 1
    # The same key presses both ways but the view: `6` opens the latency view, `1` is the stream (already shown).
    if [ "$mode" = open ]; then tmux -L tracetui-latbench send-keys 6; else tmux -L tracetui-latbench send-keys 1; fi
    sleep "$((SECS - 1))"
    tmux -L tracetui-latbench send-keys q || echo "the viewer ended early: $(cat "$W/e$n")"
    for _ in $(seq 100); do [ -s "$W/t$n" ] && break; sleep 0.1; done
    tmux -L tracetui-latbench kill-server 2>/dev/null || true
    kill $load 2>/dev/null; wait $load 2>/dev/null || true
    local ev lost cpu
    ev=$(sed -n 's/^tracetui: \([0-9]*\) events read.*/\1/p' "$W/e$n")
    lost=$(sed -n 's/.*read, \([0-9]*\) lost.*/\1/p' "$W/e$n")
    cpu=$(awk '{print $1 + $2}' "$W/t$n")
    awk -v m="$mode" -v e="${ev:-0}" -v l="${lost:-0}" -v c="$cpu" -v t="$SECS" 'BEGIN {
        per = e > 0 ? c / e * 1e6 : 0
        printf "%-7s %12d %12.0f %10d %8.2f s %8.3f µs\n", m, e, e / t, l, c, per }'
    sed -n 's/^tracetui: \(latency view: .*\)/    \1/p; s/.* \([0-9]*\) frames in \([0-9.]*\) s$/    \1 frames in \2 s/p' "$W/e$n"
    echo "$mode ${ev:-0} $cpu" >> "$W/runs"
}

printf "%-7s %12s %12s %10s %10s %11s\n" view events events/s lost "CPU(u+s)" "CPU/event"
: > "$W/runs"
n=0
for _ in $(seq "$ROUNDS"); do
    n=$((n + 1)); run closed $n
    n=$((n + 1)); run open $n
done
awk '{ e[$1] += $2; c[$1] += $3 } END {
    pc = c["closed"] / e["closed"] * 1e6; po = c["open"] / e["open"] * 1e6
    printf "closed %.3f µs/event, open %.3f µs/event: the open latency view costs %+.1f %% of the viewer'"'"'s CPU\n",
           pc, po, (po - pc) / pc * 100 }' "$W/runs"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
