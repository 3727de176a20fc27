import Foundation
import Testing

extension EndToEnd {
    /// `--host`: captures on other machines over ssh — test hosts are network namespaces with an sshd each
    /// (`SSHLab`), all on this machine's kernel, each remote tracetui in an instance of its own.
    @Suite("Hosts over ssh", .enabled(if: Tmux.isAvailable, "tmux not installed: the live tests need it"))
    struct Hosts {
        static var available: Bool { LiveTracing.isAvailable && SSHLab.isAvailable }

        struct Keyed: Hashable {
            let key: Substring
            let time: Int64
        }

        /// A host file's sched_switch lines as (the line without its time, the time in ns), in file order.
        static func events(_ path: String) throws -> [(Substring, Int64)] {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            return text.split(separator: "\n").compactMap { line in
                guard line.contains("sched_switch"), let m = line.firstMatch(of: #/ (\d+)\.(\d{6}): /#) else { return nil }
                let time = Int64(m.output.1)! * 1_000_000_000 + Int64(m.output.2)! * 1000
                return (line[m.range.upperBound...], time)
            }
        }

        @Test(.enabled(if: Hosts.available))
        func recordFromThreeHostsKeepsEachHostAndMeasuresAFakeClockOffset() async throws {
            let lab = try SSHLab(hosts: 3)
            defer { lab.close() }
            let out = lab.directory + "/rec"
            let fake: Int64 = 2_500_000_000
            let run = try CommandResult.run("/usr/bin/env", [
                "TRACETUI_TEST_CLOCK_OFFSET_NS_host2=\(fake)", try Fixture.binary(), "record",
                "--host", "host1", "--host", "host2", "--host", "host3", "--ssh-config", lab.config,
                "--remote-tracetui", try Fixture.binary(), "-e", "sched:sched_switch", "--duration", "8", "-o", out,
            ], timeout: .seconds(30))
            #expect(run.status == 0, "record --host: \(run.stderr)")
            let index = try String(contentsOfFile: out + "/hosts.index", encoding: .utf8)
            var offsets: [String: (Int64, Int64)] = [:]
            for line in index.split(separator: "\n") where line.hasPrefix("host ") {
                let w = line.split(separator: " ")
                offsets[String(w[1])] = (Int64(w[3]) ?? .min, Int64(w[4]) ?? -1)
            }
            #expect(offsets.count == 3, "index: \(index)")
            // All three run on this machine's clock: the true offsets are 0, 2.5 s (the fake) and 0, and each
            // measurement is within ± half its round trip of it.
            for (host, truth) in [("host1", Int64(0)), ("host2", fake), ("host3", Int64(0))] {
                let (offset, uncertainty) = try #require(offsets[host])
                #expect(uncertainty > 0 && abs(offset - truth) <= uncertainty,
                        "\(host): measured \(offset) ± \(uncertainty), true offset \(truth)")
                #expect(run.stderr.contains("\(host): running, clock offset"), "\(run.stderr)")
                // Each remote capture ended by itself once its stdin closed, its instance removed.
                #expect(run.stderr.range(of: #"\#(host): \d+ lines written .* removed \(stdin closed\)"#,
                                         options: .regularExpression) != nil, "\(run.stderr)")
            }
            // The hosts share one kernel: both instances saw the same sched_switch events. host2 wrote each 2.5 s
            // ahead; less its measured offset, each lands on host1's time for it, within the uncertainty.
            let one = try Self.events(out + "/host1.txt"), two = try Self.events(out + "/host2.txt")
            let (measured, uncertainty) = try #require(offsets["host2"])
            var matched = 0
            let seen = Set(one.map { Keyed(key: $0.0, time: $0.1) })
            for (key, t2) in two where seen.contains(Keyed(key: key, time: t2 - fake)) {
                matched += 1
                #expect(abs(t2 - measured - (t2 - fake)) <= uncertainty + 1000)
            }
            #expect(matched >= 10, "events both hosts saw: \(matched) of \(two.count)")
            try Self.checkSidecars(out, hosts: ["host1", "host2", "host3"], seconds: 8)
            #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")

