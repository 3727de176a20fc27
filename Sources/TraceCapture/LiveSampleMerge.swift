import TraceModel

/// Merges perf_event samples into the live tracepoint text by time, so the store holds one time-ordered stream.
///
/// The two sources are read apart (the ring buffers every few ms, the sample rings every 50 ms), each in time
/// order. Each says how far it has read: the tracepoints up to their last line (or, after a pass that emptied
/// the buffers, the time that pass began), the samples up to their drain's cutoff. A sample goes into the store
/// once the tracepoints are read past it — after the tracepoint lines no newer than it, which may split a block
/// of text — and tracepoint text once the samples are read past it. Both sources run on the capture actor (one
/// at a time), on the instance's `mono` clock, which is CLOCK_MONOTONIC as the samples are.
public final class LiveSampleMerge: @unchecked Sendable {
    // Unchecked: used only from the capture actor (the live loop and the sampling task).
    /// Text not yet in the store, in order.
    private var text: [RawEventReader.TextRange] = []
    /// Samples not yet in the store, in order: each one's bytes in its drain's block, and its time (ns).
    private var samples: [(block: SampleTextBlock, range: Range<Int>, time: Int64)] = []
    /// Times (ns) each source has been read up to: nothing older comes from it later.
    private var textRead: Int64 = 0
    private var samplesRead: Int64 = 0
    private let parser = PerfScriptParser(keepRows: true)
    private var sourcesLeft = 2

    public init() {}

    /// A source is done (it added all it will). True for the second: it then takes what is left (`take(final:)`).
    func finish() -> Bool {
        sourcesLeft -= 1
        return sourcesLeft == 0
    }

    /// One item for the store, in the merged order.
    enum Item {
        case text(RawEventReader.TextRange)
        case samples(ParsedPiece)
    }

    /// Tracepoint text, whole lines in time order.
    func add(_ range: RawEventReader.TextRange) {
        guard !range.range.isEmpty else { return }
        text.append(range)
        if let last = Self.lastTime(range) { textRead = max(textRead, last) }
    }

    /// The tracepoint reader emptied the buffers in a pass that began at `time` (ns): nothing older is left.
    func textCaughtUp(to time: Int64) { textRead = max(textRead, time) }

    /// One sample drain (`SampleText.drainTimed`).
    public func addSamples(_ drained: (text: [UInt8], starts: [(offset: Int, time: UInt64)], cutoff: UInt64)) {
        samplesRead = max(samplesRead, Int64(clamping: drained.cutoff))
        guard !drained.starts.isEmpty else { return }
        let block = SampleTextBlock(drained.text)
        for (k, s) in drained.starts.enumerated() {
            let end = k + 1 < drained.starts.count ? drained.starts[k + 1].offset : drained.text.count
            samples.append((block, s.offset..<end, Int64(clamping: s.time)))
        }
    }

    /// What can go into the store now, in order; `final` (both sources done): everything.
    func take(final: Bool = false) -> [Item] {
        var out: [Item] = []
        var group: (block: SampleTextBlock, range: Range<Int>)?
        func flushGroup() {
            guard let g = group else { return }
            out.append(.samples(parser.parse(g.block, range: g.range)))
            group = nil
        }
        while let s = samples.first, final || s.time <= textRead {
            let before = takeText(upTo: s.time)
            if !before.isEmpty {
                flushGroup()
                out += before.map(Item.text)
            }
            // Samples of one drain with no tracepoint line between them are parsed together.
            if let g = group, g.block === s.block, g.range.upperBound == s.range.lowerBound {
                group = (g.block, g.range.lowerBound..<s.range.upperBound)
            } else {
                flushGroup()
                group = (s.block, s.range)
            }
            samples.removeFirst()
        }
        flushGroup()
        out += takeText(upTo: final ? .max : samplesRead).map(Item.text)
        return out
    }

    /// The held text with lines no newer than `time`, splitting the range that crosses it.
    private func takeText(upTo time: Int64) -> [RawEventReader.TextRange] {
        var taken: [RawEventReader.TextRange] = []
        while let r = text.first {
            if let last = Self.lastTime(r), last <= time {
                taken.append(r)
                text.removeFirst()
                continue
            }
            let split = Self.firstLine(in: r, after: time)
            if split > r.range.lowerBound {
                taken.append(r.slice(r.range.lowerBound..<split))
                text[0] = r.slice(split..<r.range.upperBound)
            }
            break
        }
        return taken
    }

    /// The start of the first line newer than `time` (the range's end when none is): a binary search over the
    /// lines, which are in time order (a line without a time, a LOST marker, may land on either side).
    static func firstLine(in r: RawEventReader.TextRange, after time: Int64) -> Int {
        let b = r.block.bytes
        // The answer is a line start in lo...hi.
        var lo = r.range.lowerBound, hi = r.range.upperBound
        while lo < hi {
            let mid = lineStart(b, at: lo + (hi - lo) / 2, floor: lo)
            guard let (t, start, next) = firstTimed(b, from: mid, end: hi) else {
                hi = mid
                continue
            }
            if t <= time { lo = next } else { hi = start }
        }
        return lo
    }

    /// The start of the line holding `offset` (not before `floor`).
    private static func lineStart(_ b: UnsafeRawBufferPointer, at offset: Int, floor: Int) -> Int {
        var i = offset
        while i > floor, b[i - 1] != 0x0A { i -= 1 }
        return i
    }

    /// From the line starting at `from`: the first line with a time that starts before `end`: its time, its start
    /// and the start of the line after it.
    private static func firstTimed(_ b: UnsafeRawBufferPointer, from: Int, end: Int) -> (Int64, Int, Int)? {
        var line = from
        while line < end {
            var eol = line
            while eol < b.count, b[eol] != 0x0A { eol += 1 }
            let next = eol + 1
            if let t = lineTime(b, line..<eol) { return (t, line, next) }
            line = next
        }
        return nil
    }

    /// The time of an ftrace line (`comm-pid [cpu] flags 123.456789: event: …`), in ns: the first blank-separated
    /// word of digits, a dot and digits ending in a colon.
    static func lineTime(_ b: UnsafeRawBufferPointer, _ line: Range<Int>) -> Int64? {
        var i = line.lowerBound
        while i < line.upperBound {
            while i < line.upperBound, b[i] == 0x20 { i += 1 }
            let word = i
            while i < line.upperBound, b[i] != 0x20 { i += 1 }
            guard i - word >= 4, b[i - 1] == 0x3A else { continue }
            var seconds: Int64 = 0, fraction: Int64 = 0, digits = 0, dot = false, ok = true
            for k in word..<(i - 1) {
                let c = b[k]
                if c == 0x2E, !dot { dot = true; continue }
                guard c >= 0x30, c <= 0x39 else { ok = false; break }
                if dot {
                    if digits < 9 { fraction = fraction * 10 + Int64(c - 0x30); digits += 1 }
                } else {
                    seconds = seconds * 10 + Int64(c - 0x30)
                }
            }
            guard ok, dot, digits > 0 else { continue }
            for _ in digits..<9 { fraction *= 10 }
            return seconds * 1_000_000_000 + fraction
        }
        return nil
    }

    /// The time of the range's last line that has one.
    static func lastTime(_ r: RawEventReader.TextRange) -> Int64? {
        let b = r.block.bytes
        var end = r.range.upperBound
        while end > r.range.lowerBound {
            if b[end - 1] == 0x0A { end -= 1 }
            let start = lineStart(b, at: end, floor: r.range.lowerBound)
            if let t = lineTime(b, start..<end) { return t }
            end = start
        }
        return nil
    }
}
