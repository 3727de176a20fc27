import Foundation

/// The command line: `tracetui-bench [--size-mb N] [--file PATH] [--keep]`.
///
/// Hand-parsed: the target depends only on TraceModel and TraceCapture (no ArgumentParser).
struct BenchOptions {
    /// Size of the generated log, in MiB (at least 500 unless the user insists on a smaller one).
    var sizeMB = 600
    /// An existing log to measure instead of generating one.
    var file: String?
    /// Keep a log this run generated (otherwise it is deleted at exit; a reused or given file is never deleted).
    var keep = false
    /// Runs per measurement; the best is reported.
    var runs = 3
    /// Size of the generated function_graph log for the call tree figures, in MiB (0: skip them).
    var graphSizeMB = 0
    /// Run one group of figures only, or all when nil.
    var only: Group?
    /// Seconds to run the /proc sampling cost comparison for (nil: not run); it runs alone.
    var procCostSeconds: Int?
    var procInterval = 1.0
    /// Seconds of the BPF pane's refresh cost comparison (nil: not run); it runs alone (Benchmarks/bpf-cost.sh).
    var bpfCostSeconds: Int?
    /// Seconds of each sampling run for the sampling cost figures (nil: not run); they run alone.
    var samplingSeconds: Int?
    /// Samples aggregated for the hotspot figure.
    var hotspotSamples = 10_000_000
    /// function_graph calls aggregated for the durations figure (0: skip it).
    var hotspotCalls = 10_000_000

    /// `dat`: the trace.dat half of `formats` alone.
    enum Group: String { case events, graph, hotspots, formats, dat, frames, latency, annotate, timeline }

    /// Every group but `frames` (which wants a 10 M-event log: `--only frames --size-mb 1100`) and `latency`
    /// runs by default.
    func runs(_ group: Group) -> Bool {
        only == group || (only == nil && group != .frames && group != .latency && group != .annotate
                          && group != .timeline)
            || group == .formats && only == .dat
    }
    /// Events generated for the latency figures.
    var latencyEvents = 10_000_000
    /// A trace.dat to decode instead of recording one.
    var datFile: String?

    static let usage = """
        usage: tracetui-bench [--size-mb N] [--file PATH] [--keep] [--graph-size-mb N]
          --size-mb N   generate a log of N MiB (default 600) in bench-data/large-trace.txt
          --file PATH   measure PATH instead of generating a log
          --keep        keep the generated log for the next run (reused when its size fits)
          --graph-size-mb N  also build the call tree of an N MiB function_graph log (issue 3's figures)
          --only GROUP  run one group of figures: events, graph (graph defaults to --graph-size-mb 1024),
                        hotspots (10 M samples and 10 M function_graph calls aggregated, a 100 000-symbol
                        table redrawn; --hotspots too),
                        formats (trace.dat decode, Chrome export; --formats-only too), dat (trace.dat only),
                        frames (a frame of each view at 160x45 over the log, presented on a pty)
                        latency (each section of tracetui latency over 10 M generated events, about 1 GB in
                        bench-data/latency-trace.txt, after parsing; perf sched latency beside it as the peer)
                        annotate (a 10 k-instruction function, 1 M samples: tracetui annotate's work after
                        parsing; perf annotate --stdio beside tracetui annotate on a perf record of it)
                        timeline (build, bytes a switch, redraws at zooms down to 1 µs and JSON over 10 M
                        generated events with 1 M switches in bench-data/timeline-trace.txt; perf sched timehist
                        beside it as the peer)
          --latency-events N  events for the latency figures (default 10000000)
          --hotspot-samples N  samples for the aggregation figure (default 10000000)
          --hotspot-calls N    function_graph calls for the durations figure (default 10000000, about 1 GB of
                        log in bench-data/large-graph.txt; 0 skips it)
        live capture figures (root, tracefs): Benchmarks/live-bench.sh [SECS] — tracetui record, the live viewer,
          cat trace_pipe and trace-cmd record -B side by side under one dd syscall load
          --proc-cost S [--proc-interval I]  only the /proc sampling cost: tracetui dstat, dstat and htop side by
                        side for S seconds at one sample every I seconds (default 1), each one's utime+stime
          --bpf-cost S  only the BPF pane's refresh (root; Benchmarks/bpf-cost.sh loads 50 programs first): the
                        BPF listing once a second for S seconds in process beside `bpftool prog show` once a second
          --sampling S  only the sampling figures (root): 999 Hz on every CPU under a tracetui-spin per core for
                        S seconds — tracetui record, the live path in process, perf record -a -g + perf report
                        --stdio side by side — and 1 M samples aggregated into the hotspot table
          --dat PATH         decode PATH instead of recording bench-data/bench.dat (needs root otherwise)
        """

