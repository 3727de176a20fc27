/// `tracetui timeline`'s outputs: the intervals as JSON, the lanes as text (the screen's glyphs) or SVG.
public enum TimelineFormat {
    /// What to print: the time window (intervals clipped to it), the columns of the text and SVG pictures, and
    /// which tasks' lanes (nil: every task lane the timeline holds).
    public struct Window: Sendable {
        public var from: Int64
        public var to: Int64
        public var width: Int
        public var pids: [Int32]?

        public init(from: Int64, to: Int64, width: Int, pids: [Int32]? = nil) {
            self.from = from
            self.to = to
            self.width = width
            self.pids = pids
        }
    }

    /// `{"cpus": [{"cpu", "start_ns", "end_ns", "pid", "comm"}], "tasks": [{"pid", "comm", "state", "cpu",
    /// "start_ns", "end_ns"}]}` plus `lost` marks and `notes`: one `cpus` entry per run between two switches on a
    /// CPU (idle runs have pid 0), by CPU then time; `tasks` by pid then time, `cpu` null unless running.
    public static func json(_ tl: Timeline, _ w: Window, to sink: inout ByteSink) {
        let comms = jsonComms(tl)
        jsonCPUs(tl, w, comms: comms, to: &sink)
        var first = true
        jsonTasks(tl, w, comms: comms, lanes: tl.taskLanes.indices, first: &first, to: &sink)
        jsonEnd(tl, w, to: &sink)
    }

    /// The comms as bytes, by task slot.
    public static func jsonComms(_ tl: Timeline) -> [[UInt8]] { tl.taskComms.map { Array($0.utf8) } }

    /// `{"cpus": [ … ],\n"tasks": [`: the runs of every CPU lane (they depend only on the CPU lanes, so a build of
    /// those alone may write them while the task lanes are still being built).
    public static func jsonCPUs(_ tl: Timeline, _ w: Window, comms: [[UInt8]], to sink: inout ByteSink) {
        sink.ascii("{\"cpus\": [")
        var first = true
        for lane in tl.cpus {
            let a = Swift.max(0, lane.lowerBound(w.from) - 1)
            var j = a
            while j < lane.runCount, lane.times[j] < w.to {
                let s = Swift.max(w.from, lane.times[j]), e = Swift.min(w.to, lane.times[j + 1])
                let task = lane.runTasks[j]
                if e > s, task >= 0 {
                    sink.ascii(first ? "\n" : ",\n")
                    first = false
                    sink.ascii("{\"cpu\": ")
                    sink.int(Int64(lane.cpu))
                    sink.ascii(", \"start_ns\": ")
                    sink.int(s)
                    sink.ascii(", \"end_ns\": ")
                    sink.int(e)
                    sink.ascii(", \"pid\": ")
                    sink.int(Int64(tl.taskPIDs[Int(task)]))
                    sink.ascii(", \"comm\": ")
                    comms[Int(task)].withUnsafeBytes { sink.jsonString($0) }
                    sink.byte(0x7D)
                    sink.maybeFlush()
                }
                j += 1
            }
        }
        sink.ascii("],\n\"tasks\": [")
    }

    /// The intervals of the task lanes `lanes` (indices into `tl.taskLanes`) that the window asks for; `first`:
    /// no entry written before these.
    public static func jsonTasks(_ tl: Timeline, _ w: Window, comms: [[UInt8]], lanes: Range<Int>, first: inout Bool,
                                 to sink: inout ByteSink) {
        for lane in tl.taskLanes[lanes] where w.pids?.contains(lane.pid) ?? true {
            var k = lane.firstEnding(after: w.from)
            while k < lane.count, lane.starts[k] < w.to {
                let s = Swift.max(w.from, lane.starts[k]), e = Swift.min(w.to, lane.ends[k])
                if e > s {
                    sink.ascii(first ? "\n" : ",\n")
                    first = false
                    sink.ascii("{\"pid\": ")
                    sink.int(Int64(lane.pid))
                    sink.ascii(", \"comm\": ")
                    comms[Int(lane.slot)].withUnsafeBytes { sink.jsonString($0) }
                    sink.ascii(", \"state\": \"")
                    sink.ascii(lane.states[k].staticName)
                    sink.ascii("\", \"cpu\": ")
                    if lane.cpus[k] >= 0 { sink.int(Int64(lane.cpus[k])) } else { sink.ascii("null") }
                    sink.ascii(", \"start_ns\": ")
                    sink.int(s)
                    sink.ascii(", \"end_ns\": ")
                    sink.int(e)
                    sink.byte(0x7D)
                    sink.maybeFlush()
                }
                k += 1
            }
        }
    }

