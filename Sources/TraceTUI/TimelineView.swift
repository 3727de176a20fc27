import Screen
import TraceModel

/// Time on a horizontal axis (key 7): one lane per CPU (which task ran when, from `sched_switch`), the pinned
/// tasks' state lanes, the density of all events, a time cursor. Draws a `Timeline` built off the UI thread;
/// every redraw reads only the cells on screen (the lanes' summaries), whatever the zoom.
struct TimelineView: Sendable {
    var timeline: Timeline
    /// The first column's time and the ns a column spans.
    var from: Int64
    var cellWidth: Int64
    var cursor: Int64
    /// The selected lane: CPU lanes first, then the pinned tasks, then the events lane.
    var lane = 0
    /// The first lane shown (lanes scroll when they do not fit).
    var topLane = 0
    /// Pids whose state lanes are shown (pinned with `p`).
    var pinned: [Int32] = []
    /// Columns of the lanes and rows for lanes, from the last layout.
    var columns = 80
    var laneRows = 10
    /// The screen column of the lanes' first column, from the last layout (the wheel's column maps to time).
    var lanesX = 0
    /// Markers A and B (the stream's, as times) and the A–B panel (`a`).
    var markers: (a: Int64?, b: Int64?) = (nil, nil)
    var showAggregate = false
    var aggregate: RangeAggregate?
    /// The task picker (`t`), in front of the lanes while open.
    var picker: TimelineTaskPicker?

    static let labelWidth = 12
    /// Lanes of the most frequent other events, besides the lane of all events.
    static let eventLanes = 4

    init(timeline: Timeline, cursor: Int64? = nil, columns: Int = 80) {
        self.timeline = timeline
        self.columns = max(1, columns)
        from = timeline.start
        cellWidth = Self.wholeWidth(timeline, columns: self.columns)
        self.cursor = min(max(cursor ?? timeline.start, timeline.start), timeline.end)
        pinned = timeline.taskLanes.map(\.pid)
    }

    /// A newer build (pins changed): keeps the place.
    mutating func adopt(_ newer: Timeline) {
        let wasWhole = from == timeline.start && cellWidth == Self.wholeWidth(timeline, columns: columns)
        timeline = newer
        if wasWhole {
            from = newer.start
            cellWidth = Self.wholeWidth(newer, columns: columns)
        }
        pinned = newer.taskLanes.map(\.pid)
        lane = min(lane, laneCount - 1)
    }

    /// The ns a column spans when the whole trace fits, its last timestamp included.
    static func wholeWidth(_ tl: Timeline, columns: Int) -> Int64 {
        (tl.end - tl.start) / Int64(max(1, columns)) + 1
    }

    var laneCount: Int {
        timeline.cpus.count + timeline.taskLanes.count + timeline.calls.lanes.count + 1 + timeline.events.count
    }

    /// CPU lanes, pinned tasks, call lanes, all events, then each frequent event.
    enum LaneKind { case cpu(Int), task(Int), call(Int), events, event(Int) }

    func kind(of index: Int) -> LaneKind {
        if index < timeline.cpus.count { return .cpu(index) }
        let t = index - timeline.cpus.count
        if t < timeline.taskLanes.count { return .task(t) }
        let c = t - timeline.taskLanes.count
        if c < timeline.calls.lanes.count { return .call(c) }
        let e = c - timeline.calls.lanes.count
        return e == 0 ? .events : .event(e - 1)
    }

    var span: Int64 { cellWidth * Int64(columns) }

    /// The column of the cursor (may be off screen).
    var cursorColumn: Int { Int((cursor - from) / cellWidth) }

    /// Moves the view so the cursor is on screen.
    mutating func reveal() {
        if cursor < from { from = cursor - span / 4 }
        if cursor >= from + span { from = cursor - span * 3 / 4 }
        clampView()
    }

    mutating func clampView() {
        let pad = span / 2
        from = min(max(from, timeline.start - pad), max(timeline.start - pad, timeline.end - span + pad))
    }

    /// Zooms by `factor` (2: in, 1/2: out) keeping the cursor's column; from the whole trace down to 1 ns a column.
    mutating func zoom(in zoomIn: Bool) {
        let col = cursorColumn
        let whole = Self.wholeWidth(timeline, columns: columns)
        cellWidth = zoomIn ? max(1, cellWidth / 2) : min(max(whole, 1) * 2, cellWidth * 2)
        from = cursor - Int64(max(0, min(col, columns - 1))) * cellWidth
        clampView()
    }

    /// The cursor to the time under a screen column (the wheel's), within the trace; left of the lanes, their first.
    mutating func placeCursor(atScreenColumn x: Int) {
        let col = Int64(max(0, min(x - lanesX, columns - 1)))
        cursor = min(max(from + col * cellWidth, timeline.start), timeline.end)
    }

