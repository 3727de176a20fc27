/// The rows of one contiguous piece of a trace, parsed on its own (possibly on another thread),
/// with piece-local ids for tasks, event names and stack symbols that `EventStore` remaps when it appends.
public struct ParsedPiece: Sendable {
    let storage: ByteStorage
    let base: Int
    let length: Int
    var lineOffsets: [UInt32] = []
    var timestamps: [Int64] = []
    var tasks: [UInt32] = []
    var events: [UInt16] = []
    var cpus: [UInt16] = []
    var flags: [UInt16] = []
    var payloadOffsets: [UInt16] = []
    /// Typed values of the latency passes' rows, from a live reader (sparse, by row).
    var typed = TypedFields()
    /// Rows before the first row with a timestamp of its own (they inherit the previous piece's last).
    var rowsBeforeFirstTimestamp = 0
    var stacks = StackTable()
    var taskNames = ByteInterner()
    var taskTgids: [Int32] = []
    var eventNames = ByteInterner()
    var symbols = ByteInterner()
    var counts = PieceCounts()
    var header = TraceHeader()
    /// function_graph lines taken apart for the call tree (rows kept only).
    public internal(set) var graph = GraphOps()
    /// The host the rows came from (an index into `EventStore.hostNames`; 0 for a single-machine trace).
    public var host: UInt16 = 0
    /// How far `shiftTimes` moved the times from the text's (ns; the text keeps the host's own clock).
    public internal(set) var timeShift: Int64 = 0
    /// Makes the lines of rows whose records were kept as bytes (`EventChunk.kept`); nil when there are none.
    var kept: (any KeptLineFormatter)?

    public var rowCount: Int { lineOffsets.count }

    mutating func reserveRows(_ n: Int) {
        guard n > 0 else { return }
        lineOffsets.reserveCapacity(n)
        timestamps.reserveCapacity(n)
        tasks.reserveCapacity(n)
        events.reserveCapacity(n)
        cpus.reserveCapacity(n)
        flags.reserveCapacity(n)
        payloadOffsets.reserveCapacity(n)
    }
    public var byteCount: Int { length }
}

/// What a piece counted while it parsed: summed into `TraceSummary` when pieces are appended.
struct PieceCounts: Sendable {
    var byEvent: [Int] = []          // local event id → count
    var byCPU: [Int] = []            // cpu → events
    var unparsed = 0
    /// Events read from the end of a torn line.
    var tornLines = 0
    var lostEvents: Int64 = 0
    var lostLines = 0
    var stackBlocks = 0
    var stackFrames = 0
    var bufferStartedMarkers = 0
    var firstTimestamp: Int64?
    var lastTimestamp: Int64?
    /// The smallest and largest times, wherever they sit (an unsorted log's first line need not be its earliest).
    var earliestTimestamp: Int64?
    var latestTimestamp: Int64?
    var clock: TimestampClock?
    var lines = 0
}

/// Stacks attached to rows: row i's frames are `frames[starts[k]..<starts[k+1]]` where rows[k] == i.
struct StackTable: Sendable {
    var rows: [Int32] = []
    var starts: [Int32] = [0]
    var frames: [UInt32] = []
    /// Per stack (parallel to `rows`): the sample's address, its innermost frame's as perf script prints it
    /// (map-relative in a user binary, what addr2line takes; the kernel's own address), 0 where the text has none
    /// (ftrace stacks). One per sample, not per frame: 8 bytes a frame would triple the frames' column, and only
    /// the innermost frame's address decides a source line or a symbol size.
    var leafAddresses: [UInt64] = []

    var count: Int { rows.count }

    mutating func append(frame: UInt32, toRow row: Int32, address: UInt64 = 0) {
        if rows.last != row {
            rows.append(row)
            starts.append(starts.last ?? 0)
            leafAddresses.append(address)
        }
        frames.append(frame)
        starts[starts.count - 1] += 1
    }

    func frames(ofRow row: Int32) -> ArraySlice<UInt32>? {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] < row { lo = mid + 1 } else { hi = mid }
        }
        guard lo < rows.count, rows[lo] == row else { return nil }
        return frames[Int(starts[lo])..<Int(starts[lo + 1])]
    }

    /// The index of row `row`'s stack in `rows`, nil when the row has none.
    func stackIndex(ofRow row: Int32) -> Int? {
        var lo = 0, hi = rows.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rows[mid] < row { lo = mid + 1 } else { hi = mid }
        }
        return lo < rows.count && rows[lo] == row ? lo : nil
    }
}

/// What the `#` lines at the top of a `trace` file say.
public struct TraceHeader: Sendable, Equatable {
    public var tracer: String?
    public var entriesInBuffer: Int?
    public var entriesWritten: Int?
    public var cpus: Int?
    public var hasTgidColumn = false
    /// Calls nest per thread rather than per CPU (text made from Chrome JSON, which has no CPUs).
    public var callsPerThread = false

    public init() {}

    /// Events the ring buffer overwrote before the file was read (`entries-written` − `entries-in-buffer`).
    public var overwritten: Int {
        guard let a = entriesInBuffer, let b = entriesWritten, b > a else { return 0 }
        return b - a
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var start = startIndex, end = endIndex
        while start < end, chars.contains(self[start]) { start = index(after: start) }
        while end > start, chars.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }

    func range(of needle: String) -> Range<Index>? {
        let n = Array(needle)
        guard !n.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            var j = i, k = 0
            while k < n.count, j < endIndex, self[j] == n[k] {
                j = index(after: j)
                k += 1
            }
            if k == n.count { return i..<j }
            i = index(after: i)
        }
        return nil
    }
}
