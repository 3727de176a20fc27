import TraceModel

/// The hotspot view's zooms (perf report --tui's `t`, `d`, `S`, and Esc / ← out): each pushes the filter it
/// replaces; a zoom starts from the filter asked for (`wanted`), never from the table still on screen.
extension HotspotView {
    /// Shows `f`: a new table when the thread or comm changes, else the same one filtered again (when a
    /// table is being built, it takes `f` when it comes).
    mutating func show(_ f: HotspotFilter) {
        wanted = f
        if f.pid != requested.pid || f.comm != requested.comm {
            rebuildTable(filter: f)
        } else if !buildingTable {
            table.sort(by: table.sortColumn, filter: f)
            rebuild(keepCursor: false)
        }
    }

    mutating func zoom(_ command: Command) -> ViewOutcome {
        guard let e = selectedEntry else { return .handled }
        var f = wanted
        switch command {
        case .zoomThread where f.pid != nil || f.comm != nil:
            // `t` again zooms out of the thread (or command), as perf's does.
            f.pid = nil
            f.comm = nil
        case .zoomThread:
            if let p = table.value(.pid, of: e) {
                f.pid = Int32(bitPattern: p)
                f.comm = table.keys.contains(.comm) ? table.label(.comm, of: e) : nil
            } else if table.keys.contains(.comm) {
                // Without a thread column: every thread of the command (a comm zoom).
                f.comm = table.label(.comm, of: e)
            } else {
                return .message("no thread column: sort by comm or pid first (s)")
            }
        case .zoomDso:
            guard table.keys.contains(.dso) else { return .message("no shared object column (s changes the sort)") }
            f.dso = table.label(.dso, of: e, full: true)
        default:
            guard table.keys.contains(.symbol) || table.keys.contains(.event) else { return .message("no symbol column") }
            f.symbol = table.keys.contains(.symbol) ? table.label(.symbol, of: e) : table.label(.event, of: e)
        }
        zoomStack.append(wanted)
        show(f)
        return .message(f.isEmpty ? "zoomed out" : "zoom: \(f.description)")
    }
}
