import Screen
import TraceModel

/// The `x` menu: the formats, what the export covers (the filter, the A–B range, or the hotspot table as shown),
/// and its progress and end in the status bar.
extension TraceApp {
    /// What the export covers, said in the menu: the whole trace, or the filter and the A–B range.
    /// The hotspot view is focused and built: `x` offers its table as CSV first.
    var exportsHotspots: Bool { focus == .hotspots && hotspots != nil }

    var exportScope: String {
        if exportsHotspots, let h = hotspots {
            let shown = "the hotspot table (\(StatusBar.grouped(h.table.order.count)) entries"
            return shown + (h.filter.isEmpty ? ")" : ", \(h.filter.description))") + " or the whole trace"
        }
        var parts: [String] = []
        if let text = stream.filterText, stream.isFiltering { parts.append("filter \(text)") }
        if let range = exportRange { parts.append("rows \(range.lowerBound + 1)–\(range.upperBound) (A–B)") }
        return parts.isEmpty ? "the whole trace" : parts.joined(separator: ", ")
    }

    var exportRange: Range<Int>? {
        guard let a = stream.markerA, let b = stream.markerB else { return nil }
        return min(a, b)..<(max(a, b) + 1)
    }

    mutating func requestExport(_ choice: ExportMenu.Choice) {
        let format = choice.format
        mode = .browsing
        guard snapshot.progress.finished else {
            say("the file is still loading: export when it has loaded")
            return
        }
        guard !exporting else {
            say("an export is still being written: wait for it")
            return
        }
        var request = ExportRequest(format: format, rows: exportRange,
                                    filter: stream.isFiltering ? stream.filterText : nil,
                                    sourceName: snapshot.source)
        if choice.table == .hotspots, let h = hotspots {
            request = ExportRequest(format: .csv, table: .hotspots, hotspots: h.table, sourceName: snapshot.source)
        }
        emit(.export(request, store: store, tree: snapshot.callTree))
        exporting = true
        say("exporting…")
    }

    /// Shows where the export went, or why it failed, in the status bar.
    mutating func exportFinished(path: String?, records: Int, error: String?) {
        exporting = false
        if let error {
            say("export failed: \(error)")
        } else if let path {
            say("exported \(records) records to \(path)")
        }
    }

    /// The trace's call tree as the snapshot has it (nil while loading or without function_graph lines).
    public var callTree: CallTree? { snapshot.callTree }
}
