#!/usr/bin/env bash
# Issue 20's figures: three "hosts" (network namespaces with an sshd each, Benchmarks/ssh-hosts.sh; MODE=loopback
# for sshds on 127.0.0.1) captured live over ssh by one viewer (in tmux), each offered RATE events/s
# (default 100 000: Benchmarks/paced-syscalls.c, raw_syscalls of the load's pid). The hosts share this machine's
# kernel, so one load offers every host's instance the same events: the viewer merges 3 × RATE a second.
# Reports: rows merged and lost (the viewer's exit line and each remote's own count), the transport's CPU per
# event on the viewing side (the ssh clients, which decrypt, plus tracetui's per-host reader threads; sampled
# from /proc just before quitting), and each host's measured clock offset ± half the round trip (the true
# offset is 0: one machine, one clock).
# Root; needs cc, tmux, sshd, iproute2. Usage: sudo [RATE=N] [MODE=loopback] [SSH_OPTS="-o Ciphers=…"] Benchmarks/hosts-bench.sh [SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
RATE=${RATE:-100000}
export TERM=${TERM:-xterm-256color}
BIN=$(realpath "${BIN:-.build/release/tracetui}")
[ -x "$BIN" ] || swift build -c release --product tracetui
W=$(mktemp -d)
LAB=$W/lab
SESSION=hosts-bench-$$
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    [ -n "${LOAD:-}" ] && kill "$LOAD" 2>/dev/null || true
    bash Benchmarks/ssh-hosts.sh down "$LAB" >/dev/null 2>&1 || true
    rm -rf "$W"
}
trap cleanup EXIT
TT_HOSTS_MODE=${MODE:-netns} bash Benchmarks/ssh-hosts.sh up "$LAB" 3 >/dev/null
echo "hosts: $(cat "$LAB/mode"), load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) CPUs)"
cc -O2 -o "$W/paced" Benchmarks/paced-syscalls.c
"$W/paced" "$RATE" 100000 2>"$W/load" &
LOAD=$!
sleep 0.3
# The viewer: three hosts, the load's syscalls on each.
extra=()
for o in ${SSH_OPTS:-}; do [ "$o" = -o ] || extra+=(--ssh-option "$o"); done
tmux new-session -d -s "$SESSION" -x 160 -y 30 \
    "$BIN --host host1 --host host2 --host host3 --ssh-config $LAB/ssh_config --remote-tracetui $BIN ${extra[*]} \
     -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit -p $LOAD --fps 30 2>$W/viewer.err; sleep 30"
VIEWER=""
for _ in $(seq 100); do
    VIEWER=$(pgrep -x -P "$(tmux list-panes -t "$SESSION" -F '#{pane_pid}')" tracetui || true)
    [ -n "$VIEWER" ] && break
    sleep 0.1
done
[ -n "$VIEWER" ] || { echo "the viewer did not start"; exit 1; }
# Connected when the status bar shows the three offsets; the measured window starts there.
for _ in $(seq 300); do
    tmux capture-pane -p -t "$SESSION" | tail -1 | grep -q 'host3 [+−]' && tmux capture-pane -p -t "$SESSION" | tail -1 | grep -q 'host1 [+−]' && break
    sleep 0.1
done
# CPU ticks of the transport: the viewer's ssh children and its tracetui-host-* threads.
transport_ticks() {
    local t=0 p
    for p in $(pgrep -P "$VIEWER" -x ssh); do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat))); done
    for p in /proc/$VIEWER/task/*; do
        grep -q '^tracetui-host' "$p/comm" 2>/dev/null && t=$((t + $(awk '{print $14 + $15}' "$p/stat")))
    done
    echo $t
}
rows() { tmux capture-pane -p -t "$SESSION" | tail -1 | grep -o '/[0-9,]*' | head -1 | tr -d '/,'; }
T0=$(transport_ticks); R0=$(rows); S0=$(date +%s.%N)
sleep "$SECS"
T1=$(transport_ticks); R1=$(rows); S1=$(date +%s.%N)
tmux capture-pane -p -t "$SESSION" | tail -1
tmux send-keys -t "$SESSION" q
for _ in $(seq 200); do kill -0 "$VIEWER" 2>/dev/null || break; sleep 0.1; done
kill "$LOAD" 2>/dev/null; wait "$LOAD" 2>/dev/null || true
LOAD=""
cat "$W/viewer.err"
echo "load: $(cat "$W/load")"
HZ=$(getconf CLK_TCK)
awk -v t0="$T0" -v t1="$T1" -v r0="${R0:-0}" -v r1="${R1:-0}" -v s0="$S0" -v s1="$S1" -v hz="$HZ" 'BEGIN {
    rows = r1 - r0; cpu = (t1 - t0) / hz; secs = s1 - s0
    # No ">" among the printf arguments: awk reads it as a redirection to a file named by what follows.
    per = 0; if (rows) per = cpu / rows * 1e6
    printf "window %.1f s: %d rows merged (%.0f/s), transport CPU %.2f s = %.3f µs per event (ssh clients + reader threads)\n",
        secs, rows, rows / secs, cpu, per }'
left=$(ls /sys/kernel/tracing/instances | grep -c '^tracetui-' || true)
echo "tracetui instances left after quitting: $left (other runs' live instances included)"
