import Testing
@testable import TraceModel

@Suite("Filter expressions")
struct FilterTests {
    static let text = """
                bash-15638   [000] d..2.  1720.642138: sched_switch: prev_comm=bash prev_pid=15638 prev_prio=120 prev_state=S ==> next_comm=feas next_pid=12691 next_prio=120
                feas-12691   [000] dNh6.  1720.642679: sched_wakeup: comm=-qos.overcommit pid=12692 prio=116 target_cpu=000
                feas-12691   [000] d..2.  1720.642686: sched_switch: prev_comm=feas prev_pid=12691 prev_prio=120 prev_state=R ==> next_comm=-qos.overcommit next_pid=12692 next_prio=98
        kworker/u4:2-87      [001] .....  1720.700000: sys_read(fd: 3, buf: 0x1, count: 0x1000)
        kworker/u4:2-87      [001] .....  1720.700001: sys_read -> 0x1000
        garbage line

        """

    func matching(_ filter: String) throws -> [Int] {
        let storage = OwnedBytes(Array(Self.text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        var m = try RowMatcher(try FilterExpression.parse(filter), store: store)
        return (0..<store.count).filter { m.matches($0) }
    }

    @Test func eventNameAndAFieldComparedAsNumbers() throws {
        #expect(try matching("event == sched_switch && next_prio < 100") == [2])
    }

    @Test func regexOnComm() throws {
        #expect(try matching("comm =~ ^kworker") == [3, 4])
        #expect(try matching("comm !~ ^kworker") == [0, 1, 2])
    }

    @Test func columns() throws {
        #expect(try matching("cpu == 1") == [3, 4])
        #expect(try matching("pid != 12691") == [0, 3, 4])
        #expect(try matching("time >= 1720.642680") == [2, 3, 4])
    }

    @Test func syscallArgumentsReturnValuesAndHex() throws {
        #expect(try matching("fd == 3") == [3])
        #expect(try matching("ret == 0x1000") == [4])
        #expect(try matching("count == 4096") == [3])
    }

    @Test func orNotParenthesesAndBareWords() throws {
        #expect(try matching("sched_wakeup || (cpu == 1 && !sys_enter_read)") == [1, 4])
        #expect(try matching("sched_*") == [0, 1, 2])
        #expect(try matching("prev_state == R") == [2])
    }

    @Test func unparsedRowsNeverMatchFieldTests() throws {
        #expect(try matching("pid != 0") == [0, 1, 2, 3, 4])
    }

    @Test(arguments: ["event ==", "(cpu == 1", "cpu == x", "comm =~ (", "&& cpu"])
    func syntaxErrorsAreReported(_ text: String) {
        #expect(throws: FilterSyntaxError.self) { _ = try matching(text) }
    }
}