            // The directory opens with the hosts: the host column, and host2's rows back on the common clock.
            let session = try TmuxSession(width: 150, height: 20)
            defer { session.close() }
            try session.run("clear; cd \(shellQuoted(out)) && \(shellQuoted(try Fixture.binary())) replay .; echo \"EXIT=$?\"")
            try await session.waitFor("HOST")
            // The hosts saw the same events: exported, the stream holds their rows among each other in one time
            // order, not one host after another.
            try session.send("x")
            try await session.waitFor("CSV of the event stream")
            try session.send("v")
            let exported = try await session.waitUntil("the export", timeout: .seconds(20)) { $0.text.contains("exported ") }
            let name = try #require(exported.text.firstMatch(of: #/exported \d+ records to (\S+\.csv)/#)?.output.1)
            let csv = try Self.csvRows(name.hasPrefix("/") ? String(name) : out + "/" + name)
            #expect(csv.count == one.count + two.count + (try Self.events(out + "/host3.txt")).count
                    + csv.filter { $0.event != "sched_switch" }.count)
            let times = csv.map(\.time)
            #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "rows out of time order")
            let changes = zip(csv, csv.dropFirst()).filter { $0.host != $1.host }.count
            #expect(changes >= csv.count / 4, "the hosts alternate: \(changes) changes of host in \(csv.count) rows")
            try session.send("f")
            try session.type("host == host2")
            try session.send("Enter")
            let screen = try await session.waitUntil("host2's rows alone") { s in
                s.text.contains("filter: host == host2") && s.lines.dropFirst().prefix(3).allSatisfy { !$0.contains("host1") }
                    && s.lines.contains { $0.hasPrefix(" host2 ") }
            }
            let row = try #require(screen.lines.first { $0.hasPrefix(" host2 ") })
            let shown = try #require(row.firstMatch(of: #/ (\d+)\.(\d{6}) /#))
            let shownNs = Int64(shown.output.1)! * 1_000_000_000 + Int64(shown.output.2)! * 1000
            // The first host2 row, shown at its file time less the offset (the display rounds to µs).
            let first = try #require(two.first).1
            #expect(abs(shownNs - (first - measured)) <= 1000, "host2 shown at \(shownNs), in its file at \(first)")
            // The panes follow the filter: host2's own samples, at the cursor's time on the common clock.
            try session.send("5")
            let panes = try await session.waitUntil("host2's panes") { s in s.text.contains("System of host2 at") }
            #expect(Self.cpuBars(panes) == Array(0..<Self.cpuCount), "\(panes.text)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test(.enabled(if: Hosts.available))
        func liveFromThreeHostsWithACopiedBinarySurvivesADroppedHostAndLeavesNothing() async throws {
            let lab = try SSHLab(hosts: 3)
            defer { lab.close() }
            let copiesBefore = SSHLab.copiedBinaries
            let session = try TmuxSession(width: 200, height: 24)
            defer { session.close() }
            // --remote-binary: the hosts' PATH has no tracetui; each gets a copy of this one.
            try session.launch("--host", "host1", "--host", "host2", "--host", "host3", "--ssh-config", lab.config,
                               "--remote-binary", "-e", "sched:sched_switch")
            try await session.waitUntil("all three hosts running with their offsets", timeout: .seconds(30)) { s in
                ["host1 +", "host2 +", "host3 +"].allSatisfy { s.text.contains($0) || s.text.contains($0.replacingOccurrences(of: "+", with: "−")) }
            }
            try await session.waitFor("HOST")
            try lab.kill(host: 3)
            let screen = try await session.waitUntil("host3's failure said", timeout: .seconds(20)) { s in
                s.text.contains("host3: ")
            }
            #expect(screen.text.contains("host3: connection dropped") || screen.text.contains("host3: unreachable"),
                    "\(screen.text)")
            // The others go on.
            let rows = try await session.waitUntil("host1 and host2 still delivering") { s in
                s.text.contains("● live") && (s.text.contains(" host1 ") || s.text.contains(" host2 "))
            }
            #expect(!rows.text.contains("host1: ") && !rows.text.contains("host2: "), "\(rows.text)")
            // `w` keeps the hosts: a directory with a file per host and the index.
            let saved = lab.directory + "/saved"
            try session.send("w")
            try await session.waitFor("save to:")
            try session.send("C-u")
            try session.type(saved)
            try session.send("Enter")
            try await session.waitUntil("the saved message") { $0.text.contains("saved ") && $0.text.contains("hosts to") }
            let index = try String(contentsOfFile: saved + "/hosts.index", encoding: .utf8)
            #expect(["host1", "host2", "host3"].allSatisfy { index.contains("host \($0) \($0).txt ") }, "\(index)")
            // The dropped connection left a lost-events row on host3, where its events stop.
            let host3 = try String(contentsOfFile: saved + "/host3.txt", encoding: .utf8)
            #expect(host3.hasSuffix("[LOST EVENTS]\n"), "host3's saved lines end: \(host3.suffix(200))")
            try await session.quitAndExpectRestoredTerminal()
            #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")
            // Every copy removed by the remote shell once its capture ended.
            try await Task.sleep(for: .milliseconds(500))
            #expect(SSHLab.copiedBinaries.subtracting(copiesBefore).isEmpty,
                    "copies left: \(SSHLab.copiedBinaries.subtracting(copiesBefore))")
        }

        @Test(.enabled(if: Hosts.available))
        func unreachableHostAndMissingTracetuiAreSaidWithTheirReasons() async throws {
            let lab = try SSHLab(hosts: 1)
            defer { lab.close() }
            try lab.addRefusedHost("refused")
            let run = try CommandResult.run(try Fixture.binary(), [
                "record", "--host", "refused", "--host", "host1", "--ssh-config", lab.config,
                // Long enough for ssh to reach host1 and be refused there on a loaded machine.
                "--remote-tracetui", "/nonexistent/tracetui", "-e", "sched:sched_switch", "--duration", "5",
                "-o", lab.directory + "/rec",
            ], timeout: .seconds(20))
            #expect(run.stderr.contains("refused: unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused"),
                    "\(run.stderr)")
            #expect(run.stderr.contains("host1: no tracetui on the host"), "\(run.stderr)")
            #expect(run.stderr.contains("(retry in "), "a failed host is tried again: \(run.stderr)")
        }
    }
}

