import Screen
import TraceModel

/// What the `x` menu asks the executable to write: the view's format, A–B range and filter. The app has no
/// files; the executable writes and reports back with `TraceApp.exportFinished`.
public struct ExportRequest: Sendable, Equatable {
    public var format: ExportFormat
    /// What a CSV holds: the stream, or the hotspot table as the view shows it.
    public var table: ExportTable = .stream
    /// The hotspot view's table (its keys, zoom, filter and order), for `table == .hotspots`.
    public var hotspots: HotspotTable?
    /// Markers A–B, when both are set.
    public var rows: Range<Int>?
    /// The stream's filter, when one is applied.
    public var filter: String?
    /// A name for the file, from the trace's.
    public var sourceName: String
    /// The hotspot view's `P`: the table as `tracetui report` prints it (a `.txt`), not as CSV.
    public var report: ReportOptions?

    public static func == (a: ExportRequest, b: ExportRequest) -> Bool {
        a.format == b.format && a.table == b.table && a.rows == b.rows && a.filter == b.filter
            && a.sourceName == b.sourceName && a.hotspots?.order == b.hotspots?.order
    }

    /// Writes the request's part of the store; `tree` is the trace's call tree (the range limits it).
    public func write(store: EventStore, tree: CallTree?, to sink: inout ByteSink) throws(ExportError) -> Int {
        if table == .hotspots, let hotspots, let report {
            sink.text(HotspotReport.text(hotspots, report))
            sink.finish()
            return hotspots.order.count
        }
        if table == .hotspots, let hotspots {
            sink.text(HotspotReport.csv(hotspots))
            sink.finish()
            return hotspots.order.count
        }
        var include: ((Int) -> Bool)?
        if let filter {
            do {
                let matcher = MatcherBox(try RowMatcher(try FilterExpression.parse(filter), store: store))
                include = { matcher.matches($0) }
            } catch {
                throw ExportError("bad filter: \(error.description)")
            }
        }
        let calls = rows == nil ? tree : nil
        return try Exporter.write(format, store: store, tree: calls, rows: rows, include: include,
                                  title: sourceName, to: &sink)
    }

    /// `tracetui-<source>.<ext>`, or with `-2`, `-3`… when `exists` says the name is taken.
    public func fileName(exists: (String) -> Bool) -> String {
        var stem = Substring(sourceName)
        if let dot = stem.lastIndex(of: "."), dot > stem.startIndex { stem = stem[..<dot] }
        let safe = String(stem.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
        let base = "tracetui-" + (safe.isEmpty ? "trace" : safe) + (table == .hotspots ? "-hotspots" : "")
        let ext = report == nil ? format.fileExtension : "txt"
        var name = base + "." + ext
        var n = 2
        while exists(name) {
            name = "\(base)-\(n).\(ext)"
            n += 1
        }
        return name
    }
}

/// A matcher used from a closure: RowMatcher caches as it goes.
private final class MatcherBox {
    var matcher: RowMatcher
    init(_ m: RowMatcher) { matcher = m }
    func matches(_ row: Int) -> Bool { matcher.matches(row) }
}

/// The small menu `x` opens: one line per format, a key for each. On the hotspot view, CSV is the table's.
struct ExportMenu {
    struct Choice: Equatable, Sendable {
        var key: Character
        var format: ExportFormat
        var table: ExportTable = .stream
        var summary: String { table == .hotspots ? "CSV of the hotspot table, as shown" : format.summary }
    }

    static let choices: [Choice] = [Choice(key: "c", format: .chrome), Choice(key: "v", format: .csv),
                                    Choice(key: "s", format: .svg), Choice(key: "p", format: .pprof)]

    static func choices(hotspots: Bool) -> [Choice] {
        guard hotspots else { return choices }
        return [Choice(key: "v", format: .csv, table: .hotspots), Choice(key: "c", format: .chrome),
                Choice(key: "s", format: .svg), Choice(key: "p", format: .pprof)]
    }

    static func render(selected: Int, scope: String, hotspots: Bool = false, into canvas: inout Canvas, in bounds: Rect) {
        let lines = choices(hotspots: hotspots).map { "\($0.key)  \($0.summary)" }
        let width = min(bounds.width, max(scope.count, lines.map(\.count).max() ?? 20) + 6)
        let rect = bounds.centered(width: width, height: min(bounds.height, lines.count + 4))
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: "export — Enter or key, Esc cancels", role: .help)
        canvas.put(scope, x: rect.x + 2, y: rect.y + 1, role: .dim, limit: rect.maxX - 1)
        for (i, line) in lines.enumerated() where rect.y + 2 + i < rect.maxY {
            canvas.put(line, x: rect.x + 2, y: rect.y + 2 + i, role: i == selected ? .selected : .helpKey,
                       limit: rect.maxX - 1)
        }
    }
}
