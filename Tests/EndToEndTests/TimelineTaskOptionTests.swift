import Foundation
import Testing

extension EndToEnd {
    /// `--task PID…` on the viewer: the timeline (key 7) opens with those tasks' state lanes.
    @Suite("Timeline --task", .enabled(if: Tmux.isAvailable, "tmux not installed: the viewer tests need it"))
    struct TimelineTaskOption {
        static func sw(_ a: String, _ ap: Int, _ state: String, _ b: String, _ bp: Int) -> String {
            "prev_comm=\(a) prev_pid=\(ap) prev_prio=120 prev_state=\(state) ==> next_comm=\(b) next_pid=\(bp) next_prio=120"
        }

        @Test func replayTaskPinsTheLanesAndTPicksMore() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let trace = directory + "/sched.txt"
            let lines = [
                "<idle>-0 [000] d..2. 1.000000: sched_switch: " + Self.sw("swapper/0", 0, "R", "bash", 100),
                "<idle>-0 [001] d..2. 1.000050: sched_switch: " + Self.sw("swapper/1", 0, "R", "cc1", 300),
                "bash-100 [000] d..2. 1.000400: sched_switch: " + Self.sw("bash", 100, "S", "make", 200),
                "cc1-300 [001] d..2. 1.000900: sched_switch: " + Self.sw("cc1", 300, "D", "swapper/1", 0),
                "make-200 [000] d..2. 1.001000: sched_switch: " + Self.sw("make", 200, "R+", "bash", 100),
            ]
            try ("# tracer: nop\n" + lines.joined(separator: "\n") + "\n").write(toFile: trace, atomically: true, encoding: .utf8)
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", trace, "--task", "300", "100")
            try await session.waitFor("1/5")
            try session.send("7")
            // The pinned tasks' lanes, labelled comm-pid at the left edge.
            let screen = try await session.waitUntil("the pinned lanes", timeout: .seconds(10)) { screen in
                screen.lines.contains { $0.hasPrefix("cc1-300") } && screen.lines.contains { $0.hasPrefix("bash-100") }
            }
            #expect(!screen.lines.contains { $0.hasPrefix("make-200") }, "\(screen)")
            // t: the picker; typing narrows it, space pins make.
            try session.send("t")
            try await session.waitFor("type to search")
            try session.type("make")
            try session.send("Space")
            try session.send("Enter")
            try await session.waitUntil("make's lane", timeout: .seconds(10)) { screen in
                screen.lines.contains { $0.hasPrefix("make-200") } && !screen.contains("type to search")
            }
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test(arguments: [["replay", "x.txt", "--task", "0"], ["--task", "0"]])
        func aTaskThatIsNotAPidIsRefused(arguments: [String]) throws {
            // Live (no subcommand) takes --task too: refused while parsing, before any tracing starts.
            let result = try CommandResult.run(try Fixture.binary(), arguments)
            #expect(result.status != 0)
            #expect(result.stderr.contains("--task 0: a pid is a positive number"), "\(result.stderr)")
        }
    }
}
