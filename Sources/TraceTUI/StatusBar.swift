import Screen
import TraceModel

/// The bottom line: source, position, filter, search, markers, losses, unparsed lines, loading progress.
struct StatusBar {
    static func render(snapshot: TraceSnapshot, stream: StreamView, message: String?,
                       into canvas: inout Canvas, in rect: Rect) {
        canvas.fill(rect, role: .status)
        let store = snapshot.store
        let summary = store.summary
        var parts: [(String, Role)] = []
        let visible = stream.visibleCount(store)
        let position = visible == 0 ? 0 : stream.cursor + 1
        parts.append((" \(snapshot.source) ", .statusAccent))
        parts.append((" \(grouped(position))/\(grouped(visible))", .status))
        if stream.isFiltering {
            var f = " filter: \(stream.filterText ?? "")"
            if let p = stream.filterProgress(store), p.scanned < p.total {
                f += " (\(p.total > 0 ? p.scanned * 100 / p.total : 100)%)"
            }
            parts.append((f, .statusAccent))
        }
        if let s = stream.searchStatus(store), let search = stream.search {
            parts.append((" /\(search.pattern) \(s.current)/\(s.total)\(s.complete ? "" : "+") matches", .status))
        }
        if let a = stream.markerA, let b = stream.markerB, a < store.count, b < store.count {
            let delta = store.timestamp(b) - store.timestamp(a)
            parts.append((" B−A \(TimeFormat.duration(nanoseconds: delta, clock: summary.clock))", .statusAccent))
        } else if stream.markerA != nil {
            parts.append((" A set", .status))
        }
        if summary.lostEvents > 0 { parts.append((" lost \(grouped(summary.lostEvents))", .statusAccent)) }
        if summary.unparsed > 0 { parts.append((" unparsed \(grouped(summary.unparsed))", .status)) }
        if !snapshot.progress.finished {
            let p = snapshot.progress
            var text = " loading \(Int(p.fraction * 100))% \(TimeFormat.bytes(p.bytesPerSecond))/s"
            if let left = p.secondsLeft { text += " ETA \(Int(left.rounded(.up)))s" }
            parts.append((text, .progress))
        }
        if let error = snapshot.error { parts.append((" \(error)", .error)) }
        var x = rect.x
        for (text, role) in parts { x = canvas.put(text, x: x, y: rect.y, role: role, limit: rect.maxX) }
        let right = message.map { " \($0) " } ?? " ? help "
        let rx = rect.maxX - right.count
        if rx > x { canvas.put(right, x: rx, y: rect.y, role: message == nil ? .status : .statusAccent) }
    }

    /// The call tree's line: mode, position, zoom, sort, search.
    static func render(snapshot: TraceSnapshot, tree: CallTreeView, message: String?,
                       into canvas: inout Canvas, in rect: Rect) {
        canvas.fill(rect, role: .status)
        var parts: [(String, Role)] = [(" \(snapshot.source) ", .statusAccent)]
        let mode = tree.model.mode == .timeline ? "call tree: timeline" : "call tree: merged paths"
        parts.append((" \(mode)", .statusAccent))
        parts.append((" \(grouped(tree.rows.isEmpty ? 0 : tree.cursor + 1))/\(grouped(tree.rows.count))", .status))
        parts.append((" \(grouped(tree.model.calls.count)) calls", .status))
        if tree.model.scope != .all { parts.append((" \(tree.model.scopeLabel)", .statusAccent)) }
        if tree.rowRange != nil { parts.append((" A–B only", .statusAccent)) }
        if let z = tree.zoomRoot { parts.append((" zoom: \(tree.model.name(z))", .statusAccent)) }
        if tree.sortKey != .time { parts.append((" sort: \(tree.sortKey.rawValue)", .status)) }
        if let s = tree.search { parts.append((" /\(s)", .status)) }
        var x = rect.x
        for (text, role) in parts { x = canvas.put(text, x: x, y: rect.y, role: role, limit: rect.maxX) }
        let right = message.map { " \($0) " } ?? " Tab stream  ? help "
        let rx = rect.maxX - right.count
        if rx > x { canvas.put(right, x: rx, y: rect.y, role: message == nil ? .status : .statusAccent) }
    }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
