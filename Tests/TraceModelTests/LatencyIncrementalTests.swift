import Foundation
import Testing
@testable import TraceModel

/// The live view's measurement (the analyzer fed each new batch of rows) equals one pass over the whole trace, on
/// a recorded trace cut into pieces of every size; and the durations' radix sort orders as a comparison sort does.
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

    @Test func radixSortedDurationsEqualSorted() {
        var state: UInt64 = 7
        func next(_ bound: UInt64) -> Int64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int64((state >> 11) % bound)
        }
        let sets: [[Int64]] = [
            (0..<5000).map { _ in next(2_000) },
            (0..<5000).map { _ in next(UInt64(Int64.max)) },
            (0..<3000).map { _ in 12345 },
            (0..<1000).map { _ in next(1 << 40) } + [0, 0, Int64.max],
            (0..<2000).map { _ in next(1000) - 500 },  // negative: the comparison sort
            [5, 3, 9],
        ]
        for values in sets {
            #expect(LatencyAccumulator.sortedDurations(values[...]) == values.sorted())
            // A slice not starting at 0 (the unsorted tail `settle` passes).
            #expect(LatencyAccumulator.sortedDurations(values.dropFirst(7)) == values.dropFirst(7).sorted())
        }
    }
}

/// Block requests in the field form the live reader and the trace.dat decoder write (`dev=` as the kernel's dev_t,
/// 64-bit sectors in hex) give what the kernel's own wording gives.
@Suite struct LatencyFieldFormTests {
    @Test func blockRequestsInTheReadersFieldForm() throws {
        let text = """
            # tracer: nop
            kworker-9 [000] ..... 1.000000: block_rq_insert: dev=8388608 sector=0x3e8 nr_sector=8 bytes=4096 ioprio=0 rwbs=W comm=kworker cmd=
            kworker-9 [000] ..... 1.000010: block_rq_issue: dev=8388608 sector=0x3e8 nr_sector=8 bytes=4096 ioprio=0 rwbs=W comm=kworker cmd=
            kworker-9 [000] ..... 1.000020: block_rq_issue: dev=271581184 sector=0x7d0 nr_sector=128 bytes=65536 ioprio=0 rwbs=R comm=fio cmd=
            <idle>-0 [000] d.h1. 1.000510: block_rq_complete: dev=8388608 sector=0x3e8 nr_sector=8 error=0 ioprio=0 rwbs=W cmd=
            <idle>-0 [000] d.h1. 1.002020: block_rq_complete: dev=271581184 sector=0x7d0 nr_sector=128 error=0 ioprio=0 rwbs=R cmd=
            <idle>-0 [000] d.h1. 1.003000: block_rq_complete: dev=271581184 sector=0x270f nr_sector=8 error=0 ioprio=0 rwbs=R cmd=

            """
        let block = LatencyTests.store(text).latency(LatencyOptions(sections: [.block])).block
        let sda = try #require(block.first { $0.device == "8,0" })
        #expect(sda.ios == 1 && sda.bytes == 4096 && sda.latency.max == 500_000, "from issue, not insert")
        let nvme = try #require(block.first { $0.device == "259,0" })
        #expect(nvme.ios == 1 && nvme.bytes == 65536 && nvme.latency.max == 2_000_000)
    }
}

@Suite struct TypedFieldsSliceTests {
    @Test func aSliceKeepsTheEntriesOfItsRowsRenumbered() {
        var t = TypedFields()
        for (row, v) in [(1, 10), (4, 40), (5, 50), (9, 90)] { t.append(row: row, kind: 4, Int64(v), -Int64(v)) }
        let s = t.slice(4, 9)
        #expect(s.rows == [0, 1] && s.f0 == [40, 50] && s.f1 == [-40, -50] && s.kinds == [4, 4])
        #expect(t.slice(6, 9).count == 0 && t.slice(0, 100).rows == [1, 4, 5, 9])
    }
}
