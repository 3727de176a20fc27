import Testing
@testable import TraceModel

/// perf report's sample filters: their command-line syntax and what they keep.
@Suite struct SampleFilterTests {
    /// Two tasks (pid 10 threads 10 and 11, pid 20 thread 20) on CPUs 0 and 1, one second apart.
    static func samples() -> StackSamples {
        var s = StackSamples()
        let leaf = s.location(symbol: "leaf", dso: "/usr/bin/app"), root = s.location(symbol: "main", dso: "/usr/bin/app")
        let a = s.task(comm: "app", pid: 10, process: 10), b = s.task(comm: "app", pid: 11, process: 10)
        let c = s.task(comm: "other", pid: 20, process: 20)
        for (i, t) in [a, b, c, a].enumerated() {
            s.append(task: t, cpu: UInt16(i % 2), weight: 1, time: Int64(i + 1) * 1_000_000_000, frames: [leaf, root])
        }
        return s
    }

    @Test func parsesPerfsSyntax() {
        #expect(SampleFilter.cpuList("0-2,5") == [0, 1, 2, 5])
        #expect(SampleFilter.cpuList("2-1") == nil)
        #expect(SampleFilter.cpuList("x") == nil)
        #expect(SampleFilter.idList("10, 11") == [10, 11])
        #expect(SampleFilter.timeSpan("1.5,2.25")! == (1_500_000_000, 2_250_000_000))
        #expect(SampleFilter.timeSpan(",2")! == (nil, 2_000_000_000))
        #expect(SampleFilter.timeSpan("3,2") == nil)
        #expect(SampleFilter.timeSpan("3") == nil)
    }

    @Test func cpuAndTimeShrinkTheTotalTasksDoNot() throws {
        let source = HotspotSource(samples: Self.samples())
        var f = SampleFilter()
        f.cpus = [1]
        let byCPU = try #require(source.table(keys: [.symbol], children: false, sampleFilter: f))
        #expect(byCPU.table.totalCount == 2)
        f = SampleFilter()
        (f.start, f.end) = SampleFilter.timeSpan("2,3")!
        #expect(try #require(source.table(keys: [.symbol], children: false, sampleFilter: f)).table.totalCount == 2)
        f = SampleFilter()
        f.pids = [10]
        let byPID = try #require(source.table(keys: [.symbol], children: false, sampleFilter: f))
        // Three of the four samples are pid 10's, and the percentages stay shares of all four.
        #expect(byPID.table.totalCount == 4)
        #expect(byPID.samples.count == 3)
        #expect(byPID.table.percent(byPID.table.selfValue[Int(byPID.table.order[0])]) == 75)
        f = SampleFilter()
        f.tids = [11]
        #expect(try #require(source.table(keys: [.symbol], children: false, sampleFilter: f)).samples.count == 1)
        f = SampleFilter()
        f.comms = ["other"]
        #expect(try #require(source.table(keys: [.symbol], children: false, sampleFilter: f)).samples.count == 1)
    }

    @Test func shortDsoNamesAsPerfPrintsThem() {
        #expect(HotspotTable.shortDso("/usr/lib/x86_64-linux-gnu/libc.so.6") == "libc.so.6")
        #expect(HotspotTable.shortDso("[kernel.kallsyms]") == "[kernel.kallsyms]")
        #expect(HotspotTable.shortDso("app") == "app")
        var table = HotspotSource(samples: Self.samples()).table(keys: [.dso, .symbol])
        #expect(table.label(.dso, of: Int(table.order[0])) == "app")
        table.fullPaths = true
        #expect(table.label(.dso, of: Int(table.order[0])) == "/usr/bin/app")
    }

    @Test func durationsRefuseSampleFilters() {
        var f = SampleFilter()
        f.cpus = [0]
        #expect(HotspotSource.durations(CallTree(store: EventStore())).table(keys: nil, children: true, sampleFilter: f) == nil)
    }
}
