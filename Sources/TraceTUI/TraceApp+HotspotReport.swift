import TraceModel

/// The hotspot view's `P`: the table as `tracetui report` prints it (zoom, order, percent limit, callchains in
/// the view's order) to a text file beside the trace's name, through the export effect.
extension TraceApp {
    mutating func requestPrintReport() {
        guard focus == .hotspots, let h = hotspots else {
            say("P prints the hotspot table: open it with 3")
            return
        }
        guard !exporting else {
            say("an export is still being written: wait for it")
            return
        }
        var options = ReportOptions(title: snapshot.source)
        options.percentLimit = h.percentLimit > 0 ? h.percentLimit : nil
        if h.source.kind == .samples {
            options.samples = h.source.samples
            options.callchain = h.callers ? .caller : .callee
            options.lostSamples = h.source.samples.lostEvents
        }
        var request = ExportRequest(format: .csv, table: .hotspots, hotspots: h.table, sourceName: snapshot.source)
        request.report = options
        emit(.export(request, store: store, tree: snapshot.callTree))
        exporting = true
        say("printing the table…")
    }
}
