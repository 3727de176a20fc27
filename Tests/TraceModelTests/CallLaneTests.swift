import Foundation
import Testing
@testable import TraceModel

/// Call lanes on a uftrace recording exported as Chrome JSON (kept in Tests/Fixtures/uftrace): one lane per thread
/// (Chrome names no CPU), each top-level call of the call tree a slice with the tree's times.
@Suite("Call lanes")
struct CallLaneTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/uftrace/recursion.chrome.json")

    @Test func chromeThreadsGetOneLaneEachWithTheirTopLevelCalls() throws {
        let json = try Array(Data(contentsOf: Self.fixture))
        let store = try ExportFormatTests.chromeStore(json)
        let tree = CallTree(store: store)
        let lanes = CallLanes(tree: tree, store: store)
        // Three threads (5232, 5234, 5235), none with a CPU.
        #expect(lanes.lanes.count == 3)
        #expect(lanes.lanes.allSatisfy { $0.cpu == -1 })
        #expect(lanes.lanes.map(\.calls).reduce(0, +) == tree.roots.count)
        // Each root is on its lane from its first row's time for its total.
        for root in tree.roots.map(Int.init) where !tree.flags[root].contains(.startedBefore) && tree.total[root] > 1 {
            let start = store.timestamp(Int(tree.firstRow[root]))
            let name = tree.name(root)
            let onSomeLane = lanes.lanes.contains { lanes.name($0.function(at: start)) == name
                && lanes.name($0.function(at: start + tree.total[root] - 1)) == name }
            #expect(onSomeLane, "\(name) at \(start)")
        }
        #expect(lanes.names.contains("main") && lanes.names.contains("worker"))
        #expect(!lanes.names.contains("fib"), "fib runs inside worker: not top-level")
    }
}
