#!/usr/bin/env bash
# Records the hotspot comparison's data: Tests/Fixtures/hotspots/hot.c (two known hot loops, hot_a about twice
# hot_b) built with `gcc -g -O1`, run as two processes under `perf record -g --sample-cpu`, then `perf report
# --stdio` with each case's options. Writes to OUTDIR: hot.data, hot.script.txt (`perf script -F +pid --ns`,
# what tracetui reads where perf is missing), cases.txt (`name<TAB>options`, shared by perf report and
# tracetui report), one perf-NAME.txt per case and perf-annotate-hot_a.txt / hot_b.txt.
#
# Usage: Tests/record-hotspots.sh OUTDIR      Exit 77 with a reason on stderr when this machine cannot record.
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
skip() { echo "cannot record the hotspot comparison here: $*" >&2; exit 77; }
command -v perf >/dev/null || skip "perf is not installed (linux-perf)"
command -v gcc >/dev/null || skip "gcc is not installed"
mkdir -p "$out"
gcc -g -O1 -fno-omit-frame-pointer -o "$out/hot" "$here/Fixtures/hotspots/hot.c"
# No tracepoints are opened (cpu-clock samples), but perf may list tracefs: hold tracetui's lock shared.
lock=/run/lock/tracetui-tracefs.lock
if ! flock -s -w 10 "$lock" perf record -q --sample-cpu -F 2000 -g -o "$out/hot.data" -- \
        /bin/sh -c "cd '$out' && ./hot 40 & cd '$out' && ./hot 20; wait" >/dev/null 2>"$out/record.err"; then
    skip "perf record refused: $(tail -c 300 "$out/record.err")"
fi
perf script -i "$out/hot.data" --ns -F +pid > "$out/hot.script.txt" 2>/dev/null
[ -s "$out/hot.script.txt" ] || skip "perf script printed nothing"
# The processes by sample count, the most sampled first; the middle third of the recording for --time.
read -r big small < <(perf script -i "$out/hot.data" -F pid,comm 2>/dev/null | awk '$1 == "hot" {n[$2]++}
    END {for (p in n) print n[p], p}' | sort -rn | awk '{printf "%s ", $2} END {print ""}')
t0=$(perf script -i "$out/hot.data" -F time 2>/dev/null | tr -d ' :' | sed -n '1p')
t1=$(perf script -i "$out/hot.data" -F time 2>/dev/null | tr -d ' :' | sed -n '$p')
span=$(awk -v a="$t0" -v b="$t1" 'BEGIN {d = (b - a) / 3; printf "%.6f,%.6f", a + d, a + 2 * d}')
none="--no-children --call-graph none"
bytask="$none --sort pid,comm,dso,sym"
cat > "$out/cases.txt" <<CASES
children	-g
self	--no-children -g
callee	--no-children --call-graph graph,0.5,callee
limit	-g --percent-limit 5
cpu0	$none --cpu 0
cpu1	$none --cpu 1
time	$none --time $span
pid	$bytask --pid $big
tid	$bytask --tid ${small:-$big}
comm	$bytask --comm sh
parent	$none --sort parent,dso,sym -p ^main|^hot_b
CASES
while IFS=$'\t' read -r name opts; do
    # shellcheck disable=SC2086
    perf report -i "$out/hot.data" --stdio $opts > "$out/perf-$name.txt" 2>/dev/null || skip "perf report $opts failed"
done < "$out/cases.txt"
# perf annotate of the two hot functions (the binary stays in OUTDIR, where the recording names it).
for sym in hot_a hot_b; do
    perf annotate -i "$out/hot.data" --stdio -s "$sym" > "$out/perf-annotate-$sym.txt" 2>/dev/null || skip "perf annotate $sym failed"
done
