/// The columns of records a live reader formatted into a block of text, taken as it formatted them: the store's
/// rows made from these instead of from parsing the text back (`PieceParser.parse(_:range:decoded:)`).
///
/// Row `k`'s line starts at `offsets[k]` in the block. A row whose event is `DecodedRows.text` stands for the lines
/// up to the next row's offset, which the text parser reads (ftrace's own events, lost-event markers, stacks).
public struct DecodedRows: Sendable {
    public static let text: UInt16 = 0xFFFF
    public var offsets: [UInt32] = []
    /// Nanoseconds (the text, and so the rows, keep microseconds).
    public var timestamps: [Int64] = []
    public var pids: [Int32] = []
    /// The kernel's event type ids (`names`), or `text`.
    public var events: [UInt16] = []
    public var cpus: [UInt16] = []
    /// Packed as `EventFlags`.
    public var flags: [UInt16] = []
    /// Where the fields start, from the line's start.
    public var payloads: [UInt16] = []
    /// The comm's length: the line right-aligns it in 16 columns (a longer one starts the line).
    public var commLengths: [UInt8] = []
    public var names: EventTypeNames
    /// Makes the lines of rows whose payload is `kept`: the reader kept their records as bytes at their offsets
    /// (no text, no newline) instead of formatting them.
    public var kept: (any KeptLineFormatter)?
    /// The payload of a row whose record was kept as bytes.
    public static let keptPayload: UInt16 = 0
    /// The latency passes' values of the rows that have them (sparse, by row).
    public var typed = TypedFields()

    public init(names: EventTypeNames, kept: (any KeptLineFormatter)? = nil) {
        self.names = names
        self.kept = kept
    }

    public var count: Int { offsets.count }

    /// The rows whose lines start in `range` (the offsets ascend).
    public func rows(in range: Range<Int>) -> DecodedRows {
        let lo = firstRow(atOrAfter: range.lowerBound), hi = firstRow(atOrAfter: range.upperBound)
        var out = DecodedRows(names: names, kept: kept)
        out.offsets = Array(offsets[lo..<hi])
        out.timestamps = Array(timestamps[lo..<hi])
        out.pids = Array(pids[lo..<hi])
        out.events = Array(events[lo..<hi])
        out.cpus = Array(cpus[lo..<hi])
        out.flags = Array(flags[lo..<hi])
        out.payloads = Array(payloads[lo..<hi])
        out.commLengths = Array(commLengths[lo..<hi])
        out.typed = typed.slice(lo, hi)
        return out
    }

    private func firstRow(atOrAfter offset: Int) -> Int {
        var lo = 0, hi = offsets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(offsets[mid]) < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// The names of the kernel's event types by id, as the formatter prints them before the `:`.
public final class EventTypeNames: Sendable {
    let names: [[UInt8]]

    /// `names[id]`: the event's name (empty where no event has the id).
    public init(_ names: [[UInt8]]) { self.names = names }

    public var count: Int { names.count }
}
