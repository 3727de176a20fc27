#!/usr/bin/env bash
# Live capture under a syscall load, one run, the readers side by side (issue 5's figures):
#   tracetui record (raw ring buffers → ftrace text), the tracetui live viewer (same + parsing into the store +
#   drawing, in tmux), `tracetui record -o x.dat` (the kernel's pages unchanged into a trace.dat),
#   `cat trace_pipe` (the kernel formats text), and `trace-cmd record -B` (binary pages).
# Each reader gets a fresh load offering RATE events/s (default 1 200 000: read(2)s of one byte at half that
# rate, Benchmarks/paced-syscalls.c; RATE=0: the unpaced `dd bs=1`), traces raw_syscalls + sched_switch of the
# load's pid in an instance of its own with an 8 MB per-CPU buffer, for SECS seconds. Reports events read,
# events/s, lost (kernel overrun + dropped, or missed), and the reader's CPU time per event.
# Root; needs cc, trace-cmd and tmux. Usage: sudo [RATE=N] [VIEWER_FLAGS=…] Benchmarks/live-bench.sh [SECS]
# (VIEWER_FLAGS: extra flags for the viewer, default --fps 30; empty for a build that predates --fps;
#  VIEWER_KEYS: keys sent a second after it starts, e.g. 6 to run it with the latency view open;
#  ONLY: the readers to run, of "record dat viewer pipe trace-cmd", e.g. ONLY="viewer trace-cmd")
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-5}
RATE=${RATE:-1200000}
BUF=8192
# tmux refuses to start without a TERM (a cron job, a bare ssh command).
export TERM=${TERM:-xterm-256color}
BIN=${BIN:-.build/release/tracetui}
[ -x "$BIN" ] || swift build -c release --product tracetui
T=/sys/kernel/tracing
[ -d $T/instances ] || mount -t tracefs nodev $T
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
# trace-cmd lists events/ while it starts; tracetui's lock keeps probes from being removed meanwhile (a kernel
# 6.18 bug oopses when both happen at once: see Sources/TraceCapture/TracefsLock.swift).
LOCK=/run/lock/tracetui-tracefs.lock
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"

# The load: read(2)s of one byte at a fixed rate (Benchmarks/paced-syscalls.c), the same for every reader;
# RATE=0 runs the unpaced `dd if=/dev/zero of=/dev/null bs=1` instead (as fast as the CPU left to it allows).
cc -O2 -o "$W/paced" Benchmarks/paced-syscalls.c
LOADS=0
start_load() {
    LOADS=$((LOADS + 1))
    if [ "$RATE" = 0 ]; then
        dd if=/dev/zero of=/dev/null bs=1 count=4000000000 2>/dev/null &
    else
        "$W/paced" "$RATE" 100000 2> "$W/load$LOADS" &
    fi
    LOAD=$!
    sleep 0.3
}
stop_load() {
    kill $LOAD 2>/dev/null; wait $LOAD 2>/dev/null || true
    LOADTEXT=""
    [ -s "$W/load$LOADS" ] && LOADTEXT="$(sed 's/^paced-syscalls: //' "$W/load$LOADS")"
    return 0
}

# Sums a field of per_cpu/cpuN/stats of an instance.
stat_sum() { cat "$1"/per_cpu/cpu*/stats | awk -F': ' -v k="$2" '$1==k {s+=$2} END {print s+0}'; }

want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

row() {  # name events lost user sys [startup CPU to leave out of the steady figure]
    awk -v n="$1" -v e="$2" -v l="$3" -v u="$4" -v s="$5" -v t="$SECS" -v z="${6:-0}" 'BEGIN {
        cpu = u + s; per = e > 0 ? cpu / e * 1e6 : 0; steady = e > 0 ? (cpu - z) / e * 1e6 : 0
        printf "%-28s %12d %12.0f %10d %8.2f s %8.3f µs %8.3f µs\n", n, e, e / t, l, cpu, per, steady }'
    [ -z "${LOADTEXT:-}" ] || echo "    the load kept $LOADTEXT"
}

# tracetui's start-up (reading every event format, ~2300, for the picker) costs the same whatever the load.
/usr/bin/time -o "$W/t0" -f "%U %S" "$BIN" record -o /dev/null -e sched:sched_switch --duration 0 2> /dev/null
STARTUP=$(awk '{print $1 + $2}' "$W/t0")
echo "tracetui start-up: $STARTUP s CPU (left out of the steady column)"
printf "%-28s %12s %12s %10s %10s %11s %11s\n" reader events events/s lost "CPU(u+s)" "CPU/event" "steady"

# 1. tracetui record
if want record; then
start_load
/usr/bin/time -o "$W/t1" -f "%U %S" "$BIN" record -o /dev/null --buffer-kb $BUF -p $LOAD \
    -e 'raw_syscalls:*' -e sched:sched_switch --duration "$SECS" 2> "$W/e1" || true
stop_load
read -r ev _ < <(sed -n 's/^tracetui: \([0-9]*\) events.*/\1 x/p' "$W/e1")
lost=$(sed -n 's/.*, \([0-9]*\) lost$/\1/p' "$W/e1")
read -r u s < "$W/t1" || true
row "tracetui record" "${ev:-0}" "${lost:-0}" "$u" "$s" "$STARTUP"
fi

