import TraceModel

/// Reads an input and writes it in an export format (the `dump` command).
public enum Export {
    /// `filter` (the viewer's filter language) keeps the matching rows of the stream; `warn` hears of the
    /// fields it names that no event of the trace has.
    public static func write(input: TraceInput, format: ExportFormat, table: ExportTable = .stream,
                             filter: String? = nil, warn: (String) -> Void = { _ in },
                             to out: ExportFile) async throws(CaptureError) {
        var sink = out.sink()
        if format == .svg, input.format == .folded {
            let stacks = FoldedInput.parse(Array(input.file.bytes))
            guard !stacks.isEmpty else { throw CaptureError("no folded stacks in \(input.path)") }
            sink.text(FlameGraphSVG(title: lastComponent(input.path)).render(stacks))
            sink.finish()
            return
        }
        if format == .pprof {
            let source = try await HotspotLoader.load(input)
            do {
                try PprofWriter.write(source, to: &sink)
            } catch {
                throw CaptureError("\(input.path): \(error.description)")
            }
            return
        }
        if format == .csv, table == .hotspots {
            let source = try await HotspotLoader.load(input)
            let table = await source.buildTable()
            guard table.entryCount > 0 else { throw CaptureError("no samples, calls or events in \(input.path)") }
            sink.text(HotspotReport.csv(table))
            sink.finish()
            return
        }
        let store = try await input.load()
        if format == .csv, table == .calls {
            let tree = CallTree(store: store)
            guard tree.count > 0 else { throw CaptureError("no function_graph calls in \(input.path)") }
            CSVWriter.callPaths(CallPathTree(tree), to: &sink)
            return
        }
        var include: ((Int) -> Bool)?
        if let filter {
            let matcher: RowMatcher
            do {
                matcher = try RowMatcher(try FilterExpression.parse(filter), store: store)
            } catch {
                throw CaptureError("bad filter: \(error.description)")
            }
            let unknown = matcher.unknownFields
            if !unknown.isEmpty {
                warn("no event of \(input.path) has the field\(unknown.count > 1 ? "s" : "") "
                     + unknown.joined(separator: ", ") + ": the filter cannot match on \(unknown.count > 1 ? "them" : "it")")
            }
            let box = MatcherBox(matcher)
            include = { box.matches($0) }
        }
        do {
            try Exporter.write(format, store: store, tree: nil, include: include, title: lastComponent(input.path),
                               to: &sink)
        } catch {
            throw CaptureError("\(input.path): \(error.description)")
        }
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// A matcher used from a closure: RowMatcher caches as it goes.
private final class MatcherBox {
    var matcher: RowMatcher
    init(_ m: RowMatcher) { matcher = m }
    func matches(_ row: Int) -> Bool { matcher.matches(row) }
}
