import Foundation
import Testing

extension EndToEnd {
    /// However tracetui ends — q, Ctrl-C, a signal, a crash — the shell gets its terminal back.
    @Suite("Terminal restore", .enabled(if: Tmux.isAvailable, "tmux not installed: the terminal tests need it"))
    struct TerminalRestore {
        @Test func quitRestoresTheTerminal() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")
            // q, then `stty -a` typed into bash
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func ctrlCQuitsAndRestoresTheTerminal() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")
            try session.send("C-c")
            // bash prints EXIT= only if tracetui exited rather than died of SIGINT
            let status = try await session.exitStatus()
            #expect(status == 0, "tracetui exited with \(status) after Ctrl-C")
            expectRestored(try await session.terminalModes())
        }

        @Test("A stop signal ends tracetui and restores the terminal", arguments: ["TERM", "HUP", "INT"])
        func stopSignalRestoresTheTerminal(signalName: String) async throws {
            let number = try #require(["TERM": SIGTERM, "HUP": SIGHUP, "INT": SIGINT][signalName])
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession()
            defer { session.close() }
            let pidFile = try session.launchUnderSh("replay", try Fixture.sample(Samples.syscalls), in: directory)
            try await session.waitFor("1/26,222")
            let pid = try await session.pid(from: pidFile)

            #expect(kill(pid, number) == 0)
            let outcome = try await session.shOutcome()
            // An orderly exit: 0, or the conventional 128+signal; never a crash's 132/134/139
            #expect(outcome.status == 0 || outcome.status == 128 + Int(number),
                    "tracetui exited with \(outcome.status) after SIG\(signalName)")
            expectRestored(outcome.modes)
        }

        @Test func aSegvSentByKillRestoresTheTerminal() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession()
            defer { session.close() }
            let pidFile = try session.launchUnderSh("replay", try Fixture.sample(Samples.syscalls), in: directory)
            try await session.waitFor("1/26,222")
            let pid = try await session.pid(from: pidFile)

            #expect(kill(pid, SIGSEGV) == 0)
            let outcome = try await session.shOutcome()
            #expect(outcome.status == 128 + Int(SIGSEGV), "exit status \(outcome.status) after SIGSEGV")
            expectRestored(outcome.modes)
        }

        @Test func aRealCrashRestoresTheTerminalAndPrintsTheBacktrace() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession()
            defer { session.close() }
            // Given a debug build told to index out of range once the first rows are on screen
            _ = try session.launchUnderSh("replay", try Fixture.sample(Samples.syscalls), in: directory,
                                          environment: ["TRACETUI_TEST_CRASH": "1"])
            let outcome = try await session.shOutcome()
            // Then Swift's trap (SIGILL) ends it, the terminal is usable, and the backtrace is whole
            #expect(outcome.status == 128 + Int(SIGILL), "exit status \(outcome.status)")
            expectRestored(outcome.modes)
            #expect(outcome.screen.contains("Backtrace took"), "screen:\n\(outcome.screen)")
        }

        @Test func tinyTerminalAndResizesDoNotCrash() async throws {
            // Given a 20x6 terminal
            let session = try TmuxSession(width: 20, height: 6)
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("EVENT")
            // When using every panel and moving around
            for key in ["j", "G", "g", "NPage", "?", "x", "Enter", "Escape", "/", "Escape", "f", "Escape", "C-l"] {
                try session.send(key)
                try await Task.sleep(for: .milliseconds(60))
            }
            // and the terminal is resized while it runs, down to 1x1 and back
            for (width, height) in [(120, 40), (20, 6), (3, 2), (1, 1), (20, 6)] {
                try session.resize(width: width, height: height)
                try await Task.sleep(for: .milliseconds(150))
            }
            // Then it is still running and drawing
            let screen = try await session.waitFor("EVENT")
            #expect(screen.exitStatus == nil, "tracetui ended:\n\(screen)")
            // and q quits with the terminal restored
            try await session.quitAndExpectRestoredTerminal()
        }
    }
}
