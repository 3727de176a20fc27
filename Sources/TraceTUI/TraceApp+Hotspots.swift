import TraceModel

/// The hotspot table and the flame graph: built off the UI thread (`HotspotJob`) the first time `3` / `4`
/// is pressed, and live, rebuilt from the growing store (`HotspotRefresh`) — one pipeline of jobs and
/// results for both.
extension TraceApp {
    mutating func requestOpen(_ pane: KeyContext) {
        if hotspotSource == nil { sourceBuilding = true }
        jobGeneration += 1
        let job = HotspotJob(generation: jobGeneration,
                             work: .open(store: store, callTree: snapshot.callTree, source: hotspotSource, pane: pane,
                                         scope: isLive ? HotspotScope() : hotspotScope))
        openRequested.insert(pane)
        emit(.run(Job(key: "hotspots.open.\(pane.rawValue)") { _ in .hotspots(await job.run()) }))
    }

    /// Turns what the hotspot view asked for (a regrouped table, callchains) into jobs.
    mutating func collectHotspotJobs() {
        guard var view = hotspots else { return }
        let jobs = view.takeJobs()
        guard !jobs.isEmpty else { return }
        hotspots = view
        for job in jobs.map({ $0.withLeaves(store: store, resolve: leafResolver) }) {
            jobGeneration += 1
            // A table replaces the one being built; callchains of other entries build side by side.
            let key = job.isTable ? "hotspots.table" : "hotspots.chains.\(jobGeneration)"
            emit(.run(Job(key: key) { _ in .hotspots(await job.run()) }))
        }
    }

    /// Whether the hotspot table, the flame graph or a callchain is being built.
    public var isBuildingInBackground: Bool { !panesBuilding.isEmpty || hotspots?.isBuilding == true }

    /// Takes what a background job built: a pane's data (shown if the pane is still focused), a table, callchains.
    mutating func adopt(_ result: HotspotJobResult) {
        if case .refreshed(let refresh) = result.value {
            apply(refresh)
            return
        }
        guard case .opened(let source, let table, let tree) = result.value else {
            hotspots?.adopt(result)
            return
        }
        if case .open(_, _, _, let pane, _) = result.job.work { openRequested.remove(pane) }
        if hotspotSource == nil { hotspotSource = source }
        sourceBuilding = false
        if let table, hotspots == nil {
            hotspots = HotspotView(source: hotspotSource ?? source, table: table)
            panesBuilding.remove(.hotspots)
        }
        if let tree, flame == nil {
            panesBuilding.remove(.flame)
            if tree.count > 1 {
                flame = FlameView(tree: tree)
            } else if focus == .flame {
                focus = .stream
                say("no stacks or function_graph calls in this trace")
            }
        } else if table == nil, flame == nil, panesBuilding.contains(.flame), (hotspotSource ?? source).kind == .events {
            panesBuilding.remove(.flame)
            if focus == .flame {
                focus = .stream
                say("no stacks or function_graph calls in this trace")
            }
        }
        // A pane that waited for the source asks for its own data now.
        for pane in [KeyContext.hotspots, .flame] where panesBuilding.contains(pane) {
            let waiting = pane == .hotspots ? hotspots == nil : flame == nil
            if waiting, !openRequested.contains(pane) { requestOpen(pane) }
        }
    }

    // MARK: - live

    /// When the live table should be rebuilt next (nil: nothing to rebuild, or a rebuild is running).
    var refreshDueAt: Duration? {
        guard wantsRefresh, !refreshing else { return nil }
        return nextRefresh
    }

    /// Live, with the hotspot table or the flame graph on screen and the store grown since they were built.
    private var wantsRefresh: Bool {
        isLive && !paused && (focus == .hotspots || focus == .flame)
            && (snapshot.generation != hotspotGeneration || hotspots?.liveScope != liveHotspotScope)
    }

    /// Starts a rebuild when one is wanted and its time has come: at most twice a second, and never more than a
    /// fifth of the time (a table of millions of samples takes a while).
    mutating func refreshHotspotsIfDue() {
        guard wantsRefresh, !refreshing, now >= nextRefresh else { return }
        refreshing = true
        refreshStarted = now
        let view = hotspots
        var request = HotspotRefresh.Request(store: snapshot.store, callTree: snapshot.callTree, kind: view?.source.kind,
                                             keys: view?.keys, filter: view?.filter ?? HotspotFilter(),
                                             sortColumn: view?.table.sortColumn, unfolded: view?.unfoldedKeys ?? [],
                                             callers: view?.callers ?? true, wantsFlame: focus == .flame,
                                             generation: snapshot.generation, scope: liveHotspotScope)
        request.resolve = leafResolver
        let job = HotspotJob(generation: snapshot.generation, work: .refresh(request))
        emit(.run(Job(key: "hotspots.refresh") { _ in .hotspots(await job.run()) }))
    }

    /// Swaps a rebuilt table in, keeping the view's place (the selected entry, unfolded chains, zooms).
    mutating func apply(_ refresh: HotspotRefresh) {
        refreshing = false
        nextRefresh = now + max(.milliseconds(500), (now - refreshStarted) * 4)
        hotspotGeneration = refresh.generation
        hotspotSource = refresh.source
        defer { hotspots?.liveScope = refresh.scope }
        if hotspots == nil || hotspots?.source.kind != refresh.source.kind {
            hotspots = HotspotView(source: refresh.source, table: refresh.table)
        } else {
            hotspots?.replace(source: refresh.source, table: refresh.table, chains: refresh.chains)
        }
        if let tree = refresh.flame {
            if flame == nil || flame?.zoomRoot == 0 {
                let search = flame?.search
                flame = FlameView(tree: tree)
                if let search { _ = flame?.setSearch(search) }
            }
        }
    }

    /// Sampling alone: the hotspot table is the first screen (perf top's).
    public mutating func openHotspotsWhenLive() {
        paneRequested = .hotspots
    }
}
