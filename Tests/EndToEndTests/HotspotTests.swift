import Foundation
import Testing

extension EndToEnd {
    /// The hotspot pane on a perf script file: open it, unfold a callchain, zoom, back out; then the flame graph.
    @Suite("Hotspots", .enabled(if: Tmux.isAvailable, "tmux not installed: the hotspot tests need it"))
    struct Hotspots {
        static let perf = "perf-script/flamegraph-test-perf-dd-stacks-01.txt"

        @Test func drillDownWithPerfReportKeys() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Self.perf))
            try await session.waitFor("1/11")
            try session.send("3")
            var screen = try await session.waitFor("sort: comm,dso,symbol")
            #expect(screen.lines.contains { $0.contains("Children") && $0.contains("Shared Object") }, "\(screen)")
            // j j Enter: sys_write's callers unfold under it
            try session.send("j", "j", "Enter")
            screen = try await session.waitFor("--54.55%--system_call")
            let chain = try #require(screen.lines.firstIndex { $0.contains("--54.55%--system_call") })
            #expect(chain > 0 && screen.lines[chain - 1].contains("- [k] sys_write"), "screen:\n\(screen)")
            // d zooms into the shared object of the entry: the filter is shown, libc's entries are gone
            try session.send("d")
            screen = try await session.waitFor("dso: /lib/modules/4.1.0-virtual/build/vmlinux")
            #expect(!screen.lines.contains { $0.contains("libc-2.15.so") }, "screen:\n\(screen)")
            // Esc zooms out
            try session.send("Escape")
            try await session.waitUntil("the zoom to end") { screen in
                screen.lines.contains { $0.contains("libc-2.15.so") } && !screen.lines.contains { $0.contains("dso: ") }
            }
            // 4: the flame graph, Enter zooms into the selected frame
            try session.send("4")
            try await session.waitFor("flame graph")
            try session.send("j", "Enter")
            try await session.waitFor("zoom: [unknown]")
            try session.send("Tab")
            try await session.waitFor("1/11")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func reportAndFoldedDumpFromTheCommandLine() async throws {
            let file = try Fixture.sample(Self.perf)
            let json = try CommandResult.run(try Fixture.binary(), ["report", file, "--format", "json", "--limit", "2"])
            #expect(json.status == 0, "stderr: \(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let entries = try #require(object["entries"] as? [[String: Any]])
            #expect(entries.count == 2)
            #expect(entries[0]["symbol"] as? String == "system_call")
            #expect(entries[0]["comm"] as? String == "dd")
            #expect((entries[0]["samples"] as? NSNumber)?.intValue == 1)
            #expect((entries[0]["children_pct"] as? NSNumber)?.doubleValue == 81.82)
            #expect((entries[0]["self_pct"] as? NSNumber)?.doubleValue == 9.09)
            let table = try CommandResult.run(try Fixture.binary(), ["report", file, "--sort", "sym", "--no-children", "-n"])
            #expect(table.stdout.contains("#     Self   Samples  Symbol"), "\(table.stdout)")
            #expect(table.stdout.contains("    27.27%         3  __srcu_read_unlock"), "\(table.stdout)")
            let folded = try CommandResult.run(try Fixture.binary(), ["dump", file, "--format", "folded"])
            #expect(folded.status == 0)
            #expect(folded.stdout.split(separator: "\n").contains("dd;[unknown];read;system_call;__fdget_pos 10101010"))
            let bad = try CommandResult.run(try Fixture.binary(), ["report", file, "--sort", "nonsense"])
            #expect(bad.status != 0)
        }
    }
}
