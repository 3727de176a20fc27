import Synchronization
/// An immutable block of rows in columns, pointing into the bytes it was parsed from.
///
/// 24 bytes a row: line offset (4, relative to `base`), timestamp (8), task (4), event (2), cpu (2),
/// flags (2), payload offset within the line (2).
public final class EventChunk: Sendable {
    public let storage: ByteStorage
    public let base: Int
    public let length: Int
    let lineOffsets: [UInt32]
    let timestamps: [Int64]
    let tasks: [UInt32]
    let events: [UInt16]
    let cpus: [UInt16]
    let flags: [UInt16]
    let payloadOffsets: [UInt16]
    let stacks: StackTable
    /// The latency passes' values the live reader kept, per row (live rows only; none before the latency view
    /// first opened).
    let capturedTyped: TypedColumn?
    /// The host of the chunk's rows when they all came from one (a piece of one host's text): the host column
    /// then costs nothing per row (index into `EventStore.hostNames`). Else the first row's host.
    public let host: UInt16
    /// Each row's host when the chunk interleaves several (`HostMerge`); empty when every row is `host`'s.
    let hosts: [UInt16]
    /// The clock offset subtracted from the text's times (`ParsedPiece.shiftTimes`), of `host`'s rows.
    public let timeShift: Int64
    /// The lines of rows whose records a live reader kept as bytes (`keptRow` set in their line offset); nil
    /// when every row has its line in the text.
    let kept: KeptLines?
    /// Marks a line offset as a kept record's (only in a chunk with `kept`: elsewhere the bit is the offset's).
    static let keptRow: UInt32 = 1 << 31
    /// Per host (an index into `EventStore.hostNames`), the offset its rows were moved by, when several.
    let hostShifts: [UInt16: Int64]

    init(_ p: ParsedPiece) {
        host = p.host
        hosts = []
        timeShift = p.timeShift
        hostShifts = [:]
        storage = p.storage
        base = p.base
        length = p.length
        // Copied to exact size when reserved or grown well past their rows (a copy costs less than the slack).
        lineOffsets = Self.trimmed(p.lineOffsets)
        timestamps = Self.trimmed(p.timestamps)
        tasks = Self.trimmed(p.tasks)
        events = Self.trimmed(p.events)
        cpus = Self.trimmed(p.cpus)
        flags = Self.trimmed(p.flags)
        payloadOffsets = Self.trimmed(p.payloadOffsets)
        stacks = p.stacks
        kept = p.kept.map { KeptLines(formatter: $0) }
        capturedTyped = TypedColumn(p.typed, rowCount: p.rowCount)
    }

    /// Rows of several hosts in one time order: `text` holds each row's lines (its own and the stack lines after
    /// it) in that order, the columns and ids are the store's already.
    init(merged text: ByteStorage, lineOffsets: [UInt32], timestamps: [Int64], tasks: [UInt32], events: [UInt16],
         cpus: [UInt16], flags: [UInt16], payloadOffsets: [UInt16], stacks: StackTable, hosts: [UInt16],
         hostShifts: [UInt16: Int64]) {
        storage = text
        base = 0
        length = text.bytes.count
        self.lineOffsets = lineOffsets
        self.timestamps = timestamps
        self.tasks = tasks
        self.events = events
        self.cpus = cpus
        self.flags = flags
        self.payloadOffsets = payloadOffsets
        self.stacks = stacks
        let first = hosts.first ?? 0
        host = first
        self.hosts = hosts.allSatisfy { $0 == first } ? [] : hosts
        timeShift = hostShifts[first] ?? 0
        self.hostShifts = hostShifts
        // Remote hosts' rows are text (their own `record -o -`), never kept records.
        kept = nil
        capturedTyped = nil
    }

    /// The rows come from several hosts (a host per row).
    public var mixesHosts: Bool { !hosts.isEmpty }

    /// Row `i`'s host.
    @inline(__always)
    public func host(at i: Int) -> UInt16 { hosts.isEmpty ? host : hosts[i] }

