import Testing
@testable import TraceModel

/// A chunk's kept records get their lines when read, once: the same bytes at the same address every time (a pointer
/// handed out stays valid), through the switch from a few rows in a dictionary to one entry a row, and small first
/// pages (a screenful read of each chunk must not cost a megabyte a chunk).
@Suite struct KeptLinesTests {
    /// A record is 4 bytes: its number; its line `row N` padded to N % 7 + 20 bytes, fields after 4.
    struct Numbered: KeptLineFormatter {
        func recordLength(_ record: UnsafeRawPointer) -> Int { 4 }
        var commOffset: Int { 0 }
        func lineBound(_ record: UnsafeRawPointer) -> Int { 64 }
        func format(_ record: UnsafeRawPointer, into out: UnsafeMutableRawPointer) -> (length: Int, payload: Int) {
            let n = Int(record.loadUnaligned(as: UInt32.self))
            let text = Array(("row \(n)" + String(repeating: " ", count: 30)).utf8.prefix(n % 7 + 20))
            text.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            return (text.count, 4)
        }
    }

    @Test func linesAreMadeOnceAndStayWhereTheyWere() {
        let rows = 2000
        var records = [UInt32](0..<UInt32(rows))
        let lines = KeptLines(formatter: Numbered())
        records.withUnsafeMutableBytes { b in
            func line(_ k: Int) -> (bytes: UnsafeRawBufferPointer, payload: Int) {
                lines.line(k, of: rows, record: b.baseAddress! + 4 * k)
            }
            let first = line(7)
            #expect(String(decoding: first.bytes, as: UTF8.self).hasPrefix("row 7 ") && first.bytes.count == 20)
            #expect(first.payload == 4)
            #expect(lines.cachedBytes < 16 << 10, "a few lines cost a small page: \(lines.cachedBytes)")
            // Every row, past the dictionary's limit: each line right, the first still at its address.
            for k in stride(from: rows - 1, through: 0, by: -1) {
                let l = line(k)
                #expect(String(decoding: l.bytes, as: UTF8.self).hasPrefix("row \(k)") && l.bytes.count == k % 7 + 20, "row \(k): \(l.bytes.count)")
            }
            let again = line(7)
            #expect(again.bytes.baseAddress == first.bytes.baseAddress && again.bytes.count == 20)
            #expect(lines.cachedBytes < 2 << 20)
        }
    }
}
