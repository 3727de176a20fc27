import Foundation
import Testing

extension EndToEnd {
    /// `x` in the viewer and `tracetui dump`: files other tools open.
    @Suite("Export", .enabled(if: Tmux.isAvailable, "tmux not installed: the viewer tests need it"))
    struct Export {
        /// Given a filter, `x` then `c` writes Chrome JSON of the filtered rows into the current directory,
        /// says where in the status bar, and under sudo hands the file to the invoking user.
        @Test func xExportsTheFilteredViewAsChromeJSON() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let session = try TmuxSession()
            defer { session.close() }
            let words = ["env", "SUDO_UID=4242", "SUDO_GID=4343", try Fixture.binary(), "replay",
                         try Fixture.sample(Samples.syscalls)].map(shellQuoted).joined(separator: " ")
            try session.run("clear; cd \(shellQuoted(dir)) && \(words); echo \"EXIT=$?\"")
            try await session.waitFor("1/26,222")
            try session.send("f")
            try session.type("event == sched_switch")
            try session.send("Enter")
            try await session.waitFor("filter: event == sched_switch")
            try session.send("x")
            try await session.waitFor("Chrome trace JSON")
            try session.send("c")
            let screen = try await session.waitFor("exported")
            let path = dir + "/tracetui-" + Samples.syscallsName.dropLast(".txt".count) + ".json"
            #expect(screen.status.contains("tracetui-"), "status: \(screen.status)")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let events = try #require(object?["traceEvents"] as? [[String: Any]])
            let instants = events.filter { $0["ph"] as? String == "i" }
            // The sample has 1,730 sched_switch lines (see ExportFormatTests).
            #expect(instants.count == 1_730)
            #expect(instants.allSatisfy { $0["name"] as? String == "sched_switch" })
            if geteuid() == 0 {
                let attributes = try FileManager.default.attributesOfItem(atPath: path)
                #expect((attributes[.ownerAccountID] as? NSNumber)?.intValue == 4242)
                #expect((attributes[.groupOwnerAccountID] as? NSNumber)?.intValue == 4343)
            }
            try await session.quitAndExpectRestoredTerminal()
        }

        /// The export is written in the background: while it runs (held open by the debug build's test gate) the
        /// status bar says so and the keys still move the cursor; then it says where the file went.
        @Test func theViewerAnswersKeysWhileAnExportIsWritten() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let gate = dir + "/gate"
            let session = try TmuxSession()
            defer { session.close() }
            let words = ["env", "TRACETUI_TEST_EXPORT_GATE=\(gate)", try Fixture.binary(), "replay",
                         try Fixture.sample(Samples.syscalls)].map(shellQuoted).joined(separator: " ")
            try session.run("clear; cd \(shellQuoted(dir)) && \(words); echo \"EXIT=$?\"")
            try await session.waitFor("1/26,222")
            try session.send("x")
            try await session.waitFor("Chrome trace JSON")
            try session.send("c")
            try await session.waitFor("exporting…")
            try session.send("j")
            try session.send("j")
            let moved = try await session.waitFor("3/26,222")
            #expect(moved.status.contains("exporting…"), "still exporting: \(moved.status)")
            #expect(FileManager.default.createFile(atPath: gate, contents: nil))
            let done = try await session.waitFor("exported ")
            #expect(done.status.contains(dir + "/tracetui-"), "status: \(done.status)")
            try await session.quitAndExpectRestoredTerminal()
        }

        /// A gzip file (named without .gz: the content decides) opens in the viewer like the plain text.
        @Test func aGzipLogOpensInTheViewer() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let packed = dir + "/syscalls.log"
            let gzip = try CommandResult.run("/bin/sh", ["-c", "gzip -c \(shellQuoted(try Fixture.sample(Samples.syscalls))) > \(shellQuoted(packed))"])
            #expect(gzip.status == 0, "gzip: \(gzip.stderr)")
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", packed)
            let screen = try await session.waitFor("1/26,222")
            #expect(screen.eventRows.first?.contains("sys_enter_openat") == true)
            try await session.quitAndExpectRestoredTerminal()
        }

        /// func_ab: 169 samples, each main ← __libc_start_main with func_b (88) or func_a (81) as the leaf
        /// (counted with awk on the file); ties keep the order of first appearance, as perf's do.
        @Test func dumpWritesTheHotspotTableAsCSV() async throws {
            let file = try Fixture.sample("perf-script/flamegraph-test-perf-funcab-cmd-01.txt")
            let expected = [
                "Children,Self,Samples,Command,Shared Object,Symbol",
                "100.00,0.00,0,func_ab,/root/lang/func_ab,main",
                "100.00,0.00,0,func_ab,/lib/x86_64-linux-gnu/libc-2.19.so,__libc_start_main",
                "52.07,52.07,88,func_ab,/root/lang/func_ab,func_b",
                "47.93,47.93,81,func_ab,/root/lang/func_ab,func_a",
            ]
            let dump = try CommandResult.run(try Fixture.binary(), ["dump", file, "--format", "csv", "--table", "hotspots"])
            #expect(dump.status == 0, "stderr: \(dump.stderr)")
            #expect(dump.stdout.split(separator: "\n").map(String.init) == expected)
            let report = try CommandResult.run(try Fixture.binary(), ["report", file, "--format", "csv"])
            #expect(report.stdout == dump.stdout)
            // function_graph: the durations table, per function.
            let graph = try CommandResult.run(try Fixture.binary(), [
                "dump", try Fixture.sample(Samples.graph), "--format", "csv", "--table", "hotspots",
            ])
            #expect(graph.status == 0, "stderr: \(graph.stderr)")
            #expect(graph.stdout.hasPrefix("Total,Self,Calls,Avg,Max,Min,Symbol\n"), "\(graph.stdout.prefix(200))")
        }

        @Test func dumpWritesCSVAndAFlameGraphOfFoldedStacks() async throws {
            let csv = try CommandResult.run(try Fixture.binary(), ["dump", try Fixture.sample(Samples.syscalls), "--format", "csv"])
            #expect(csv.status == 0, "stderr: \(csv.stderr)")
            #expect(csv.stdout.split(separator: "\n").count == 26_223)
            let svg = try CommandResult.run(try Fixture.binary(), [
                "dump", try Fixture.sample("folded/speedscope-stackcollapse-recursion.txt"), "--format", "svg",
            ])
            #expect(svg.status == 0, "stderr: \(svg.stderr)")
            #expect(svg.stdout.hasPrefix("<?xml") && svg.stdout.contains("</svg>"))
            let none = try CommandResult.run(try Fixture.binary(), [
                "dump", try Fixture.sample(Samples.syscalls), "--format", "svg",
            ])
            #expect(none.status == 1)
            #expect(none.stderr.contains("no function_graph calls"), "stderr: \(none.stderr)")
        }
    }
}
