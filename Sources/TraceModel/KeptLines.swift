import Synchronization

/// Makes the text line of a record that a live reader kept as bytes in its block instead of formatting it
/// (only the rows drawn, searched or saved are ever read as text; formatting every record cost more than
/// reading it).
public protocol KeptLineFormatter: Sendable {
    /// Bytes the kept record at `record` takes in its block.
    func recordLength(_ record: UnsafeRawPointer) -> Int
    /// Where the task's name starts in a kept record (its length is the row's `DecodedRows.commLengths`).
    var commOffset: Int { get }
    /// At least as many bytes as `format` writes for the record.
    func lineBound(_ record: UnsafeRawPointer) -> Int
    /// Writes the record's line (no newline) at `out`: its length, and where its fields start.
    func format(_ record: UnsafeRawPointer, into out: UnsafeMutableRawPointer) -> (length: Int, payload: Int)
    /// The latency passes' typed values of the record (`TypedFields.Kind`; kind 0: none).
    func latencyValues(_ record: UnsafeRawPointer) -> (kind: UInt8, f0: Int64, f1: Int64)
    /// The same for `count` rows at once: row i's record is at `base + offsets[i] & ~keptFlag` when its offset has
    /// `keptFlag`; every row's kind and values are written (0 for none). Returns how many rows have a kind.
    func latencyValues(base: UnsafeRawPointer, offsets: UnsafePointer<UInt32>, count: Int, keptFlag: UInt32,
                       kinds: UnsafeMutablePointer<UInt8>, f0: UnsafeMutablePointer<Int64>,
                       f1: UnsafeMutablePointer<Int64>) -> Int
}

extension KeptLineFormatter {
    public func latencyValues(_ record: UnsafeRawPointer) -> (kind: UInt8, f0: Int64, f1: Int64) { (0, 0, 0) }

    public func latencyValues(base: UnsafeRawPointer, offsets: UnsafePointer<UInt32>, count: Int, keptFlag: UInt32,
                              kinds: UnsafeMutablePointer<UInt8>, f0: UnsafeMutablePointer<Int64>,
                              f1: UnsafeMutablePointer<Int64>) -> Int {
        var found = 0
        for i in 0..<count {
            (kinds[i], f0[i], f1[i]) = offsets[i] & keptFlag == 0 ? (0, 0, 0)
                : latencyValues(base + Int(offsets[i] & ~keptFlag))
            if kinds[i] != 0 { found += 1 }
        }
        return found
    }
}

/// The lines of one chunk's kept rows, each made the first time it is read and kept while the chunk lives, so
/// a pointer handed out stays valid as long as one into the chunk's text would. Rows are read from any thread
/// (the UI, jobs): one lock per chunk.
final class KeptLines: Sendable {
    /// Lines go into pages that double from `firstPage` up to `pageSize` (a longer line gets a page of its own):
    /// most chunks only ever have a screenful of lines read (the stream's tail as it passes), and a large first
    /// page for each of the thousands a long capture holds would cost more than their records.
    static let firstPage = 8 << 10
    static let pageSize = 1 << 20
    static let denseAfter = 512
    let formatter: any KeptLineFormatter
    private let cache: Mutex<Cache>

    struct Made {
        var address: UInt
        var length: UInt32
        var payload: UInt16
    }

    struct Cache: ~Copyable {
        /// Per row, once made: the line's address, length and payload offset. A few rows (a screenful of the
        /// stream's tail) in a dictionary; past `denseAfter`, an array per row (a search reads every row).
        var sparse: [Int32: Made] = [:]
        var dense: [Made] = []
        var pages: [UnsafeMutableRawPointer] = []
        var next: UnsafeMutableRawPointer?
        var room = 0
        var bytes = 0

        deinit {
            for p in pages { p.deallocate() }
        }
    }

    init(formatter: any KeptLineFormatter) {
        self.formatter = formatter
        cache = Mutex(Cache())
    }

    /// Row `row`'s line (of `rows` in the chunk), the record being at `record`, and where its fields start.
    func line(_ row: Int, of rows: Int, record: UnsafeRawPointer) -> (bytes: UnsafeRawBufferPointer, payload: Int) {
        // Addresses cross the lock as integers (a pointer is not Sendable).
        let recordAddress = UInt(bitPattern: record)
        let made: (address: UInt, length: Int, payload: Int) = cache.withLock { c in
            if let known = c.dense.isEmpty ? c.sparse[Int32(row)] : c.dense[row], known.address != 0 {
                return (known.address, Int(known.length), Int(known.payload))
            }
            let record = UnsafeRawPointer(bitPattern: recordAddress)!
            let need = formatter.lineBound(record)
            if c.room < need {
                let size = max(min(Self.pageSize, Self.firstPage << min(c.pages.count, 7)), need)
                let page = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
                c.pages.append(page)
                c.next = page
                c.room = size
                c.bytes += size
            }
            let at = c.next!
            let line = formatter.format(record, into: at)
            let length = min(line.length, need)
            c.next = at + length
            c.room -= length
            let made = Made(address: UInt(bitPattern: at), length: UInt32(length), payload: UInt16(clamping: line.payload))
            if !c.dense.isEmpty {
                c.dense[row] = made
            } else if c.sparse.count < Self.denseAfter {
                c.sparse[Int32(row)] = made
            } else {
                c.dense = Array(repeating: Made(address: 0, length: 0, payload: 0), count: rows)
                for (k, m) in c.sparse { c.dense[Int(k)] = m }
                c.sparse = [:]
                c.dense[row] = made
            }
            return (made.address, length, Int(made.payload))
        }
        return (UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: made.address), count: made.length),
                made.payload)
    }

    /// Bytes of the lines made so far (pages) and of their index.
    var cachedBytes: Int {
        cache.withLock { $0.bytes + $0.dense.count * MemoryLayout<Made>.stride + $0.sparse.count * 32 }
    }
}
