import Testing
@testable import TraceModel

@Suite struct ByteSinkTests {
    /// Integers are written digit by digit into the buffer: every length, both signs and both ends of Int64.
    @Test func integersAreWrittenAsDecimal() {
        var values: [Int64] = [0, 9, 10, 99, 100, 101, 999_999, 1_000_000, .max, .min, .max - 1, .min + 1, -1, -10]
        var p: Int64 = 1
        for _ in 0..<18 {
            p *= 10
            values += [p - 1, p, p + 1, -p]
        }
        var out: [UInt8] = []
        var sink = ByteSink(threshold: 16) { out += $0 }
        for v in values {
            sink.int(v)
            sink.byte(0x20)
        }
        sink.finish()
        #expect(String(decoding: out, as: UTF8.self) == values.map { "\($0) " }.joined())
    }
}
