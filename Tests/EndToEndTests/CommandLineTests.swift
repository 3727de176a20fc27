import Foundation
import Testing

extension EndToEnd {
    /// Subcommands that print and exit: errors and `stat`. These run the binary directly, no terminal needed.
    @Suite("Command line")
    struct CommandLine {
        @Test func replayOfAMissingFileIsAOneLineError() async throws {
            let result = try CommandResult.run(try Fixture.binary(), ["replay", "/nonexistent"])
            #expect(result.status == 1)
            let lines = (result.stdout + result.stderr).split(separator: "\n")
            #expect(lines.count == 1, "output: \(result.stdout + result.stderr)")
            #expect(lines.first?.contains("no such file") == true, "output: \(result.stdout + result.stderr)")
            // Errors belong on stderr, so `tracetui … > file` never captures them
            #expect(result.stdout.isEmpty, "stdout: \(result.stdout)")
        }

        @Test func replayOfADirectoryIsAOneLineError() async throws {
            let result = try CommandResult.run(try Fixture.binary(), ["replay", Fixture.samplesDirectory])
            #expect(result.status == 1)
            let lines = (result.stdout + result.stderr).split(separator: "\n")
            #expect(lines.count == 1, "output: \(result.stdout + result.stderr)")
            #expect(lines.first?.contains("is a directory") == true, "output: \(result.stdout + result.stderr)")
        }

        @Test func statPrintsTheSummaryAsJSON() async throws {
            let result = try CommandResult.run(
                try Fixture.binary(), ["stat", "--format", "json", try Fixture.sample(Samples.syscalls)])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
            let summary = try #require(json as? [String: Any], "not a JSON object: \(result.stdout)")

            for key in ["tracer", "cpus", "events", "by_event", "by_cpu", "lost_events", "unparsed",
                        "first_timestamp", "last_timestamp"] {
                #expect(summary[key] != nil, "missing key \(key) in \(result.stdout)")
            }
            #expect(summary["tracer"] as? String == "nop")
            #expect((summary["cpus"] as? NSNumber)?.intValue == 2)
            #expect((summary["events"] as? NSNumber)?.intValue == 26_222)
            #expect((summary["lost_events"] as? NSNumber)?.intValue == 0)
            #expect((summary["unparsed"] as? NSNumber)?.intValue == 0)
            let byCPU = try #require(summary["by_cpu"] as? [String: Any])
            #expect(byCPU.mapValues { ($0 as? NSNumber)?.intValue } == ["0": 17_524, "1": 8_698])
            let byEvent = try #require(summary["by_event"] as? [String: Any])
            #expect(byEvent.values.compactMap { ($0 as? NSNumber)?.intValue }.reduce(0, +) == 26_222)
            #expect((byEvent["sched_switch"] as? NSNumber)?.intValue == 1_730)
            let first = try #require((summary["first_timestamp"] as? NSNumber)?.doubleValue)
            let last = try #require((summary["last_timestamp"] as? NSNumber)?.doubleValue)
            #expect(abs(first - 1720.071781) < 1e-6 && abs(last - 1720.509787) < 1e-6, "first \(first), last \(last)")
        }
    }
}
