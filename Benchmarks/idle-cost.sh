#!/usr/bin/env bash
# What a viewer nobody touches costs (issue 12's figures): each program runs in a tmux pane of its own
# (160×45, TERM=xterm-256color), is left alone WARM seconds, then charged its on-CPU time (the sum of
# /proc/PID/task/*/schedstat, in ns, all threads) over SECS seconds, as a share of one core. Side by side in the
# same run: `tracetui replay SAMPLE`, `htop` (its default 1.5 s refresh) and `top -d 3`; with root also the live
# viewer, `sudo tracetui` (default events), on whatever the machine is doing meanwhile (its event rate is said).
# Usage: Benchmarks/idle-cost.sh [SECS] [SAMPLE]   (defaults: 60, the bundled demo trace)
# SLEEPERS=N starts N loads that sleep 0.4 ms in a loop (python3): each adds ~3-6 k scheduler events a second, so
# that the live viewer is measured at a desktop's 5-10 k events/s on an otherwise quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
SAMPLE=${2:-Sources/tracetui/Resources/demo/demo-trace.txt.zst}
WARM=${WARM:-3}
BIN=${BIN:-.build/release/tracetui}
[ -x "$BIN" ] || swift build -c release --product tracetui >/dev/null
export TERM=xterm-256color
SESSION=idle-cost-$$
names=()
pids=()
loads=()
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    for p in "${loads[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

# Starts "$2…" in a new tmux window named $1 and records the pid of the program itself (not the shell).
start() {
    local name=$1
    shift
    if ! tmux has-session -t "$SESSION" 2>/dev/null; then
        tmux new-session -d -s "$SESSION" -x 160 -y 45 -n "$name" "exec $*"
    else
        tmux new-window -t "$SESSION" -n "$name" "exec $*"
    fi
    tmux resize-window -t "$SESSION:$name" -x 160 -y 45 2>/dev/null || true
    sleep 0.5
    local pid
    pid=$(tmux display-message -p -t "$SESSION:$name" '#{pane_pid}')
    names+=("$name")
    pids+=("$pid")
}

# On-CPU nanoseconds of every thread of $1 so far.
oncpu() {
    local sum=0 t
    for t in /proc/"$1"/task/*/schedstat; do
        read -r ns _ < "$t" 2>/dev/null || continue
        sum=$((sum + ns))
    done
    echo "$sum"
}

start replay "$BIN" replay "$SAMPLE"
command -v htop >/dev/null && start htop htop
command -v top >/dev/null && start top top -d 3
if [ "$(id -u)" = 0 ] && [ -d /sys/kernel/tracing/instances ]; then start live "$BIN"; fi
for _ in $(seq 1 "${SLEEPERS:-0}"); do
    python3 -c 'import time
while True: time.sleep(0.0004)' &
    loads+=($!)
done
sleep "$WARM"
declare -a before
for i in "${!pids[@]}"; do before[$i]=$(oncpu "${pids[$i]}"); done
sleep "$SECS"
echo "idle for ${SECS} s at 160x45 (load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs):"
for i in "${!pids[@]}"; do
    after=$(oncpu "${pids[$i]}")
    ns=$((after - before[i]))
    awk -v n="${names[$i]}" -v ns="$ns" -v s="$SECS" \
        'BEGIN { printf "  %-8s %8.3f %% of a core  (%.1f ms on CPU)\n", n, ns / (s * 1e7), ns / 1e6 }'
done
for i in "${!names[@]}"; do
    if [ "${names[$i]}" = live ]; then
        tmux capture-pane -p -t "$SESSION:live" | tail -n 1 | sed 's/^/  live status: /'
    fi
done
