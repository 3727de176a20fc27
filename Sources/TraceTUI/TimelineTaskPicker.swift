import Screen
import TraceModel

/// The timeline's task picker (`t`): every task the trace's scheduler events name, busiest first, narrowed as
/// you type; space pins or unpins the selected one (its state lane), Enter or Esc closes. The list is taken
/// from the timeline once when the picker opens, so typing costs a filter over the names, not a pass over events.
struct TimelineTaskPicker: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var pid: Int32
        var label: String
        var runTime: Int64
    }

    private(set) var query = ""
    private(set) var entries: [Entry]
    private var scroll = ScrollList()
    var cursor: Int { scroll.cursor }

    enum Outcome: Equatable {
        case editing, closed
        case toggle(Int32)
    }

    /// One entry per pid (idle left out), by running time, most first, then by pid.
    init(_ timeline: Timeline) {
        let runs = timeline.runTimeByTask()
        var seen: [Int32: Entry] = [:]
        for slot in timeline.taskPIDs.indices {
            let pid = timeline.taskPIDs[slot]
            guard pid > 0 else { continue }
            let comm = timeline.comm(Int32(slot))
            seen[pid] = Entry(pid: pid, label: "\(comm.isEmpty ? "?" : comm)-\(pid)",
                              runTime: runs[pid]?.values.reduce(0, +) ?? 0)
        }
        entries = seen.values.sorted { ($0.runTime, -Int64($0.pid)) > ($1.runTime, -Int64($1.pid)) }
    }

    /// The entries matching every word of the query (in the `comm-pid` label), in order.
    var matches: [Entry] {
        let words = query.lowercased().split(separator: " ")
        guard !words.isEmpty else { return entries }
        return entries.filter { e in words.allSatisfy { e.label.lowercased().contains($0) } }
    }

    mutating func apply(_ key: Key, pageHeight: Int) -> Outcome {
        let list = matches
        switch key {
        case .escape, .enter, .ctrl("c"): return .closed
        case .up, .down, .pageUp, .pageDown, .home, .end:
            let moves: [Key: Command] = [.up: .lineUp, .down: .lineDown, .pageUp: .pageUp, .pageDown: .pageDown,
                                         .home: .top, .end: .bottom]
            _ = scroll.move(moves[key]!, count: list.count, pageHeight: pageHeight)
        case .backspace:
            if !query.isEmpty { query.removeLast() }
            scroll.cursor = 0
        case .ctrl("u"):
            query = ""
            scroll.cursor = 0
        case .char(" "):
            guard scroll.cursor < list.count else { return .editing }
            return .toggle(list[scroll.cursor].pid)
        case .char(let c):
            query.append(c)
            scroll.cursor = 0
        default: break
        }
        scroll.cursor = max(0, min(scroll.cursor, list.count - 1))
        return .editing
    }

    static func frame(_ bounds: Rect) -> Rect {
        bounds.centered(width: min(bounds.width, 56), height: bounds.height)
    }

    mutating func layout(in bounds: Rect) {
        scroll.reveal(height: max(0, Self.frame(bounds).height - 3))
    }

    func render(pinned: [Int32], clock: TimestampClock, into canvas: inout Canvas, in bounds: Rect) {
        let list = matches
        let rect = Self.frame(bounds)
        canvas.fill(rect, role: .help)
        canvas.box(rect, title: "tasks — type to search, space pins, Enter closes", role: .help)
        guard rect.height > 3 else { return }
        canvas.put(" search: \(query)", x: rect.x + 1, y: rect.y + 1, role: .prompt, limit: rect.maxX - 1)
        let count = "\(list.count) of \(entries.count), \(pinned.count) pinned "
        canvas.put(count, x: max(rect.x + 1, rect.maxX - 1 - count.count), y: rect.y + 1, role: .help,
                   limit: rect.maxX - 1)
        let visible = max(0, rect.height - 3)
        for (i, entry) in list.dropFirst(scroll.top).prefix(visible).enumerated() {
            let y = rect.y + 2 + i
            let selected = scroll.top + i == cursor
            let mark = pinned.contains(entry.pid) ? "[x] " : "[ ] "
            if selected { canvas.fill(Rect(x: rect.x + 1, y: y, width: rect.width - 2, height: 1), role: .selected) }
            let role: Role = selected ? .selected : .helpKey
            canvas.put(" " + mark + entry.label, x: rect.x + 1, y: y, role: role, limit: rect.maxX - 1)
            let time = TimeFormat.duration(nanoseconds: entry.runTime, clock: clock) + " "
            if rect.width > entry.label.count + time.count + 8 {
                canvas.put(time, x: rect.maxX - 1 - time.count, y: y, role: role, limit: rect.maxX - 1)
            }
        }
    }
}
