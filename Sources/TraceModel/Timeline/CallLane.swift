/// One lane of top-level calls (function_graph, uftrace, Chrome traces): the calls no other call made on a CPU, or
/// on a thread when the trace names no CPU, as slices in time. Kept as a `CPULane` whose "tasks" are function slots
/// and whose gaps belong to `gap`, so a cell of any zoom costs what a CPU lane's does (power-of-two summaries).
public struct CallLane: Sendable {
    /// The CPU, or -1 for a thread's lane.
    public let cpu: Int
    /// `calls N` (N the CPU), or the thread's name.
    public let label: String
    public private(set) var runs: CPULane
    /// Top-level calls on the lane.
    public private(set) var calls = 0

    /// The slot of the time between calls.
    public static let gap: Int32 = 0

    init(cpu: Int, label: String) {
        self.cpu = cpu
        self.label = label
        runs = CPULane(cpu: cpu)
    }

    /// A call from `start` to `end` of function slot `function` (> 0); calls come in time order (an overlap, from a
    /// call whose end the trace never gave, starts where the previous ended).
    mutating func append(function: Int32, start: Int64, end: Int64) {
        let s = Swift.max(start, runs.last ?? start)
        let e = Swift.max(s, end)
        _ = runs.append(s, prev: Self.gap, next: function)
        _ = runs.append(e, prev: function, next: Self.gap)
        calls += 1
    }

    mutating func finish() { runs.finish() }

    /// The function slot running at `t` (`gap` between calls, -1 outside the lane).
    public func function(at t: Int64) -> Int32 { runs.task(at: t) }
}

/// The call lanes of a trace and the names of their functions (slot 0: the gap between calls).
public struct CallLanes: Sendable {
    public private(set) var lanes: [CallLane] = []
    public private(set) var names: [String] = [""]

    public init() {}

    /// The top-level calls of `tree` (built from `store`), by CPU, or by thread for lanes without a CPU. A call
    /// starts at its first row's time and lasts its total; one the trace began inside (its `}` alone, named
    /// `(unknown)` unless the line names it) ends at its closing row's time and is clipped at the trace's start.
    public init(tree: CallTree, store: EventStore) {
        var slotOf: [UInt32: Int32] = [:]
        var laneOf: [Int: Int] = [:]
        let cpus = tree.cpu
        let first = store.count > 0 ? store.timestamp(0) : 0
        for root in tree.roots {
            let n = Int(root)
            let cpu = Int(cpus[n])
            let task = Int(tree.task[n])
            let key = cpu != 0xFFFF ? cpu : 0x10000 + task
            let l: Int
            if let known = laneOf[key] {
                l = known
            } else {
                l = lanes.count
                laneOf[key] = l
                let label = cpu != 0xFFFF ? "calls \(cpu)" : (task < tree.taskNames.count ? tree.taskNames[task] : "?")
                lanes.append(CallLane(cpu: cpu != 0xFFFF ? cpu : -1, label: label))
            }
            let f = tree.function[n]
            let slot: Int32
            if let s = slotOf[f] { slot = s } else {
                slot = Int32(names.count)
                slotOf[f] = slot
                names.append(tree.functionNames[Int(f)])
            }
            let total = Swift.max(0, tree.total[n])
            if tree.flags[n].contains(.startedBefore) {
                let end = store.timestamp(Int(tree.lastRow[n]))
                lanes[l].append(function: slot, start: Swift.max(first, end - total), end: end)
            } else {
                let start = store.timestamp(Int(tree.firstRow[n]))
                lanes[l].append(function: slot, start: start, end: start + total)
            }
        }
        for l in lanes.indices { lanes[l].finish() }
        lanes.sort { ($0.cpu < 0 ? Int.max : $0.cpu, $0.label) < ($1.cpu < 0 ? Int.max : $1.cpu, $1.label) }
    }

    public func name(_ slot: Int32) -> String { slot > 0 && Int(slot) < names.count ? names[Int(slot)] : "" }
}

extension LaneGlyphs {
    /// A call lane's cells: a call drawn as its function's name where the slice is wide enough (then `━`), the gaps
    /// between calls blank, a cell holding several call edges as a density mark in the colour of the call that
    /// took most of it, outside the lane `·`.
    public static func callRow(_ cells: [LaneCell], _ calls: CallLanes, fill: Character = "━") -> [LaneGlyph] {
        var out = [LaneGlyph]()
        out.reserveCapacity(cells.count)
        var k = 0
        while k < cells.count {
            let cell = cells[k]
            if cell.task < 0 {
                out.append(LaneGlyph(char: unknown, task: -1, kind: .unknown))
                k += 1
            } else if cell.switches > 2 {
                // Two edges are one call starting and ending in the cell: more is several calls.
                out.append(LaneGlyph(char: densityGlyph(cell.switches / 2), task: cell.task,
                                     kind: cell.task == CallLane.gap ? .idle : .dense))
                k += 1
            } else if cell.task == CallLane.gap {
                out.append(LaneGlyph(char: " ", task: cell.task, kind: .idle))
                k += 1
            } else {
                var e = k + 1
                while e < cells.count, cells[e].task == cell.task, cells[e].switches <= 2 { e += 1 }
                let name = Array(calls.name(cell.task))
                let label = e - k >= 3 ? Array(name.prefix(e - k - 1)) : []
                for m in k..<e {
                    out.append(LaneGlyph(char: m - k < label.count ? label[m - k] : fill, task: cell.task, kind: .run))
                }
                k = e
            }
        }
        return out
    }
}
