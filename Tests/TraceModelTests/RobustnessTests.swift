import Testing
@testable import TraceModel

/// Bad input never crashes the parser: every byte ends up in a row, a header, or a counted line.
@Suite("Parser robustness")
struct RobustnessTests {
    func parse(_ bytes: [UInt8]) -> EventStore {
        let storage = OwnedBytes(bytes)
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<bytes.count))
        return store
    }

    @Test func emptyInput() {
        let s = parse([])
        #expect(s.count == 0)
        #expect(s.summary.events == 0)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func randomBytesAreKeptAsUnparsedRows(seed: UInt64) {
        var rng = FunctionGraphRandom(seed: seed)
        let bytes = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let s = parse(bytes)
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        // Every non-blank line is a row or a comment: nothing is silently dropped.
        #expect(s.count + s.summary.stackFrames <= lines.count)
        #expect(s.summary.unparsed > 0)
        for row in 0..<min(s.count, 200) { _ = s.payloadText(row) }
    }

    @Test func mutatedRealLinesNeverCrash() {
        let line = Array("            bash-15638   [000] d..2.  1720.642138: sched_switch: prev_comm=bash prev_pid=15638 prev_prio=120 prev_state=S ==> next_comm=feas next_pid=12691 next_prio=120\n".utf8)
        var rng = FunctionGraphRandom(seed: 42)
        var bytes: [UInt8] = []
        for _ in 0..<5_000 {
            var l = line
            for _ in 0..<3 { l[Int(rng.next() % UInt64(l.count - 1))] = UInt8(truncatingIfNeeded: rng.next()) }
            // Lines cut short anywhere, as at the end of a file being written.
            bytes += l.prefix(Int(rng.next() % UInt64(l.count)) + 1)
            if bytes.last != 0x0A { bytes.append(0x0A) }
        }
        let s = parse(bytes)
        #expect(s.count > 0)
        #expect(s.summary.events + s.summary.unparsed + s.summary.lostLines + s.summary.bufferStartedMarkers == s.count)
    }

    @Test func aOneMegabyteLine() {
        var bytes = Array("           bash-1 [000] .... 1.000000: print: ".utf8)
        bytes += Array(repeating: UInt8(ascii: "x"), count: 1 << 20)
        bytes.append(0x0A)
        bytes += Array(String(repeating: "y", count: 1 << 20).utf8)
        let s = parse(bytes)
        #expect(s.count == 2)
        #expect(s.summary.events == 1)
        #expect(s.summary.unparsed == 1)
        #expect(s.payloadText(0).count == 1 << 20)
    }

    @Test func binaryZerosAndControlBytes() {
        let bytes: [UInt8] = Array(repeating: 0, count: 4096) + [0x0A, 0x1B, 0x5B, 0x32, 0x4A, 0x0A, 0x0D, 0x0A]
        let s = parse(bytes)
        #expect(s.summary.unparsed == 2)
    }
}
