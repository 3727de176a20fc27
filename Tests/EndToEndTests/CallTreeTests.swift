import Foundation
import Testing

extension EndToEnd {
    /// The call tree pane of a function_graph trace: Tab into it, unfold, zoom, search, back to the stream.
    @Suite("Call tree", .enabled(if: Tmux.isAvailable, "tmux not installed: the call tree tests need it"))
    struct CallTree {
        @Test func unfoldZoomAndSearchTheCalls() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.graph))
            try await session.waitFor("1/1,362")
            // Tab opens the call tree on the call that holds the stream's cursor
            try session.send("Tab")
            var screen = try await session.waitFor("call tree: timeline")
            #expect(screen.header.contains("TOTAL") && screen.header.contains("FUNCTION"), "header: \(screen.header)")
            // E unfolds everything under the cursor; the first call is vfs_read's caller, cut by the trace start
            try session.send("g", "E")
            screen = try await session.waitFor("▼")
            // Search a function: the cursor lands on it with its callers unfolded
            try session.send("/")
            try session.type("n_tty_read")
            try session.send("Enter")
            try await session.waitUntil("the search to apply") {
                $0.status.contains("call tree") && $0.status.contains("/n_tty_read")
            }
            screen = try await session.waitFor("n_tty_read", styled: true)
            let selected = try #require(screen.selectedRow, "screen:\n\(screen)")
            #expect(selected.contains("n_tty_read"), "selected: \(selected)")
            // z zooms into it: only its subtree remains, the status bar says so
            try session.send("z")
            screen = try await session.waitFor("zoom: n_tty_read")
            #expect(!screen.eventRows.contains { $0.contains("vfs_read") }, "screen:\n\(screen)")
            // Esc zooms out, v shows the merged call paths with their call counts
            try session.send("Escape")
            try await session.waitUntil("the zoom to end") { !$0.status.contains("zoom:") }
            try session.send("v")
            screen = try await session.waitFor("merged paths")
            #expect(screen.header.contains("CALLS"), "header: \(screen.header)")
            // Tab goes back to the stream
            try session.send("Tab")
            screen = try await session.waitFor("/1,362")
            #expect(screen.header.contains("EVENT"), "header: \(screen.header)")
            try await session.quitAndExpectRestoredTerminal()
        }
    }
}
