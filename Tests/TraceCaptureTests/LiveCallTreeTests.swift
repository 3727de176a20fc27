import Foundation
import Synchronization
import Testing
import TraceModel
@testable import TraceCapture

/// The live capture loop grows the call tree as funcgraph_entry / funcgraph_exit lines arrive. function_graph
/// is not permitted on every kernel (not on this machine's), so a saved trace is fed through the same loop
/// the kernel's text goes through, part after part.
@Suite("Live call tree")
struct LiveCallTreeTests {
    /// Hands out one part of a saved trace each time the test releases one, as the drain thread hands out
    /// what it read.
    final class Feed: LiveTextSource, Sendable {
        private struct State {
            var parts: [[UInt8]]
            var released = 0
            var given = 0
            var stopped = false
        }
        private let state: Mutex<State>

        init(_ parts: [[UInt8]]) { state = Mutex(State(parts: parts)) }

        func release() { state.withLock { $0.released += 1 } }
        func start() {}
        func stop() { state.withLock { $0.stopped = true } }

        func take() -> LiveTextBatch {
            state.withLock { s in
                var ranges: [RawEventReader.TextRange] = []
                while s.given < min(s.released, s.parts.count) {
                    let block = LiveBlock(copying: s.parts[s.given])
                    ranges.append(RawEventReader.TextRange(block: block, range: 0..<s.parts[s.given].count))
                    s.given += 1
                }
                return LiveTextBatch(ranges: ranges, events: 0, missed: 0, finished: s.stopped && s.given == s.released)
            }
        }
    }

    /// The sample's lines in `count` parts of whole lines.
    static func parts(_ bytes: [UInt8], count: Int) -> [[UInt8]] {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        let size = (lines.count + count - 1) / count
        return stride(from: 0, to: lines.count, by: size).map { start in
            Array(lines[start..<min(lines.count, start + size)].joined(separator: [0x0A])) + [0x0A]
        }
    }

    @Test func theCallTreeGrowsAsFunctionGraphLinesArrive() async throws {
        let path = ReplayTests.samples.appendingPathComponent(
            "trace-cmd-report/tracecompass-trace-func-graph-funcgraph_entry-exit-raw.txt").path
        let bytes = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        let feed = Feed(Self.parts(bytes, count: 4))
        let session = CaptureSession(sourceName: "live test")
        let capture = Task { await session.live(from: feed, instance: nil, keep: 1_000_000, idle: .milliseconds(5)) }
        var counts: [Int] = []
        var rowsBefore = 0
        for _ in 0..<4 {
            feed.release()
            // The tree is laid out at most every 250 ms: wait (10 s at most) until it has this part's calls.
            let deadline = ContinuousClock.now + .seconds(10)
            var current = session.snapshots.current
            while ContinuousClock.now < deadline {
                current = session.snapshots.current
                if current.store.count > rowsBefore, let tree = current.callTree, tree == CallTree(store: current.store) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let tree = try #require(current.callTree, "no call tree published")
            #expect(tree == CallTree(store: current.store), "the live tree is the tree of the rows so far")
            counts.append(tree.count)
            rowsBefore = current.store.count
        }
        capture.cancel()
        await capture.value
        let final = session.snapshots.current
        #expect(final.live?.running == false)
        #expect(final.store.count == 199)
        #expect(final.callTree?.count == 113, "every funcgraph_entry is a call")
        #expect(final.callTree == CallTree(store: final.store))
        #expect(counts == counts.sorted() && Set(counts).count == counts.count, "the tree grew with each part: \(counts)")
    }

    @Test func evictedRowsRebuildTheTreeFromTheRowsKept() async throws {
        let path = ReplayTests.samples.appendingPathComponent(
            "trace-cmd-report/tracecompass-trace-func-graph-funcgraph_entry-exit-raw.txt").path
        let bytes = try #require(FileManager.default.contents(atPath: path).map { [UInt8]($0) })
        let parts = Self.parts(bytes, count: 4)
        var feed = LiveFeed(keep: 120, maxBytes: 1 << 30)
        var store = EventStore()
        for part in parts {
            feed.absorb(RawEventReader.TextRange(block: LiveBlock(copying: part), range: 0..<part.count), into: &store)
        }
        #expect(store.evictedRows > 0)
        let built = feed.finalCallTree(store)
        let tree = try #require(built)
        #expect(tree == CallTree(store: store), "the calls of the rows kept, their rows renumbered")
    }
}
