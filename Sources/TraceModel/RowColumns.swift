/// A piece's row columns gathered in plain buffers and appended to its arrays in one copy each. Appending to
/// the seven arrays row by row (a uniqueness and a capacity check per array and row, calls the optimizer did
/// not inline) took about a quarter of the live viewer's CPU in `parse(_:range:decoded:)`.
struct RowColumns {
    let capacity: Int
    private(set) var count = 0
    private let offsets: UnsafeMutablePointer<UInt32>
    private let timestamps: UnsafeMutablePointer<Int64>
    private let tasks: UnsafeMutablePointer<UInt32>
    private let events: UnsafeMutablePointer<UInt16>
    private let cpus: UnsafeMutablePointer<UInt16>
    private let flags: UnsafeMutablePointer<UInt16>
    private let payloads: UnsafeMutablePointer<UInt16>

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        offsets = .allocate(capacity: self.capacity)
        timestamps = .allocate(capacity: self.capacity)
        tasks = .allocate(capacity: self.capacity)
        events = .allocate(capacity: self.capacity)
        cpus = .allocate(capacity: self.capacity)
        flags = .allocate(capacity: self.capacity)
        payloads = .allocate(capacity: self.capacity)
    }

    func deallocate() {
        offsets.deallocate()
        timestamps.deallocate()
        tasks.deallocate()
        events.deallocate()
        cpus.deallocate()
        flags.deallocate()
        payloads.deallocate()
    }

    /// One row, as `PieceParser.State.appendRow` writes it. The caller flushes before `capacity` is reached.
    @inline(__always)
    mutating func add(offset: Int, timestamp: Int64, task: UInt32, event: UInt16, cpu: Int32, flags f: UInt16,
                      payload: Int) {
        offsets[count] = UInt32(truncatingIfNeeded: offset)
        timestamps[count] = timestamp
        tasks[count] = task
        events[count] = event
        cpus[count] = cpu >= 0 && cpu < 0xFFFF ? UInt16(cpu) : 0xFFFF
        flags[count] = f
        payloads[count] = UInt16(clamping: payload)
        count += 1
    }

    /// Appends the rows gathered so far to `piece` and starts again (before a row made another way, and at the end).
    mutating func flush(into piece: inout ParsedPiece) {
        guard count > 0 else { return }
        piece.lineOffsets.append(contentsOf: UnsafeBufferPointer(start: offsets, count: count))
        piece.timestamps.append(contentsOf: UnsafeBufferPointer(start: timestamps, count: count))
        piece.tasks.append(contentsOf: UnsafeBufferPointer(start: tasks, count: count))
        piece.events.append(contentsOf: UnsafeBufferPointer(start: events, count: count))
        piece.cpus.append(contentsOf: UnsafeBufferPointer(start: cpus, count: count))
        piece.flags.append(contentsOf: UnsafeBufferPointer(start: flags, count: count))
        piece.payloadOffsets.append(contentsOf: UnsafeBufferPointer(start: payloads, count: count))
        count = 0
    }
}

extension PieceParser.State {
    /// `addEvent` for a row of decoded columns (a timestamp always, in seconds), written to `columns`: the row's
    /// index is the piece's rows plus those gathered.
    @inline(__always)
    mutating func addDecoded(_ timestamp: Int64, task: UInt32, event: UInt16, cpu: Int32, flags: UInt16, payload: Int,
                             line: LineBytes, offset: Int, columns: inout RowColumns, into piece: inout ParsedPiece) {
        stackTarget = -1
        let row = piece.lineOffsets.count + columns.count
        count(timestamp, clock: .seconds, event: event, cpu: cpu, row: row, into: &piece)
        guard keepRows else { return }
        columns.add(offset: offset, timestamp: timestamp, task: task, event: event, cpu: cpu, flags: flags,
                    payload: payload)
        addGraph(event, line: line, payload: payload, row: row, into: &piece)
    }
}
