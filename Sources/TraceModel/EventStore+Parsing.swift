/// Whole-input parsing on one thread, choosing the parser by content (tests, small inputs, tools).
extension EventStore {
    public init(parsing storage: ByteStorage) {
        self.init()
        let bytes = storage.bytes
        if looksLikePerfScript(bytes) {
            append(PerfScriptParser().parse(storage, range: 0..<bytes.count))
        } else {
            let header = TraceHeaderScan.scan(bytes)
            append(PieceParser(tracer: header.tracer).parse(storage, range: 0..<bytes.count))
        }
    }
}