    /// The clock offset `host`'s rows in this chunk were moved by (nil: the chunk has none of its rows).
    public func timeShift(ofHost h: UInt16) -> Int64? {
        hosts.isEmpty ? (h == host ? timeShift : nil) : hostShifts[h]
    }

    /// Row `i`'s text as the file had it: its line and the lines after it up to the next row (a stack), with
    /// their newlines.
    public func rowText(_ i: Int) -> UnsafeRawBufferPointer {
        let start = base + Int(lineOffsets[i])
        let end = i + 1 < count ? base + Int(lineOffsets[i + 1]) : base + length
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start..<max(start, end)])
    }

    private static func trimmed<T>(_ a: [T]) -> [T] {
        a.capacity > a.count + a.count / 8 ? a.withUnsafeBufferPointer { Array($0) } : a
    }

    public var count: Int { lineOffsets.count }

    /// Bytes of the columns (what the store costs beyond the text it points into).
    public var columnBytes: Int {
        count * 24 + hosts.count * 2 + stacks.rows.count * 16 + stacks.frames.count * 4
            + (capturedTyped == nil ? 0 : count * TypedColumn.rowBytes)
    }

    /// Bytes of the lines made so far from kept records.
    public var keptLineBytes: Int { kept?.cachedBytes ?? 0 }

    /// What makes the lines of the chunk's kept records (nil when it has none).
    public var keptFormatter: (any KeptLineFormatter)? { kept?.formatter }

    /// The kept record of row `i`, when its record was kept as bytes.
    @inline(__always)
    public func keptRecord(_ i: Int) -> UnsafeRawPointer? {
        guard kept != nil, lineOffsets[i] & Self.keptRow != 0, let all = storage.bytes.baseAddress else { return nil }
        return all + base + Int(lineOffsets[i] & ~Self.keptRow)
    }

    /// Where row `i`'s fields start in its line.
    @inline(__always)
    public func payloadOffset(_ i: Int) -> Int {
        if let record = keptRecord(i), let kept { return kept.line(i, of: count, record: record).payload }
        return Int(payloadOffsets[i])
    }

    /// The bytes of row `i`'s line, without its newline.
    @inline(__always)
    func line(_ i: Int) -> UnsafeRawBufferPointer {
        if let record = keptRecord(i), let kept { return kept.line(i, of: count, record: record).bytes }
        let all = storage.bytes
        let start = base + Int(lineOffsets[i])
        let limit = base + length
        var end = start
        if let p = all.baseAddress?.assumingMemoryBound(to: UInt8.self),
           let nl = memchrBytes(p + start, Byte.newline, limit - start) {
            end = nl - p
        } else {
            end = limit
        }
        if end > start, all[end - 1] == Byte.cr { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: all[start..<end])
    }
}

extension EventChunk {
    /// The chunk's text as a log holds it, in order and in pieces of about a megabyte: the text as it is, each kept
    /// record as its line and a newline (what `TraceWriter` saves). Kept records' lines are made into the piece,
    /// not cached: saving a capture does not double what it holds.
    public func forEachText(_ body: (UnsafeRawBufferPointer) -> Void) {
        let all = storage.bytes
        guard let kept, let start = all.baseAddress else {
            body(UnsafeRawBufferPointer(rebasing: all[base..<(base + length)]))
            return
        }
        let batch = 1 << 20, size = 2 * batch
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        var used = 0
        func flush() {
            if used > 0 { body(UnsafeRawBufferPointer(start: buffer, count: used)) }
            used = 0
        }
        func add(_ bytes: UnsafeRawBufferPointer) {
            if used + bytes.count > batch {
                flush()
                if bytes.count >= batch { return body(bytes) }
            }
            if let from = bytes.baseAddress { (buffer + used).copyMemory(from: from, byteCount: bytes.count) }
            used += bytes.count
        }
        var cursor = base
        for i in 0..<count where lineOffsets[i] & Self.keptRow != 0 {
            let at = base + Int(lineOffsets[i] & ~Self.keptRow)
            if at > cursor { add(UnsafeRawBufferPointer(rebasing: all[cursor..<at])) }
            let record = start + at
            let need = kept.formatter.lineBound(record) + 1
            if used + need > size { flush() }
            if need > size {
                add(kept.line(i, of: count, record: record).bytes)
                withUnsafeBytes(of: Byte.newline) { add($0) }
            } else {
                let n = min(kept.formatter.format(record, into: buffer + used).length, need - 1)
                (buffer + used + n).storeBytes(of: Byte.newline, as: UInt8.self)
                used += n + 1
                if used >= batch { flush() }
            }
            cursor = at + kept.formatter.recordLength(record)
        }
        if base + length > cursor { add(UnsafeRawBufferPointer(rebasing: all[cursor..<(base + length)])) }
        flush()
    }
}

