#!/usr/bin/env bash
# The BPF pane's refresh cost (issue 19's figure): loads 50 small tracepoint programs (Tests/Fixtures/bpf/openat.bpf.c,
# each by a loader process of its own, filtering on a tid that never opens files, so they add no printk), then
# runs `tracetui-bench --bpf-cost SECS`: the pane's listing once a second in process beside `bpftool prog show`
# once a second. Needs root, clang, gcc, libbpf-dev, bpftool.
# Usage: sudo Benchmarks/bpf-cost.sh [SECS] [PROGRAMS]   (defaults: 60, 50). BIN=.build/debug/tracetui-bench for a debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
COUNT=${2:-50}
BIN=${BIN:-.build/release/tracetui-bench}
[ -x "$BIN" ] || swift build -c release --product tracetui-bench >/dev/null
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" -c Tests/Fixtures/bpf/openat.bpf.c -o "$work/openat.bpf.o"
gcc -O1 Tests/Fixtures/bpf/loader.c -o "$work/loader" -lbpf
mkfifo "$work/hold"
exec 3<>"$work/hold"
for ((i = 0; i < COUNT; i++)); do
    "$work/loader" "$work/openat.bpf.o" 0 <"$work/hold" >"$work/loader.$i.out" 2>&1 &
    pids+=($!)
done
for ((i = 0; i < COUNT; i++)); do
    for _ in $(seq 100); do grep -q ready "$work/loader.$i.out" 2>/dev/null && break; sleep 0.1; done
done
"$BIN" --bpf-cost "$SECS"
