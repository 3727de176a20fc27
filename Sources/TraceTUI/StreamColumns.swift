import Screen
import TraceModel

/// The stream's columns — host (when several), time, cpu, task-pid, event, details — sized for the screen's
/// width; narrow screens drop the task, then the cpu, then the time column.
struct StreamColumns {
    /// The host column: only when rows came from several hosts (0 otherwise).
    var hostWidth = 0
    var timeWidth: Int
    var cpuWidth: Int
    var taskWidth: Int
    var eventWidth: Int
    let clock: TimestampClock

    init(width: Int, store: EventStore, taskWidth wantedTaskWidth: Int = 20) {
        let clock = store.summary.clock
        self.clock = clock
        let sample = store.summary.lastTimestamp.map { TimeFormat.timestamp($0, clock: clock) } ?? "0.000000"
        var time = max(8, sample.count)
        var cpu = 3
        var task = wantedTaskWidth
        var event = min(22, max(8, store.eventNames.dropFirst(3).map(\.count).max() ?? 8))
        // Keep at least 20 columns of details; drop the task, then the cpu, then the time column.
        func used() -> Int { time + cpu + task + event + 5 }
        if width - used() < 20 { task = min(task, max(0, width - (time + cpu + event + 5) - 20)) }
        // A column squeezed below 10 goes; one that is narrow because the names are short (perf's `dd-29776`) stays.
        if task < min(10, wantedTaskWidth) { task = 0 }
        if width - used() < 20 { cpu = 0 }
        if width - used() < 16 { time = 0 }
        if width - used() < 12 { event = max(0, min(event, width / 3)) }
        timeWidth = time
        cpuWidth = cpu
        taskWidth = task
        eventWidth = event
        if store.hasSeveralHosts, width - used() >= 32 {
            hostWidth = min(12, max(4, store.hostNames.map(\.count).max() ?? 4))
        }
    }

    private func columnStarts(x: Int) -> (host: Int, time: Int, cpu: Int, task: Int, event: Int, details: Int) {
        var c = x
        let host = c
        if hostWidth > 0 { c += hostWidth + 1 }
        let time = c
        if timeWidth > 0 { c += timeWidth + 1 }
        let cpu = c
        if cpuWidth > 0 { c += cpuWidth + 1 }
        let task = c
        if taskWidth > 0 { c += taskWidth + 1 }
        let event = c
        if eventWidth > 0 { c += eventWidth + 1 }
        return (host, time, cpu, task, event, c)
    }

    func drawHeader(into canvas: inout Canvas, y: Int, x: Int, limit: Int) {
        let s = columnStarts(x: x + 1)
        if hostWidth > 0 { canvas.put(pad("HOST", hostWidth, right: false), x: s.host, y: y, role: .header, limit: limit) }
        if timeWidth > 0 { canvas.put(pad("TIME", timeWidth, right: true), x: s.time, y: y, role: .header, limit: limit) }
        if cpuWidth > 0 { canvas.put("CPU", x: s.cpu, y: y, role: .header, limit: limit) }
        if taskWidth > 0 { canvas.put(pad("TASK-PID", taskWidth, right: true), x: s.task, y: y, role: .header, limit: limit) }
        if eventWidth > 0 { canvas.put("EVENT", x: s.event, y: y, role: .header, limit: limit) }
        canvas.put("DETAILS", x: s.details, y: y, role: .header, limit: limit)
    }

    func drawRow(_ row: Int, store: EventStore, roles: [Role], into canvas: inout Canvas, y: Int, x: Int,
                 limit: Int, horizontalScroll: Int, search: TextSearch?) {
        let r = store.row(row)
        let s = columnStarts(x: x)
        let role = Int(r.event) < roles.count ? roles[Int(r.event)] : .eventOther
        if hostWidth > 0 {
            canvas.put(pad(store.hostName(r.host), hostWidth, right: false), x: s.host, y: y, role: .cpu, limit: limit)
        }
        guard r.isEvent else {
            // Lost, unparsed and buffer-started rows show their own text across the row.
            let text = store.lineText(row).trimmingLeadingSpaces()
            let label = r.event == SpecialEvent.unparsed.rawValue ? "? " : ""
            drawDetails(label + text, x: s.time, y: y, limit: limit, role: role, into: &canvas,
                        horizontalScroll: horizontalScroll, search: search)
            return
        }
        if timeWidth > 0 {
            canvas.put(pad(TimeFormat.timestamp(r.timestamp, clock: clock), timeWidth, right: true),
                       x: s.time, y: y, role: .time, limit: limit)
        }
        if cpuWidth > 0, let cpu = r.cpu {
            canvas.put(pad(String(cpu), cpuWidth, right: true), x: s.cpu, y: y, role: .cpu, limit: limit)
        }
        if taskWidth > 0 {
            canvas.put(pad(store.taskLabel(r.task), taskWidth, right: true), x: s.task, y: y, role: .task, limit: limit)
        }
        if eventWidth > 0 {
            canvas.put(pad(store.eventNames[Int(r.event)], eventWidth, right: false), x: s.event, y: y,
                       role: role, limit: limit)
        }
        drawDetails(store.payloadText(row), x: s.details, y: y, limit: limit, role: .normal, into: &canvas,
                    horizontalScroll: horizontalScroll, search: search)
    }

    private func drawDetails(_ text: String, x: Int, y: Int, limit: Int, role: Role, into canvas: inout Canvas,
                             horizontalScroll: Int, search: TextSearch?) {
        let shown = horizontalScroll > 0 ? String(text.unicodeScalars.dropFirst(horizontalScroll)) : text
        canvas.put(shown, x: x, y: y, role: role, limit: limit)
        guard let search, !search.isEmpty else { return }
        for range in search.ranges(in: shown) {
            let start = x + range.lowerBound
            guard start < limit else { break }
            canvas.restyle(Rect(x: start, y: y, width: min(range.count, limit - start), height: 1), role: .searchMatch)
        }
    }

    /// Pads or cuts to `width` (cutting keeps the end of a right-aligned field: the pid matters most).
    func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.count
        if n == width { return s }
        if n > width { return right ? String(s.suffix(width)) : String(s.prefix(width)) }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }
}

extension String {
    func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }))
    }

    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        return String(drop(while: { chars.contains($0) }).reversed().drop(while: { chars.contains($0) }).reversed())
    }
}
