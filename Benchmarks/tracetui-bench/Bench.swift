import Foundation

/// One benchmark run: find or make the log, measure it, report, clean up what it made.
struct Bench {
    let options: BenchOptions

    func run() async throws(BenchError) {
        if let seconds = options.samplingSeconds {
            try await SamplingBench.run(seconds: seconds)
            return
        }
        if let seconds = options.bpfCostSeconds {
            BpfCostBench.run(seconds: seconds)
            return
        }
        if let seconds = options.procCostSeconds {
            try await ProcCostBench.run(seconds: seconds, interval: options.procInterval)
            return
        }
        if options.only == .annotate {
            try await AnnotateBench.run(samples: 1_000_000, runs: options.runs)
            return
        }
        if options.only == .timeline {
            try await TimelineBench.run(events: options.latencyEvents, runs: options.runs, keep: options.keep)
            return
        }
        if options.only == .latency {
            try await LatencyBench.run(events: options.latencyEvents, runs: options.runs, keep: options.keep)
            return
        }
        if options.runs(.events) || options.runs(.formats) || options.runs(.frames) { try await measureEvents() }
        if options.runs(.graph) {
            CallTreeBench.redrawHugeNode()
            if options.graphSizeMB > 0 {
                try await CallTreeBench.buildLargeTree(sizeMB: options.graphSizeMB, keep: options.keep)
            }
        }
        if options.runs(.hotspots) {
            try await HotspotBench.aggregate(samples: options.hotspotSamples)
            if options.hotspotCalls > 0 {
                try await DurationsBench.aggregate(calls: options.hotspotCalls, keep: options.keep)
            }
            await HotspotBench.redrawLargeTable()
        }
    }

    /// The event log's figures (load, stat, first screen, memory, against the peers) and the formats' on the
    /// same log.
    private func measureEvents() async throws(BenchError) {
        let path: String
        var generated = false
        if let file = options.file {
            guard TraceGenerator.fileSize(file) != nil else { throw BenchError("not a regular file: \(file)") }
            path = file
        } else {
            if options.sizeMB < 500 {
                print("note: --size-mb \(options.sizeMB) is below the 500 MB the figures are meant for")
            }
            let started = ContinuousClock.now
            let outcome = try TraceGenerator.ensure(path: BenchPaths.generatedLog, bytes: options.sizeMB << 20)
            path = outcome.path
            generated = !outcome.reused
            if outcome.reused {
                print("reusing \(path)")
            } else {
                let copies = outcome.copies.sorted { $0.key < $1.key }.map { "\($0.value) x \($0.key)" }
                print("generated \(path) in \(String(format: "%.1f", (ContinuousClock.now - started).seconds)) s: "
                      + copies.joined(separator: ", ") + "; timestamps shifted to increase across copies")
            }
        }
        defer {
            if generated && !options.keep {
                unlink(path)
                print("removed \(path) (pass --keep to reuse it)")
            }
        }
        if options.runs(.events) {
            let results = try await Measurements(path: path, runs: options.runs).all()
            print("")
            BenchReport(r: results, cores: ProcessInfo.processInfo.activeProcessorCount, runs: options.runs).print()
            print("")
        }
        if options.runs(.frames) { try await FramesBench.run(path: path) }
        if options.runs(.formats) {
            try await FormatsBench.run(logPath: path, datPath: options.datFile, runs: options.runs, keep: options.keep,
                                       export: options.only != .dat)
        }
    }
}
