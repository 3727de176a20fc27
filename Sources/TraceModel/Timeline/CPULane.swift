/// One CPU's runs: which task ran between each two `sched_switch` events on it, in columns (12 bytes a switch plus
/// the summary's ~2).
///
/// Run `j` spans `[times[j], times[j + 1])` and belongs to `runTasks[j]`: the task the opening switch names as
/// `next` and the closing one as `prev`. Where the two disagree (lost events, a trace filtered by pid) the run is
/// unknown (-1), as it is before the first switch and after the last: nothing is made up.
public struct CPULane: Sendable {
    public let cpu: Int
    /// The host the CPU belongs to (an index into `Timeline.hostNames`; 0 for one machine).
    public let host: UInt16
    public private(set) var times: [Int64] = []
    /// Task slot of each run; the last entry is -1 (no closing switch yet).
    public private(set) var runTasks: [Int32] = []
    var summary = LaneSummary.empty
    /// One more than the largest task slot of a run: the exact cells' table size.
    private(set) var slotBound = 0
    /// The task the last switch put on the CPU.
    private var pendingNext: Int32 = -1
    /// Switches whose `prev` is not the task the switch before put on the CPU.
    public private(set) var breaks = 0
    /// Hard irq and softirq handler time on this CPU (outermost entry to its exit): the lane's overlay.
    private(set) var overlay: IRQOverlay
    /// Open handlers (entries not exited yet) and since when.
    var irqNesting = HandlerNesting()

    init(cpu: Int, host: UInt16 = 0, irqGrid: (origin: Int64, shift: Int) = (0, 0)) {
        self.cpu = cpu
        self.host = host
        overlay = IRQOverlay(cpu: cpu, host: host, origin: irqGrid.origin, shift: irqGrid.shift)
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
        slotBound = Int((runTasks.max() ?? -1) + 1)
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
    /// switches fall in it. Exact whenever the window holds at most `exactRuns` runs (each run is read once, a
    /// few ns); beyond that, exact for cells of at most `exactLimit` switches and from the summary for the others.
    public func cells(from: Int64, width: Int64, count: Int, exactLimit: Int = 16,
                      exactRuns: Int = 500_000) -> [LaneCell] {
        var out = [LaneCell](repeating: LaneCell(task: -1, switches: 0), count: Swift.max(0, count))
        guard width > 0, !times.isEmpty else { return out }
        var k0 = lowerBound(from)
        let irq = overlay.cells(from: from, width: width, count: out.count)
        let end = from &+ width &* Int64(out.count)
        if lowerBound(end) - k0 <= exactRuns {
            exactCells(&out, from: from, width: width, first: k0, irq: irq)
            return out
        }
        var accTasks: [Int32] = [], accTimes: [Int64] = []
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

extension CPULane {
    /// Every cell exact: the runs overlapping the window read once, each task's time in a cell summed in a table
    /// by task slot (the tie to the lower slot, as the per-cell count does).
    func exactCells(_ out: inout [LaneCell], from: Int64, width: Int64, first k0: Int, irq: [Bool]) {
        var acc = [Int64](repeating: 0, count: slotBound)
        var touched: [Int32] = []
        var j = Swift.max(0, k0 - 1)
        var k = k0
        for c in 0..<out.count {
            let a = from &+ Int64(c) &* width, b = a &+ width
            var k1 = k
            while k1 < times.count, times[k1] < b { k1 += 1 }
            // Runs overlapping [a, b): from the one holding `a` to the last starting before `b`.
            while j + 1 < times.count, times[j + 1] <= a { j += 1 }
            var r = j
            while r < runCount, times[r] < b {
                let s = Swift.max(a, times[r]), e = Swift.min(b, times[r + 1])
                let t = runTasks[r]
                if e > s, t >= 0 {
                    if acc[Int(t)] == 0 { touched.append(t) }
                    acc[Int(t)] &+= e - s
                }
                r += 1
            }
            var task: Int32 = -1, best: Int64 = 0
            for t in touched {
                let v = acc[Int(t)]
                if v > best || (v == best && t < task) {
                    best = v
                    task = t
                }
                acc[Int(t)] = 0
            }
            touched.removeAll(keepingCapacity: true)
            out[c] = LaneCell(task: task, switches: k1 - k, irq: irq[c])
            k = k1
        }
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
