import Screen
import TraceModel

/// The bottom line: source, position, filter, search, markers, losses, unparsed lines, loading progress.
public struct StatusBar {
    /// The stream's line: source, position, losses, filter, search, markers, the capture, loading.
    static func stream(_ snapshot: TraceSnapshot, _ stream: StreamView, paused: Bool, width: Int) -> StatusLine {
        let store = snapshot.store
        let summary = store.summary
        var parts: [(String, Role)] = []
        let visible = stream.visibleCount(store)
        let position = visible == 0 ? 0 : stream.cursor + 1
        parts.append((" \(shortened(snapshot.source, to: max(16, width * 2 / 5))) ", .statusAccent))
        parts.append((" \(grouped(position))/\(grouped(visible))", .status))
        if snapshot.live == nil, summary.lostEvents > 0 { parts.append((" lost \(grouped(summary.lostEvents))", .statusAccent)) }
        if summary.unparsed > 0 { parts.append((" unparsed \(grouped(summary.unparsed))", .status)) }
        if stream.isFiltering {
            var f = " filter: \(stream.filterText ?? "")"
            if let p = stream.filterProgress(store), p.scanned < p.total {
                f += " (\(p.total > 0 ? p.scanned * 100 / p.total : 100)%)"
            }
            parts.append((f, .statusAccent))
        }
        if let s = stream.searchStatus(store), let search = stream.search {
            parts.append((" /\(search.pattern) \(grouped(s.current))/\(grouped(s.total))\(s.complete ? "" : "+") matches",
                          .status))
        }
        if let a = stream.markerA, let b = stream.markerB, a < store.count, b < store.count {
            let delta = store.timestamp(b) - store.timestamp(a)
            parts.append((" B−A \(TimeFormat.duration(nanoseconds: delta, clock: summary.clock))", .statusAccent))
        } else if stream.markerA != nil {
            parts.append((" A set", .status))
        }
        parts += captureParts(snapshot, paused: paused)
        if !snapshot.progress.finished {
            let p = snapshot.progress
            var text = " loading \(Int(p.fraction * 100))% \(TimeFormat.bytes(p.bytesPerSecond))/s"
            if let left = p.secondsLeft { text += " ETA \(Int(left.rounded(.up)))s" }
            parts.append((text, .progress))
        }
        if let error = snapshot.error { parts.append((" \(error)", .error)) }
        return StatusLine(parts, idle: " ? help ")
    }

    /// Live: the capture's parts (tracing and sampling), also shown under the hotspot table and flame graph.
    static func captureParts(_ snapshot: TraceSnapshot, paused: Bool) -> [(String, Role)] {
        var parts: [(String, Role)] = []
        if let live = snapshot.live { parts += liveParts(live, paused: paused) }
        if let s = snapshot.sampling { parts += samplingParts(s) }
        return parts
    }

    /// Sampling: the event and rate, the samples so far, and the records the kernel lost (`PERF_RECORD_LOST`;
    /// sampling alone counts them in the live part's `lost`).
    static func samplingParts(_ s: SamplingStatus) -> [(String, Role)] {
        var parts: [(String, Role)] = [(" \(s.event) \(s.frequency) Hz: \(grouped(s.samples)) samples", .status)]
        if !s.standalone, s.lost > 0 { parts.append((" lost \(grouped(s.lost)) samples", .error)) }
        return parts
    }

    /// Live: running or stopped, paused, the rate, every loss (the kernel's and the reader's), evictions.
    static func liveParts(_ live: LiveStatus, paused: Bool) -> [(String, Role)] {
        var parts: [(String, Role)] = []
        parts.append((live.running ? (paused ? " ‖ paused" : " ● live") : " ■ stopped", .statusAccent))
        parts.append((" \(grouped(Int(live.eventsPerSecond.rounded()))) ev/s", .status))
        if live.lost > 0 {
            parts.append((" lost \(grouped(live.lost))", .error))
        } else {
            parts.append((" no loss", .status))
        }
        if live.evicted > 0 { parts.append((" evicted \(grouped(live.evicted)) oldest", .statusAccent)) }
        if let w = live.warnings.first { parts.append((" \(w)", .error)) }
        for host in live.hosts { parts.append(hostPart(host)) }
        if live.lateRows > 0 { parts.append((" \(grouped(live.lateRows)) rows late (out of time order)", .statusAccent)) }
        return parts
    }

