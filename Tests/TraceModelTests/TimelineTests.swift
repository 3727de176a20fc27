import Foundation
import Testing
import TraceModel

/// The timeline's lanes on traces worked out by hand and on the real samples, where each task's running time per
/// CPU must equal its `sched_switch` in → out intervals to the nanosecond (summed by a reader that shares no code
/// with the timeline: `EventFields` on each row's payload).
@Suite struct TimelineTests {
    static func store(_ text: String) -> EventStore { EventStore(parsing: OwnedBytes(Array(text.utf8))) }

    /// (comm, pid, cpu, time, event, payload)
    static func ftrace(_ lines: [(String, Int, Int, String, String, String)]) -> String {
        "# tracer: nop\n" + lines.map { "\($0.0)-\($0.1) [00\($0.2)] d..2. \($0.3): \($0.4): \($0.5)" }
            .joined(separator: "\n") + "\n"
    }

    static let sw = LatencyTests.sw

    /// CPU 0: a runs .000–.100, sleeps; b runs .100–.500, is preempted (R+) by a, which runs .500–.900 and blocks;
    /// b runs .900–2.000. a is woken at .200 and 1.900. CPU 1: c is running when the trace starts (first named
    /// by the switch at .300 that takes it off), then idle.
    static let trace = ftrace([
        ("<idle>", 0, 0, "1.000000", "sched_switch", sw("swapper/0", 0, "R", "a", 10)),
        ("a", 10, 0, "1.000100", "sched_switch", sw("a", 10, "S", "b", 20)),
        ("b", 20, 0, "1.000200", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
        ("c", 30, 1, "1.000300", "sched_switch", sw("c", 30, "S", "swapper/1", 0)),
        ("b", 20, 0, "1.000500", "sched_switch", sw("b", 20, "R+", "a", 10)),
        ("a", 10, 0, "1.000900", "sched_switch", sw("a", 10, "D", "b", 20)),
        ("<idle>", 0, 1, "1.001000", "sched_switch", sw("swapper/1", 0, "R", "c", 30)),
        ("b", 20, 0, "1.001900", "sched_waking", "comm=a pid=10 prio=120 target_cpu=000"),
        ("b", 20, 0, "1.002000", "sched_switch", sw("b", 20, "S", "a", 10)),
    ])

    @Test func cpuLanesHoldOneRunPerPairOfSwitches() {
        let tl = Self.store(Self.trace).timeline()
        #expect(tl.cpus.map(\.cpu) == [0, 1])
        let cpu0 = tl.cpus[0]
        #expect(cpu0.times == [1_000_000_000, 1_000_100_000, 1_000_500_000, 1_000_900_000, 1_002_000_000])
        #expect(cpu0.runTasks.dropLast().map { tl.pid($0) } == [10, 20, 10, 20])
        // c ran before .300 on CPU 1, but nothing says since when: no run is made up for it.
        let cpu1 = tl.cpus[1]
        #expect(cpu1.runCount == 1)
        #expect(tl.pid(cpu1.runTasks[0]) == 0 && tl.isIdle(cpu1.runTasks[0]))
        #expect(tl.runTimeByTask() == [10: [0: 500_000], 20: [0: 1_500_000]])
        #expect(tl.switches == 7)
    }

    @Test func taskLanesFollowPrevStateAndWakeups() throws {
        let tl = Self.store(Self.trace).timeline(tasks: .all)
        let a = try #require(tl.taskLane(pid: 10))
        let got = (0..<a.count).map { (a.states[$0], a.cpus[$0], a.starts[$0] - 1_000_000_000, a.ends[$0] - 1_000_000_000) }
        let want: [(TaskState, Int32, Int64, Int64)] = [
            (.running, 0, 0, 100_000), (.sleeping, -1, 100_000, 200_000), (.runnable, -1, 200_000, 500_000),
            (.running, 0, 500_000, 900_000), (.blocked, -1, 900_000, 1_900_000), (.runnable, -1, 1_900_000, 2_000_000),
        ]
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) { #expect(g == w) }
        let b = try #require(tl.taskLane(pid: 20))
        #expect(b.states == [.running, .runnable, .running])
        #expect(b.starts.first == 1_000_100_000)
        // c: nothing before the switch that first names it; asleep from .300 until it runs at 1.000 (no wakeup seen).
        let c = try #require(tl.taskLane(pid: 30))
        #expect(c.states == [.sleeping])
        #expect(c.starts == [1_000_300_000] && c.ends == [1_001_000_000])
        #expect(tl.comm(a.slot) == "a")
    }

    @Test func cellsShowTheLongestRunAndTheSwitchCount() {
        let tl = Self.store(Self.trace).timeline()
        let lane = tl.cpus[0]
        // One cell over the whole lane: b ran 1.5 ms of 2, across 4 switches (the one at 1.002 ends the cell).
        let whole = lane.cells(from: 1_000_000_000, width: 2_000_000, count: 1)
        #expect(whole == [LaneCell(task: lane.runTasks[1], switches: 4)])
        // 100 µs cells: a, b, b, b, b, a …; before the first switch nothing is known.
        let fine = lane.cells(from: 999_900_000, width: 100_000, count: 7)
        #expect(fine.map { tl.pid($0.task) } == [-1, 10, 20, 20, 20, 20, 10])
        // The summary answers the same as the exact count where cells hold many switches.
        let summary = lane.cells(from: 1_000_000_000, width: 2_000_000, count: 1, exactLimit: 0, exactRuns: 0)
        #expect(summary == whole)
    }

    @Test func lostEventsAreMarkedWhereTheyFall() throws {
        let text = Self.trace + "CPU:1 [LOST 12 EVENTS]\n"
            + "b-20 [000] d..2. 1.002100: sched_switch: " + Self.sw("a", 10, "S", "b", 20) + "\n"
        let tl = Self.store(text).timeline()
        #expect(tl.lost.count == 1)
        #expect(tl.lost.first?.cpu == 1)
        #expect(tl.notes.contains { $0.contains("lost") })
        let marks = LaneGlyphs.lostRow(tl, cpu: 1, from: 1_000_000_000, width: 100_000, count: 30)
        #expect(marks.filter { $0 }.count == 1)
        #expect(LaneGlyphs.lostRow(tl, cpu: 0, from: 1_000_000_000, width: 100_000, count: 30).allSatisfy { !$0 })
    }

    @Test func textDrawsTheLanesAsGlyphs() {
        let tl = Self.store(Self.trace).timeline(tasks: .pids([10]))
        let text = TimelineFormat.text(tl, .init(from: 1_000_000_000, to: 1_001_999_999, width: 32, pids: [10]))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[3].hasPrefix("cpu 0       "))
        // 20 columns of 100 µs: a (1), b (4), a (4), b (11).
        #expect(lines[3].dropFirst(12) == "━b━━━a━━━b-20━━━━━━━")
        // CPU 1: unknown until c is switched out, idle until c runs again, unknown after.
        #expect(lines[4].dropFirst(12) == "···       ··········")
        #expect(lines[5].hasPrefix("a-10") && lines[5].dropFirst(12) == "0─░░░0000DDDDDDDDDD░")
    }

