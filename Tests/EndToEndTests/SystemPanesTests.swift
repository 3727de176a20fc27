import Foundation
import Testing

extension EndToEnd {
    /// `tracetui dstat` and the system panes of a replayed session, driven as a user would.
    @Suite("System panes")
    struct SystemPanes {
        @Test func dstatPrintsTheFamiliarTableCSVAndJSON() throws {
            let bin = try Fixture.binary()
            let table = try CommandResult.run(bin, ["dstat", "--interval", "0.1", "--count", "2"])
            #expect(table.status == 0, "stderr: \(table.stderr)")
            let lines = table.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(table.stdout)")
            #expect(lines.first == "--total-cpu-usage-- -dsk/total- -net/total- ---paging-- ---system--")
            #expect(lines.dropFirst(2).allSatisfy { $0.count == lines[1].count && $0.filter { $0 == "|" }.count == 4 })

            let csv = try CommandResult.run(bin, ["dstat", "--interval", "0.1", "--count", "2", "--format", "csv"])
            let rows = csv.stdout.split(separator: "\n")
            #expect(rows.count == 3 && rows[0].hasPrefix("time,usr,sys,idl,wai,stl,dsk_read"), "\(csv.stdout)")
            #expect(rows[1].split(separator: ",").count == rows[0].split(separator: ",").count)

            let json = try CommandResult.run(bin, ["dstat", "--interval", "0.1", "--count", "1", "--format", "json"])
            let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
            let usr = try #require((object?["usr"] as? NSNumber)?.doubleValue, "\(json.stdout)")
            let idl = try #require((object?["idl"] as? NSNumber)?.doubleValue)
            #expect((0...100).contains(usr) && (0...100).contains(idl))

            let bad = try CommandResult.run(bin, ["dstat", "--interval", "0.01"])
            #expect(bad.status != 0 && bad.stderr.contains("at least 0.1"))
        }

        @Test func aRecordedSidecarIsReplayedAtTheCursorsTime() async throws {
            // Given samples recorded by `tracetui dstat --output`, and a trace whose events fall between them
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let trace = dir + "/session.txt"
            let recorded = try CommandResult.run(
                try Fixture.binary(), ["dstat", "--interval", "0.2", "--count", "4", "--output", trace + ".proc"])
            #expect(recorded.status == 0, "stderr: \(recorded.stderr)")
            let sidecar = try String(contentsOfFile: trace + ".proc", encoding: .utf8)
            let stamps = sidecar.split(separator: "\n").filter { $0.hasPrefix("T ") }.compactMap {
                Int64($0.split(separator: " ")[1])
            }
            #expect(stamps.count == 5, "4 rows need 5 samples: \(sidecar.prefix(200))")
            // and `dstat --from` prints the same four rows again from the file
            let again = try CommandResult.run(try Fixture.binary(), ["dstat", "--from", trace + ".proc"])
            let rows = again.stdout.split(separator: "\n")
            #expect(rows.count == 6 && rows[0].hasPrefix("--total-cpu-usage--"), "\(again.stdout)\(again.stderr)")
            // One event 1 µs after the second sample (in the interval ending at the third), one after the fourth
            func line(_ ns: Int64, _ pid: Int) -> String {
                let us = ns / 1000 + 1
                let frac = String(us % 1_000_000)
                return "            bash-\(pid)   [000] .....  \(us / 1_000_000)."
                    + String(repeating: "0", count: 6 - frac.count) + frac + ": sched_waking: comm=x pid=1 prio=120 target_cpu=000"
            }
            try (["# tracer: nop", "#", line(stamps[1], 100), line(stamps[3], 200)].joined(separator: "\n") + "\n")
                .write(toFile: trace, atomically: true, encoding: .utf8)
            let third = try #require(timestamp(stamps[2]))
            let fifth = try #require(timestamp(stamps[4]))

            // When it is replayed and 5 is pressed
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", trace)
            try await session.waitFor("1/2")
            try session.send("5")
            // Then the panes show the interval that ends at the third sample
            var screen = try await session.waitFor("System at \(third)")
            #expect(screen.lines.contains { $0.contains(" CPU [") }, "\(screen)")
            #expect(screen.lines.contains { $0.contains(" Mem [") })
            #expect(screen.lines.contains { $0.contains("DISK") } && screen.lines.contains { $0.contains("NET") })
            // and moving the cursor moves them
            try session.send("j")
            screen = try await session.waitFor("System at \(fifth)")
            // and v shows dstat's table, 5 goes back to the stream
            try session.send("v")
            try await session.waitFor("--total-cpu-usage--")
            try session.send("5")
            try await session.waitFor("DETAILS")
            // and 0 is the dashboard: the stream and the panes (still in their table mode) on one screen
            try session.send("0")
            try await session.waitUntil("the dashboard with the table") {
                $0.text.contains("DETAILS") && $0.text.contains("--total-cpu-usage--")
            }
            // 0 from the full-screen panes (back in panes mode) goes to the dashboard too
            try session.send("0", "5", "v", "0")
            // (waited for whole: a capture can catch a frame half drawn)
            try await session.waitUntil("the dashboard with the panes") {
                $0.text.contains("DETAILS") && $0.text.contains("System at \(fifth)") && $0.text.contains(" CPU [")
            }
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func liveUIShowsThePanesAndTheTable() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("dstat", "--ui", "--interval", "0.2")
            // An interval needs two samples; the panes then show the newest
            var screen = try await session.waitUntil("the newest interval") {
                $0.text.contains("System at") && $0.lines.contains { $0.hasPrefix("   0 [") }
            }
            #expect(screen.lines.contains { $0.hasPrefix(" CPU [") && $0.contains("usr") }, "\(screen)")
            #expect(screen.lines.contains { $0.hasPrefix("   0 [") }, "a bar for CPU 0: \(screen)")
            // perf counters ride along (system-wide counting needs root; otherwise the panes say why)
            if geteuid() == 0 {
                #expect(screen.lines.contains { $0.hasPrefix(" COUNTERS  ctxsw/s   migr/s minflt/s majflt/s") }, "\(screen)")
                #expect(screen.lines.contains { $0.hasPrefix(" all  ") }, "\(screen)")
                #expect(screen.lines.contains { $0.hasPrefix(" cpu 0  ") }, "\(screen)")
            } else {
                #expect(screen.lines.contains {
                    $0.hasPrefix(" counters: perf_event_open not permitted") || $0.hasPrefix(" COUNTERS ")
                }, "\(screen)")
            }
            try session.send("v")
            screen = try await session.waitFor("--total-cpu-usage--")
            #expect(screen.lines.contains { $0.contains("usr sys idl wai stl|") })
            try await session.quitAndExpectRestoredTerminal()
        }

        /// `1720.071781` from nanoseconds, as the panes title prints it.
        func timestamp(_ ns: Int64) -> String? {
            let us = (ns % 1_000_000_000) / 1000
            let frac = String(us)
            return "\(ns / 1_000_000_000)." + String(repeating: "0", count: 6 - frac.count) + frac
        }
    }
}
