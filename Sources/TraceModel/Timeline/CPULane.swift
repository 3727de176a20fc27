/// One CPU's runs: which task ran between each two `sched_switch` events on it, in columns (12 bytes a switch plus
/// the summary's ~2).
///
/// Run `j` spans `[times[j], times[j + 1])` and belongs to `runTasks[j]`: the task the opening switch names as
/// `next` and the closing one as `prev`. Where the two disagree (lost events, a trace filtered by pid) the run is
/// unknown (-1), as it is before the first switch and after the last: nothing is made up.
public struct CPULane: Sendable {
    public let cpu: Int
    public private(set) var times: [Int64] = []
    /// Task slot of each run; the last entry is -1 (no closing switch yet).
    public private(set) var runTasks: [Int32] = []
    var summary = LaneSummary.empty
    /// The task the last switch put on the CPU.
    private var pendingNext: Int32 = -1
    /// Switches whose `prev` is not the task the switch before put on the CPU.
    public private(set) var breaks = 0
    /// Hard irq and softirq handler time on this CPU (outermost entry to its exit): the lane's overlay.
    private(set) var overlay: IRQOverlay
    /// Open handlers (entries not exited yet) and since when.
    var irqNesting = HandlerNesting()

    init(cpu: Int, irqGrid: (origin: Int64, shift: Int) = (0, 0)) {
        self.cpu = cpu
        overlay = IRQOverlay(cpu: cpu, origin: irqGrid.origin, shift: irqGrid.shift)
    }

    /// Runs between two switches.
    public var runCount: Int { Swift.max(0, times.count - 1) }

    /// Adds a switch; true when it closes a known run of `prev`.
    @inline(__always)
    mutating func append(_ t: Int64, prev: Int32, next: Int32) -> Bool {
        var closes = false
        if !runTasks.isEmpty {
            if pendingNext == prev {
                runTasks[runTasks.count - 1] = prev
                closes = true
            } else {
                breaks += 1
            }
        }
        times.append(t)
        runTasks.append(-1)
        pendingNext = next
        return closes
    }

    var last: Int64? { times.last }

    /// A handler entry (`irq_handler_entry`, `softirq_entry`) or exit.
    mutating func irq(entry: Bool, at t: Int64) {
        if let (s, e) = irqNesting.step(entry: entry, at: t) { overlay.add(s, e) }
    }

    /// The handler intervals (outermost entry to exit) overlapping [from, to), read again from the store's rows;
    /// nil when they are more than a frame may read.
    public func irqIntervals(from: Int64, to: Int64) -> [(start: Int64, end: Int64)]? {
        overlay.intervals(from: from, to: to)
    }

    /// Handler intervals the build found.
    public var irqCount: Int { overlay.intervals }

    mutating func finish(irqRows: IRQRows? = nil) {
        // Exact size: growth by doubling leaves up to half the capacity unused, and the lanes live as long as the view.
        times = times.withUnsafeBufferPointer { Array($0) }
        runTasks = runTasks.withUnsafeBufferPointer { Array($0) }
        summary = LaneSummary(times: times, runTasks: runTasks)
        overlay.finish(rows: irqRows)
    }

    /// Bytes of the lane: its columns, summary and overlay.
    public var bytes: Int { times.count * 12 + summary.bytes + overlay.bytes }

    /// The first switch at or after `t`.
    @inline(__always)
    public func lowerBound(_ t: Int64) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The switch strictly before `t` / strictly after `t` (the lane's prev/next-switch keys).
    public func switchBefore(_ t: Int64) -> Int64? {
        let k = lowerBound(t)
        return k > 0 ? times[k - 1] : nil
    }

    public func switchAfter(_ t: Int64) -> Int64? {
        let k = lowerBound(t &+ 1)
        return k < times.count ? times[k] : nil
    }

    /// The task running at `t` (-1: none known).
    public func task(at t: Int64) -> Int32 {
        let k = lowerBound(t &+ 1) - 1
        guard k >= 0, k < runCount else { return -1 }
        return runTasks[k]
    }

    /// What `count` cells of `width` ns from `from` show: the task that ran longest in each cell and how many
    /// switches fall in it. Exact when a cell holds few switches, from the summary when it holds many: a cell costs
    /// two binary searches plus at most `exactLimit` runs.
    public func cells(from: Int64, width: Int64, count: Int, exactLimit: Int = 16) -> [LaneCell] {
        var out = [LaneCell](repeating: LaneCell(task: -1, switches: 0), count: Swift.max(0, count))
        guard width > 0, !times.isEmpty else { return out }
        var k0 = lowerBound(from)
        var accTasks: [Int32] = [], accTimes: [Int64] = []
        let irq = overlay.cells(from: from, width: width, count: out.count)
        for c in 0..<out.count {
            let a = from &+ Int64(c) &* width, b = a &+ width
            var k1 = k0
            // Few switches per cell: step; many: search.
            var steps = 0
            while k1 < times.count, times[k1] < b, steps < 8 {
                k1 += 1
                steps += 1
            }
            if steps == 8, k1 < times.count, times[k1] < b { k1 = lowerBound(b) }
            let switches = k1 - k0
            var task: Int32 = -1
            if switches <= exactLimit {
                // Runs overlapping [a, b): from the one before the first switch in the cell; a task's runs summed.
                accTasks.removeAll(keepingCapacity: true)
                accTimes.removeAll(keepingCapacity: true)
                var j = Swift.max(0, k0 - 1)
                while j < k1, j < runCount {
                    let s = Swift.max(a, times[j]), e = Swift.min(b, times[j + 1])
                    let t = runTasks[j]
                    if e > s, t >= 0 {
                        if let at = accTasks.firstIndex(of: t) { accTimes[at] += e - s } else {
                            accTasks.append(t)
                            accTimes.append(e - s)
                        }
                    }
                    j += 1
                }
                var best: Int64 = 0
                for (t, v) in zip(accTasks, accTimes) where v > best || (v == best && t < task) {
                    best = v
                    task = t
                }
            } else {
                task = summary.dominant(from: a, to: b)
            }
            out[c] = LaneCell(task: task, switches: switches, irq: irq[c])
            k0 = k1
        }
        return out
    }
}

/// A lane's cell: the task that ran longest in it (-1: nothing known) and the switches that fall in it.
public struct LaneCell: Sendable, Equatable {
    public var task: Int32
    public var switches: Int
    /// A hard irq or softirq handler ran in the cell.
    public var irq: Bool

    public init(task: Int32, switches: Int, irq: Bool = false) {
        self.task = task
        self.switches = switches
        self.irq = irq
    }
}
