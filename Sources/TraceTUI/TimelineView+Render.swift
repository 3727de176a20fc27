import Screen
import TraceModel

/// Drawing the timeline: a header and the axis (ticks labelled from the trace's start, the cursor `▼`), then one
/// row per lane, each from the lane's cells at this zoom (`CPULane.cells`: a few binary searches a cell).
extension TimelineView {
    static func labelWidth(_ width: Int) -> Int { min(labelWidth, max(4, width / 5)) }

    /// Rows above the lanes: header, tick labels and ticks when tall enough; the ticks alone on a small screen.
    static func headerRows(_ height: Int) -> Int { height >= 8 ? 3 : height >= 3 ? 1 : 0 }

    /// One colour per task (by pid, so it stays across frames and zooms), from the theme's lane palette.
    static func role(ofPID pid: Int32) -> Role {
        Role.lanePalette[Int(pid.magnitude) % Role.lanePalette.count]
    }

    /// The lanes' part of the view: all of it, or the top when the A–B panel is open.
    func lanesRect(_ rect: Rect) -> Rect {
        guard showAggregate, rect.height >= 10 else { return rect }
        return rect.splitBottom(min(14, rect.height / 2)).rest
    }

    func render(into canvas: inout Canvas, in full: Rect, _ ctx: ViewContext) {
        let rect = lanesRect(full)
        if rect != full {
            let panel = Rect(x: full.x, y: rect.maxY, width: full.width, height: full.maxY - rect.maxY)
            let note = markers.a == nil || markers.b == nil ? "set markers A and B (m, M at the cursor), then press a"
                : aggregate == nil ? "summing the range…" : nil
            TimelineAggregatePanel.render(note == nil ? aggregate : nil, note: note, clock: ctx.store.summary.clock,
                                          into: &canvas, in: panel)
        }
        canvas.fill(rect, role: .normal)
        guard rect.width > 0, rect.height > 0 else { return }
        let label = Self.labelWidth(rect.width)
        let x0 = rect.x + label
        let cols = min(columns, rect.maxX - x0)
        let clock = ctx.store.summary.clock
        var y = rect.y
        let header = Self.headerRows(rect.height)
        let cursorCol = cursorColumn
        if header == 3 {
            canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .header)
            let text = " timeline  \(TimeFormat.timestamp(from, clock: clock)) +\(LaneGlyphs.compact(span))"
                + "  \(LaneGlyphs.compact(cellWidth))/col  \(timeline.switches) switches"
                + (timeline.lost.isEmpty ? "" : "  \(timeline.lost.count) lost-event marks")
            canvas.put(text, x: rect.x, y: y, role: .header, limit: rect.maxX)
            y += 1
        }
        if header >= 1 {
            let ticks = LaneGlyphs.ticks(from: from, width: cellWidth, count: cols, origin: timeline.start)
            if header == 3 {
                var free = x0
                for tick in ticks where x0 + tick.cell >= free {
                    free = canvas.put(tick.label, x: x0 + tick.cell, y: y, role: .time, limit: rect.maxX) + 1
                }
                y += 1
            }
            canvas.put(String(repeating: "─", count: cols), x: x0, y: y, role: .dim, limit: rect.maxX)
            for tick in ticks { canvas.put("┬", x: x0 + tick.cell, y: y, role: .dim) }
            for (t, letter) in [(markers.a, "A"), (markers.b, "B")] {
                if let t, t >= from, (t - from) / cellWidth < Int64(cols) {
                    canvas.put(letter, x: x0 + Int((t - from) / cellWidth), y: y, role: .marker)
                }
            }
            if cursorCol >= 0, cursorCol < cols { canvas.put("▼", x: x0 + cursorCol, y: y, role: .marker) }
            // A small screen: the column's width where it fits whole.
            let perColumn = LaneGlyphs.compact(cellWidth)
            if header == 1, perColumn.count < label {
                canvas.put(perColumn, x: rect.x, y: y, role: .time, limit: x0)
            }
            y += 1
        }
        var index = topLane
        while y < rect.maxY, index < laneCount {
            renderLane(index, into: &canvas, x: rect.x, y: y, label: label, cols: cols, ctx)
            index += 1
            y += 1
        }
        picker?.render(pinned: pinned, clock: clock, into: &canvas, in: rect)
    }

    /// A column of an event lane: blank, `╷` for one event, `▁`…`█` for more.
    static func tick(_ n: Int, _ role: Role) -> (Character, Role) {
        n == 0 ? (" ", .normal) : n == 1 ? ("╷", role) : (LaneGlyphs.densityGlyph(n), role)
    }

    /// `cpu 3`, or `web1 cpu3` with several hosts (the host's name cut short, never the CPU's number).
    static func cpuLaneName(_ lane: CPULane, _ timeline: Timeline, room: Int) -> String {
        let prefix = timeline.hostPrefix(lane.host)
        if prefix.isEmpty { return room >= 7 ? "cpu \(lane.cpu)" : "\(lane.cpu)" }
        let cpu = room - prefix.count >= "cpu\(lane.cpu)".count ? "cpu\(lane.cpu)" : "\(lane.cpu)"
        return String(prefix.dropLast().prefix(max(1, room - cpu.count - 1))) + " " + cpu
    }

    private func renderLane(_ index: Int, into canvas: inout Canvas, x: Int, y: Int, label: Int, cols: Int,
                            _ ctx: ViewContext) {
        let x0 = x + label
        let selected = index == lane
        var glyphs: [(Character, Role)] = []
        let name: String
        switch kind(of: index) {
        case .cpu(let c):
            let cpu = timeline.cpus[c]
            name = Self.cpuLaneName(cpu, timeline, room: label - 1)
            let row = LaneGlyphs.cpuRow(cpu.cells(from: from, width: cellWidth, count: cols), timeline)
            glyphs = row.map { g in
                switch g.kind {
                case .unknown: return (g.char, .dim)
                case .idle: return (g.char, g.char == " " ? .normal : g.char == LaneGlyphs.irqIdle ? .eventIRQ : .dim)
                default: return (g.char, Self.role(ofPID: timeline.pid(g.task)))
                }
            }
            for (k, mark) in LaneGlyphs.lostRow(timeline, cpu: cpu.cpu, host: cpu.host, from: from, width: cellWidth,
                                                count: cols)
                .enumerated() where mark {
                glyphs[k] = ("!", .eventLost)
            }
        case .task(let t):
            let l = timeline.taskLanes[t]
            name = timeline.hostPrefix(timeline.host(ofSlot: l.slot)) + "\(timeline.comm(l.slot))-\(l.pid)"
            glyphs = LaneGlyphs.taskRow(l, from: from, width: cellWidth, count: cols).map { g in
                switch g.kind {
                case .run: return (g.char, Self.role(ofPID: l.pid))
                case .runnable: return (g.char, .meterWait)
                case .blocked: return (g.char, .error)
                default: return (g.char, .dim)
                }
            }
        case .call(let c):
            let lane = timeline.calls.lanes[c]
            name = lane.label
            let cells = lane.runs.cells(from: from, width: cellWidth, count: cols)
            glyphs = LaneGlyphs.callRow(cells, timeline.calls).map { g in
                switch g.kind {
                case .run, .dense: return (g.char, Self.role(ofPID: g.task))
                case .idle: return (g.char, .normal)
                default: return (g.char, .dim)
                }
            }
        case .events:
            name = "events"
            glyphs = ctx.store.rowsPerCell(from: from, width: cellWidth, count: cols).map { Self.tick($0, .eventOther) }
        case .event(let e):
            let lane = timeline.events[e]
            name = lane.name.split(separator: ":").last.map(String.init) ?? lane.name
            let role = EventStyle.role(forEventNamed: lane.name, id: lane.id)
            glyphs = lane.counts(from: from, width: cellWidth, count: cols).map { Self.tick($0, role) }
        }
        canvas.put(String(name.prefix(label - 1)), x: x, y: y, role: selected ? .selected : .cpu, limit: x0 - 1)
        for (k, g) in glyphs.enumerated() where k < cols {
            var role = g.1
            var char = g.0
            if k == cursorColumn {
                if selected { role = .selected } else if char == " " { char = "│"; role = .marker }
            }
            canvas.put(String(char), x: x0 + k, y: y, role: role)
        }
    }
}
