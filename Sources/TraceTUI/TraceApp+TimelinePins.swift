import Screen
import TraceModel

/// Pinned tasks of the timeline: `--task PID…` on the command line (before the timeline is first built) and the
/// task picker (`t`), which takes every key while it is open.
extension TraceApp {
    /// `--task PID…`: these tasks' state lanes are in the timeline from its first build.
    public mutating func pinTasks(_ pids: [Int32]) {
        var seen = Set<Int32>()
        timelinePins = pids.filter { $0 > 0 && seen.insert($0).inserted }
    }

    /// The pids pinned now: the timeline's when it is built, else those given at start.
    var currentPins: [Int32] { timeline?.pinned ?? timelinePins }

    /// The open picker takes the key (typing, arrows, space, Enter/Esc); a toggle rebuilds the lanes by a job.
    mutating func timelinePickerTakes(_ key: Key) -> Bool {
        guard focus == .timeline, var view = timeline, var picker = view.picker else { return false }
        switch picker.apply(key, pageHeight: pageHeight) {
        case .closed:
            view.picker = nil
        case .editing:
            view.picker = picker
        case .toggle(let pid):
            view.picker = picker
            if let k = view.pinned.firstIndex(of: pid) { view.pinned.remove(at: k) } else { view.pinned.append(pid) }
            rebuildTimeline(pins: view.pinned)
        }
        timeline = view
        return true
    }

    /// Builds the lanes again with `pins`' state lanes (the view keeps its place when the build arrives).
    mutating func rebuildTimeline(pins: [Int32]) {
        timelinePins = pins
        panesBuilding.insert(.timeline)
        let rows = store
        let chosen = Set(pins)
        emit(.run(Job(key: "timeline.build") { _ in
            .timelineBuilt(rows.timeline(tasks: .pids(chosen), eventLanes: TimelineView.eventLanes, callLanes: true))
        }))
    }

    /// After a build: pins that name no task of the trace are said and dropped; live, they stay (the task may
    /// run later) and the view keeps them.
    mutating func settlePins(_ built: Timeline) {
        let asked = currentPins
        if isLive {
            timelinePins = asked
            return
        }
        let missing = asked.filter { built.taskLane(pid: $0) == nil }
        if !missing.isEmpty {
            say("no scheduler events name pid " + missing.map(String.init).joined(separator: ", ") + ": no lane")
        }
        timelinePins = built.taskLanes.map(\.pid)
    }
}
