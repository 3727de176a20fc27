import TraceModel

/// One host's output in the order it must reach the store: its text, and a gap where a connection dropped.
///
/// The gap goes into the same queue as the text, and only once that connection's output has ended (its stdout
/// reader hit end of file): whichever comes first — the reader's end or the supervisor's "it dropped" — the gap
/// lands after every line the connection sent, and before any line of the next one. A count of gaps kept beside
/// the text (as before) let lines read after the drop was noticed reach the store after the gap row.
struct HostStream: Sendable {
    typealias Item = HostBatch.Item

    private(set) var items: [Item] = []
    /// Text bytes queued (what the queue limit counts).
    private(set) var bytes = 0
    /// The current connection's output reached its end.
    private var outputEnded = false
    /// The current connection dropped, its output not ended yet: the gap waits for it.
    private var dropPending = false

    /// A new connection starts (its output not ended yet).
    mutating func newConnection() {
        // A drop said of a connection whose reader never said its end: the gap still goes before the new lines.
        if dropPending { items.append(.gap) }
        dropPending = false
        outputEnded = false
    }

    mutating func append(_ text: RawEventReader.TextRange) {
        items.append(.text(text))
        bytes += text.range.count
    }

    /// The connection's stdout reached end of file: nothing more of it comes.
    mutating func endOfOutput() {
        outputEnded = true
        if dropPending {
            dropPending = false
            items.append(.gap)
        }
    }

    /// The connection dropped (it was running and ended without being stopped).
    mutating func connectionDropped() {
        if outputEnded { items.append(.gap) } else { dropPending = true }
    }

    /// Everything queued, in order; the queue is empty after.
    mutating func takeAll() -> [Item] {
        defer {
            items.removeAll(keepingCapacity: true)
            bytes = 0
        }
        return items
    }
}
