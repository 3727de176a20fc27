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
}

/// The lines of one chunk's kept rows, each made the first time it is read and kept while the chunk lives, so
/// a pointer handed out stays valid as long as one into the chunk's text would. Rows are read from any thread
/// (the UI, jobs): one lock per chunk.
final class KeptLines: Sendable {
    /// Lines go into pages of this size (a longer line gets a page of its own).
    static let pageSize = 1 << 20
    let formatter: any KeptLineFormatter
    private let cache: Mutex<Cache>

    struct Cache: ~Copyable {
        /// Per row, once made: the line's address (0: not made yet), length and payload offset. Allocated at
        /// the first line made, so a chunk nobody reads costs nothing.
        var starts: [UInt] = []
        var lengths: [UInt32] = []
        var payloads: [UInt16] = []
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
            if c.starts.isEmpty {
                c.starts = Array(repeating: 0, count: rows)
                c.lengths = Array(repeating: 0, count: rows)
                c.payloads = Array(repeating: 0, count: rows)
            }
            if c.starts[row] != 0 { return (c.starts[row], Int(c.lengths[row]), Int(c.payloads[row])) }
            let record = UnsafeRawPointer(bitPattern: recordAddress)!
            let need = formatter.lineBound(record)
            if c.room < need {
                let size = max(Self.pageSize, need)
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
            c.starts[row] = UInt(bitPattern: at)
            c.lengths[row] = UInt32(length)
            c.payloads[row] = UInt16(clamping: line.payload)
            return (UInt(bitPattern: at), length, line.payload)
        }
        return (UnsafeRawBufferPointer(start: UnsafeRawPointer(bitPattern: made.address), count: made.length),
                made.payload)
    }

    /// Bytes of the lines made so far (pages) and of their index.
    var cachedBytes: Int {
        cache.withLock { $0.bytes + $0.starts.count * 14 }
    }
}
