import Foundation
import Testing

extension EndToEnd {
    /// Issue 14's viewer side: a FIFO is shown while it is still being written and `q` ends the viewer without
    /// waiting for its end; a filter whose regex is slow on every line never keeps `q` from answering.
    @Suite("Endless input and slow filters", .enabled(if: Tmux.isAvailable, "tmux not installed: the viewer tests need it"))
    struct EndlessInput {
        static func line(_ i: Int) -> String {
            let t = 100_000 + i
            return "            bash-\(100 + i % 50)   [000] d..2.  \(t / 1000).\(String(t % 1000 + 1000).suffix(3))001: "
                + "sched_switch: prev_comm=bash prev_pid=\(100 + i % 50) prev_prio=120 prev_state=S ==> "
                + "next_comm=swapper/0 next_pid=0 next_prio=120\n"
        }

        @Test func aFifoIsShownWhileItIsWrittenAndQEndsTheViewer() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let fifo = directory + "/live.fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", fifo)
            // The viewer opens the FIFO for reading; this open waits for it.
            let writer = open(fifo, O_WRONLY)
            #expect(writer >= 0)
            defer { close(writer) }
            let text = (0..<3).map(Self.line).joined()
            _ = text.withCString { write(writer, $0, strlen($0)) }
            // The three events are on screen while the writer still holds the FIFO open (no end of file).
            let screen = try await session.waitFor("/3")
            #expect(screen.text.contains("prev_pid=102"), "the third event: \(screen.text)")
            let more = (3..<5).map(Self.line).joined()
            _ = more.withCString { write(writer, $0, strlen($0)) }
            try await session.waitFor("/5")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func qAnswersWhileASlowFilterScans() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let log = directory + "/big.txt"
            // 400 k lines: a regex that has to try every split of each line takes seconds over them all.
            var text = ""
            text.reserveCapacity(400_000 * 150)
            for i in 0..<400_000 { text += Self.line(i) }
            try text.write(toFile: log, atomically: false, encoding: .utf8)
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", log)
            try await session.waitFor("1/400,000", timeout: .seconds(30))
            try session.send("f")
            try session.type("line =~ \"(.*.*)*@\"")
            try session.send("Enter")
            let asked = ContinuousClock.now
            try session.send("q")
            let status = try await session.exitStatus(timeout: .seconds(10))
            let took = ContinuousClock.now - asked
            #expect(status == 0)
            // tmux's polling adds its own delay: the bound is loose, the hang it guards against was endless.
            #expect(took < .seconds(2), "q took \(took) during the scan")
        }
    }
}