    @Test func aRangeSumsCPUTimeStatesEventsAndDelays() throws {
        let store = Self.store(Self.trace)
        let sums = store.timeline(tasks: .all).aggregate(from: 1_000_000_000, to: 1_002_000_000, store: store)
        let a = try #require(sums.tasks.first { $0.pid == 10 }), b = try #require(sums.tasks.first { $0.pid == 20 })
        #expect(sums.tasks.first?.pid == 20)
        #expect(a.cpu == [0: 500_000] && b.cpu == [0: 1_500_000])
        #expect(a.states == [.running: 500_000, .sleeping: 100_000, .runnable: 400_000, .blocked: 1_000_000])
        #expect(sums.cpuBusy == [0: 2_000_000] && sums.cpuIdle == [1: 700_000])
        // a waits .200 → .500, b .500 → .900; a's wait from 1.900 ends with a run the trace never closes.
        #expect(sums.delays.count == 2 && sums.delays.max == 400_000 && sums.delays.min == 300_000)
        #expect(sums.events.map(\.name) == ["sched_switch", "sched_waking"] && sums.events.map(\.count) == [6, 2])
        // A narrower range clips every interval to it.
        let part = store.timeline(tasks: .all).aggregate(from: 1_000_050_000, to: 1_000_450_000, store: store)
        #expect(part.tasks.first { $0.pid == 10 }?.cpu == [0: 50_000])
        #expect(part.tasks.first { $0.pid == 20 }?.cpu == [0: 350_000])
    }

