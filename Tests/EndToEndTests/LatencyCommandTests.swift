import Foundation
import Testing

extension EndToEnd {
    /// `tracetui latency`: the real binary on recordings kept in Tests/Fixtures/latency.
    @Suite("The latency command")
    struct LatencyCommand {
        static func fixture(_ name: String) -> String {
            Fixture.packageRoot.appendingPathComponent("Tests/Fixtures/latency/\(name)").path
        }

        @Test func printsEachSectionAsATable() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["latency", Self.fixture("perf-sched-record.script.txt.gz"),
                                                                      "--rules", "perf-6.3"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "Scheduling delay (wakeup or preemption to switch-in), like perf sched latency")
            // perf sched latency on the same recording: `swift-frontend:(7) | 82.399 ms | 29 | avg: 10.240 ms | max: 32.036 ms`.
            let row = try #require(lines.first { $0.hasPrefix(" swift-frontend:(7)") }, "\(result.stdout)")
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells[1] == "82.399" && cells[2] == "29" && cells[4] == "32.036", "\(row)")
            // Sections without their events say so instead of printing nothing.
            #expect(result.stdout.contains("note: syscalls: the trace has no sys_exit events"))
        }

        @Test func writesTheDocumentedJSON() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["latency", Self.fixture("raw-syscalls-ls.script.txt.gz"),
                                                                      "--section", "syscalls", "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["syscalls", "syscalls_by_task", "notes"])
            let openat = try #require((object["syscalls"] as? [[String: Any]])?.first { $0["name"] as? String == "openat" })
            // perf trace -s of the same command: openat 39 calls, 19 errors.
            #expect(openat["calls"] as? Int == 39 && openat["errors"] as? Int == 19)
        }

        @Test func refusesAnUnknownSection() throws {
            let result = try CommandResult.run(try Fixture.binary(), ["latency", Self.fixture("sched-dd.dat"),
                                                                      "--section", "disk"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("unknown section 'disk'"))
        }
    }
}