extension EventChunk {
    /// Whether the latency passes have values for rows of this chunk (`latencyValues`) without reading their text.
    var hasLatencyValues: Bool { capturedTyped != nil || kept != nil }

    /// Row `i`'s latency values (`TypedFields.Kind`, kind 0: none): those the reader kept, else its kept record's
    /// (a chunk read while the latency view was closed). A record's are taken from its bytes at each call, not
    /// kept: the live view reads each row once, and a column of them (17 bytes a row, faulted in at every refresh)
    /// cost more than the values, in memory `--memory-mb` did not see.
    @inline(__always)
    func latencyValues(_ i: Int) -> (kind: UInt8, f0: Int64, f1: Int64) {
        if let capturedTyped { return (capturedTyped.kinds[i], capturedTyped.f0[i], capturedTyped.f1[i]) }
        guard let kept, let record = keptRecord(i) else { return (0, 0, 0) }
        return kept.formatter.latencyValues(record)
    }

    /// `latencyValues` of the rows in `range`, a block of at most `block` rows at a time: `body` gets the block's
    /// first row and count and its kinds, f0 and f1 (index 0 is the block's first row). The reader's columns are
    /// handed out as they are; kept records' values are made a block at a time into one small buffer (a call a row
    /// through the formatter's protocol retained and released it each time, and a column for the whole chunk
    /// faulted in fresh memory at every refresh).
    func forEachLatencyBlock(in range: Range<Int>, block: Int = 4096,
                             _ body: (Int, Int, UnsafePointer<UInt8>, UnsafePointer<Int64>, UnsafePointer<Int64>) -> Void) {
        guard !range.isEmpty else { return }
        if let captured = capturedTyped {
            captured.kinds.withUnsafeBufferPointer { kinds in
                captured.f0.withUnsafeBufferPointer { f0 in
                    captured.f1.withUnsafeBufferPointer { f1 in
                        body(range.lowerBound, range.count, kinds.baseAddress! + range.lowerBound,
                             f0.baseAddress! + range.lowerBound, f1.baseAddress! + range.lowerBound)
                    }
                }
            }
            return
        }
        let size = Swift.min(block, range.count)
        let kinds = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
        let f0 = UnsafeMutablePointer<Int64>.allocate(capacity: size)
        let f1 = UnsafeMutablePointer<Int64>.allocate(capacity: size)
        defer {
            kinds.deallocate()
            f0.deallocate()
            f1.deallocate()
        }
        let formatter = kept?.formatter
        let records = storage.bytes.baseAddress.map { $0 + base }
        lineOffsets.withUnsafeBufferPointer { offsets in
            var at = range.lowerBound
            while at < range.upperBound {
                let n = Swift.min(size, range.upperBound - at)
                if let formatter, let records {
                    _ = formatter.latencyValues(base: records, offsets: offsets.baseAddress! + at, count: n,
                                                keptFlag: Self.keptRow, kinds: kinds, f0: f0, f1: f1)
                } else {
                    kinds.initialize(repeating: 0, count: n)
                    f0.initialize(repeating: 0, count: n)
                    f1.initialize(repeating: 0, count: n)
                }
                body(at, n, kinds, f0, f1)
                at += n
            }
        }
    }
}
