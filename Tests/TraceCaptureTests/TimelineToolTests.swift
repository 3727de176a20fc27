import Foundation
import Testing
import TraceCapture
import TraceModel

/// The timeline against `perf sched timehist` on the same recording: every run of a CPU lane is a timehist line
/// (its switch's CPU, time and task) with the same run time, and every task's wait between two runs (switch-out to
/// switch-in) is timehist's wait time. perf 6.1 prints µs, truncated: ours are truncated the same way and must be
/// equal. The recording in Tests/Fixtures/timeline keeps this running where perf is missing; a fresh recording is
/// compared where perf and the kernel allow.
@Suite(.serialized) struct TimelineToolTests {
    static let dir = TraceDatTests.repo.appendingPathComponent("Tests/Fixtures/timeline")

    /// One `perf sched timehist` line: the switch-out of `tid` on `cpu` at `timeUS`.
    struct TimehistLine: Hashable {
        var timeUS: Int64
        var cpu: Int
        var tid: Int32
        var waitUS: Int64
        var runUS: Int64
    }

    /// `    9402.254496 [0000]  sh[20655]   7.342   0.000   0.162`: the times in µs, read exactly from the text.
    static func timehist(_ text: String) -> [TimehistLine] {
        func micros(_ s: Substring) -> Int64? {
            let parts = s.split(separator: ".")
            guard parts.count == 2, let whole = Int64(parts[0]), let frac = Int64(parts[1]) else { return nil }
            var f = frac
            for _ in parts[1].count..<6 { f *= 10 }
            return whole * 1_000_000 + f
        }
        func msAsMicros(_ s: Substring) -> Int64? {
            let parts = s.split(separator: ".")
            guard parts.count == 2, parts[1].count == 3, let whole = Int64(parts[0]), let frac = Int64(parts[1]) else { return nil }
            return whole * 1000 + frac
        }
        var out: [TimehistLine] = []
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 6, let t = micros(words[0]), words[1].hasPrefix("["),
                  let cpu = Int(words[1].dropFirst().dropLast()),
                  let wait = msAsMicros(words[words.count - 3]), let run = msAsMicros(words[words.count - 1]) else { continue }
            let task = words[2..<(words.count - 3)].joined(separator: " ")
            if task == "<idle>" {
                out.append(TimehistLine(timeUS: t, cpu: cpu, tid: 0, waitUS: wait, runUS: run))
                continue
            }
            guard let open = task.lastIndex(of: "[") else { continue }
            let ids = task[task.index(after: open)...].dropLast().split(separator: "/")
            guard let tid = ids.first.flatMap({ Int32($0) }) else { continue }
            out.append(TimehistLine(timeUS: t, cpu: cpu, tid: tid, waitUS: wait, runUS: run))
        }
        return out
    }

    struct Key: Hashable {
        var cpu: Int
        var timeUS: Int64
        var pid: Int32
    }

    /// Compares and returns how many runs and waits were compared.
    @discardableResult
    static func expectMatches(_ perf: [TimehistLine], _ tl: Timeline) -> (runs: Int, waits: Int) {
        #expect(perf.count > 30, "timehist printed \(perf.count) lines")
        var runs: [Key: Int64] = [:]
        var anyTask: [Key: [Key]] = [:]
        for lane in tl.cpus {
            for j in 0..<lane.runCount where lane.runTasks[j] >= 0 {
                let key = Key(cpu: lane.cpu, timeUS: lane.times[j + 1] / 1000, pid: tl.pid(lane.runTasks[j]))
                runs[key] = lane.times[j + 1] - lane.times[j]
                // perf names the switch of an exiting task (`prev_state=X`) by the sample's tid, -1 by then.
                anyTask[Key(cpu: key.cpu, timeUS: key.timeUS, pid: -1), default: []].append(key)
            }
        }
        // A task's wait before a run: from its previous run's end, when its lane is unbroken in between.
        var waits: [Key: Int64] = [:]
        for lane in tl.taskLanes {
            var previousRun = -1
            for k in 0..<lane.count where lane.states[k] == .running {
                if previousRun >= 0, (previousRun..<k).allSatisfy({ lane.ends[$0] == lane.starts[$0 + 1] }) {
                    waits[Key(cpu: Int(lane.cpus[k]), timeUS: lane.ends[k] / 1000, pid: lane.pid)] =
                        lane.starts[k] - lane.ends[previousRun]
                }
                previousRun = k
            }
        }
        var matchedRuns = 0, matchedWaits = 0, unmatched = 0
        var firstOnCPU = Set<Int>()
        for line in perf {
            var key = Key(cpu: line.cpu, timeUS: line.timeUS, pid: line.tid)
            if line.tid == -1, let only = anyTask[key], only.count == 1 { key = only[0] }
            let isFirst = firstOnCPU.insert(line.cpu).inserted
            guard let run = runs[key] else {
                // perf times a CPU's first switch from nothing (0), and a run across a break in the switch chain
                // as the prev task's; the timeline leaves both unknown.
                if !isFirst { unmatched += 1 }
                continue
            }
            matchedRuns += 1
            #expect(run / 1000 == line.runUS, "run of \(line.tid) ending \(line.timeUS) on \(line.cpu): \(run) ns vs \(line.runUS) µs")
            // perf's -1 thread (an exiting task's switch) is a thread of its own to perf, first seen there: wait 0.
            if line.tid != -1, let wait = waits[key] {
                matchedWaits += 1
                #expect(wait / 1000 == line.waitUS, "wait of \(line.tid) before the run ending \(line.timeUS): \(wait) ns vs \(line.waitUS) µs")
            }
        }
        #expect(matchedRuns == runs.count, "every run of the lanes is a timehist line")
        let breaks = tl.cpus.reduce(0) { $0 + $1.breaks }
        #expect(unmatched <= breaks, "\(unmatched) timehist lines unmatched, \(breaks) breaks")
        #expect(matchedWaits > 10)
        return (matchedRuns, matchedWaits)
    }

    @Test func recordedFixtureMatchesPerfSchedTimehist() async throws {
        let store = try await TraceInput(path: Self.dir.appendingPathComponent("sched-dd.script.txt.gz").path).load()
        let text = try String(contentsOf: Self.dir.appendingPathComponent("sched-dd.timehist.txt"), encoding: .utf8)
        let (runs, waits) = Self.expectMatches(Self.timehist(text), store.timeline(tasks: .all))
        #expect(runs > 100 && waits > 20)
    }

    @Test func freshRecordingMatchesPerfSchedTimehist() async throws {
        if let why = LatencyToolTests.tracepointsRefused { print("perf sched timehist comparison skipped: \(why)"); return }
        let data = LatencyToolTests.temporary("timeline.data")
        defer { try? FileManager.default.removeItem(atPath: data) }
        let load = "for i in 1 2 3 4; do (dd if=/dev/zero of=/dev/null bs=1k count=4000; sleep 0.01; "
            + "dd if=/dev/zero of=/dev/null bs=1k count=2000) 2>/dev/null & done; wait"
        let status = try LatencyToolTests.lockedUnblocked([LatencyToolTests.perf!, "sched", "record", "-q", "-o", data,
                                                           "--", "/bin/sh", "-c", load])
        guard status == 0 else { print("perf sched record refused here (status \(status), its messages above)"); return }
        let (s, _, text) = try TraceDatTests.runCapturing([LatencyToolTests.perf!, "sched", "timehist", "-i", data])
        #expect(s == 0)
        if let keep = ProcessInfo.processInfo.environment["TRACETUI_KEEP_RECORDING"] {
            // To look at a failing comparison by hand.
            try? FileManager.default.removeItem(atPath: keep)
            try? FileManager.default.copyItem(atPath: data, toPath: keep)
        }
        let store = try await TraceInput(path: data).load()
        #expect(store.summary.unparsed == 0)
        Self.expectMatches(Self.timehist(text), store.timeline(tasks: .all))
    }
}
