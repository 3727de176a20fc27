import TraceModel

/// Cuts a decompressed text stream into blocks that end at a row boundary, each its own storage: the rows of a
/// block point into it, and the bytes after its last whole row move on to the next block.
struct TextBlocks {
    private let source: StreamDecompressor
    private var pending: [UInt8] = []
    private var done = false
    private var first = true
    let firstSize: Int
    let size: Int
    /// `perf script` text: blocks end between samples (a callchain stays with its header).
    private(set) var perfScript = false
    private var judged = false

    init(_ source: StreamDecompressor, firstSize: Int = 1 << 20, size: Int = 8 << 20) {
        self.source = source
        self.firstSize = firstSize
        self.size = size
    }

    /// The next block, or nil at the end of the stream.
    mutating func next() throws(CaptureError) -> OwnedBytes? {
        let want = first ? firstSize : size
        first = false
        while !done {
            if pending.count >= want, !judged {
                // Told once, before the first cut: perf script samples must not be cut inside a callchain.
                judged = true
                perfScript = pending.withUnsafeBytes { InputFormat.detect($0) == .perfScript }
            }
            if pending.count >= want, let cut = cutPoint(from: max(want / 2, pending.count - (64 << 10))) {
                let block = pending.withUnsafeBytes { OwnedBytes(copying: UnsafeRawBufferPointer(rebasing: $0[0..<cut])) }
                pending.removeFirst(cut)
                return block
            }
            if !(try source.read(into: &pending, limit: max(want - pending.count, 1 << 16))) { done = true }
        }
        guard !pending.isEmpty else { return nil }
        let block = pending.withUnsafeBytes { OwnedBytes(copying: $0) }
        pending = []
        return block
    }

    /// A row start at or after `from` whose line is complete, so the line can be judged (a stack frame stays
    /// with the row before it).
    private func cutPoint(from: Int) -> Int? {
        if perfScript { return PerfDataReader.cutPoint(pending, from: from) }
        let cut = pending.withUnsafeBytes { PieceSplitter.nextRowStart($0, from: from) }
        guard cut < pending.count, pending[cut...].contains(0x0A) else { return nil }
        return cut
    }
}
