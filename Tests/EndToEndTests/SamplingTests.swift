import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui --sample`: the hotspot table of live CPU samples, saved as perf script text.
    @Suite("Live sampling", .enabled(if: Tmux.isAvailable, "tmux not installed: the live tests need it"))
    struct LiveSampling {
        static var rootAvailable: Bool {
            if geteuid() != 0 { print("skipping live sampling test: not root (perf_event_open system-wide)") }
            return geteuid() == 0
        }

        @Test(.enabled(if: LiveSampling.rootAvailable))
        func sampleShowsTheSpinningFunctionLiveAndTheSavedTextReports() async throws {
            let spin = Fixture.packageRoot.appendingPathComponent(".build/debug/tracetui-spin").path
            #expect(access(spin, X_OK) == 0, "\(spin) missing: swift build first")
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let saved = directory + "/perf.txt"
            // A load with a known hot function, for at most 30 s.
            var load: pid_t = 0
            let argv: [UnsafeMutablePointer<CChar>?] = [strdup(spin), strdup("spin"), strdup("30"), nil]
            defer { argv.forEach { free($0) } }
            #expect(posix_spawn(&load, spin, nil, nil, argv, environ) == 0)
            defer {
                kill(load, SIGKILL)
                var status: Int32 = 0
                waitpid(load, &status, 0)
            }
            let session = try TmuxSession(width: 150, height: 30)
            defer { session.close() }
            try session.launch("--sample", "-F", "499")
            try await session.waitFor("cpu-clock 499 Hz")
            // Sampling alone opens on the hotspot table, which fills as samples arrive.
            try await session.waitUntil("tt_spin_leaf in the live table", timeout: .seconds(20)) {
                $0.text.contains("Samples:") && $0.text.contains("tt_spin_leaf") && $0.text.contains("tt_spin_outer")
            }
            try session.send("w")
            try await session.waitFor("save to:")
            try session.send("C-u")
            try session.type(saved)
            try session.send("Enter")
            try await session.waitFor("(perf script text)")
            try await session.quitAndExpectRestoredTerminal()

            let report = try CommandResult.run(try Fixture.binary(), ["report", "--sort", "symbol", "--no-children", saved])
            #expect(report.status == 0)
            #expect(report.stdout.contains("tt_spin_leaf"), "\(report.stdout.prefix(600))")
        }
    }
}
