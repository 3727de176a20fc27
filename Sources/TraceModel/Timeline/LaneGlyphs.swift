/// What one cell of a lane shows, shared by the screen (`TimelineView`) and `tracetui timeline --format text`,
/// so the text pasted into a bug report is the picture on the screen.
public struct LaneGlyph: Sendable, Equatable {
    /// The character drawn.
    public var char: Character
    /// The task whose colour the cell takes (-1: none, e.g. idle, nothing known, a task lane's sleep).
    public var task: Int32
    /// What the cell holds, for the colour role.
    public var kind: Kind

    public enum Kind: Sendable, Equatable {
        case unknown, idle, run, dense, runnable, sleeping, blocked, otherState
    }

    public init(char: Character, task: Int32, kind: Kind) {
        self.char = char
        self.task = task
        self.kind = kind
    }
}

public enum LaneGlyphs {
    /// `▁▂▃▄▅▆▇█`: how many switches fall in a cell, on a log2 scale (2 → `▁`, 256 and more → `█`).
    public static let density: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let unknown: Character = "·"
    /// Hard irq or softirq handler time in a column: over a task's run, over idle.
    public static let irqRun: Character = "╋"
    public static let irqIdle: Character = "╵"

    public static func densityGlyph(_ count: Int) -> Character {
        guard count > 1 else { return " " }
        var level = 0
        var c = count >> 1
        while c > 1, level < density.count - 1 {
            c >>= 1
            level += 1
        }
        return density[level]
    }

    /// A CPU lane's cells: a task's run is drawn as its comm (where the run is wide enough) on a run of `fill`
    /// characters, idle blank, a cell with several switches as a density mark in the colour of the task that ran
    /// longest in it, unknown time (before the first switch, after the last) as `·`.
    public static func cpuRow(_ cells: [LaneCell], _ timeline: Timeline, fill: Character = "━") -> [LaneGlyph] {
        var out = [LaneGlyph]()
        out.reserveCapacity(cells.count)
        var k = 0
        while k < cells.count {
            let cell = cells[k]
            if cell.task < 0 {
                out.append(LaneGlyph(char: unknown, task: -1, kind: .unknown))
                k += 1
                continue
            }
            if cell.switches > 1 {
                out.append(LaneGlyph(char: densityGlyph(cell.switches), task: cell.task,
                                     kind: timeline.isIdle(cell.task) ? .idle : .dense))
                k += 1
                continue
            }
            if timeline.isIdle(cell.task) {
                out.append(LaneGlyph(char: cell.irq ? irqIdle : " ", task: cell.task, kind: .idle))
                k += 1
                continue
            }
            // A segment: the cells one task fills.
            var e = k + 1
            while e < cells.count, cells[e].task == cell.task, cells[e].switches <= 1 { e += 1 }
            // The name where it fits with one fill cell after it: comm-pid, else the comm cut short.
            var label = Array(timeline.comm(cell.task) + "-\(timeline.pid(cell.task))")
            if label.count > e - k - 1 { label = Array(timeline.comm(cell.task).prefix(Swift.max(0, e - k - 1))) }
            if e - k < 3 { label = [] }
            for m in k..<e {
                let at = m - k
                let c: Character = at < label.count ? label[at] : cells[m].irq ? irqRun : fill
                out.append(LaneGlyph(char: c, task: cell.task, kind: .run))
            }
            k = e
        }
        return out
    }

    /// A task lane's cells: running as the CPU's number (`#` past 9) in the task's colour, runnable `░`,
    /// sleeping `─`, blocked `D`, stopped or dead `T`/`X`, unknown `·`.
    public static func taskRow(_ lane: TaskLane, from: Int64, width: Int64, count: Int) -> [LaneGlyph] {
        lane.cells(from: from, width: width, count: count).map { cell in
            guard let state = cell.state else { return LaneGlyph(char: unknown, task: -1, kind: .unknown) }
            switch state {
            case .running:
                let c: Character = cell.cpu >= 0 && cell.cpu < 10 ? Character(String(cell.cpu)) : "#"
                return LaneGlyph(char: c, task: lane.slot, kind: .run)
            case .runnable: return LaneGlyph(char: "░", task: lane.slot, kind: .runnable)
            case .sleeping: return LaneGlyph(char: "─", task: lane.slot, kind: .sleeping)
            case .blocked: return LaneGlyph(char: "D", task: lane.slot, kind: .blocked)
            case .stopped: return LaneGlyph(char: "T", task: lane.slot, kind: .otherState)
            case .dead: return LaneGlyph(char: "X", task: lane.slot, kind: .otherState)
            case .other: return LaneGlyph(char: "?", task: lane.slot, kind: .otherState)
            }
        }
    }

    /// Lost-event marks per cell: `!` where a mark falls (on `cpu`, or any CPU when nil; of `host` when given: a
    /// host's dropped connection marks that host's lanes only).
    public static func lostRow(_ timeline: Timeline, cpu: Int?, host: UInt16? = nil, from: Int64, width: Int64,
                               count: Int) -> [Bool] {
        var out = [Bool](repeating: false, count: Swift.max(0, count))
        guard width > 0 else { return out }
        for mark in timeline.lost where (cpu == nil || mark.cpu == cpu || mark.cpu < 0) && (host == nil || mark.host == host) {
            guard mark.time >= from else { continue }
            let c = (mark.time - from) / width
            if c < Int64(out.count) { out[Int(c)] = true }
        }
        return out
    }

    /// Tick positions and labels for an axis of `count` cells: a tick about every `spacing` cells on a round
    /// (1-2-5) step counted from `origin` (the trace's start), labelled as the time since it (`+1.5ms`), or since
    /// the window's first round time when that offset would be too long to read.
    public static func ticks(from: Int64, width: Int64, count: Int, spacing: Int = 16,
                             origin: Int64? = nil) -> [(cell: Int, label: String)] {
        guard width > 0, count > 0 else { return [] }
        let target = width * Int64(Swift.max(1, spacing))
        var step: Int64 = 1
        while step < target {
            if step * 2 >= target { step *= 2; break }
            if step * 5 >= target { step *= 5; break }
            step *= 10
        }
        // Zoomed far into a long trace, offsets from its start would need more digits than a label has room for:
        // count from the window's first tick instead (the header gives its time).
        var zero = origin ?? from
        if from - zero > step * 1000 { zero = from - from % step }
        var out: [(Int, String)] = []
        let rel = from - zero
        var t = zero + (rel >= 0 ? (rel + step - 1) / step : rel / step) * step
        while t < from + width * Int64(count) {
            if t >= from { out.append((Int((t - from) / width), "+" + compact(t - zero))) }
            t += step
        }
        return out
    }

    /// `1.5ms`, `250us`, `2s`: a round offset with no trailing zeros.
    public static func compact(_ ns: Int64) -> String {
        let units: [(Int64, String)] = [(1_000_000_000, "s"), (1_000_000, "ms"), (1000, "us"), (1, "ns")]
        let v = ns.magnitude
        for (scale, name) in units where v >= UInt64(scale) || scale == 1 {
            let whole = v / UInt64(scale), frac = v % UInt64(scale)
            var text = (ns < 0 ? "-" : "") + String(whole)
            if frac > 0 {
                var digits = String(frac)
                digits = String(repeating: "0", count: String(scale).count - 1 - digits.count) + digits
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits.prefix(3)
            }
            return text + name
        }
        return String(ns)
    }
}
