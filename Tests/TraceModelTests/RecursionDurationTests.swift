import Testing
@testable import TraceModel

/// The duration table counts a recursive call once in its function's total (as `uftrace report` and perf's
/// children do): no function's total exceeds the time it was on the stack. (uftrace replay text and Chrome JSON
/// are checked against uftrace report on real recordings in TraceCaptureTests; this is the kernel's layout.)
@Suite("recursion in the duration table")
struct RecursionDurationTests {
    static let kernelGraph = """
     0)               |  main() {
     0)               |    fib() {
     0)               |      fib() {
     0)   1.000 us    |        fib();
     0)   1.000 us    |        fib();
     0)   3.000 us    |      }
     0)   1.000 us    |      fib();
     0)   5.000 us    |    }
     0)   6.000 us    |  }

    """

    @Test func aRecursiveFunctionsTotalIsItsOutermostCalls() {
        let storage = OwnedBytes(Array(Self.kernelGraph.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        let table = HotspotTable(calls: CallTree(store: store))
        func entry(_ name: String) -> Int? { (0..<table.entryCount).first { table.label(.symbol, of: $0) == name } }
        let fib = entry("fib")!, main = entry("main")!
        #expect(table.countValue[fib] == 5)
        #expect(table.childrenValue[fib] == 5_000, "the outer fib's 5 µs, not 5 + 3 + 1 + 1 + 1")
        #expect(table.selfValue[fib] == 5_000)
        #expect(table.childrenValue[main] == 6_000)
        #expect(table.childrenValue[fib] <= table.childrenValue[main])
        #expect(table.maxValue[fib] == 5_000)
    }
}