    /// One remote host: its clock offset ± half the round trip when it runs, else why not.
    static func hostPart(_ host: HostStatus) -> (String, Role) {
        switch host.state {
        case .running:
            let gaps = host.drops == 0 ? "" : host.drops == 1 ? " (1 gap)" : " (\(host.drops) gaps)"
            return (" \(host.name) \(host.offsetText ?? "offset ?")\(gaps)", .status)
        case .connecting:
            return (" \(host.name) connecting…", .status)
        case .stopped:
            return (" \(host.name) stopped", .status)
        case .failed(let retry):
            let again = retry.map { " (retry in \($0)s)" } ?? ""
            return (" \(host.name): \(host.reason ?? "failed")\(again)", .error)
        }
    }

    /// Left parts in order, the message (or the idle hint) on the right; a message always shows whole,
    /// cutting the left parts short if it must.
    static func draw(_ line: StatusLine, message: String?, into canvas: inout Canvas, in rect: Rect) {
        canvas.fill(rect, role: .status)
        let (parts, idle) = (line.parts, line.idle)
        let right = message.map { " \($0) " } ?? idle
        let used = parts.reduce(0) { $0 + $1.0.count }
        let leftLimit = message != nil || used + right.count <= rect.width ? rect.maxX - right.count : rect.maxX
        var x = rect.x
        for (text, role) in parts { x = canvas.put(text, x: x, y: rect.y, role: role, limit: max(rect.x, leftLimit)) }
        let rx = max(rect.x, rect.maxX - right.count)
        if message != nil || rx >= x {
            canvas.put(right, x: rx, y: rect.y, role: message == nil ? .status : .statusAccent, limit: rect.maxX)
        }
    }

    /// Long file names keep their end (the part that tells files apart).
    static func shortened(_ name: String, to width: Int = 32) -> String {
        name.count <= width ? name : "…" + name.suffix(width - 1)
    }

    /// The call tree's line: mode, position, zoom, sort, search.
    static func tree(_ snapshot: TraceSnapshot, _ tree: CallTreeView, width: Int) -> StatusLine {
        var parts: [(String, Role)] = [(" \(shortened(snapshot.source, to: max(16, width * 2 / 5))) ", .statusAccent)]
        let mode = tree.model.mode == .timeline ? "call tree: timeline" : "call tree: merged paths"
        parts.append((" \(mode)", .statusAccent))
        parts.append((" \(grouped(tree.rows.isEmpty ? 0 : tree.cursor + 1))/\(grouped(tree.rows.count))", .status))
        parts.append((" \(grouped(tree.model.calls.count)) calls", .status))
        if tree.model.scope != .all { parts.append((" \(tree.model.scopeLabel)", .statusAccent)) }
        if tree.rowRange != nil { parts.append((" A–B only", .statusAccent)) }
        if let hosts = tree.hostScope {
            let names = hosts.sorted().map { snapshot.store.hostName($0) }
            parts.append((" host " + (names.isEmpty ? "none" : names.joined(separator: ", ")), .statusAccent))
        }
        if let z = tree.zoomRoot { parts.append((" zoom: \(tree.model.name(z))", .statusAccent)) }
        if tree.sortKey != .time { parts.append((" sort: \(tree.sortKey.rawValue)", .status)) }
        if let s = tree.search { parts.append((" /\(s)", .status)) }
        return StatusLine(parts)
    }

    /// `1234567` as `1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// A size in whole MB once it is past one (`312 MB`), else in KB.
    public static func byteCount(_ n: Int) -> String {
        n >= 1 << 20 ? "\(grouped(n >> 20)) MB" : "\(n >> 10) KB"
    }
}
