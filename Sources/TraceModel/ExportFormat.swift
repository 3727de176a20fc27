/// The formats tracetui writes for other tools.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// Chrome trace-event JSON: Perfetto UI, chrome://tracing, the Firefox profiler.
    case chrome
    /// The event stream as CSV.
    case csv
    /// A flame graph of the function_graph calls (self time), as a self-contained SVG.
    case svg
    /// A gzipped pprof profile (profile.proto) of the samples or the calls: `PprofProfile` here, encoded by
    /// TraceCapture's `PprofWriter` (the protobuf runtime is not TraceModel's to depend on).
    case pprof

    public var fileExtension: String {
        switch self {
        case .chrome: return "json"
        case .csv: return "csv"
        case .svg: return "svg"
        case .pprof: return "pb.gz"
        }
    }

    public var summary: String {
        switch self {
        case .chrome: return "Chrome trace JSON (Perfetto, chrome://tracing)"
        case .csv: return "CSV of the event stream"
        case .svg: return "flame graph SVG of the calls"
        case .pprof: return "pprof profile (go tool pprof)"
        }
    }
}

/// Which table a CSV export holds.
public enum ExportTable: String, Sendable, CaseIterable {
    /// Every line of the trace (the stream view).
    case stream
    /// The function_graph calls merged by call path (`tracetui graph`).
    case calls
    /// The hotspot table (`tracetui report`): one row per entry, its keys and metrics.
    case hotspots
}

/// What an export failed on, said in one line.
public struct ExportError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Writes a store (or the part of it a view shows) in an export format.
public enum Exporter {
    /// `rows`: the A–B range; `include`: the view's filter. Returns the number of records written.
    @discardableResult
    public static func write(_ format: ExportFormat, store: EventStore, tree: CallTree?, rows: Range<Int>? = nil,
                             include: ((Int) -> Bool)? = nil, title: String = "tracetui",
                             to sink: inout ByteSink) throws(ExportError) -> Int {
        switch format {
        case .chrome:
            let calls = tree ?? (CallTree.hasCalls(store) ? CallTree(store: store, rows: rows) : nil)
            return ChromeTraceWriter(store: store, tree: calls, rows: rows, include: include).write(to: &sink)
        case .csv:
            return CSVWriter(store: store, rows: rows, include: include).write(to: &sink)
        case .svg:
            let calls = tree ?? (CallTree.hasCalls(store) ? CallTree(store: store, rows: rows) : nil)
            var stacks: [FlameGraphSVG.Stack] = []
            if let calls, calls.count > 0 {
                stacks = FoldedInput.stacks(of: calls)
            } else if let folded = HotspotSource(store: store).folded() {
                // Sampled stacks (perf script, ftrace stack traces): the whole trace's.
                stacks = FoldedInput.parse(Array(folded.utf8))
            }
            guard !stacks.isEmpty else {
                throw ExportError("no function_graph calls or stacks to draw a flame graph of")
            }
            var svg = FlameGraphSVG(title: title, unit: "ns")
            svg.title = title
            sink.text(svg.render(stacks))
            sink.finish()
            return stacks.count
        case .pprof:
            throw ExportError("a pprof profile is encoded by TraceCapture's PprofWriter.write(store:tree:to:)")
        }
    }
}
