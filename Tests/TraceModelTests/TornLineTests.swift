import Testing
@testable import TraceModel

/// `trace_pipe` read too slowly: a line's start overwritten by the next line. The event at the end is whole
/// and must be read (its row, task, cpu, time and fields), and the tear counted for `stat`.
@Suite("torn trace_pipe lines")
struct TornLineTests {
    /// The first line is the torn one of issue 13 as trace_pipe gave it on this machine (its payload, cut
    /// there, completed in irq_handler_entry's format).
    static let text = """
    kworker/0:1-11 [000] d..2.   88    <idle>-0 [000] d.h1. 889.225130: irq_handler_entry: irq=11 name=virtio0
              <idle>-0       [000] d.h1.   889.225141: irq_handler_exit: irq=11 ret=handled
    kworker/0:1-11 [000] d..2.   88    
              <idle>-0       [000] d..2.   889.225150: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=kworker/0:1 next_pid=11 next_prio=120

    """

    @Test func theEventAtTheEndOfATornLineIsRead() throws {
        let storage = OwnedBytes(Array(Self.text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        #expect(store.summary.byEvent == ["irq_handler_entry": 1, "irq_handler_exit": 1, "sched_switch": 1])
        #expect(store.summary.tornLines == 1)
        // A line torn with no whole event after the tear stays unparsed (kept, counted, shown).
        #expect(store.summary.unparsed == 1)
        let first = store.row(0)
        #expect(store.taskNames[Int(first.task)] == "<idle>")
        #expect(store.taskPIDs[Int(first.task)] == 0)
        #expect(first.cpu == 0)
        #expect(first.timestamp == 889_225_130_000)
        var m = try RowMatcher(try FilterExpression.parse("irq == 11"), store: store)
        #expect((0..<store.count).filter { m.matches($0) }.count == 2)
        #expect(TraceSummary(parsing: Array(Self.text.utf8)).tornLines == 1)
    }

    @Test func wholeLinesAreNotTorn() {
        let text = "          <idle>-0       [000] d.h1.   889.225141: irq_handler_exit: irq=11 ret=handled\n"
        #expect(TraceSummary(parsing: Array(text.utf8)).tornLines == 0)
    }
}
