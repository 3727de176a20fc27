#!/usr/bin/env bash
# Builds the fuzz targets (Fuzz/FuzzTargets.swift + TraceModel's sources, -sanitize=fuzzer,address, -O) and runs
# each for SECONDS (default 60), seeded from ../shared/samples (or $TRACETUI_SAMPLES) and Fuzz/seeds.
#   Fuzz/run.sh [SECONDS] [TARGET...]      TARGET: ftrace funcgraph tracecmd perfscript uftrace chrome folded
#                                          proc sidecar filter regex uftracedata summary walks export flame
#                                          tracedat (default: all)
# The readers' targets run the reader alone; summary, walks, export and flame run what follows a parse (the
# summary, call tree and tables, the exporters, the SVG) over the same text inputs (Fuzz/FuzzWalks.swift).
# Prints one line per target: executions, crashes, peak RSS. Crashes are kept in .build-fuzz/crashes/TARGET.
# FUZZ_RUNS=N (with FUZZ_SEED, default 1): N mutations per target from a fixed seed instead of a time: the
# same inputs every time, as CI's smoke needs. FUZZ_DAT_RUNS=N does the same for tracedat alone (0: its seeds
# only — libtracecmd itself crashes on some damaged headers, in tracecmd_open_fd's error path).
# The bound every target runs under: -rss_limit_mb=2048 and -malloc_limit_mb=1024 (one allocation over 1 GB
# is reported as a crash), inputs up to 16 KB (4 KB for filters and regexes).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
all=(ftrace funcgraph tracecmd perfscript uftrace chrome folded proc sidecar filter regex uftracedata summary walks
    export flame tracedat)
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
samples=${TRACETUI_SAMPLES:-../shared/samples}
[[ -d $samples ]] || samples=/work/shared/samples
out=.build-fuzz
bin=$out/tracetui-fuzz
mkdir -p "$out/CByteScan" "$out/crashes"

sources=$(find Sources/TraceModel Fuzz -name '*.swift' | sort)
if [[ ! -x $bin ]] || { [[ -z ${FUZZ_NO_REBUILD:-} ]] && [[ -n $(find $sources Sources/CByteScan -newer "$bin" | head -1) ]]; }; then
    cat >"$out/CByteScan/module.modulemap" <<MAP
