import TraceModel

/// Reads an input and writes it in an export format (the `dump` command).
public enum Export {
    public static func write(input: TraceInput, format: ExportFormat, table: ExportTable = .stream,
                             to out: ExportFile) async throws(CaptureError) {
        var sink = out.sink()
        if format == .svg, input.format == .folded {
            let stacks = FoldedInput.parse(Array(input.file.bytes))
            guard !stacks.isEmpty else { throw CaptureError("no folded stacks in \(input.path)") }
            sink.text(FlameGraphSVG(title: lastComponent(input.path)).render(stacks))
            sink.finish()
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
        do {
            try Exporter.write(format, store: store, tree: nil, title: lastComponent(input.path), to: &sink)
        } catch {
            throw CaptureError("\(input.path): \(error.description)")
        }
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