extension EndToEnd.Hosts {
    /// `record -o -`: the text goes to stdout as it is read, and a closed pipe or a hangup ends it cleanly.
    @Test(.enabled(if: LiveTracing.isAvailable))
    func recordToStdoutEndsCleanlyOnAClosedPipeAndOnSIGHUP() throws {
        let bin = try Fixture.binary()
        let piped = try CommandResult.run("/bin/sh", ["-c",
            "\(shellQuoted(bin)) record -o - -e sched:sched_switch | head -c 4000 | grep -c sched_switch"],
            timeout: .seconds(20))
        #expect((Int(piped.stdout.split(separator: "\n").last ?? "") ?? 0) > 0, "lines through the pipe: \(piped.stdout)")
        #expect(piped.stderr.contains("removed (stdout closed)"), "\(piped.stderr)")
        let hup = try CommandResult.run("/bin/sh", ["-c",
            "\(shellQuoted(bin)) record -o - -e sched:sched_switch >/dev/null & p=$!; sleep 2; kill -HUP $p; wait $p; echo rc=$?"],
            timeout: .seconds(20))
        #expect(hup.stderr.contains("removed (SIGHUP)"), "\(hup.stderr)")
        #expect(hup.stdout.contains("rc=0"), "\(hup.stdout)")
        #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")
    }
}
