/// A profile in pprof's terms (profile.proto: sample types, samples as location stacks with values, one
/// location per function), built from what `tracetui report` aggregates, so that `go tool pprof -top` prints
/// the same functions and totals. Plain values: TraceCapture encodes them with the generated protobuf code.
public struct PprofProfile: Sendable, Equatable {
    /// `(type, unit)` of each value of a sample, e.g. `("samples", "count")`, `("time", "nanoseconds")`.
    public var sampleTypes: [(type: String, unit: String)] = []
    /// Function names; a function's location id is its index + 1 (ids are nonzero in profile.proto).
    public var functions: [String] = []
    /// The shared object of each function ("" when unknown).
    public var functionDsos: [String] = []
    public var samples: [Sample] = []
    /// The sample type pprof shows unless told otherwise.
    public var defaultSampleType: String = ""
    public var durationNanos: Int64 = 0

    public struct Sample: Sendable, Equatable {
        /// Function indexes, innermost (the leaf) first, as profile.proto orders a sample's locations.
        public var stack: [Int]
        public var values: [Int64]
        /// A thread or task name, as a `thread` label.
        public var thread: String?
    }

    public static func == (a: PprofProfile, b: PprofProfile) -> Bool {
        a.sampleTypes.map { [$0.type, $0.unit] } == b.sampleTypes.map { [$0.type, $0.unit] }
            && a.functions == b.functions && a.functionDsos == b.functionDsos && a.samples == b.samples
            && a.defaultSampleType == b.defaultSampleType && a.durationNanos == b.durationNanos
    }

    public init() {}

    /// From a hotspot source: samples with their callchains (values: samples, and the perf period when the
    /// weights are periods), or function_graph calls merged by call path (values: calls, and self time in
    /// ns, so that pprof's flat is the duration table's self and its cum the table's total). Nil for event
    /// counts, which have no stacks.
    public init?(_ source: HotspotSource) {
        switch source {
        case .samples(let samples): self.init(samples: samples)
        case .durations(let calls): self.init(calls: CallPathTree(calls))
        case .events: return nil
        }
    }

    public init(samples s: StackSamples) {
        let periods = s.weightsArePeriods
        sampleTypes = periods ? [("samples", "count"), ("events", "count")] : [("samples", "count")]
        defaultSampleType = periods ? "events" : "samples"
        // One location per function-in-dso, as the hotspot table's symbol entries.
        var index: [UInt32: Int] = [:]
        func function(_ location: UInt32) -> Int {
            if let f = index[location] { return f }
            let f = functions.count
            functions.append(s.functionName(ofLocation: location))
            functionDsos.append(s.dsoName(ofLocation: location))
            index[location] = f
            return f
        }
        // Samples with the same stack and task are one sample of summed values.
        var merged: [[Int]: [String: Int]] = [:]
        for i in 0..<s.count {
            let stack = s.frames(of: i).map(function)
            let task = Int(s.sampleTask[i])
            let thread = s.commNames[Int(s.taskComm[task])]
            let w = s.sampleWeight[i]
            if let k = merged[stack]?[thread] {
                samples[k].values[0] += 1
                if periods { samples[k].values[1] += w }
                continue
            }
            merged[stack, default: [:]][thread] = samples.count
            samples.append(Sample(stack: stack, values: periods ? [1, w] : [w], thread: thread))
        }
    }

    public init(calls paths: CallPathTree) {
        sampleTypes = [("calls", "count"), ("time", "nanoseconds")]
        defaultSampleType = "time"
        var index: [String: Int] = [:]
        func function(_ name: String) -> Int {
            if let f = index[name] { return f }
            let f = functions.count
            functions.append(name)
            functionDsos.append("")
            index[name] = f
            return f
        }
        // Depth first: each path's stack is its parent's with the path's function in front.
        var pending: [(node: Int, parentStack: [Int])] = paths.roots.reversed().map { ($0, []) }
        while let (n, parentStack) = pending.popLast() {
            let node = paths.nodes[n]
            let stack = [function(node.name)] + parentStack
            samples.append(Sample(stack: stack, values: [Int64(node.calls), node.selfTime], thread: nil))
            for c in node.children.reversed() { pending.append((c, stack)) }
        }
        durationNanos = paths.roots.reduce(0) { $0 + paths.nodes[$1].total }
    }
}