# 1b. tracetui record -o x.dat: pages copied, counted, written at the end (the copy into the file is in the CPU time)
if want dat; then
start_load
/usr/bin/time -o "$W/t1b" -f "%U %S" "$BIN" record -o "$W/x.dat" --buffer-kb $BUF -p $LOAD \
    -e 'raw_syscalls:*' -e sched:sched_switch --duration "$SECS" 2> "$W/e1b" || true
stop_load
read -r ev _ < <(sed -n 's/^tracetui: \([0-9]*\) events.*/\1 x/p' "$W/e1b")
lost=$(sed -n 's/.*, \([0-9]*\) lost$/\1/p' "$W/e1b")
read -r u s < "$W/t1b" || true
row "tracetui record -o x.dat" "${ev:-0}" "${lost:-0}" "$u" "$s" "$STARTUP"
echo "    $(stat -c %s "$W/x.dat" 2>/dev/null || echo 0) bytes in x.dat"
rm -f "$W/x.dat"
fi

# 2. tracetui live viewer, drawing in tmux
if want viewer; then
start_load
tmux -L tracetui-bench -f /dev/null new-session -d -x 140 -y 40 \
    "/usr/bin/time -o $W/t2 -f '%U %S' $BIN ${VIEWER_FLAGS---fps 30} --buffer-kb $BUF -p $LOAD -e 'raw_syscalls:*' -e sched:sched_switch 2> $W/e2"
if [ -n "${VIEWER_KEYS:-}" ]; then
    # Keys for the viewer once it runs, e.g. VIEWER_KEYS=6 (the latency view, measured again each second).
    sleep 1
    tmux -L tracetui-bench send-keys $VIEWER_KEYS
    sleep "$((SECS - 1))"
else
    sleep "$SECS"
fi
tmux -L tracetui-bench send-keys q || echo "the live viewer ended early: $(cat $W/e2)"
for _ in $(seq 100); do [ -s "$W/t2" ] && break; sleep 0.1; done
tmux -L tracetui-bench kill-server 2>/dev/null || true
stop_load
ev=$(sed -n 's/^tracetui: \([0-9]*\) events read.*/\1/p' "$W/e2")
lost=$(sed -n 's/.*read, \([0-9]*\) lost.*/\1/p' "$W/e2")
frames=$(sed -n 's/.* \([0-9]*\) frames in \([0-9.]*\) s$/\1 frames in \2 s/p' "$W/e2")
read -r u s < "$W/t2" || true
row "tracetui live (viewer)" "${ev:-0}" "${lost:-0}" "$u" "$s" "$STARTUP"
echo "    the viewer drew ${frames:-? frames} (about 30 a second when it keeps up); $(sed -n 's/^tracetui: //p' "$W/e2")"
fi

# 3. cat trace_pipe in an instance
if want pipe; then
start_load
I=$T/instances/bench-cat-$$
mkdir $I
echo $BUF > $I/buffer_size_kb
echo $LOAD > $I/set_event_pid
echo 1 > $I/events/raw_syscalls/enable
echo 1 > $I/events/sched/sched_switch/enable
/usr/bin/time -o "$W/t3" -f "%U %S" cat $I/trace_pipe > "$W/pipe.txt" &
TIMED=$!
sleep "$SECS"
kill "$(pgrep -P $TIMED)" 2>/dev/null || true
wait $TIMED 2>/dev/null || true
stop_load
ev=$(grep -vc LOST "$W/pipe.txt" || true)
lost=$(( $(stat_sum $I overrun) + $(stat_sum $I "dropped events") ))
echo 0 > $I/tracing_on
rmdir $I
rm -f "$W/pipe.txt"
read -r u s < <(tail -n 1 "$W/t3") || true
row "cat trace_pipe" "$ev" "$lost" "$u" "$s"
fi

# 4. trace-cmd record -B (instance mode: the top level is untouched)
if want trace-cmd; then
if command -v trace-cmd > /dev/null; then
    start_load
    B=tcbench-$$
    cd "$W"
    /usr/bin/time -o "$W/t4" -f "%U %S" flock -s -w 10 $LOCK trace-cmd record -B $B -k -d -b $BUF \
        -P $LOAD -e raw_syscalls -e sched:sched_switch -o "$W/trace.dat" > /dev/null 2>&1 &
    TIMED=$!
    cd - > /dev/null
    sleep "$SECS"
    # time → flock → trace-cmd: the interrupt goes to trace-cmd itself.
    kill -INT "$(pgrep -P "$(pgrep -P $TIMED)")" 2>/dev/null || true
    wait $TIMED 2>/dev/null || true
    stop_load
    I=$T/instances/$B
    ev=$(stat_sum $I "read events")
    lost=$(( $(stat_sum $I overrun) + $(stat_sum $I "dropped events") ))
    echo 0 > $I/tracing_on
    rmdir $I
    read -r u s < <(tail -n 1 "$W/t4") || true
    row "trace-cmd record -B" "$ev" "$lost" "$u" "$s"
else
    echo "trace-cmd not installed (apt-get install trace-cmd): skipped"
fi
fi

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
