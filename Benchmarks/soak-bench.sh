#!/usr/bin/env bash
# Bounded memory for hours (issue 15, part 4): the live viewer, in tmux, traces a paced syscall load of RATE
# events/s (default 100 000: Benchmarks/paced-syscalls.c, raw_syscalls + sched_switch of the load's pid) for
# DURATION seconds with --keep KEEP and --memory-mb MB, and its resident memory (VmRSS of /proc/PID/status) is
# sampled every STEP seconds. Prints the samples, the highest RSS and the events read; the events kept are bounded
# by --keep/--memory-mb, so after the first minutes the RSS must stop growing.
# Root; needs cc and tmux. Usage: sudo [RATE=N] [KEEP=N] [MB=N] [STEP=S] Benchmarks/soak-bench.sh [--duration SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=600
if [ "${1:-}" = "--duration" ]; then DURATION=$2; fi
RATE=${RATE:-100000}
KEEP=${KEEP:-2000000}
MB=${MB:-256}
STEP=${STEP:-10}
export TERM=${TERM:-xterm-256color}
BIN=${BIN:-.build/release/tracetui}
[ -x "$BIN" ] || swift build -c release --product tracetui
W=$(mktemp -d)
SOCK=tracetui-soak-$$
trap 'tmux -L $SOCK kill-server 2>/dev/null || true; kill $LOAD 2>/dev/null || true; rm -rf "$W"' EXIT
cc -O2 -o "$W/paced" Benchmarks/paced-syscalls.c
"$W/paced" "$RATE" $((DURATION + 30)) 2> "$W/load" &
LOAD=$!
sleep 0.3
tmux -L $SOCK -f /dev/null new-session -d -x 140 -y 40 \
    "$BIN --keep $KEEP --memory-mb $MB -p $LOAD -e 'raw_syscalls:*' -e sched:sched_switch 2> $W/err"
sleep 1
PID=$(pgrep -f -n "^$BIN --keep $KEEP" || true)
[ -n "$PID" ] || { echo "the viewer did not start: $(cat $W/err)"; exit 1; }
echo "rate $RATE events/s, --keep $KEEP, --memory-mb $MB, $DURATION s; viewer pid $PID"
printf "%8s %10s\n" seconds "RSS (MB)"
MAX=0
for ((t = 0; t <= DURATION; t += STEP)); do
    rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' /proc/$PID/status 2>/dev/null || echo 0)
    [ "$rss" -gt "$MAX" ] && MAX=$rss
    printf "%8d %10d\n" "$t" "$rss"
    [ "$t" -lt "$DURATION" ] && sleep "$STEP"
done
tmux -L $SOCK send-keys q
for _ in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
echo "highest RSS: $MAX MB (limit for the events: $MB MB, plus the program itself)"
echo "viewer: $(sed -n 's/^tracetui: //p' "$W/err")"