    init(arguments: [String]) throws(BenchError) {
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            switch arg {
            case "--size-mb":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--size-mb needs a positive whole number of MiB")
                }
                sizeMB = v
            case "--file":
                guard let v = rest.popFirst() else { throw BenchError("--file needs a path") }
                file = v
            case "--keep":
                keep = true
            case "--graph-size-mb":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--graph-size-mb needs a positive whole number of MiB")
                }
                graphSizeMB = v
            case "--only", "--hotspots", "--formats-only":
                let named = arg == "--hotspots" ? "hotspots" : arg == "--formats-only" ? "formats" : rest.popFirst()
                guard let v = named, let group = Group(rawValue: v) else {
                    throw BenchError("--only takes events, graph, hotspots, formats, dat, frames, latency, annotate or timeline")
                }
                only = group
                if group == .graph, graphSizeMB == 0 { graphSizeMB = 1024 }
            case "--hotspot-samples":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--hotspot-samples needs a positive whole number")
                }
                hotspotSamples = v
            case "--hotspot-calls":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v >= 0 else {
                    throw BenchError("--hotspot-calls needs a whole number")
                }
                hotspotCalls = v
            case "--proc-cost":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--proc-cost needs a positive whole number of seconds")
                }
                procCostSeconds = v
            case "--bpf-cost":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--bpf-cost needs a positive whole number of seconds")
                }
                bpfCostSeconds = v
            case "--proc-interval":
                guard let v = rest.popFirst().flatMap({ Double($0) }), v >= 0.1 else {
                    throw BenchError("--proc-interval needs seconds, at least 0.1")
                }
                procInterval = v
            case "--sampling":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v >= 0 else {
                    throw BenchError("--sampling needs a whole number of seconds (0: only the 1 M samples figure)")
                }
                samplingSeconds = v
            case "--latency-events":
                guard let v = rest.popFirst().flatMap({ Int($0) }), v > 0 else {
                    throw BenchError("--latency-events needs a positive whole number")
                }
                latencyEvents = v
            case "--dat":
                guard let v = rest.popFirst() else { throw BenchError("--dat needs a path") }
                datFile = v
            case "-h", "--help":
                throw BenchError(Self.usage, isHelp: true)
            default:
                throw BenchError("unknown argument \(arg)\n\(Self.usage)")
            }
        }
    }
}

/// Where the benchmark's inputs live. The package root is found from this file's path, so the
/// benchmark can be started from any directory.
enum BenchPaths {
    static let packageRoot: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Benchmarks/tracetui-bench/BenchOptions.swift
        return parts.joined(separator: "/")
    }()
    static var dataDirectory: String { packageRoot + "/bench-data" }
    static var generatedLog: String { dataDirectory + "/large-trace.txt" }
    /// Real captures shared by the team; the generated log is made of their bodies.
    /// `TRACETUI_SAMPLES` as the tests read it, else `../shared/samples` next to the package.
    static var samplesRoot: String {
        ProcessInfo.processInfo.environment["TRACETUI_SAMPLES"] ?? packageRoot + "/../shared/samples"
    }
    static var samples: String { samplesRoot + "/events" }
    static var graphSamples: String { samplesRoot + "/function_graph" }
    static var generatedGraphLog: String { dataDirectory + "/large-graph.txt" }
}
