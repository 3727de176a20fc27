import Foundation
import Testing

extension EndToEnd {
    /// `sudo tracetui --bpf OBJ`: the object's programs attached for the session, nothing left however it ends.
    @Suite("BPF object", .enabled(if: Tmux.isAvailable && LiveTracing.isAvailable && BpfTools.unavailableReason == nil,
                                  "needs tmux, tracefs and BPF (root, clang, libbpf, bpftool)"))
    struct BpfObject {
        static func loaded(_ name: String) throws -> Int {
            try BpfTools.programs().values.filter { $0["name"] as? String == name }.count
        }

        @Test("--bpf attaches the object's programs and leaves nothing after q, SIGTERM, SIGHUP",
              arguments: ["q", "TERM", "HUP"])
        func attachesAndLeavesNothing(how: String) async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let object = try BpfTools.compile("openat", into: dir)
            let before = try Self.loaded("tt_openat")
            let session = try TmuxSession(width: 140, height: 30)
            defer { session.close() }
            let pidFile = try session.launchUnderSh("--bpf", object, "-e", "sched:sched_switch", in: dir)
            try await session.waitFor("● live")
            let pid = try await session.pid(from: pidFile)
            // Then bpftool lists it, attached to the openat tracepoint, held by tracetui
            #expect(try Self.loaded("tt_openat") == before + 1)
            let listed = try CommandResult.run(try Fixture.binary(), ["bpf", "--format", "json"])
            let json = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
            let mine = (json?["programs"] as? [[String: Any]] ?? []).filter {
                (($0["loaded_by"] as? [String: Any])?["pid"] as? NSNumber)?.int32Value == pid
            }
            #expect(mine.count == 1 && (mine.first?["attach"] as? [String]) == ["tracepoint sys_enter_openat"], "\(listed.stdout)")
            // and the BPF pane shows it
            try session.send("8")
            try await session.waitFor("tt_openat")
            switch how {
            case "q": try session.send("q")
            default: #expect(kill(pid, how == "TERM" ? SIGTERM : SIGHUP) == 0)
            }
            let outcome = try await session.shOutcome()
            #expect(outcome.status == (how == "q" ? 0 : 128 + Int(how == "TERM" ? SIGTERM : SIGHUP)))
            // Then nothing of it is left
            #expect(try Self.loaded("tt_openat") == before)
        }

        @Test func aProgramTheVerifierRefusesGivesItsMessageAndAttachesNothing() async throws {
            let dir = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let object = try BpfTools.compile("refused", into: dir)
            let session = try TmuxSession(width: 200, height: 50)
            defer { session.close() }
            _ = try session.launchUnderSh("--bpf", object, "-e", "sched:sched_process_exec", in: dir)
            // The viewer opens with the reason in a panel
            let panel = try await session.waitFor("BPF object not loaded")
            #expect(panel.contains("the kernel refused to load it"), "\(panel.lines.joined(separator: "\n"))")
            #expect(try Self.loaded("tt_refused") == 0)
            try session.send("q")
            try await session.waitFor("● live")
            try session.send("q")
            let outcome = try await session.shOutcome()
            #expect(outcome.status == 1)
            let text = outcome.screen.lines.joined(separator: "\n")
            #expect(text.contains("the kernel refused to load it"), "\(text)")
            // the verifier's own words about the unchecked lookup
            #expect(text.contains("map_value_or_null"), "\(text)")
            #expect(try Self.loaded("tt_refused") == 0)
        }
    }
}
