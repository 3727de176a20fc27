import Testing
@testable import TraceModel

@Suite("Time formatting")
struct TimeFormatTests {
    @Test func timestampsPrintAsTheKernelPrintsThem() {
        #expect(TimeFormat.timestamp(1_720_071_781_000, clock: .seconds) == "1720.071781")
        #expect(TimeFormat.timestamp(5_000, clock: .seconds) == "0.000005")
        #expect(TimeFormat.timestamp(259_000, clock: .relativeMicroseconds) == "259us")
    }

    @Test func durations() {
        #expect(TimeFormat.duration(nanoseconds: 850) == "850 ns")
        #expect(TimeFormat.duration(nanoseconds: 12_345) == "12.345 µs")
        #expect(TimeFormat.duration(nanoseconds: 1_823_229_000) == "1.823 s")
    }

    @Test func typedTimestamps() {
        #expect(TimeFormat.parseTimestamp("1720.5", clock: .seconds) == 1_720_500_000_000)
        #expect(TimeFormat.parseTimestamp("12", clock: .counter) == 12)
        #expect(TimeFormat.parseTimestamp("x", clock: .seconds) == nil)
    }

    @Test func jsonStringsAreEscaped() {
        #expect(JSONWriter.quoted("a\"b\\c\n\u{1}") == "\"a\\\"b\\\\c\\n\\u0001\"")
    }
}
