#!/usr/bin/env bash
# The long fuzz campaign behind issue 14's figure: every target to GOAL executions (default 10 M), niced, at most
# JOBS targets at a time (default 2: the machine is shared), through Fuzz/run.sh so the bounds are the same as
# CI's smoke (-max_len 16 KB, 4 KB for filter/regex, 256 KB for tracedat; -rss_limit_mb=2048; -malloc_limit_mb=1024,
# 8192 for tracedat; -timeout=10; leaks detected except for tracedat).
#   Fuzz/campaign.sh [SUMMARY_FILE] [TARGET...]     (default summary: /work/notes-helpers/fuzz-campaign.txt)
# Each target runs in segments of SEGMENT executions (default 1 M), each from its own libFuzzer seed, growing one
# corpus (.build-fuzz/corpus/TARGET); after each segment the summary file is rewritten with one line per target:
# status (queued, running, finished, CRASHED), executions so far, crashes, leak reports, peak RSS and the bounds.
# Progress is kept in .build-fuzz/campaign/TARGET.state, so running the script again resumes where it stopped.
# A crash in a Swift target stops that target (the input is kept in .build-fuzz/crashes): fix it, then rerun.
# tracedat goes on after a crash: libtracecmd (not instrumented, not ours) crashes and leaks in its own error
# paths on damaged headers; each such crash is counted and its input kept, and the line says so.
set -uo pipefail
cd "$(dirname "$0")/.."
summary=${1:-/work/notes-helpers/fuzz-campaign.txt}
shift || true
# summary, walks, export and flame: what follows a parse, split off the readers' targets (Fuzz/FuzzWalks.swift) so
# that a reader's input costs only the reader; their 10 M each are what keeps those walks fuzzed.
order=(regex filter proc sidecar folded uftrace chrome tracecmd ftrace perfscript funcgraph uftracedata summary walks
    export flame tracedat)
targets=("$@")
((${#targets[@]})) || targets=("${order[@]}")
goal=${GOAL:-10000000}
segment=${SEGMENT:-1000000}
jobs=${JOBS:-2}
state=.build-fuzz/campaign
mkdir -p "$state"

FUZZ_BUILD_ONLY=1 nice -n 19 bash Fuzz/run.sh || exit 1

# Input size per target in the campaign. The text readers (and the walk targets, over the same texts) run at 4 KB
# here (16 KB in CI's smoke): their faults are in a line or a few, and at 16 KB funcgraph ran 316 executions per
# CPU-second, 9 CPU-hours for its 10 M; lines longer than any input are the unit tests' job (the line limits). /proc files and sidecars stay at 16 KB: they
# run fast and a whole /proc file is bigger than 4 KB. A uftrace.data directory (info, task, map, symbols, records,
# one input) runs at 8 KB: its seeds fit in that with 64 records a thread.
max_len_of() {
    case $1 in
    filter | regex) echo 4096 ;;
    tracedat) echo 262144 ;;
    proc | sidecar) echo 16384 ;;
    uftracedata) echo 8192 ;;
    *) echo "${TEXT_MAX_LEN:-4096}" ;;
    esac
}

bounds() {
    case $1 in
    tracedat) echo "max_len=262144 rss_limit_mb=2048 malloc_limit_mb=8192 timeout=10s leaks=off(libtracecmd)" ;;
    *) echo "max_len=$(max_len_of "$1") rss_limit_mb=2048 malloc_limit_mb=1024 timeout=10s leaks=on" ;;
    esac
}

# A timeout is confirmed by running its input again alone: a segment stopped with SIGSTOP (to keep a benchmark's
# machine quiet) or starved by a build reports the input it was on as a timeout though it runs in milliseconds.
# Prints "spurious" (and moves the input to crashes/spurious-*) when the input finishes within the timeout.
confirm_timeout() {
    local t=$1 log=$2 unit
    unit=$(sed -n "s/.*Test unit written to \(.*timeout-[0-9a-f]*\).*/\1/p" "$log" | tail -1)
    [[ -n $unit && -f $unit ]] || return
    local bin=.build-fuzz/tracetui-fuzz
    [[ $t == tracedat ]] && bin=.build-fuzz/tracedat-fuzz
    if SWIFT_BACKTRACE=enable=no TRACETUI_FUZZ_TARGET=$t timeout 60 "$bin" -timeout=10 -runs=1 "$unit" >/dev/null 2>&1; then
        mv "$unit" "$(dirname "$unit")/spurious-$(basename "$unit")"
        echo spurious
    fi
}

# state file: status execs crashes leaks peak_rss_mb segments seconds (status: queued running finished CRASHED
# stopped — five segments in a row under 1000 executions)
read_state() {
    if [[ -f $state/$1.state ]]; then cat "$state/$1.state"; else echo "queued 0 0 0 0 0 0"; fi
}