    @Test func irqAndSoftirqTimeOverlaysTheCPULane() throws {
        // On CPU 0 a softirq with a hard irq inside it during b's run (.600–.700), on CPU 1 an irq while idle
        // (.400–.450), and an exit with no entry (the trace began inside a handler): ignored.
        let text = Self.trace
            + "b-20 [000] d.h2. 1.000600: softirq_entry: vec=1 [action=TIMER]\n"
            + "b-20 [000] d.h2. 1.000650: irq_handler_entry: irq=24 name=virtio0\n"
            + "b-20 [000] d.h2. 1.000660: irq_handler_exit: irq=24 ret=handled\n"
            + "b-20 [000] d.h2. 1.000700: softirq_exit: vec=1 [action=TIMER]\n"
            + "<idle>-0 [001] d.h2. 1.000400: irq_handler_entry: irq=25 name=eth0\n"
            + "<idle>-0 [001] d.h2. 1.000450: irq_handler_exit: irq=25 ret=handled\n"
            + "<idle>-0 [001] d.h2. 1.000460: irq_handler_exit: irq=25 ret=handled\n"
        // In time order, as a trace gives them: the handler rows are read again by a binary search on time.
        func time(_ l: Substring) -> Double {
            l.split(separator: " ").first { $0.hasSuffix(":") && $0.contains(".") }.flatMap { Double($0.dropLast()) } ?? 0
        }
        let lines = text.split(separator: "\n")
        let sorted = lines.indices.sorted { (time(lines[$0]), $0) < (time(lines[$1]), $1) }.map { lines[$0] }
            .joined(separator: "\n") + "\n"
        let tl = Self.store(sorted).timeline()
        let whole = (from: Int64(1_000_000_000), to: Int64(1_003_000_000))
        #expect(tl.cpus[0].irqIntervals(from: whole.from, to: whole.to)?.map { [$0.start, $0.end] } == [[1_000_600_000, 1_000_700_000]])
        #expect(tl.cpus[1].irqIntervals(from: whole.from, to: whole.to)?.map { [$0.start, $0.end] } == [[1_000_400_000, 1_000_450_000]])
        // A window that starts inside the softirq still sees all of it, one that ends before it nothing.
        #expect(tl.cpus[0].irqIntervals(from: 1_000_655_000, to: 1_000_656_000)?.map(\.start) == [1_000_600_000])
        #expect(tl.cpus[0].irqIntervals(from: 1_000_000_000, to: 1_000_600_000)?.isEmpty == true)
        #expect(tl.cpus.map(\.irqCount) == [1, 1])
        let cells = tl.cpus[0].cells(from: 1_000_000_000, width: 100_000, count: 10)
        #expect(cells.map(\.irq) == [false, false, false, false, false, false, true, false, false, false])
        let row = LaneGlyphs.cpuRow(tl.cpus[1].cells(from: 1_000_000_000, width: 100_000, count: 10), tl).map(\.char)
        #expect(String(row) == "··· ╵     ")
    }

    // MARK: - real samples

    /// Running time per task and CPU from `sched_switch` pairs: from the switch naming the task `next` to the next
    /// switch on that CPU naming it `prev`, fields read by `EventFields` (not the timeline's reader).
    static func switchPairs(_ store: EventStore) -> [Int32: [Int: Int64]] {
        var out: [Int32: [Int: Int64]] = [:]
        var running: [Int: (pid: Int32, since: Int64)] = [:]
        let ids = Set(store.eventNames.indices.filter { store.eventNames[$0].hasSuffix("sched_switch") })
        for r in 0..<store.count {
            let row = store.row(r)
            guard ids.contains(Int(row.event)), let cpu = row.cpu else { continue }
            let payload = Array(store.payloadText(r).utf8)
            let (prev, next) = payload.withUnsafeBytes { p in
                (EventFields.value(of: Array("prev_pid".utf8), in: p).flatMap { Int32($0) },
                 EventFields.value(of: Array("next_pid".utf8), in: p).flatMap { Int32($0) })
            }
            guard let prev, let next else { continue }
            if let on = running[cpu], on.pid == prev, prev != 0 {
                out[prev, default: [:]][cpu, default: 0] += row.timestamp - on.since
            }
            running[cpu] = (next, row.timestamp)
        }
        return out
    }

    static func samplesWithSwitches() throws -> [String] {
        let root = try SampleFiles.requireRoot()
        var out: [String] = []
        for dir in ["events", "trace-cmd-report", "perf-script"] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? [] {
                let path = dir + "/" + name
                if let data = FileManager.default.contents(atPath: root + "/" + path),
                   data.range(of: Data("sched_switch".utf8)) != nil {
                    out.append(path)
                }
            }
        }
        return out.sorted()
    }

    @Test func runningTimePerCPUEqualsTheSwitchIntervalsOnEverySample() throws {
        let files = try Self.samplesWithSwitches()
        #expect(files.count >= 10)
        var checked = 0
        for path in files {
            let store = EventStore(parsing: OwnedBytes(try SampleFiles.bytes(of: path)))
            let tl = store.timeline(tasks: .all)
            let want = Self.switchPairs(store)
            guard !want.isEmpty else { continue }
            checked += 1
            // The lanes hold, for each task, exactly the switch intervals; the task lanes' running time the same.
            #expect(tl.runTimeByTask() == want, "\(path)")
            var fromTasks: [Int32: [Int: Int64]] = [:]
            for lane in tl.taskLanes {
                for k in 0..<lane.count where lane.states[k] == .running {
                    fromTasks[lane.pid, default: [:]][Int(lane.cpus[k]), default: 0] += lane.ends[k] - lane.starts[k]
                }
            }
            #expect(fromTasks == want, "\(path): task lanes")
            // A task's intervals never overlap and never go back in time.
            for lane in tl.taskLanes {
                for k in 0..<lane.count {
                    #expect(lane.starts[k] < lane.ends[k])
                    if k > 0 { #expect(lane.starts[k] >= lane.ends[k - 1], "\(path) pid \(lane.pid)") }
                }
            }
        }
        #expect(checked >= 8)
    }
}
