import Foundation
import Testing

extension EndToEnd {
    /// `tracetui stat -- COMMAND`: the real binary counts a real command, as `perf stat` would print it.
    @Suite("Counting a command")
    struct StatCommand {
        /// Counting one's own child needs perf_event_paranoid ≤ 2 (user space only) or root.
        static var countable: Bool {
            if geteuid() == 0 { return true }
            let paranoid = (try? String(contentsOfFile: "/proc/sys/kernel/perf_event_paranoid", encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 4
            if paranoid > 2 { print("skipping `tracetui stat -- COMMAND` tests: kernel.perf_event_paranoid is \(paranoid), not root") }
            return paranoid <= 2
        }

        static func spin() throws -> String {
            let path = Fixture.packageRoot.appendingPathComponent(".build/debug/tracetui-spin").path
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw E2EError("tracetui-spin not found at \(path): run `swift build` before `swift test`")
            }
            return path
        }

        @Test(.enabled(if: StatCommand.countable))
        func printsPerfStatsSummaryOfTheCommand() throws {
            let spin = try Self.spin()
            let result = try CommandResult.run(try Fixture.binary(), ["stat", "--", spin, "faults", "1000"],
                                               timeout: .seconds(20))
            #expect(result.status == 0, "stderr: \(result.stderr)")
            // The command's own output is untouched on stdout; the summary is on stderr, as perf stat puts it
            #expect(result.stdout == "1000\n")
            let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.prefix(3) == ["", " Performance counter stats for '\(spin) faults 1000':", ""], "\(result.stderr)")
            func line(_ name: String) -> String? { lines.first { $0.split(separator: " ").contains(Substring(name)) } }
            let taskClock = try #require(line("task-clock"), "\(result.stderr)")
            #expect(taskClock.wholeMatch(of: /^ +[0-9]+\.[0-9]{2} msec task-clock {23}# +[0-9]+\.[0-9]{3} CPUs utilized$/) != nil, "\(taskClock)")
            let minor = try #require(line("minor-faults"), "\(result.stderr)")
            let match = try #require(minor.wholeMatch(of: /^ +([0-9]+) {6}minor-faults {21}# +[0-9]+\.[0-9]{3} [KMG]?\/sec$/), "\(minor)")
            let faults = try #require(Int(match.1))
            // 1000 fresh pages, plus exec and the C runtime (~200 here)
            #expect(faults >= 1000 && faults <= 1600, "\(minor)")
            for name in ["context-switches", "cpu-migrations", "page-faults", "major-faults"] {
                #expect(line(name) != nil, "no \(name) line: \(result.stderr)")
            }
            // Where the CPU has no PMU (this VM), cycles and instructions say so, as perf does
            for name in ["cycles", "instructions"] {
                let l = try #require(line(name), "\(result.stderr)")
                #expect(l == "   <not supported>      \(name)" || l.contains(#/^ +[0-9]+ {6}\#(name) +# /#), "\(l)")
            }
            #expect(lines.contains { $0.wholeMatch(of: /^ +[0-9]+\.[0-9]{9} seconds time elapsed$/) != nil }, "\(result.stderr)")
            #expect(lines.contains { $0.wholeMatch(of: /^ +[0-9]+\.[0-9]{9} seconds user$/) != nil })
            #expect(lines.contains { $0.wholeMatch(of: /^ +[0-9]+\.[0-9]{9} seconds sys$/) != nil })
        }

        @Test(.enabled(if: StatCommand.countable))
        func exitsWithTheCommandsStatusAndWritesJSON() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["stat", "--format", "json", "--", "/bin/sh", "-c", "exit 3"],
                                               timeout: .seconds(20))
            #expect(result.status == 3, "stderr: \(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stderr.utf8)) as? [String: Any],
                                      "\(result.stderr)")
            #expect(object["command"] as? [String] == ["/bin/sh", "-c", "exit 3"])
            #expect((object["exit_status"] as? NSNumber)?.intValue == 3)
            let counters = try #require(object["counters"] as? [[String: Any]])
            #expect(counters.map { $0["event"] as? String } == ["task-clock", "context-switches", "cpu-migrations",
                                                               "page-faults", "minor-faults", "major-faults", "cycles",
                                                               "instructions"])
            let taskClock = try #require(counters.first?["value"] as? NSNumber)
            #expect(taskClock.doubleValue > 0)
        }

        @Test func aMissingCommandIsAOneLineErrorWithStatus127() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["stat", "--", "tracetui-no-such-command"])
            #expect(result.status == 127)
            #expect(result.stderr == "Error: tracetui-no-such-command: command not found\n", "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }

        @Test func aFileNamedLikeACommandSuggestsTheDashDashForm() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["stat", "ls"])
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("(to count a command: tracetui stat -- ls)"), "\(result.stderr)")
        }
    }
}
