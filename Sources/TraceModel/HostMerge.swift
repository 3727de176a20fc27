/// Several hosts' rows put into one time order before they enter the store: each host's pieces wait in a queue
/// (their ids already the store's) until the caller releases every row up to a time; the rows released are
/// merged by time, each host's own order kept (a k-way merge that only takes a host's next row), and appended
/// as chunks whose text is the rows' lines in that order with a host per row.
///
/// Live, a row is released once every connected host has reported past its time (or it waited too long: the
/// caller's bound); a replay of a directory queues every host's file and releases everything.
public struct HostMerge: Sendable {
    struct Queue: Sendable {
        var pieces: [ParsedPiece] = []
        /// The next row of `pieces[0]`.
        var next = 0
        /// The latest time this host reported (any row queued so far).
        var latest: Int64?
    }

    private var queues: [Queue] = []
    public private(set) var pendingRows = 0
    /// Rows released after a later time was already released (a host that reported too late for its place).
    public private(set) var lateRows = 0
    /// The latest time released so far.
    public private(set) var releasedThrough: Int64?
    /// Rows per chunk at most: chunks stay small enough to evict by and their text far below 4 GiB.
    var chunkRows = 65_536

    public init() {}

    /// Queues a piece of one host (`piece.host`) whose times are on the common clock already.
    public mutating func add(_ piece: ParsedPiece, into store: inout EventStore) {
        let p = store.admit(piece)
        let h = Int(p.host)
        if h >= queues.count { queues += Array(repeating: Queue(), count: h + 1 - queues.count) }
        guard p.rowCount > 0 else { return }
        if let t = p.counts.latestTimestamp { queues[h].latest = max(queues[h].latest ?? t, t) }
        queues[h].pieces.append(p)
        pendingRows += p.rowCount
    }

    /// Queues a gap row on host `h` (its connection dropped) after everything the host queued so far: a
    /// lost-events row at its latest time, or where the merged stream stands if that went past it already.
    public mutating func addGap(host h: UInt16, into store: inout EventStore) {
        let at = max(latest(ofHost: h) ?? releasedThrough ?? 0, releasedThrough ?? .min)
        add(ParsedPiece.gap(host: h, at: at), into: &store)
    }

    /// The latest time host `h` has reported (nil before its first row).
    public func latest(ofHost h: UInt16) -> Int64? {
        Int(h) < queues.count ? queues[Int(h)].latest : nil
    }

    /// The time of the oldest row waiting, any host.
    public var oldestPending: Int64? {
        queues.compactMap { q in q.pieces.first.map { $0.timestamps[q.next] } }.min()
    }

    /// Appends to `store`, in one time order, every queued row whose time is at most `limit` (a host's rows stop
    /// at its first one past it, so that its own order is kept). Returns the rows appended.
    @discardableResult
    public mutating func release(through limit: Int64, into store: inout EventStore) -> Range<Int> {
        let first = store.count
        while let chunk = nextChunk(through: limit) { store.append(chunk: chunk) }
        return first..<store.count
    }

    /// Appends every queued row (the capture ended, or a recording was read whole).
    @discardableResult
    public mutating func releaseAll(into store: inout EventStore) -> Range<Int> {
        release(through: .max, into: &store)
    }

