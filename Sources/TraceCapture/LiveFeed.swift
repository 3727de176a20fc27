import TraceModel

/// Turns the live reader's text into store rows — the same rows replay makes — keeps memory bounded, and
/// grows the call tree with the function_graph lines among them.
struct LiveFeed {
    private let parser = PieceParser(tracer: nil, keepRows: true)
    let keep: Int
    let maxBytes: Int
    private var calls: CallTreeBuilder?
    /// Rows were evicted: the builder's row numbers no longer match the store's; rebuilt before the next tree.
    private var callsStale = false
    private var callsChanged = false
    private var lastTree = ContinuousClock.now
    private var treeCost = Duration.zero

    init(keep: Int, maxBytes: Int) {
        self.keep = keep
        self.maxBytes = maxBytes
    }

    mutating func absorb(_ text: RawEventReader.TextRange, into store: inout EventStore) {
        absorb(parse(text), into: &store)
    }

    /// The text's rows, not yet appended (a host's, to be tagged and moved onto the viewer's clock first).
    /// From the records' columns when the reader kept them, else from the text.
    func parse(_ text: RawEventReader.TextRange) -> ParsedPiece {
        if let decoded = text.decoded { return parser.parse(text.block, range: text.range, decoded: decoded) }
        return parser.parse(text.block, range: text.range)
    }

    mutating func absorb(_ piece: ParsedPiece, into store: inout EventStore) {
        store.append(piece)
        if !piece.graph.isEmpty {
            if calls == nil { calls = CallTreeBuilder() }
            if !callsStale { calls?.consumeLastPiece(piece.graph, of: store) }
            callsChanged = true
        }
        evictIfFull(&store)
    }

    /// Rows `HostMerge` just appended to `store` (several hosts in one time order): the call tree takes the
    /// function_graph lines among them when `calls` says some came, then memory is bounded as for a piece.
    mutating func appended(_ rows: Range<Int>, calls: Bool, to store: inout EventStore) {
        guard !rows.isEmpty else { return }
        if calls {
            if self.calls == nil { self.calls = CallTreeBuilder() }
            if !callsStale { self.calls?.consume(rows: rows, of: store) }
            callsChanged = true
        }
        evictIfFull(&store)
    }

    private mutating func evictIfFull(_ store: inout EventStore) {
        if store.count > keep || store.retainedBytes > maxBytes {
            let before = store.evictedRows
            store.evictOldest(keeping: keep, maxBytes: maxBytes)
            if store.evictedRows != before, calls != nil {
                callsStale = true
                callsChanged = true
            }
        }
    }

    /// The call tree with the calls that arrived since the last one, when there are any and it is time:
    /// laying the tree out costs a copy of every call, so it is done at most every 250 ms and at most a fifth
    /// of the time (a tree that took 100 ms waits 500 ms).
    mutating func callTreeIfDue(_ store: EventStore) -> CallTree? {
        guard callsChanged else { return nil }
        let now = ContinuousClock.now
        guard now - lastTree >= max(.milliseconds(250), treeCost * 5) else { return nil }
        return callTree(store)
    }

    /// The call tree as the capture ends (nil when no function_graph line came).
    mutating func finalCallTree(_ store: EventStore) -> CallTree? {
        guard calls != nil else { return nil }
        return callTree(store)
    }

    private mutating func callTree(_ store: EventStore) -> CallTree {
        let started = ContinuousClock.now
        if callsStale || calls == nil {
            calls = CallTreeBuilder(store: store)
            callsStale = false
        }
        // Laid out from a copy: the builder goes on with the calls still open.
        let copy = calls ?? CallTreeBuilder()
        let tree = copy.finish()
        callsChanged = false
        lastTree = ContinuousClock.now
        treeCost = lastTree - started
        return tree
    }
}
