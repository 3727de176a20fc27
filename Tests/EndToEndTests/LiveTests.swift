import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui`: live capture in an instance of its own, and nothing left behind however it ends.
    @Suite("Live", .enabled(if: Tmux.isAvailable, "tmux not installed: the live tests need it"))
    struct Live {
        @Test(.enabled(if: LiveTracing.isAvailable))
        func liveShowsEventsPausesSavesAndTheSavedFileReplays() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let saved = directory + "/saved.txt"
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            try session.launch("-e", "sched:sched_switch", "--proc-interval", "0.2")
            try await session.waitFor("● live")
            try await session.waitFor("sched_switch")
            // The system panes run beside the capture: two /proc samples make the first interval.
            try session.send("5")
            try await session.waitUntil("the newest interval in the panes") {
                $0.text.contains("System at") && $0.text.contains(" CPU [")
            }
            try session.send("1")
            try await session.waitFor("sched_switch")
            try session.send("Space")
            try await session.waitFor("‖ paused")
            try session.send("w")
            try await session.waitFor("save to:")
            try session.send("C-u")
            try session.type(saved)
            try session.send("Enter")
            let screen = try await session.waitUntil("the saved message") { $0.text.contains("saved ") && $0.text.contains(" events to ") }
            let line = try #require(screen.lines.first { $0.contains(" events to ") })
            let count = try #require(line.firstMatch(of: #/saved ([\d,]+) events/#)).output.1.replacing(",", with: "")
            try await session.quitAndExpectRestoredTerminal()
            #expect(LiveTracing.deadInstances.isEmpty, "left behind: \(LiveTracing.deadInstances)")
            let sidecar = try String(contentsOfFile: saved + ".proc", encoding: .utf8)
            #expect(sidecar.hasPrefix("tracetui-proc 1"), "the /proc samples saved beside the trace")
            #expect(sidecar.split(separator: "\n").filter { $0.hasPrefix("T ") }.count >= 2)

            let stat = try CommandResult.run(try Fixture.binary(), ["stat", "--format", "json", saved])
            #expect(stat.status == 0)
            #expect(stat.stdout.contains("\"events\":\(count)") || stat.stdout.contains("\"events\": \(count)"),
                    "stat of the saved file: \(stat.stdout.prefix(300)) — expected \(count) events")
            #expect(stat.stdout.contains("sched_switch"))
            #expect(stat.stdout.contains("\"unparsed\":0") || stat.stdout.contains("\"unparsed\": 0"))

            try session.launch("replay", saved)
            try await session.waitFor("1/\(grouped(String(count)))")
            try await session.waitFor("sched_switch")
            // The replay finds the sidecar: the panes know the samples (the cursor may sit before the first).
            try session.send("5")
            try await session.waitUntil("the saved samples in the panes") {
                $0.text.contains("System at") || $0.text.contains("samples cover")
            }
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test(.enabled(if: LiveTracing.isAvailable))
        func aSaveAskedForJustBeforeQuittingIsWrittenWhole() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let saved = directory + "/quit.txt"
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            try session.launch("-e", "sched:sched_switch")
            try await session.waitFor("● live")
            try await session.waitFor("sched_switch")
            try session.send("w")
            try await session.waitFor("save to:")
            try session.send("C-u")
            try session.type(saved)
            try session.send("Enter", "q")
            #expect(try await session.exitStatus() == 0)
            // The save ends after the screen is gone: its line is printed below the shell prompt.
            let screen = try await session.waitUntil("the saved line") { $0.text.contains("tracetui: saved ") }
            let line = try #require(screen.lines.first { $0.contains("tracetui: saved ") })
            let count = try #require(line.firstMatch(of: #/saved ([\d,]+) events/#)).output.1.replacing(",", with: "")
            let stat = try CommandResult.run(try Fixture.binary(), ["stat", "--format", "json", saved])
            #expect(stat.stdout.contains("\"events\":\(count)") || stat.stdout.contains("\"events\": \(count)"),
                    "stat of the saved file: \(stat.stdout.prefix(300)) — expected \(count) events")
        }

        @Test(.enabled(if: LiveTracing.isAvailable))
        func xExportsWhatTheLiveViewHolds() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            let words = [try Fixture.binary(), "-e", "sched:sched_switch"].map(shellQuoted).joined(separator: " ")
            try session.run("clear; cd \(shellQuoted(directory)) && \(words); echo \"EXIT=$?\"")
            try await session.waitFor("● live")
            try await session.waitFor("sched_switch")
            try session.send("Space")
            try await session.waitFor("‖ paused")
            try session.send("x")
            try await session.waitFor("Chrome trace JSON")
            try session.send("c")
            try await session.waitFor("exported")
            try await session.quitAndExpectRestoredTerminal()
            let written = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
            let file = try #require(written.first, "no JSON in \(directory)")
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let events = (object?["traceEvents"] as? [[String: Any]]) ?? []
            #expect(events.contains { $0["name"] as? String == "sched_switch" }, "\(events.count) events in \(file)")
        }

        @Test("A stop signal or SIGKILL + cleanup leaves no instance and the global files as they were",
              .enabled(if: LiveTracing.isAvailable), arguments: ["TERM", "HUP", "KILL"])
        func nothingLeftBehind(signalName: String) async throws {
            let number = try #require(["TERM": SIGTERM, "HUP": SIGHUP, "KILL": SIGKILL][signalName])
            let before = LiveTracing.globalState()
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            let pidFile = try session.launchUnderSh("--uprobe", "p:rl /bin/bash:readline", in: directory)
            try await session.waitFor("● live")
            let pid = try await session.pid(from: pidFile)
            #expect(LiveTracing.instanceExists(pid: pid))
            #expect(kill(pid, number) == 0)
            if number == SIGKILL {
                // A killed curses program leaves the terminal raw with the cursor anywhere: the script's
                // output may wrap unreadably, so wait for the process itself to be gone.
                let deadline = ContinuousClock.now + .seconds(10)
                while kill(pid, 0) == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                #expect(kill(pid, 0) != 0)
                let cleanup = try CommandResult.run(try Fixture.binary(), ["--cleanup"])
                #expect(cleanup.status == 0, "cleanup: \(cleanup.stderr)")
            } else {
                let outcome = try await session.shOutcome()
                #expect(outcome.status == 128 + number, "tracetui exited with \(outcome.status) after SIG\(signalName)")
                expectRestored(outcome.modes)
            }
            #expect(!LiveTracing.instanceExists(pid: pid))
            let after = LiveTracing.globalState()
            for file in LiveTracing.globalFiles {
                #expect(before[file] == after[file], "\(file) changed: \(String(decoding: before[file] ?? Data(), as: UTF8.self)) → \(String(decoding: after[file] ?? Data(), as: UTF8.self))")
            }
        }

        @Test(.enabled(if: LiveTracing.isAvailable))
        func aSwiftTrapRestoresTheTerminalAndLeavesNoInstance() async throws {
            let before = LiveTracing.globalState()
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            // The debug build traps (an out-of-range index) once the first events are in the store.
            let pidFile = try session.launchUnderSh(in: directory, environment: ["TRACETUI_TEST_CRASH": "1"])
            let pid = try await session.pid(from: pidFile)
            let outcome = try await session.shOutcome(timeout: .seconds(40))
            #expect(outcome.status == 128 + Int(SIGILL) || outcome.status == 128 + Int(SIGTRAP),
                    "exit status \(outcome.status) after a trap")
            expectRestored(outcome.modes)
            // The crash handler removes the instance; the watchdog catches what it could not.
            let deadline = ContinuousClock.now + .seconds(5)
            while LiveTracing.instanceExists(pid: pid), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!LiveTracing.instanceExists(pid: pid))
            #expect(before == LiveTracing.globalState())
        }

        @Test(.enabled(if: LiveTracing.isAvailable))
        func recordTracesACommandAndItsChildren() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let out = directory + "/record.txt"
            let result = try CommandResult.run(
                try Fixture.binary(), ["record", "-o", out, "--", "/bin/sh", "-c", "/bin/ls / > /dev/null; /bin/sleep 0.1"],
                timeout: .seconds(30))
            #expect(result.status == 0, "record: \(result.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.contains("sched_process_exec: filename=/bin/ls"))
            #expect(text.contains("sys_enter_openat"))
            #expect(text.contains("           ls-") && text.contains("        sleep-"))
            #expect(LiveTracing.deadInstances.isEmpty)
        }

        /// Run by another name (a symlink `tt`), a capture is still its watchdog's live tracetui: its comm is `tt`,
        /// and the watchdog took it for gone and stopped the capture 0.2 s in.
        @Test(.enabled(if: LiveTracing.isAvailable))
        func aTracetuiRunByAnotherNameTracesToTheEnd() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let tt = directory + "/tt"
            try FileManager.default.createSymbolicLink(atPath: tt, withDestinationPath: try Fixture.binary())
            let out = directory + "/ticks.txt"
            // A marker every 0.1 s for 1.5 s: the trace must hold the last ones.
            let result = try CommandResult.run(
                tt, ["record", "-o", out, "-e", "syscalls:sys_enter_clock_nanosleep", "--",
                     "/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do /bin/sleep 0.1; done"],
                timeout: .seconds(30))
            #expect(result.status == 0, "record: \(result.stderr)")
            let text = try String(contentsOfFile: out, encoding: .utf8)
            let sleeps = text.split(separator: "\n").filter { $0.contains("sys_enter_clock_nanosleep") }
            #expect(sleeps.count >= 15, "\(sleeps.count) sleeps traced")
            #expect(LiveTracing.deadInstances.isEmpty)
        }

        @Test(.enabled(if: LiveTracing.isAvailable))
        func stacktraceAndFiltersReachTheKernelAndReadBack() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let out = directory + "/stacks.txt"
            let result = try CommandResult.run(
                try Fixture.binary(), ["record", "-o", out, "-e", "sched:sched_switch", "--stacktrace", "--cpu", "0",
                                       "--filter", "sched_switch:prev_prio==120", "--duration", "0.5"], timeout: .seconds(30))
            #expect(result.status == 0, "record: \(result.stderr)")
            let stat = try CommandResult.run(try Fixture.binary(), ["stat", "--format", "json", out])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(stat.stdout.utf8)) as? [String: Any])
            let events = try #require(json["events"] as? Int)
            #expect(events > 0)
            #expect(json["stack_traces"] as? Int == events, "every sched_switch carries its stack: \(stat.stdout.prefix(400))")
            #expect(json["unparsed"] as? Int == 0)
            #expect((json["by_cpu"] as? [String: Int])?.keys.sorted() == ["0"])
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(!text.split(separator: "\n").contains { $0.contains("sched_switch:") && !$0.contains("prev_prio=120") })
        }

        @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
                       "needs root to switch to nobody, and setpriv"))
        func nonRootGetsOneClearLineAndExitCode1() throws {
            for args in [[String](), ["record", "-o", "/tmp/tracetui-nobody.txt"]] {
                let result = try CommandResult.run(
                    "/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", try Fixture.binary()] + args)
                #expect(result.status == 1)
                #expect(result.stderr.contains("sudo tracetui"), "stderr: \(result.stderr)")
                #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
            }
        }
    }
}

/// 12345 → "12,345", as the status bar prints counts.
private func grouped(_ s: String) -> String {
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}
