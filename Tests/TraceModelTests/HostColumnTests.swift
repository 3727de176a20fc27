import Testing
@testable import TraceModel

/// Rows from several hosts in one store: the host column, `host ==` filters, clock offsets, gap rows.
@Suite("Host column and clock offsets")
struct HostColumnTests {
    static let web = """
                bash-100     [000] d..2.  1000.000100: sched_switch: prev_comm=bash prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=a next_pid=1 next_prio=120
                bash-100     [000] d..2.  1000.000300: sched_switch: prev_comm=bash prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=a next_pid=1 next_prio=120

        """
    // The same moments on a host whose clock reads 2.5 s ahead.
    static let db = """
                  pg-200     [001] d..2.  1002.500200: sched_switch: prev_comm=pg prev_pid=200 prev_prio=120 prev_state=S ==> next_comm=b next_pid=2 next_prio=120

        """

    func piece(_ text: String, host: UInt16, offset: Int64) -> ParsedPiece {
        let storage = OwnedBytes(Array(text.utf8))
        var p = PieceParser().parse(storage, range: 0..<storage.bytes.count)
        p.host = host
        p.shiftTimes(by: offset)
        return p
    }

    func store() -> EventStore {
        var s = EventStore()
        let web = s.hostID(named: "web1"), db = s.hostID(named: "db1")
        s.append(piece(Self.web, host: web, offset: 0))
        s.append(piece(Self.db, host: db, offset: 2_500_000_000))
        return s
    }

    @Test func rowsCarryTheirHostAndFilterOnIt() throws {
        let s = store()
        #expect(s.hasSeveralHosts)
        #expect((0..<s.count).map { s.hostName(ofRow: $0) } == ["web1", "web1", "db1"])
        var m = try RowMatcher(try FilterExpression.parse("host == db1"), store: s)
        #expect((0..<s.count).filter { m.matches($0) } == [2])
        var n = try RowMatcher(try FilterExpression.parse("host != db1 && event == sched_switch"), store: s)
        #expect((0..<s.count).filter { n.matches($0) } == [0, 1])
    }

    @Test func anOffsetPutsAHostsEventsOnTheViewersClock() {
        let s = store()
        // 1002.500200 on db1's clock is 1000.000200 on the viewer's: between web1's two events.
        #expect(s.timestamp(2) == 1_000_000_200_000)
        #expect(s.summary.latestTimestamp == 1_000_000_300_000)
    }

    @Test func aGapRowIsALostRowOnItsHost() {
        var s = store()
        s.append(ParsedPiece.gap(host: 1, at: 1_000_000_250_000))
        let r = s.row(3)
        #expect(r.event == SpecialEvent.lost.rawValue)
        #expect(r.timestamp == 1_000_000_250_000)
        #expect(s.hostName(r.host) == "db1")
    }

    @Test func theShortestRoundTripWins() {
        // Host clock = viewer + 1000 ns; the slow samples are skewed by a one-sided delay.
        let samples = [
            ClockOffset.Sample(sent: 0, remote: 9_000, received: 10_000),  // 8 µs on the way there
            ClockOffset.Sample(sent: 100_000, remote: 101_200, received: 100_400),
            ClockOffset.Sample(sent: 200_000, remote: 201_000, received: 205_000),  // 4 µs on the way back
        ]
        let best = ClockOffset.best(samples)
        #expect(best == ClockOffset(offset: 1_000, uncertainty: 200))
        #expect(ClockOffset.best([]) == nil)
    }

    @Test func timestampShiftMovesOnlyTheTimeField() {
        let line = Array("  a-12  [001] d..2.  1000.000100: sched_switch: t=1.5: x\nno time here\n".utf8)
        let out = line.withUnsafeBytes { TimestampShift.shift($0, by: 2_500_000_000) }
        #expect(String(decoding: out, as: UTF8.self)
                == "  a-12  [001] d..2.  1002.500100: sched_switch: t=1.5: x\nno time here\n")
    }
}
