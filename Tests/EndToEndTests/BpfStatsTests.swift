import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui --bpf-stats`: kernel.bpf_stats_enabled on for the session, back to what it was however it ends.
    @Suite("BPF stats", .enabled(if: Tmux.isAvailable && LiveTracing.isAvailable && geteuid() == 0,
                                 "needs tmux, root and tracefs"))
    struct BpfStats {
        static let sysctl = "/proc/sys/kernel/bpf_stats_enabled"

        static func value() -> String? {
            (try? String(contentsOfFile: sysctl, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        @Test("The sysctl is on during the session and back after q, SIGTERM, SIGHUP and SIGKILL",
              arguments: ["q", "TERM", "HUP", "KILL"])
        func bpfStatsAreRestoredOnEveryExitPath(how: String) async throws {
            let before = try #require(Self.value())
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            let pidFile = try session.launchUnderSh("--bpf-stats", "-e", "sched:sched_switch", in: directory)
            try await session.waitFor("● live")
            let pid = try await session.pid(from: pidFile)
            #expect(Self.value() == "1")
            switch how {
            case "q":
                try session.send("q")
                let outcome = try await session.shOutcome()
                #expect(outcome.status == 0)
            case "KILL":
                #expect(kill(pid, SIGKILL) == 0)
                // The watchdog puts it back once the pid is gone (it polls every 200 ms).
                let deadline = ContinuousClock.now + .seconds(10)
                while Self.value() != before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
                // and its other watchdog removes the instance
                while LiveTracing.instanceExists(pid: pid), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
            default:
                let number = how == "TERM" ? SIGTERM : SIGHUP
                #expect(kill(pid, number) == 0)
                let outcome = try await session.shOutcome()
                #expect(outcome.status == 128 + Int(number))
            }
            #expect(Self.value() == before, "kernel.bpf_stats_enabled after \(how)")
            #expect(!FileManager.default.fileExists(atPath: "/run/tracetui-bpf-stats.\(pid)"))
        }
    }
}