    /// `],\n"lost": […],\n"notes": […]}`.
    public static func jsonEnd(_ tl: Timeline, _ w: Window, to sink: inout ByteSink) {
        sink.ascii("],\n\"lost\": [")
        var first = true
        for mark in tl.lost where mark.time >= w.from && mark.time <= w.to {
            sink.ascii(first ? "" : ", ")
            first = false
            sink.ascii("{\"time_ns\": ")
            sink.int(mark.time)
            sink.ascii(", \"cpu\": ")
            if mark.cpu >= 0 { sink.int(Int64(mark.cpu)) } else { sink.ascii("null") }
            sink.byte(0x7D)
        }
        sink.ascii("],\n\"notes\": [")
        for (k, note) in tl.notes.enumerated() {
            if k > 0 { sink.ascii(", ") }
            sink.jsonString(note)
        }
        sink.ascii("]}\n")
        sink.finish()
    }

    /// Column width in ns for a window drawn `columns` wide (at least 1 ns), its end included.
    public static func cellWidth(_ w: Window, columns: Int) -> Int64 {
        // The window's last ns included: a mark at the trace's end falls in the last column.
        (w.to - w.from) / Int64(Swift.max(1, columns)) + 1
    }

    static let labelWidth = 12

    /// The lanes as the screen draws them: a header, the axis, one row per CPU, one per task lane, lost marks.
    public static func text(_ tl: Timeline, _ w: Window, clock: TimestampClock = .seconds) -> String {
        let cols = Swift.max(1, w.width - labelWidth)
        let cw = cellWidth(w, columns: cols)
        var lines: [String] = []
        lines.append("timeline \(TimeFormat.timestamp(w.from, clock: clock)) to \(TimeFormat.timestamp(w.to, clock: clock))"
                     + "  span \(TimeFormat.duration(nanoseconds: w.to - w.from)), "
                     + "\(TimeFormat.duration(nanoseconds: cw)) a column, \(tl.switches) switches")
        var labels = [Character](repeating: " ", count: cols)
        var axis = [Character](repeating: "─", count: cols)
        for tick in LaneGlyphs.ticks(from: w.from, width: cw, count: cols, origin: tl.start) {
            axis[tick.cell] = "┬"
            let text = Array(tick.label)
            if tick.cell + text.count <= cols, labels[tick.cell..<(tick.cell + text.count)].allSatisfy({ $0 == " " }) {
                if tick.cell == 0 || labels[tick.cell - 1] == " " {
                    for (k, c) in text.enumerated() { labels[tick.cell + k] = c }
                }
            }
        }
        lines.append(pad("") + String(labels))
        lines.append(pad("") + String(axis))
        for lane in tl.cpus {
            let cells = lane.cells(from: w.from, width: cw, count: cols)
            var row = LaneGlyphs.cpuRow(cells, tl).map(\.char)
            for (k, mark) in LaneGlyphs.lostRow(tl, cpu: lane.cpu, host: lane.host, from: w.from, width: cw, count: cols).enumerated()
            where mark { row[k] = "!" }
            lines.append(pad(tl.hostPrefix(lane.host) + "cpu \(lane.cpu)") + String(row))
        }
        for lane in tl.taskLanes where w.pids?.contains(lane.pid) ?? false {
            let row = LaneGlyphs.taskRow(lane, from: w.from, width: cw, count: cols).map(\.char)
            lines.append(pad("\(tl.comm(lane.slot))-\(lane.pid)") + String(row))
        }
        lines.append("key: name-pid ━ a task's run · unknown  ▁…█ 2…256+ switches in a column (longest-running task's colour)"
                     + "  ╋ ╵ irq/softirq  ! lost events")
        if w.pids?.isEmpty == false {
            lines.append("task lanes: 0-9 running on that CPU  ░ runnable  ─ sleeping  D blocked  T stopped  X dead")
        }
        for note in tl.notes { lines.append("note: " + note) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ s: String) -> String {
        let t = String(s.prefix(labelWidth - 1))
        return t + String(repeating: " ", count: labelWidth - t.count)
    }
}
