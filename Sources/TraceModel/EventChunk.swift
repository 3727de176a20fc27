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
    /// The latency passes' values, per row (live rows only).
    let typed: TypedColumn?
    /// The host every row of the chunk came from: a chunk is one piece of one host's text, so the host
    /// column costs nothing per row (index into `EventStore.hostNames`).
    public let host: UInt16
    /// The clock offset subtracted from the text's times (`ParsedPiece.shiftTimes`).
    public let timeShift: Int64

    init(_ p: ParsedPiece) {
        host = p.host
        timeShift = p.timeShift
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
        typed = TypedColumn(p.typed, rowCount: p.rowCount)
    }

    private static func trimmed<T>(_ a: [T]) -> [T] {
        a.capacity > a.count + a.count / 8 ? a.withUnsafeBufferPointer { Array($0) } : a
    }

    public var count: Int { lineOffsets.count }

    /// Bytes of the columns (what the store costs beyond the text it points into).
    public var columnBytes: Int {
        count * 24 + stacks.rows.count * 16 + stacks.frames.count * 4 + (typed == nil ? 0 : count * TypedColumn.rowBytes)
    }

    /// The bytes of row `i`'s line, without its newline.
    @inline(__always)
    func line(_ i: Int) -> UnsafeRawBufferPointer {
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