module CByteScan { header "$PWD/Sources/CByteScan/include/byte_scan.h" export * }
MAP
    echo "building $bin (release, fuzzer + address sanitizer)..."
    # From a copy: the compiler's batch jobs read the files at different times, and an edit in between would
    # build a binary whose files disagree on a type's layout.
    rm -rf "$out/src" && mkdir -p "$out/src"
    cp $sources "$out/src/"
    rm -f "$bin"
    swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name TraceModel -I "$out/CByteScan" \
        "$out"/src/*.swift -o "$bin" 2>&1 | grep -v "Cannot export local symbol" || true
    [[ -x $bin ]] || { echo "fuzz build failed"; exit 1; }
fi

# trace.dat goes through libtracecmd from C (CTraceDat, the code replay uses): its own small binary.
datbin=$out/tracedat-fuzz
if [[ ! -x $datbin ]] || { [[ -z ${FUZZ_NO_REBUILD:-} ]] && [[ -n $(find Fuzz/tracedat_fuzz.c Sources/CTraceDat -newer "$datbin" | head -1) ]]; }; then
    # shellcheck disable=SC2046
    clang -O1 -g -fsanitize=fuzzer,address -I Sources/CTraceDat/include $(pkg-config --cflags libtracecmd) \
        Fuzz/tracedat_fuzz.c Sources/CTraceDat/trace_dat.c $(pkg-config --libs libtracecmd) -o "$datbin" 2>&1 \
        | grep -v "Cannot export local symbol" || true
    [[ -x $datbin ]] || { echo "trace.dat fuzz build failed"; exit 1; }
fi

# FUZZ_BUILD_ONLY=1: build both binaries and stop (Fuzz/campaign.sh builds once before running targets side by side).
[[ -n ${FUZZ_BUILD_ONLY:-} ]] && exit 0

# Seeds per target: which sample folders and seed files feed it.
seed_dirs() {
    case $1 in
    ftrace) echo "$samples/events $samples/latency $samples/function $samples/systrace Fuzz/seeds/ftrace" ;;
    funcgraph) echo "$samples/function_graph Fuzz/seeds/funcgraph" ;;
    tracecmd) echo "$samples/trace-cmd-report" ;;
    perfscript) echo "$samples/perf-script Fuzz/seeds/perfscript" ;;
    uftrace) echo "Fuzz/seeds/uftrace" ;;
    chrome) echo "Fuzz/seeds/chrome" ;;
    folded) echo "$samples/folded Fuzz/seeds/folded" ;;
    proc) echo "Tests/ProcFixtures Fuzz/seeds/proc" ;;
    sidecar) echo "Fuzz/seeds/sidecar" ;;
    filter) echo "Fuzz/seeds/filter" ;;
    regex) echo "Fuzz/seeds/regex" ;;
    tracedat) echo "Tests/Fixtures" ;;
    uftracedata) ;; # packed from Tests/Fixtures/uftrace/*.data below
    summary | walks | export) for r in ftrace funcgraph tracecmd perfscript uftrace; do seed_dirs $r; done ;;
    flame) seed_dirs folded ;;
    esac
}

# With FUZZ_READER_CORPORA=1 (Fuzz/campaign.sh sets it) the walk targets read these readers' grown corpora too
# (read-only: libFuzzer writes new inputs to the first corpus folder only): inputs that reached deep into a parser
# make call trees and stacks worth walking. Not in CI's smoke: -runs counts the corpus' first pass, and the
# readers' smoke corpora alone would use up its 1500 runs with no mutation.
reader_corpora() {
    case $1 in
    summary | walks | export) echo ftrace funcgraph tracecmd perfscript uftrace ;;
    flame) echo folded ;;
    esac
}

status=0
for t in "${targets[@]}"; do
    corpus=$out/corpus/$t
    mkdir -p "$corpus"
    # Seeds are cut to the input size the fuzzer works with; the copies live in the corpus folder.
    for d in $(seed_dirs "$t"); do
        [[ -d $d ]] || continue
        find "$d" -type f ! -name '*.md' | while read -r f; do
            head -c "$([[ $t == tracedat ]] && echo 262144 || echo 16384)" "$f" >"$corpus/seed-$(echo "$f" | md5sum | cut -c1-12)"
        done
    done
    # A uftrace.data directory is one input: each file after a line `@@@ NAME` (Fuzz/FuzzUftraceData.swift), cut
    # to fit 8 KB (info's argument tables run to 15 KB, after its argspec and retspec lines; 64 records a thread).
    if [[ $t == uftracedata ]]; then
        for d in Tests/Fixtures/uftrace/*.data; do
            [[ -d $d ]] || continue
            first=1
            for f in "$d"/*; do
                [[ -f $f ]] || continue
                ((first)) || printf '\n'
                first=0
                printf '@@@ %s\n' "$(basename "$f")"
                head -c "$([[ $(basename "$f") == info ]] && echo 1536 || echo 1024)" "$f"
            done >"$corpus/seed-$(basename "$d")"
        done
    fi
    extra=()
    if [[ -n ${FUZZ_READER_CORPORA:-} ]]; then
        for r in $(reader_corpora "$t"); do [[ -d $out/corpus/$r ]] && extra+=("$out/corpus/$r"); done
    fi
    log=$out/$t.log
    # A filter or a regex is typed: 4 KB is far past what anyone types, and keeps the fuzzer on structure.
    # Text inputs up to 16 KB: a reader's faults are in a line or a few, and small inputs run 50 times as often.
    max_len=16384
    [[ $t == filter || $t == regex ]] && max_len=4096
    # FUZZ_MAX_LEN: the long campaign's smaller inputs for the text readers (Fuzz/campaign.sh says which).
    [[ -n ${FUZZ_MAX_LEN:-} ]] && max_len=$FUZZ_MAX_LEN
    # SWIFT_BACKTRACE off: Swift's crash handler reads memory ASan has poisoned and hides the trap's message.
    target_bin=$bin malloc_limit=1024
    if [[ $t == tracedat ]]; then
        # libtracecmd callocs what a damaged header says (3.6 GB seen): lazily mapped, so the bound that matters
        # there is the resident one.
        target_bin=$datbin malloc_limit=8192 max_len=262144
    fi
    # libtracecmd leaks what it allocated for a damaged file (1.7 GB seen, on its error path): not ours to free,
    # so leak reports are off for that target only.
    leaks=1
    [[ $t == tracedat ]] && leaks=0
    limit=(-max_total_time="$seconds")
    runs=${FUZZ_RUNS:-}
    [[ $t == tracedat && -n ${FUZZ_DAT_RUNS:-} ]] && runs=$FUZZ_DAT_RUNS
    [[ -n $runs ]] && limit=(-runs="$runs" -seed="${FUZZ_SEED:-1}")
    # malloc_context_size: ASan records 30 frames of stack per allocation by default, a fifth of a small input's
    # time in the Swift readers (which allocate per name); 8 frames still name the allocating function.
    ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=8} SWIFT_BACKTRACE=enable=no TRACETUI_FUZZ_TARGET=$t "$target_bin" "$corpus" "${extra[@]}" "${limit[@]}" -max_len=$max_len -rss_limit_mb=2048 \
        -malloc_limit_mb=$malloc_limit -detect_leaks=$leaks -timeout=10 -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
        >"$log" 2>&1 || { status=1; echo "$t: CRASH (see $log and $out/crashes/)"; }
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
    printf '%-11s %12s execs  peak %5s MB  %s\n' "$t" "${execs:-?}" "${rss:-?}" \
        "$(grep -c '^==.*ERROR\|^SUMMARY' "$log" || true) sanitizer reports"
done
exit $status
