import Screen
import TraceModel

extension TraceApp {
    /// What `3` / `4` show while their data is built off the UI thread.
    func renderBuilding(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0 else { return }
        canvas.fill(rect, role: .normal)
        let what = focus == .hotspots ? "the hotspot table" : focus == .timeline ? "the timeline" : "the flame graph"
        canvas.put(" building \(what) of \(StatusBar.grouped(store.count)) lines…", x: rect.x, y: rect.y, role: .dim,
                   limit: rect.maxX)
    }

    /// The sample whose interval holds the stream cursor's time; the newest one when there is no event yet
    /// (a live session that has only sampled so far).
    func systemSampleIndex() -> (Int?, String?) {
        guard let system, !system.isEmpty else { return (nil, nil) }
        guard let row = stream.selectedRow(store) else { return (system.count - 1, "newest sample") }
        // Live, the newest events are newer than the last sample: the panes show how busy the machine is now.
        if isLive, !paused { return (system.count - 1, "newest sample") }
        guard store.summary.clock == .seconds else { return (nil, "the trace's clock is not in seconds") }
        let t = store.timestamp(row)
        // A sample covers the interval that ends at it: the first sample at or after the cursor.
        guard let before = system.index(atOrBefore: t) else { return (nil, "cursor before the first sample") }
        if system.samples[before].monotonic == t { return (before, nil) }
        guard before + 1 < system.count else {
            return isLive ? (system.count - 1, "newest sample") : (nil, "cursor after the last sample")
        }
        return (before + 1, nil)
    }
}
