import Testing
@testable import TraceModel

/// Several hosts' rows in one time order (`HostMerge`): interleaved row by row, each host's own order kept,
/// held back past a limit, and every row's text, host, stack and filter intact.
@Suite("Host merge")
struct HostMergeTests {
    /// `n` sched_switch lines of `comm` on cpu `cpu`, at `start + k * step` µs (k = 0..<n), one stack on the first.
    static func text(comm: String, pid: Int, cpu: Int, start: Int, step: Int, n: Int, stackOnFirst: Bool = false) -> String {
        var s = ""
        for k in 0..<n {
            let us = start + k * step
            let time = "\(us / 1_000_000).\(String(us % 1_000_000).leftPadded(6))"
            s += "  \(comm)-\(pid)  [00\(cpu)] d..2.  \(time): sched_switch: prev_comm=\(comm) prev_pid=\(pid) prev_prio=120 prev_state=S ==> next_comm=x\(k) next_pid=\(k + 1) next_prio=120\n"
            if k == 0, stackOnFirst { s += " => __schedule\n => schedule\n" }
        }
        return s
    }

    func piece(_ text: String, host: UInt16, offset: Int64 = 0) -> ParsedPiece {
        let storage = OwnedBytes(Array(text.utf8))
        var p = PieceParser().parse(storage, range: 0..<storage.bytes.count)
        p.host = host
        p.shiftTimes(by: offset)
        return p
    }

    @Test func twoHostsInterleavedComeOutInOneTimeOrder() throws {
        // Given web1 at 1000.000000 + 10 µs steps and db1 (clock 2.5 s ahead) at 5 µs past them, in two pieces each.
        var store = EventStore()
        let web = store.hostID(named: "web1"), db = store.hostID(named: "db1")
        var merge = HostMerge()
        merge.add(piece(Self.text(comm: "web", pid: 100, cpu: 0, start: 1_000_000_000, step: 10, n: 50, stackOnFirst: true), host: web), into: &store)
        merge.add(piece(Self.text(comm: "db", pid: 200, cpu: 0, start: 1_002_500_005, step: 10, n: 30), host: db, offset: 2_500_000_000), into: &store)
        merge.add(piece(Self.text(comm: "db", pid: 200, cpu: 0, start: 1_002_500_305, step: 10, n: 20), host: db, offset: 2_500_000_000), into: &store)
        #expect(store.count == 0 && merge.pendingRows == 100)
        // When everything up to 1000.000200 is released, then the rest.
        let first = merge.release(through: 1_000_000_200_000, into: &store)
        #expect(first == 0..<41, "web1 0…200 µs (21 rows) and db1 5…195 µs (20 rows)")
        #expect(merge.pendingRows == 59)
        merge.releaseAll(into: &store)
        // Then: one time order, the hosts alternating row by row, every row's own line and host.
        #expect(store.count == 100)
        let times = (0..<store.count).map { store.timestamp($0) }
        #expect(times == times.sorted())
        let hosts = (0..<store.count).map { store.hostName(ofRow: $0) }
        #expect(hosts.prefix(4) == ["web1", "db1", "web1", "db1"])
        #expect(hosts.filter { $0 == "db1" }.count == 50)
        for row in 0..<store.count {
            let line = store.lineText(row)
            #expect(line.contains(hosts[row] == "web1" ? "web-100" : "db-200"), "row \(row): \(line)")
        }
        // A row's text keeps the host's own clock; its time is the common one.
        #expect(store.lineText(1).contains("1002.500005:") && store.timestamp(1) == 1_000_000_005_000)
        // The stack lines stay with their row.
        #expect(store.stack(0) == ["__schedule", "schedule"])
        #expect(store.stack(1).isEmpty)
        // The filter reads the host per row.
        var m = try RowMatcher(try FilterExpression.parse("host == db1"), store: store)
        #expect((0..<store.count).filter { m.matches($0) } == (0..<store.count).filter { hosts[$0] == "db1" })
        #expect(store.chunks.allSatisfy { $0.timeShift(ofHost: db) == 2_500_000_000 && $0.timeShift(ofHost: web) == 0 })
        #expect(merge.lateRows == 0)
    }

    @Test func aHostsOwnOrderIsKeptAndALateRowIsCounted() {
        var store = EventStore()
        let a = store.hostID(named: "a"), b = store.hostID(named: "b")
        var merge = HostMerge()
        merge.add(piece(Self.text(comm: "a", pid: 1, cpu: 0, start: 1_000_000_100, step: 100, n: 3), host: a), into: &store)
        merge.release(through: 1_000_000_300_000, into: &store)
        // b reports 1000.000150 after a's 1000.000300 went out: it comes next, late, and is counted.
        merge.add(piece(Self.text(comm: "b", pid: 2, cpu: 1, start: 1_000_000_150, step: 1000, n: 1), host: b), into: &store)
        merge.releaseAll(into: &store)
        #expect((0..<store.count).map { store.hostName(ofRow: $0) } == ["a", "a", "a", "b"])
        #expect(merge.lateRows == 1)
    }

    @Test func aPieceWithoutAFinalNewlineStillEndsItsLine() {
        var store = EventStore()
        let a = store.hostID(named: "a"), b = store.hostID(named: "b")
        var merge = HostMerge()
        var ta = Self.text(comm: "a", pid: 1, cpu: 0, start: 1_000_000_000, step: 10, n: 2)
        ta.removeLast()
        merge.add(piece(ta, host: a), into: &store)
        merge.add(piece(Self.text(comm: "b", pid: 2, cpu: 0, start: 1_000_000_015, step: 10, n: 1), host: b), into: &store)
        merge.releaseAll(into: &store)
        #expect((0..<3).map { store.lineText($0).hasPrefix("  a-1") || store.lineText($0).hasPrefix("  b-2") } == [true, true, true])
        #expect(store.lineText(2).hasPrefix("  b-2"))
    }
}

extension HostMergeTests {
    @Test func aFilterOnTheHostAloneScopesTheCalls() {
        var store = EventStore()
        let web = store.hostID(named: "web1"), db = store.hostID(named: "db1")
        var merge = HostMerge()
        merge.add(piece(Self.text(comm: "web", pid: 100, cpu: 0, start: 1_000_000_000, step: 10, n: 3), host: web), into: &store)
        merge.add(piece(Self.text(comm: "db", pid: 200, cpu: 0, start: 1_000_000_005, step: 10, n: 3), host: db), into: &store)
        merge.releaseAll(into: &store)
        #expect(HotspotSource.hostsNamed(by: "host == db1", in: store) == [db])
        #expect(HotspotSource.hostsNamed(by: "host =~ ^web || host == nope", in: store) == [web])
        #expect(HotspotSource.hostsNamed(by: "!(host == web1)", in: store) == [db])
        // Any other test leaves the calls alone, as before.
        #expect(HotspotSource.hostsNamed(by: "host == db1 && cpu == 0", in: store) == nil)
    }
}

extension String {
    fileprivate func leftPadded(_ n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