    private mutating func nextChunk(through limit: Int64) -> EventChunk? {
        // The picks first (host, piece, row), then the text sized once and filled.
        var picks: [(host: UInt16, piece: Int, row: Int)] = []
        var cursor = queues.map { (piece: 0, row: $0.next) }
        var bytes = 0
        while picks.count < chunkRows {
            var pick = -1
            var best = Int64.max
            for h in queues.indices {
                let c = cursor[h]
                guard c.piece < queues[h].pieces.count else { continue }
                let t = queues[h].pieces[c.piece].timestamps[c.row]
                if t <= limit, pick < 0 || t < best {
                    pick = h
                    best = t
                }
            }
            guard pick >= 0 else { break }
            let c = cursor[pick]
            bytes += Self.spanLength(queues[pick].pieces[c.piece], c.row)
            picks.append((UInt16(pick), c.piece, c.row))
            if let done = releasedThrough, best < done { lateRows += 1 }
            releasedThrough = max(releasedThrough ?? best, best)
            let rows = queues[pick].pieces[c.piece].rowCount
            cursor[pick] = c.row + 1 < rows ? (c.piece, c.row + 1) : (c.piece + 1, 0)
        }
        guard !picks.isEmpty else { return nil }
        let text = MergedText(byteCount: bytes)
        let n = picks.count
        var lineOffsets: [UInt32] = [], timestamps: [Int64] = [], tasks: [UInt32] = [], events: [UInt16] = []
        var cpus: [UInt16] = [], flags: [UInt16] = [], payloads: [UInt16] = [], hosts: [UInt16] = []
        lineOffsets.reserveCapacity(n)
        timestamps.reserveCapacity(n)
        tasks.reserveCapacity(n)
        events.reserveCapacity(n)
        cpus.reserveCapacity(n)
        flags.reserveCapacity(n)
        payloads.reserveCapacity(n)
        hosts.reserveCapacity(n)
        var stacks = StackTable()
        var shifts: [UInt16: Int64] = [:]
        for (row, k) in picks.enumerated() {
            func fill(_ p: borrowing ParsedPiece) {
                lineOffsets.append(UInt32(text.used))
                text.append(Self.span(p, k.row))
                timestamps.append(p.timestamps[k.row])
                tasks.append(p.tasks[k.row])
                events.append(p.events[k.row])
                cpus.append(p.cpus[k.row])
                flags.append(p.flags[k.row])
                payloads.append(p.payloadOffsets[k.row])
                if shifts[k.host] == nil { shifts[k.host] = p.timeShift }
                if p.stacks.count > 0, let s = p.stacks.stackIndex(ofRow: Int32(k.row)) {
                    // The sample's address goes with its stack (source lines and symbol sizes read it).
                    let address = s < p.stacks.leafAddresses.count ? p.stacks.leafAddresses[s] : 0
                    for f in p.stacks.frames[Int(p.stacks.starts[s])..<Int(p.stacks.starts[s + 1])] {
                        stacks.append(frame: f, toRow: Int32(row), address: address)
                    }
                }
            }
            fill(queues[Int(k.host)].pieces[k.piece])
            hosts.append(k.host)
        }
        // What was taken leaves the queues.
        for h in queues.indices {
            let c = cursor[h]
            let taken = queues[h].pieces.prefix(c.piece).reduce(0) { $0 + $1.rowCount } - queues[h].next + c.row
            pendingRows -= taken
            queues[h].pieces.removeFirst(c.piece)
            queues[h].next = c.row
        }
        return EventChunk(merged: text, lineOffsets: lineOffsets, timestamps: timestamps, tasks: tasks,
                          events: events, cpus: cpus, flags: flags, payloadOffsets: payloads, stacks: stacks,
                          hosts: hosts, hostShifts: shifts)
    }

    /// Row `row`'s text in its piece: its line up to the next row's (the stack lines after it come along).
    private static func span(_ p: borrowing ParsedPiece, _ row: Int) -> UnsafeRawBufferPointer {
        let start = p.base + Int(p.lineOffsets[row])
        let end = row + 1 < p.rowCount ? p.base + Int(p.lineOffsets[row + 1]) : p.base + p.length
        return UnsafeRawBufferPointer(rebasing: p.storage.bytes[start..<max(start, end)])
    }

    /// The bytes the span takes in a merged text: a newline is added where a piece's last line had none.
    private static func spanLength(_ p: borrowing ParsedPiece, _ row: Int) -> Int {
        let s = span(p, row)
        return s.count + (s.last == 0x0A ? 0 : 1)
    }
}

/// The text of a merged chunk: written once while the chunk is made, read only after.
final class MergedText: ByteStorage, @unchecked Sendable {
    private let buffer: UnsafeMutableRawBufferPointer

    init(byteCount: Int) {
        buffer = .allocate(byteCount: max(1, byteCount), alignment: 16)
        count = byteCount
    }

    private let count: Int

    private(set) var used = 0

    /// Adds a row's text, ended by a newline.
    func append(_ bytes: UnsafeRawBufferPointer) {
        if let from = bytes.baseAddress, bytes.count > 0 {
            (buffer.baseAddress! + used).copyMemory(from: from, byteCount: bytes.count)
            used += bytes.count
        }
        if bytes.last != 0x0A {
            buffer[used] = 0x0A
            used += 1
        }
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    deinit { buffer.deallocate() }
}
