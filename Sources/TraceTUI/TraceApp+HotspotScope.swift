import TraceModel

/// The hotspot table and the flame graph cover what the stream shows: its filter and the A–B range. When
/// either changed since they were built, a job builds them again for the new scope; live, each rebuild from the
/// growing store covers the scope, and a changed scope asks for one.
extension TraceApp {
    /// The stream's filter and A–B range now.
    var currentHotspotScope: HotspotScope {
        guard !isLive else { return HotspotScope() }
        return HotspotScope(rows: exportRange, filter: stream.isFiltering ? stream.filterText : nil)
    }

    /// Live: the same scope, for the tables rebuilt from the growing store (`HotspotRefresh`).
    var liveHotspotScope: HotspotScope {
        HotspotScope(rows: exportRange, filter: stream.isFiltering ? stream.filterText : nil)
    }

    /// Drops the table, the flame graph and their source when the scope changed (unless one is on its way).
    mutating func rescopeHotspots() {
        let scope = currentHotspotScope
        guard scope != hotspotScope, !sourceBuilding, panesBuilding.isEmpty else { return }
        hotspotScope = scope
        hotspotSource = nil
        hotspots = nil
        flame = nil
        if !scope.isEmpty { say("hotspots of \(scope.description)") }
    }
}

extension TraceApp {
    /// After every event: a table or flame graph already built follows a changed filter or A–B range at once
    /// (the dashboard shows them beside the stream), rebuilt by the same jobs as `3` / `4`.
    mutating func followHotspotScope() {
        guard !isLive, hotspots != nil || flame != nil, !sourceBuilding, panesBuilding.isEmpty,
              currentHotspotScope != hotspotScope else { return }
        let open = [KeyContext.hotspots, .flame].filter { $0 == .hotspots ? hotspots != nil : flame != nil }
        rescopeHotspots()
        for pane in open {
            panesBuilding.insert(pane)
            // The second pane waits for the source the first one's job builds (`adopt` asks for it then).
            if hotspotSource == nil, sourceBuilding { continue }
            requestOpen(pane)
        }
    }
}