write_summary() {
    (
        flock 9
        {
            echo "# tracetui fuzz campaign (Fuzz/campaign.sh): goal $goal executions per target; updated $(date -u '+%F %T') UTC"
            echo "# target     status    executions  crashes  leaks  peak_rss_MB  exec/s  bounds"
            for t in "${order[@]}"; do
                read -r st ex cr lk rss seg secs <<<"$(read_state "$t")"
                rate=0
                ((secs > 0)) && rate=$((ex / secs))
                note=""
                if [[ $t == tracedat ]]; then
                    note="  caveat: its crashes are libtracecmd's own (no trace_dat.c frame; libtracecmd is uninstrumented), inputs kept in .build-fuzz/crashes/tracedat-*; leaks not checked"
                fi
                printf '%-11s %-9s %11s  %7s  %5s  %11s  %6s  %s%s\n' "$t" "$st" "$ex" "$cr" "$lk" "$rss" "$rate" \
                    "$(bounds "$t")" "$note"
            done
        } >"$summary.tmp" && mv "$summary.tmp" "$summary"
    ) 9>"$state/.lock"
}

run_target() {
    local t=$1
    read -r st ex cr lk rss seg secs <<<"$(read_state "$t")"
    [[ $st == finished ]] && return
    local stuck=0
    while ((ex < goal)); do
        echo "running $ex $cr $lk $rss $seg $secs" >"$state/$t.state"
        write_summary
        local n=$((goal - ex < segment ? goal - ex : segment)) start=$SECONDS
        seg=$((seg + 1))
        # A seed per segment: the same seed again would replay the same mutations. FUZZ_NO_REBUILD: an edit in
        # the tree while the campaign runs must not have two workers rebuild the binary at once.
        # FUZZ_READER_CORPORA: the walk targets start from the readers' grown corpora too (Fuzz/run.sh).
        FUZZ_NO_REBUILD=1 FUZZ_READER_CORPORA=1 FUZZ_RUNS=$n FUZZ_DAT_RUNS=$n FUZZ_SEED=$((seg * 7919)) FUZZ_MAX_LEN=$(max_len_of "$t") \
            nice -n 19 bash Fuzz/run.sh 0 "$t" \
            >>"$state/$t.out" 2>&1
        local log=.build-fuzz/$t.log
        cat "$log" >>"$state/$t.log"
        local e r
        e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
        # A run stopped by a crash prints no final stats: count the executions from its last status line.
        [[ -n $e ]] || e=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
        ex=$((ex + ${e:-0}))
        secs=$((secs + SECONDS - start))
        r=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
        [[ -z $r ]] && r=$(grep -o 'rss: [0-9]*Mb' "$log" | tail -1 | tr -dc 0-9)
        ((${r:-0} > rss)) && rss=${r:-0}
        local leak crash
        leak=$(grep -c 'ERROR: LeakSanitizer' "$log")
        crash=$(grep -c 'ERROR: AddressSanitizer\|ERROR: libFuzzer\|deadly signal\|Fatal error' "$log")
        if ((crash == 1 && leak == 0)) && grep -q 'ERROR: libFuzzer: timeout' "$log" &&
            [[ $(confirm_timeout "$t" "$log") == spurious ]]; then
            echo "$(date -u '+%F %T') $t: a timeout that ran again in time (paused or starved), not counted" >>"$state/$t.out"
            crash=0
        fi
        lk=$((lk + leak))
        cr=$((cr + crash))
        # tracedat stops too when one of our own frames (trace_dat.c) is in the report.
        if ((leak + crash > 0)) && { [[ $t != tracedat ]] || grep -q 'trace_dat\.c' "$log"; }; then
            echo "CRASHED $ex $cr $lk $rss $seg $secs" >"$state/$t.state"
            write_summary
            return
        fi
        # A target that cannot get going (crashing on its corpus, say) is not retried for ever.
        if ((${e:-0} < 1000)); then
            stuck=$((stuck + 1))
            if ((stuck >= 5)); then
                echo "stopped $ex $cr $lk $rss $seg $secs" >"$state/$t.state"
                write_summary
                return
            fi
        else
            stuck=0
        fi
    done
    echo "finished $ex $cr $lk $rss $seg $secs" >"$state/$t.state"
    write_summary
}

write_summary
# A queue served by JOBS workers: each takes the next target not yet taken.
queue=$state/.queue
printf '%s\n' "${targets[@]}" >"$queue"
worker() {
    while true; do
        local t
        # The lock is a file of its own: `sed -i` replaces the queue file, so a lock on the queue itself was
        # taken on an old copy by one worker while the other read the new one (both ran filter, proc was lost).
        t=$(flock "$queue.lock" sh -c 'head -1 "$1" && sed -i 1d "$1"' _ "$queue")
        [[ -n $t ]] || return
        run_target "$t"
    done
}
for ((w = 0; w < jobs; w++)); do worker & done
wait
write_summary
echo "campaign done: $summary"
