import Testing
@testable import TraceModel

/// The irq overlay keeps a bit per bucket and reads the handler rows again per frame: its cells must be the cells
/// of the intervals a plain pass over every row finds, at every window and zoom.
@Suite struct IRQOverlayTests {
    /// Two CPUs switching every ~20 µs, with hard irqs, softirqs and irqs nested in softirqs between, an exit with
    /// no entry at the start; in time order.
    static func trace(seed: UInt64) -> String {
        var rng = FunctionGraphRandom(seed: seed)
        var lines = ["# tracer: nop", "<idle>-0 [001] d.h2. 0.999999: softirq_exit: vec=1 [action=TIMER]"]
        var t: [Int64] = [1_000_000_000, 1_000_000_500]
        func stamp(_ ns: Int64) -> String { String(format: "%d.%06d", ns / 1_000_000_000, (ns % 1_000_000_000) / 1000) }
        var events: [(Int64, String)] = []
        for cpu in 0..<2 {
            var running = (pid: 0, comm: "swapper/\(cpu)")
            for k in 0..<300 {
                t[cpu] += Int64(1 + rng.below(20)) * 1000
                switch rng.below(4) {
                case 0:
                    let next = k % 3 == 0 ? (pid: 0, comm: "swapper/\(cpu)") : (pid: 100 + rng.below(5), comm: "task")
                    events.append((t[cpu], "\(running.comm)-\(running.pid) [00\(cpu)] d..2. \(stamp(t[cpu])): sched_switch: "
                                   + "prev_comm=\(running.comm) prev_pid=\(running.pid) prev_prio=120 prev_state=S ==> "
                                   + "next_comm=\(next.comm) next_pid=\(next.pid) next_prio=120"))
                    running = next
                case 1:
                    // A softirq, sometimes with a hard irq inside it.
                    let nested = rng.below(2) == 0
                    let line = { (ns: Int64, what: String) in
                        events.append((ns, "\(running.comm)-\(running.pid) [00\(cpu)] d.s2. \(stamp(ns)): \(what)"))
                    }
                    line(t[cpu], "softirq_entry: vec=1 [action=TIMER]")
                    if nested {
                        line(t[cpu] + 1000, "irq_handler_entry: irq=24 name=virtio0")
                        line(t[cpu] + 2000, "irq_handler_exit: irq=24 ret=handled")
                    }
                    t[cpu] += Int64(3 + rng.below(4)) * 1000
                    line(t[cpu], "softirq_exit: vec=1 [action=TIMER]")
                default:
                    events.append((t[cpu], "\(running.comm)-\(running.pid) [00\(cpu)] d.h2. \(stamp(t[cpu])): irq_handler_entry: irq=25 name=eth0"))
                    t[cpu] += Int64(1 + rng.below(3)) * 1000
                    events.append((t[cpu], "\(running.comm)-\(running.pid) [00\(cpu)] d.h2. \(stamp(t[cpu])): irq_handler_exit: irq=25 ret=handled"))
                }
            }
        }
        // Stable by time, as a merged trace gives them.
        lines += events.indices.sorted { (events[$0].0, $0) < (events[$1].0, $1) }.map { events[$0].1 }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Outermost handler intervals per CPU from every row, the way the build counts them.
    static func reference(_ store: EventStore) -> [Int: [(Int64, Int64)]] {
        var out: [Int: [(Int64, Int64)]] = [:]
        var depth: [Int: Int] = [:], since: [Int: Int64] = [:]
        for r in 0..<store.count {
            let row = store.row(r)
            guard let cpu = row.cpu else { continue }
            let name = store.eventNames[Int(row.event)]
            if name == "irq_handler_entry" || name == "softirq_entry" {
                if depth[cpu, default: 0] == 0 { since[cpu] = row.timestamp }
                depth[cpu, default: 0] += 1
            } else if name == "irq_handler_exit" || name == "softirq_exit", depth[cpu, default: 0] > 0 {
                depth[cpu]! -= 1
                if depth[cpu] == 0 { out[cpu, default: []].append((since[cpu]!, row.timestamp)) }
            }
        }
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func cellsAreTheIntervalsCellsAtEveryZoom(seed: UInt64) throws {
        let store = EventStore(parsing: OwnedBytes(Array(Self.trace(seed: seed).utf8)))
        let tl = store.timeline()
        let truth = Self.reference(store)
        #expect(truth[0]?.isEmpty == false && truth[1]?.isEmpty == false)
        var rng = FunctionGraphRandom(seed: seed &* 77)
        for lane in tl.cpus {
            let intervals = truth[lane.cpu] ?? []
            #expect(lane.irqCount == intervals.count)
            for _ in 0..<200 {
                let width = Int64(1 + rng.below(40_000)) * Int64(1 + rng.below(50))
                let count = 1 + rng.below(120)
                let from = tl.start - 50_000 + Int64(rng.below(Int(tl.end - tl.start) + 100_000))
                let cells = lane.cells(from: from, width: width, count: count).map(\.irq)
                let expected = (0..<count).map { c in
                    let a = from + Int64(c) * width, b = a + width
                    return intervals.contains { $0.1 > a && $0.0 < b && $0.1 > $0.0 }
                }
                #expect(cells == expected, "cpu \(lane.cpu) from \(from) width \(width) count \(count)")
            }
        }
    }

    /// Past the row budget the bits answer: never a cell the intervals miss, never a bucket that had a handler left out.
    @Test func bucketsAnswerWhenTheWindowHasTooManyRows() throws {
        let store = EventStore(parsing: OwnedBytes(Array(Self.trace(seed: 9).utf8)))
        let truth = Self.reference(store)[0] ?? []
        let rows = IRQRows(store: store, step: store.eventNames.map {
            $0.hasSuffix("_entry") && $0.contains("irq") ? 1 : $0.hasSuffix("_exit") && $0.contains("irq") ? -1 : 0
        }, budget: 0)
        let grid = IRQOverlay.grid(store)
        var overlay = IRQOverlay(cpu: 0, origin: grid.origin, shift: grid.shift)
        for (a, b) in truth { overlay.add(a, b) }
        overlay.finish(rows: rows)
        let start = truth.first!.0, end = truth.last!.1
        for width: Int64 in [1000, 37_000, 500_000] {
            let count = Int((end - start) / width) + 1
            let cells = overlay.cells(from: start, width: width, count: count)
            for c in 0..<count {
                let a = start + Int64(c) * width, b = a + width
                if truth.contains(where: { $0.1 > a && $0.0 < b }) { #expect(cells[c], "width \(width) cell \(c)") }
            }
        }
        #expect(overlay.intervals(from: start, to: end) == nil)
        #expect(overlay.bytes < truth.count * 16 / 8)
    }

    /// Within the run budget every cell names the task that ran longest in it (the lower slot on a tie), at every
    /// zoom: checked against a sum over every run for each cell.
    @Test(arguments: [4, 5] as [UInt64])
    func cellsNameTheTaskThatRanLongest(seed: UInt64) throws {
        let store = EventStore(parsing: OwnedBytes(Array(Self.trace(seed: seed).utf8)))
        let tl = store.timeline()
        var rng = FunctionGraphRandom(seed: seed)
        for lane in tl.cpus {
            #expect(lane.runCount > 20)
            for _ in 0..<150 {
                let width = Int64(1 + rng.below(rng.below(2) == 0 ? 400_000 : 3_000_000))
                let count = 1 + rng.below(100)
                let from = tl.start - 20_000 + Int64(rng.below(Int(tl.end - tl.start)))
                let cells = lane.cells(from: from, width: width, count: count)
                for c in 0..<count {
                    let a = from + Int64(c) * width, b = a + width
                    var time: [Int32: Int64] = [:]
                    for j in 0..<lane.runCount where lane.runTasks[j] >= 0 {
                        let s = max(a, lane.times[j]), e = min(b, lane.times[j + 1])
                        if e > s { time[lane.runTasks[j], default: 0] += e - s }
                    }
                    let longest = time.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? -1
                    let switches = lane.times.filter { $0 >= a && $0 < b }.count
                    #expect(cells[c].task == longest && cells[c].switches == switches,
                            "cpu \(lane.cpu) cell \(c) of \(count) × \(width) from \(from)")
                }
            }
        }
    }
}
