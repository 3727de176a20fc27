import Foundation
import Testing
@testable import TraceModel

/// The live view's measurement (the analyzer fed each new batch of rows) equals one pass over the whole trace, on
/// a recorded trace cut into pieces of every size; and the durations' summary is exact where it says so.
@Suite struct LatencyIncrementalTests {
    static let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sched-softirq.latency.txt")

    static func piece(_ text: String) -> ParsedPiece {
        let storage = OwnedBytes(Array(text.utf8))
        return PieceParser(tracer: nil).parse(storage, range: 0..<storage.bytes.count)
    }

    @Test func aRecordedTraceFedInPiecesEqualsOnePass() throws {
        let text = try String(contentsOf: Self.recorded, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        let whole = LatencyTests.store(text)
        let options = LatencyOptions(worst: 20)
        let expected = whole.latency(options)
        #expect(!expected.sched.isEmpty && !expected.irq.isEmpty, "the recording has sched and softirq rows")
        for step in [1, 3, 7, 50] {
            var growing = EventStore()
            var analyzer = LatencyAnalyzer(options)
            var cut = 0, size = 1
            while cut < lines.count {
                let end = min(lines.count, cut + size)
                growing.append(Self.piece(lines[cut..<end].joined()))
                analyzer.consume(growing)
                cut = end
                size = size % step + 1
            }
            #expect(growing.count == whole.count)
            #expect(analyzer.report() == expected, "pieces of up to \(step) lines")
        }
    }

    /// Two-pass figures over the durations themselves, to check the running sums and buckets against.
    static func direct(_ values: [Int64]) -> (stddev: Double, percentiles: [Int64], slots: [Int]) {
        let sorted = values.sorted()
        let n = Double(values.count), mean = Double(values.reduce(0, +)) / n
        let m2 = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        var slots = [Int](repeating: 0, count: 65)
        for d in values { slots[LatencyStats.slot(d)] += 1 }
        let ranks = [50, 90, 99].map { max(1, min(values.count, (values.count * $0 + 99) / 100)) }
        return ((m2 / (n - 1)).squareRoot(), ranks.map { sorted[$0 - 1] }, Array(slots[0...slots.lastIndex { $0 > 0 }!]))
    }

    @Test func theSummaryDependsOnlyOnTheDurationsAndStaysWithinItsBounds() {
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int64((state >> 11) % bound)
        }
        let sets: [[Int64]] = [
            (0..<5000).map { _ in next(2_000) },
            (0..<5000).map { _ in 300 + next(1 << 20) * next(1 << 12) },
            (0..<3000).map { _ in 12345 },
            (0..<1000).map { _ in next(1 << 40) } + [0, 0, 1 << 50],
            (0..<900).map { _ in next(1_000_000) },
            [5, 3, 9],
        ]
        for values in sets {
            var one = LatencyAccumulator(keep: 5)
            for (k, d) in values.enumerated() { one.add(d, start: 0, startRow: k, endRow: k, pid: 1) }
            // The same durations in three parts, merged and united, give the same summary.
            var parts = [LatencyAccumulator](repeating: LatencyAccumulator(keep: 5), count: 3)
            for (k, d) in values.enumerated() { parts[(k * 7) % 3].add(d, start: 0, startRow: k, endRow: k, pid: 1) }
            var merged = parts[2]
            merged.merge(parts[0])
            merged.merge(parts[1])
            let s = one.finish()
            #expect(LatencyAccumulator.union(parts).finish() == s)
            let m = merged.finish()
            #expect(m.count == s.count && m.p50 == s.p50 && m.p99 == s.p99 && m.stddev == s.stddev && m.histogram == s.histogram)
            // Count, total, min, max and histogram exact; stddev as two passes give it.
            let (stddev, percentiles, slots) = Self.direct(values)
            #expect(s.count == values.count && s.total == values.reduce(0, +) && s.min == values.min() && s.max == values.max())
            #expect(s.histogram == slots)
            #expect(abs(s.stddev - stddev) <= 1e-9 * max(1, stddev), "\(s.stddev) against \(stddev)")
            // Percentiles exact up to the limit, then within 1/256 of the exact one.
            for (got, want) in zip([s.p50, s.p90, s.p99], percentiles) {
                if values.count <= LatencyAccumulator.exactLimit {
                    #expect(got == want)
                } else {
                    #expect(abs(got - want) <= want / 256, "\(got) against \(want) over \(values.count)")
                }
            }
        }
    }

    @Test func bucketsHoldEveryDurationInTheirRange() {
        for d: Int64 in [0, 1, 255, 256, 257, 511, 512, 1000, 123_456_789, 1 << 40, Int64.max] {
            let (lower, width) = DurationBuckets.range(DurationBuckets.index(d))
            #expect(lower <= d && d - lower < width, "\(d) in [\(lower), +\(width))")
            #expect(width == 1 || width <= lower / 128)
        }
    }
}
