import TraceModel

extension TraceInput {
    /// The kind of what the file holds: for a .gz / .zst, that of the text inside, told from its first inflated
    /// block (a `record` sidecar `FILE.perf` compressed to `.zst` is still perf script text: merged with the
    /// events, it must be parsed as samples, not counted as unparsed ftrace lines).
    public var contentFormat: InputFormat {
        guard format.isCompressed, stream == nil,
              let decompressor = try? StreamDecompressor(file.bytes, format: format) else { return format }
        var blocks = TextBlocks(decompressor)
        guard let first = try? blocks.next() else { return format }
        return InputFormat.detect(first.bytes)
    }
}
