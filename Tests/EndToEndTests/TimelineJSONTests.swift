import Foundation
import Testing

extension EndToEnd {
    /// `tracetui timeline --format json` on the kept `perf sched record` of dd (the recording `TimelineToolTests`
    /// compares with `perf sched timehist`): the schema, the lanes agreeing with each other, and the output made on
    /// both cores (CPU runs beside the build, task intervals in two halves) equal to one task's own run.
    @Suite("Timeline JSON")
    struct TimelineJSON {
        static let recording = Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/timeline/sched-dd.script.txt.gz").path

        static func json(_ arguments: [String]) throws -> [String: Any] {
            let run = try CommandResult.run(try Fixture.binary(), ["timeline", recording, "--format", "json"] + arguments,
                                            timeout: .seconds(60))
            #expect(run.status == 0, "\(run.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
            return try #require(object as? [String: Any])
        }

        static func entries(_ json: [String: Any], _ key: String) throws -> [[String: Any]] {
            try #require(json[key] as? [[String: Any]])
        }

        static func int(_ entry: [String: Any], _ key: String) -> Int64 { (entry[key] as? NSNumber)?.int64Value ?? -1 }

        @Test func schemaLanesAndOneTasksRunAgree() throws {
            let all = try Self.json([])
            #expect(Set(all.keys) == ["cpus", "tasks", "lost", "notes"])
            let cpus = try Self.entries(all, "cpus"), tasks = try Self.entries(all, "tasks")
            #expect(cpus.count > 100 && tasks.count > 100, "\(cpus.count) runs, \(tasks.count) task intervals")
            for e in cpus { #expect(Set(e.keys) == ["cpu", "start_ns", "end_ns", "pid", "comm"], "\(e)") }
            for e in tasks { #expect(Set(e.keys) == ["pid", "comm", "state", "cpu", "start_ns", "end_ns"], "\(e)") }
            // Runs by CPU then time, never overlapping; task intervals by pid then time.
            for (a, b) in zip(cpus, cpus.dropFirst()) where Self.int(a, "cpu") == Self.int(b, "cpu") {
                #expect(Self.int(a, "end_ns") <= Self.int(b, "start_ns"))
            }
            #expect(zip(tasks, tasks.dropFirst()).allSatisfy { Self.int($0, "pid") <= Self.int($1, "pid") })
            // A task's running intervals are its runs on the CPU lanes, ns for ns, per CPU.
            var onLanes: [String: Int64] = [:], running: [String: Int64] = [:]
            for e in cpus where Self.int(e, "pid") != 0 {
                onLanes["\(Self.int(e, "pid"))@\(Self.int(e, "cpu"))", default: 0] += Self.int(e, "end_ns") - Self.int(e, "start_ns")
            }
            for e in tasks where e["state"] as? String == "running" {
                running["\(Self.int(e, "pid"))@\(Self.int(e, "cpu"))", default: 0] += Self.int(e, "end_ns") - Self.int(e, "start_ns")
            }
            #expect(!running.isEmpty && running == onLanes.filter { running[$0.key] != nil })
            // The last pid's intervals come from the second half: the same as a run asking for that task alone.
            let pids = tasks.map { Self.int($0, "pid") }
            for pid in [pids.first!, pids.last!, pids[pids.count / 2]] {
                let alone = try Self.entries(try Self.json(["--task", String(pid)]), "tasks")
                let mine = tasks.filter { Self.int($0, "pid") == pid }
                #expect(alone.count == mine.count && !mine.isEmpty, "pid \(pid)")
                #expect(zip(alone, mine).allSatisfy { NSDictionary(dictionary: $0).isEqual(to: $1) }, "pid \(pid)")
            }
        }

        @Test func aWindowClipsEveryInterval() throws {
            let all = try Self.json([])
            let cpus = try Self.entries(all, "cpus")
            let starts = cpus.map { Self.int($0, "start_ns") }.sorted()
            let from = starts[starts.count / 3], to = starts[starts.count * 2 / 3]
            // --from/--to take seconds as the trace prints them.
            let text = { (ns: Int64) in String(format: "%d.%09d", ns / 1_000_000_000, ns % 1_000_000_000) }
            let part = try Self.json(["--from", text(from), "--to", text(to)])
            for key in ["cpus", "tasks"] {
                let entries = try Self.entries(part, key)
                #expect(!entries.isEmpty)
                for e in entries { #expect(Self.int(e, "start_ns") >= from && Self.int(e, "end_ns") <= to && Self.int(e, "start_ns") < Self.int(e, "end_ns")) }
            }
        }
    }
}