    /// The task on the selected CPU lane at the cursor (-1: none), or the selected task lane's.
    func taskAtCursor() -> Int32 {
        switch kind(of: lane) {
        case .cpu(let c): return timeline.cpus[c].task(at: cursor)
        case .task(let t): return timeline.taskLanes[t].slot
        case .call, .events, .event: return -1
        }
    }

    /// The previous / next switch on the selected CPU lane, or state change on a task lane.
    func neighbour(after: Bool) -> Int64? {
        switch kind(of: lane) {
        case .cpu(let c):
            return after ? timeline.cpus[c].switchAfter(cursor) : timeline.cpus[c].switchBefore(cursor)
        case .task(let t):
            let l = timeline.taskLanes[t]
            var edges: [Int64] = []
            let k = l.firstEnding(after: cursor)
            for j in max(0, k - 1)...min(l.count - 1, k + 1) where l.count > 0 { edges += [l.starts[j], l.ends[j]] }
            return after ? edges.filter { $0 > cursor }.min() : edges.filter { $0 < cursor }.max()
        case .call(let c):
            let runs = timeline.calls.lanes[c].runs
            return after ? runs.switchAfter(cursor) : runs.switchBefore(cursor)
        case .events:
            return nil
        case .event(let e):
            let times = timeline.events[e].times
            return after ? times.first { $0 > cursor } : times.last { $0 < cursor }
        }
    }

    mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        switch command {
        case .scrollLeft: cursor = max(timeline.start, cursor - cellWidth)
        case .scrollRight: cursor = min(timeline.end, cursor + cellWidth)
        case .pageUp, .halfPageUp:
            from -= span / 2
            cursor = max(timeline.start, cursor - span / 2)
        case .pageDown, .halfPageDown:
            from += span / 2
            cursor = min(timeline.end, cursor + span / 2)
        case .zoom: zoom(in: true)
        case .zoomOut: zoom(in: false)
        case .clearFilter:
            cellWidth = Self.wholeWidth(timeline, columns: columns)
            from = timeline.start
        case .lineUp: lane = max(0, lane - 1)
        case .lineDown: lane = min(laneCount - 1, lane + 1)
        case .top: cursor = timeline.start
        case .bottom: cursor = timeline.end
        case .previousSibling, .nextSibling:
            guard let t = neighbour(after: command == .nextSibling) else {
                return .message(command == .nextSibling ? "no later switch on this lane" : "no earlier switch on this lane")
            }
            cursor = t
        case .pinTask:
            let slot = taskAtCursor()
            guard slot >= 0, !timeline.isIdle(slot) else { return .message("no task under the cursor on this lane") }
            let pid = timeline.pid(slot)
            if let k = pinned.firstIndex(of: pid) { pinned.remove(at: k) } else { pinned.append(pid) }
            let store = ctx.store
            let pins = Set(pinned)
            return .emit(.run(Job(key: "timeline.build") { _ in
                .timelineBuilt(store.timeline(tasks: .pids(pins), eventLanes: Self.eventLanes, callLanes: true))
            }))
        case .pickTasks:
            picker = TimelineTaskPicker(timeline)
            return .handled
        default:
            return .unhandled
        }
        reveal()
        return .handled
    }
}

extension TimelineView: TraceView {
    static var keyContext: KeyContext { .timeline }

    mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        let newColumns = max(1, rect.width - Self.labelWidth(rect.width))
        if newColumns != columns {
            // Keep the span on screen when the width changes.
            let oldSpan = span
            let whole = from == timeline.start && cellWidth == Self.wholeWidth(timeline, columns: columns)
            columns = newColumns
            cellWidth = whole ? Self.wholeWidth(timeline, columns: columns)
                : max(1, (oldSpan + Int64(columns) - 1) / Int64(columns))
        }
        laneRows = max(1, lanesRect(rect).height - Self.headerRows(lanesRect(rect).height))
        picker?.layout(in: rect)
        lanesX = rect.x + Self.labelWidth(rect.width)
        if lane < topLane { topLane = lane }
        if lane >= topLane + laneRows { topLane = lane - laneRows + 1 }
        reveal()
    }

    func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        var parts: [(String, Role)] = [(" timeline", .statusAccent)]
        parts.append((" " + TimeFormat.timestamp(cursor, clock: ctx.store.summary.clock), .status))
        let slot = taskAtCursor()
        if slot >= 0, !timeline.isIdle(slot) { parts.append(("  \(timeline.comm(slot))-\(timeline.pid(slot))", .status)) }
        if case .call(let c) = kind(of: lane) {
            let name = timeline.calls.name(timeline.calls.lanes[c].function(at: cursor))
            if !name.isEmpty { parts.append(("  \(name)", .status)) }
        }
        parts.append(("  \(LaneGlyphs.compact(cellWidth))/col", .status))
        return StatusLine(parts + StatusBar.captureParts(ctx.snapshot, paused: ctx.paused),
                          idle: " +- zoom  []  switch  p pin  ⏎ stream ")
    }
}
