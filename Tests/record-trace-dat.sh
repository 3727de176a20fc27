#!/usr/bin/env bash
# Records a small trace.dat (sched_switch + sched_wakeup while `sleep 0.2` runs) without touching anything
# global: events are enabled in an instance of our own (instances/tracetui-dat-PID, removed on exit), its
# per-CPU ring buffers are read raw, and `trace-cmd restore` assembles the file. `trace-cmd record` is not
# used: it writes /proc/sys/kernel/ftrace_enabled. `trace-cmd restore -c` would write kptr_restrict and store
# every event format and kallsyms: it runs in a private mount namespace where those are stand-ins (an empty
# kallsyms, a kptr_restrict file of its own, an events directory with only the formats the file needs).
#
# Usage: Tests/record-trace-dat.sh OUT.dat     (root, tracefs at /sys/kernel/tracing, trace-cmd, unshare)
# Environment (the benchmark's larger file): TRACE_EVENTS="sched/sched_switch sched/sched_wakeup",
# WORKLOAD="sleep 0.2", BUFFER_KB (per CPU, of our instance only). RAW_DIR=DIR: record nothing, assemble the file
# from DIR/cpuN.raw ring-buffer pages made by the caller (function_graph records on a kernel whose lockdown refuses
# the function tracers); KALLSYMS=FILE stores FILE (kallsyms lines) as the kernel's symbols, so addresses get names.
# Exit 77 with a reason on stderr when the machine cannot record.
set -euo pipefail
out=$1
T=/sys/kernel/tracing
skip() { echo "cannot record a trace.dat here: $*" >&2; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root"
[ -d $T/instances ] || skip "no tracefs at $T"
command -v trace-cmd >/dev/null || skip "trace-cmd is not installed"
command -v unshare >/dev/null || skip "unshare is not installed"
[ -z "${TRACETUI_TRACEFS_WEDGED:-}" ] || skip "tracefs does not answer (TRACETUI_TRACEFS_WEDGED is set)"
# Listing events/ while another process removes a probe oopses kernel 6.18 and leaves tracefs stuck: every
# listing here holds tracetui's lock shared (tracetui takes it exclusive to add or remove probes; waits are
# bounded). A tracefs already stuck would hold this script for good: a listing in the background must end
# within 3 s, else the script skips (the stuck child is left behind; its output goes to /dev/null).
lock=/run/lock/tracetui-tracefs.lock
exec 9>>"$lock" || skip "cannot open $lock"
flock -s -w 10 9 || true
ls -f $T/events >/dev/null 2>&1 </dev/null &
lister=$!
for _ in $(seq 30); do kill -0 $lister 2>/dev/null || break; sleep 0.1; done
if kill -0 $lister 2>/dev/null; then kill -9 $lister 2>/dev/null; skip "tracefs does not answer (listing $T/events took over 3 s)"; fi
flock -u 9
work=$(mktemp -d)
I=$T/instances/tracetui-dat-$$
cleanup() {
    [ -d "$I" ] && rmdir "$I" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
events=${TRACE_EVENTS:-sched/sched_switch sched/sched_wakeup}
cpus=()
if [ -n "${RAW_DIR:-}" ]; then
    for f in "$RAW_DIR"/cpu*.raw; do
        c=${f##*/cpu}
        cpus[${c%.raw}]="$f"
    done
else
    mkdir "$I" || skip "cannot create a tracefs instance"
    [ -n "${BUFFER_KB:-}" ] && echo "$BUFFER_KB" > "$I/buffer_size_kb"
    for e in $events; do echo 1 > "$I/events/$e/enable"; done
    sh -c "${WORKLOAD:-sleep 0.2}" >/dev/null 2>&1
    echo 0 > "$I/tracing_on"
    for d in "$I"/per_cpu/cpu*; do
        c=${d##*/cpu}
        # Non-blocking: dd stops with EAGAIN once the buffer is drained.
        dd if="$d/trace_pipe_raw" of="$work/cpu$c.raw" iflag=nonblock bs=4096 status=none 2>/dev/null || true
        cpus[$c]="$work/cpu$c.raw"
    done
    rmdir "$I"
fi
mkdir -p "$work/events"
flock -s -w 10 9 || true
cp $T/events/header_page $T/events/header_event "$work/events/"
for d in $T/events/ftrace/*/ $(for e in $events; do echo "$T/events/$e/"; done); do
    rel=${d#$T/events/}
    mkdir -p "$work/events/$rel"
    cp "$d/format" "$work/events/$rel/" 2>/dev/null || true
done
flock -u 9
: > "$work/kallsyms"
echo 0 > "$work/kptr_restrict"
[ -n "${KALLSYMS:-}" ] && cp "$KALLSYMS" "$work/kallsyms"
unshare -m --propagation private sh -c "
    mount --bind '$work/kallsyms' /proc/kallsyms &&
    mount --bind '$work/kptr_restrict' /proc/sys/kernel/kptr_restrict &&
    mount --bind '$work/events' $T/events &&
    trace-cmd restore -c -o '$work/head.dat'" >/dev/null 2>&1 || skip "trace-cmd restore -c failed in a private mount namespace"
trace-cmd restore -i "$work/head.dat" -o "$out" "${cpus[@]}" >/dev/null 2>&1 || skip "trace-cmd restore failed"
