import Testing
@testable import TraceModel

/// The table built on two cores (`HotspotTable.build`, what the viewer and `report` use) is the table
/// built on one thread, entry for entry and in the same order — for both ways of summing.
@Suite("Hotspot aggregation on two cores")
struct ParallelAggregationTests {
    /// `count` samples of `tasks` threads (8 commands), stacks 2–9 deep from 2 000 functions in 16
    /// objects, some recursing; weights vary so that ties and sums both matter.
    static func samples(count: Int, tasks taskCount: Int) -> StackSamples {
        var s = StackSamples()
        let locations = (0..<2_000).map { s.location(symbol: "f\($0)", dso: "/lib/l\($0 % 16).so") }
        let tasks = (0..<taskCount).map { s.task(comm: "c\($0 % 8)", pid: Int32(100 + $0)) }
        var rng: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            rng ^= rng << 13
            rng ^= rng >> 7
            rng ^= rng << 17
            return Int(truncatingIfNeeded: rng >> 1)
        }
        var frames: [UInt32] = []
        for _ in 0..<count {
            frames.removeAll(keepingCapacity: true)
            let depth = 2 + next() % 8
            for level in 0..<depth {
                // Hot functions often, the rest now and then; level 3 repeats level 1 (recursion).
                let f = level == 3 && depth > 4 ? Int(frames[1]) : (next() % 4 == 0 ? next() % 2_000 : next() % 50)
                frames.append(level == 3 && depth > 4 ? UInt32(f) : locations[f])
            }
            s.append(task: tasks[next() % taskCount], cpu: UInt16(next() % 4), weight: Int64(1 + next() % 3),
                     frames: frames)
        }
        return s
    }

    static func expectSame(_ a: HotspotTable, _ b: HotspotTable) {
        #expect(a.entryCount == b.entryCount)
        #expect(a.order == b.order)
        #expect(a.selfValue == b.selfValue)
        #expect(a.childrenValue == b.childrenValue)
        #expect(a.countValue == b.countValue)
        #expect(a.keyValues == b.keyValues)
        #expect(a.total == b.total && a.totalCount == b.totalCount)
    }

    @Test func fewContextsSumTheSameInHalves() async {
        let s = Self.samples(count: 300_000, tasks: 64)
        #expect(s.count >= SampleAggregation.parallelThreshold)
        for keys: [HotspotKey] in [[.comm, .dso, .symbol], [.symbol], [.cpu, .symbol]] {
            let one = HotspotTable(samples: s, keys: keys, children: true)
            let two = await HotspotTable.build(samples: s, keys: keys, children: true)
            Self.expectSame(one, two)
        }
        Self.expectSame(HotspotTable(samples: s, children: false), await HotspotTable.build(samples: s, children: false))
    }

    @Test func manyContextsSumTheSameGroupByGroup() async {
        // 3 000 threads × 2 000 functions: too many pairs for a counter each, summed thread by thread.
        let s = Self.samples(count: 250_000, tasks: 3_000)
        let plan = SampleAggregation(samples: s, keys: [.pid, .symbol], children: true, pid: nil)
        #expect(!plan.isDense)
        let one = HotspotTable(samples: s, keys: [.pid, .symbol], children: true)
        let two = await HotspotTable.build(samples: s, keys: [.pid, .symbol], children: true)
        Self.expectSame(one, two)
        #expect(one.entryCount > 100_000)
    }
}
