import Screen
import TraceModel

/// The dashboard (`0`) of a trace with samples or calls shows the hotspot table under the stream, beside the
/// system panes: the stream, the machine and where the time went on one screen (the demo's first screen). The
/// table is the `3` view's own, built by the same job once the trace has loaded; an events-only trace keeps the
/// whole height for its stream (its table would only count events).
extension TraceApp {
    var dashboardShowsHotspots: Bool {
        dashboard && focus == .stream && !isLive && hotspots != nil && hotspotSource?.kind != .events
    }

    /// Asks for the table once, when the dashboard shows a loaded trace and nothing is being built.
    mutating func requestDashboardHotspots() {
        guard dashboard, focus == .stream, !isLive, snapshot.progress.finished, hotspots == nil, hotspotSource == nil,
              !sourceBuilding, panesBuilding.isEmpty, openRequested.isEmpty,
              snapshot.callTree != nil || store.hasStacks else { return }
        panesBuilding.insert(.hotspots)
        requestOpen(.hotspots)
    }

    /// The stream's part of `main` and the table's below it (two fifths, at least 6 rows), when it is shown.
    func dashboardSplit(_ main: Rect) -> (stream: Rect, hotspots: Rect?) {
        guard dashboardShowsHotspots, main.height >= 16 else { return (main, nil) }
        let split = main.splitBottom(max(6, main.height * 2 / 5))
        return (split.rest, split.bottom)
    }
}
