import Glibc
import TraceModel

/// A trace file opened for reading, its kind told from its first bytes; reads `<path>`.
///
/// Every kind ends as ftrace-style text rows in pieces: plain text is parsed in place on the mapping, gzip and
/// zstd are inflated block by block as they are parsed, Chrome JSON and trace.dat are turned into text lines first.
public struct TraceInput: Sendable {
    public let path: String
    public let file: MappedFile
    /// The kind of the file itself (`gzip` / `zstd` for a compressed file).
    public let format: InputFormat

    /// Set (`--allow-truncated`): a truncated or corrupt .gz / .zst gives the events before the fault, and this is
    /// called with the reason and offset. Nil: that input is an error naming the offset.
    public var onTruncated: (@Sendable (String) -> Void)?

    /// A FIFO, `/dev/stdin` or a device: read incrementally (text formats) instead of whole.
    public let stream: StreamSource?
    /// The most a stream may hold in memory: the rows kept (`load`) or a format read whole (`--memory-mb`).
    public let memoryLimit: Int

    public init(path: String, populate: Bool = false, memoryLimitMB: Int = 1024) throws(CaptureError) {
        self.path = path
        memoryLimit = max(1, memoryLimitMB) << 20
        // A uftrace.data directory is decoded into `uftrace replay` text first (see `UftraceDataDirectory`).
        if let text = try UftraceDataDirectory.replayText(path: path) {
            file = MappedFile(path: path, bytes: text)
            format = .ftraceText
            stream = nil
            return
        }
        var st = stat()
        if stat(path, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG, (st.st_mode & S_IFMT) != S_IFDIR {
            let source = try StreamSource(path: path)
            let probe = try source.probe(InputFormat.probeSize)
            format = InputFormat.detect(probe)
            switch format {
            case .ftraceText, .traceCmdReport, .perfScript:
                stream = source
                file = MappedFile(path: path, bytes: probe)
            default:
                // Whole-document formats (and what is inside a compressed stream) need all of it: bounded.
                stream = nil
                file = MappedFile(path: path, bytes: try source.readAll(limit: memoryLimit))
            }
            return
        }
        stream = nil
        file = try MappedFile(path: path, populate: populate)
        format = InputFormat.detect(file.bytes)
    }

    /// Bytes of the file as stored (compressed size for a compressed file): the unit of `consume`'s progress.
    public var byteCount: Int { file.bytes.count }

    /// Parses the input into pieces and hands them to `consume` in order, with the input bytes read so far.
    public func parse(keepRows: Bool, isolation: isolated (any Actor)? = #isolation,
                      consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        if let stream {
            try await parseStream(stream, keepRows: keepRows, consume: consume)
            return
        }
        switch format {
        case .gzip, .zstd:
            try await parseCompressed(keepRows: keepRows, consume: consume)
        case .traceDat:
            try await parseTraceDat(keepRows: keepRows, consume: consume)
        case .perfData:
            try await parsePerfData(keepRows: keepRows, consume: consume)
        default:
            let storage = try Self.textStorage(of: file, format: format)
            await parseText(storage, keepRows: keepRows, reportAs: storage === file ? nil : byteCount,
                            consume: consume)
        }
    }

    /// The storage to parse as text: the file itself, or the text made from a format that is not text.
    static func textStorage(of storage: ByteStorage, format: InputFormat) throws(CaptureError) -> ByteStorage {
        switch format {
        case .chromeJSON:
            do {
                return OwnedBytes(try ChromeTraceReader.ftraceText(storage.bytes))
            } catch {
                throw CaptureError("not a readable Chrome trace: \(error)")
            }
        case .traceDat:
            throw CaptureError("a compressed trace.dat cannot be read: decompress it first")
        case .perfData:
            throw CaptureError("a compressed perf.data cannot be read: decompress it first")
        default:
            return storage
        }
    }

    private func parseText(_ storage: ByteStorage, keepRows: Bool, reportAs total: Int?,
                           isolation: isolated (any Actor)? = #isolation,
                           consume: (ParsedPiece, Int) async -> Void) async {
        var done = 0
        let size = storage.bytes.count
        await ParallelParse.run(storage, keepRows: keepRows) { piece in
            done += piece.byteCount
            // Converted text is longer than the file: scale its progress onto the file's bytes.
            let reported = total.map { size > 0 ? Int(Double(done) / Double(size) * Double($0)) : $0 } ?? done
            await consume(piece, reported)
        }
    }

    /// A stream's blocks parsed as they arrive: memory is the block in hand plus, when rows are kept, the rows —
    /// which stop the read with an error past `memoryLimit` (`stat /dev/zero` counts on for ever in 16 MB).
    private func parseStream(_ stream: StreamSource, keepRows: Bool, isolation: isolated (any Actor)? = #isolation,
                             consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        let first = file.bytes
        let perf = format == .perfScript
        let tracer = TraceHeaderScan.scan(first).tracer
        var kept = 0
        while let block = try stream.next(size: 4 << 20) {
            let piece = perf ? PerfScriptParser(keepRows: keepRows).parse(block, range: 0..<block.bytes.count)
                             : PieceParser(tracer: tracer, keepRows: keepRows).parse(block, range: 0..<block.bytes.count)
            if keepRows {
                kept += block.bytes.count
                if kept > memoryLimit {
                    throw CaptureError("\(path): stopped after \(memoryLimit >> 20) MB of a stream (--memory-mb); "
                        + "\(stream.cutLines) lines over \(StreamSource.maxLineBytes >> 20) MB were cut")
                }
            }
            await consume(piece, stream.bytesRead)
            try Task.checkCancellation(or: CaptureError("\(path): cancelled"))
        }
    }

    /// Decodes on a thread of its own and parses the text blocks as they come (progress: the share of records
    /// is not known ahead; the text is about twice the file, an estimate until the end).
    private func parseTraceDat(keepRows: Bool, isolation: isolated (any Actor)? = #isolation,
                               consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        let parser = PieceParser(tracer: nil, keepRows: keepRows)
        var textDone = 0
        try await parseBlocks(TraceDatReader.blocks(path: path), parse: { parser.parse($0, range: 0..<$0.bytes.count) }) {
            piece, isLast in
            textDone += piece.byteCount
            await consume(piece, isLast ? self.byteCount : min(self.byteCount - 1, textDone / 2))
        }
    }

    /// Runs `perf script` on the file and parses its text blocks as they stream in (progress: the file's bytes
    /// are reported only at the end).
    private func parsePerfData(keepRows: Bool, isolation: isolated (any Actor)? = #isolation,
                               consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        let parser = PerfScriptParser(keepRows: keepRows)
        try await parseBlocks(PerfDataReader.blocks(path: path), parse: { parser.parse($0, range: 0..<$0.bytes.count) }) {
            piece, isLast in
            await consume(piece, isLast ? self.byteCount : self.byteCount - 1)
        }
    }

    /// Parses each block of `blocks` on a task of its own while the next one is decoded, handing the pieces to
    /// `each` in order (the last one marked as such).
    private func parseBlocks<Block: Sendable>(_ blocks: AsyncThrowingStream<Block, Error>,
                                              isolation: isolated (any Actor)? = #isolation,
                                              parse: @escaping @Sendable (Block) -> ParsedPiece,
                                              each: (ParsedPiece, _ isLast: Bool) async -> Void)
        async throws(CaptureError) {
        var pending: Task<ParsedPiece, Never>?
        do {
            for try await block in blocks {
                let parsing = Task.detached { parse(block) }
                if let previous = pending { await each(await previous.value, false) }
                pending = parsing
            }
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError("\(path): \(error)")
        }
        if let last = pending { await each(await last.value, true) }
    }

    /// Inflates and parses at the same time: the next block decompresses while the previous one parses.
    private func parseCompressed(keepRows: Bool, isolation: isolated (any Actor)? = #isolation,
                                 consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        let decompressor = try StreamDecompressor(file.bytes, format: format)
        decompressor.allowTruncated = onTruncated != nil
        defer { if let t = decompressor.truncation { onTruncated?("\(path): \(t); the events before it are shown") } }
        do {
            try await parseBlocks(decompressor, keepRows: keepRows, consume: consume)
        } catch {
            throw CaptureError("\(path): \(error.description)")
        }
    }

    private func parseBlocks(_ decompressor: StreamDecompressor, keepRows: Bool,
                             isolation: isolated (any Actor)? = #isolation,
                             consume: (ParsedPiece, Int) async -> Void) async throws(CaptureError) {
        var blocks = TextBlocks(decompressor)
        guard let first = try blocks.next() else { return }
        let inner = InputFormat.detect(first.bytes)
        if inner.isCompressed || inner == .chromeJSON || inner == .traceDat || inner == .perfData {
            // Whole-document formats: gather everything, then read it as that format.
            var all = Array(first.bytes)
            while let more = try blocks.next() { all.append(contentsOf: more.bytes) }
            let storage = try Self.textStorage(of: OwnedBytes(all), format: inner)
            await parseText(storage, keepRows: keepRows, reportAs: byteCount, consume: consume)
            return
        }
        let tracer = TraceHeaderScan.scan(first.bytes).tracer
        let parser = PieceParser(tracer: tracer, keepRows: keepRows)
        // Compressed perf script text is parsed as perf script (its own parser, blocks cut between samples).
        let perf = inner == .perfScript ? PerfScriptParser(keepRows: keepRows) : nil
        var block: OwnedBytes? = first
        // Progress of a piece: the compressed bytes read when its block was complete.
        var readWhenMade = decompressor.bytesConsumed
        while let current = block {
            let parsing = Task.detached {
                perf?.parse(current, range: 0..<current.bytes.count) ?? parser.parse(current, range: 0..<current.bytes.count)
            }
            let progress = readWhenMade
            block = try blocks.next()
            readWhenMade = decompressor.bytesConsumed
            await consume(await parsing.value, block == nil ? byteCount : progress)
        }
    }
}

extension TraceInput {
    /// Counts only (`stat`): no rows kept.
    public func summarize() async throws(CaptureError) -> TraceSummary {
        var store = EventStore()
        try await parse(keepRows: false) { piece, _ in store.append(piece) }
        return store.summary
    }

    /// Every row in one store (`graph`, `dump`).
    public func load() async throws(CaptureError) -> EventStore {
        var store = EventStore()
        try await parse(keepRows: true) { piece, _ in store.append(piece) }
        return store
    }
}

extension Task where Success == Never, Failure == Never {
    /// Throws `error` (a typed one) when the current task is cancelled.
    static func checkCancellation(or error: CaptureError) throws(CaptureError) {
        if Task.isCancelled { throw error }
    }
}
