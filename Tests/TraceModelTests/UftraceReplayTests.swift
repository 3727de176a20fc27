import Testing
@testable import TraceModel

/// `uftrace replay` text goes through the same call tree, one stack per thread.
@Suite("uftrace replay text")
struct UftraceReplayTests {
    static let text = """
    # DURATION     TID     FUNCTION
                [ 28141] | main() {
                [ 28141] |   a() {
       0.753 us [ 28141] |     getpid();
                [ 28142] | worker() {
       2.000 us [ 28142] |   getpid();
       1.915 us [ 28141] |   } /* a */
       3.000 us [ 28142] | } /* worker */
       3.005 us [ 28141] | } /* main */

    """

    @Test func threadsInterleaveWithoutMixingTheirStacks() throws {
        let storage = OwnedBytes(Array(Self.text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        #expect(store.summary.unparsed == 0)
        #expect(store.summary.byEvent == ["funcgraph_entry": 5, "funcgraph_exit": 3])
        #expect(store.taskLabel(store.row(0).task) == "[28141]")
        let tree = CallTree(store: store)
        #expect(tree.roots.map { tree.name(Int($0)) } == ["main", "worker"])
        let main = Int(tree.roots[0])
        #expect(tree.total[main] == 3_005)
        #expect(tree.selfTime(main) == 3_005 - 1_915)
        let worker = Int(tree.roots[1])
        #expect(tree.children(of: worker).map { tree.name(Int($0)) } == ["getpid"])
        #expect(tree.taskNames[Int(tree.task[worker])] == "[28142]")
        let paths = CallPathTree(tree)
        let getpid = paths.nodes.filter { $0.name == "getpid" }
        #expect(getpid.count == 2, "getpid under a and under worker are two call paths")
    }
}
