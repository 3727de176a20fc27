import Screen
import TraceModel

/// Key 7, the timeline: built by a job from the loaded store the first time it is shown, opened at the stream
/// cursor's time; Enter takes the cursor's time back to the stream.
extension TraceApp {
    mutating func openTimeline() {
        guard snapshot.progress.finished || isLive else {
            say("the timeline opens when the file has loaded")
            return
        }
        detail.close()
        focus = .timeline
        if var view = timeline {
            // One time cursor: the timeline opens where the stream's cursor is.
            if let row = stream.selectedRow(store) {
                view.cursor = min(max(store.timestamp(row), view.timeline.start), view.timeline.end)
                view.reveal()
            }
            timeline = view
            return
        }
        guard !panesBuilding.contains(.timeline) else { return }
        panesBuilding.insert(.timeline)
        let store = self.store
        let pins: TimelineTasks = timelinePins.isEmpty ? .none : .pids(Set(timelinePins))
        emit(.run(Job(key: "timeline.build") { _ in .timelineBuilt(store.timeline(tasks: pins, eventLanes: TimelineView.eventLanes, callLanes: true)) }))
    }

    /// Live: the lanes grow with each snapshot while the timeline is shown (one build at a time).
    mutating func timelineSnapshot() {
        guard isLive, focus == .timeline, !paused, let view = timeline, !panesBuilding.contains(.timeline) else { return }
        panesBuilding.insert(.timeline)
        let rows = store
        let pins = Set(view.pinned)
        emit(.run(Job(key: "timeline.build") { _ in .timelineBuilt(rows.timeline(tasks: .pids(pins), eventLanes: TimelineView.eventLanes, callLanes: true)) }))
    }

    mutating func timelineBuilt(_ built: Timeline) {
        panesBuilding.remove(.timeline)
        settlePins(built)
        if var view = timeline {
            view.adopt(built)
            if isLive { view.pinned = timelinePins }
            // Live, the cursor follows the newest time unless paused.
            if isLive, !paused {
                view.cursor = built.end
                view.reveal()
            }
            timeline = view
            return
        }
        let cursor = stream.selectedRow(store).map { store.timestamp($0) }
        timeline = TimelineView(timeline: built, cursor: cursor)
        if isLive { timeline?.pinned = timelinePins }
        if built.switches == 0, built.calls.lanes.isEmpty { say("no sched_switch events in this trace: the CPU lanes are empty") }
    }

    /// One time cursor: the stream's follows the timeline's (and with it the system panes of the dashboard).
    mutating func timelineMoved() {
        guard let view = timeline, store.count > 0 else { return }
        let row = min(store.firstRow(atOrAfter: view.cursor), store.count - 1)
        if stream.selectedRow(store) != row { stream.jump(toStoreRow: row, store) }
    }

    /// `m` / `M` set the stream's markers at the cursor's time (the stream's cursor is there); `a` shows or hides the
    /// A–B panel, its sums built by a job over a timeline with every task's lane.
    mutating func timelineMarkers(_ command: Command) {
        guard var view = timeline else { return }
        if command != .aggregateRange {
            if case .message(let text) = stream.handle(command, store: store, pageHeight: pageHeight) { say(text + " at the cursor") }
        }
        view.markers = (stream.markerA.map { store.timestamp($0) }, stream.markerB.map { store.timestamp($0) })
        if command == .aggregateRange { view.showAggregate.toggle() }
        timeline = view
        guard view.showAggregate, command == .aggregateRange || view.aggregate != nil,
              let a = view.markers.a, let b = view.markers.b, a != b else { return }
        let rows = self.store
        let (from, to) = (min(a, b), max(a, b))
        emit(.run(Job(key: "timeline.aggregate") { _ in
            .timelineAggregate(rows.timeline(tasks: .all).aggregate(from: from, to: to, store: rows))
        }))
    }

    /// `p` in the stream: pins (or unpins) the task of the row under the cursor; the timeline is built, or built
    /// again, with its state lane.
    mutating func timelinePinFromStream() {
        guard let row = stream.selectedRow(store) else { return }
        let task = Int(store.row(row).task)
        guard task < store.taskPIDs.count, store.taskPIDs[task] > 0 else {
            say("no task on this row to pin")
            return
        }
        let pid = store.taskPIDs[task]
        var pins = Set(currentPins)
        if pins.remove(pid) == nil { pins.insert(pid) }
        if var view = timeline {
            view.pinned = pins.sorted()
            timeline = view
        }
        say((pins.contains(pid) ? "pinned " : "unpinned ") + store.taskLabel(UInt32(task)) + " in the timeline (7)")
        rebuildTimeline(pins: pins.sorted())
    }

    /// Enter: the stream at the first event at or after the cursor's time.
    mutating func timelineShowInStream() {
        guard let view = timeline else { return }
        let row = min(store.firstRow(atOrAfter: view.cursor), store.count - 1)
        guard row >= 0 else { return }
        focus = .stream
        stream.jump(toStoreRow: row, store)
    }
}
