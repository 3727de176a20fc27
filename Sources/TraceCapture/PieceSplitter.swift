import TraceModel

/// Cuts a trace into pieces that can be parsed independently: each piece starts at a line that begins a
/// row (never at a ` => ` stack frame or `<stack trace>` line, which belong to the row before).
public enum PieceSplitter {
    /// Byte ranges covering all of `bytes`, the first `firstSize` long (a quick first screen), the rest
    /// about `size` each.
    /// With `atBlankLines` (perf script text) a piece starts only after a blank line, where samples end.
    public static func split(_ bytes: UnsafeRawBufferPointer, firstSize: Int = 1 << 20,
                             size: Int = 8 << 20, atBlankLines: Bool = false) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        let n = bytes.count
        while start < n {
            let want = ranges.isEmpty ? firstSize : size
            var end = min(n, start + want)
            if end < n { end = atBlankLines ? afterBlankLine(bytes, from: end) : nextRowStart(bytes, from: end) }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// The start of the first line after a blank line at or after `from`. Tracepoint records have no blank
    /// lines between them: past `window` bytes without one, the first sample header line that is not a
    /// tab-indented frame starts the piece.
    static func afterBlankLine(_ bytes: UnsafeRawBufferPointer, from: Int, window: Int = 1 << 20) -> Int {
        let n = bytes.count
        var i = from
        while i < n {
            if i - from > window { return nextSampleHeader(bytes, from: from) }
            while i < n, bytes[i] != 0x0A { i += 1 }
            i += 1
            var k = i
            while k < n, bytes[k] == 0x20 || bytes[k] == 0x09 || bytes[k] == 0x0D { k += 1 }
            if k >= n { return n }
            if bytes[k] == 0x0A { return k + 1 }
        }
        return n
    }

    /// The first line after `from` that is a `perf script` sample header (not indented with a tab).
    static func nextSampleHeader(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int {
        nextLineStart(bytes, after: from) { i in
            var e = i
            while e < bytes.count, bytes[e] != 0x0A { e += 1 }
            return bytes[i] != 0x09 && PerfSampleHeader(bytes: UnsafeRawBufferPointer(rebasing: bytes[i..<e])) != nil
        }
    }

    /// The first line start at or after `from` that is not a stack continuation.
    static func nextRowStart(_ bytes: UnsafeRawBufferPointer, from: Int) -> Int {
        nextLineStart(bytes, after: from) { !isStackContinuation(bytes, at: $0) }
    }

    /// The start of the first line after the one holding `from` for which `accept` holds (the end when none).
    private static func nextLineStart(_ bytes: UnsafeRawBufferPointer, after from: Int, accept: (Int) -> Bool) -> Int {
        let n = bytes.count
        var i = from
        while i < n {
            while i < n, bytes[i] != 0x0A { i += 1 }
            i += 1
            guard i < n else { return n }
            if accept(i) { return i }
        }
        return n
    }

    private static func isStackContinuation(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Bool {
        var k = i
        let n = bytes.count
        while k < n, bytes[k] == 0x20 || bytes[k] == 0x09 { k += 1 }
        if k + 1 < n, bytes[k] == 0x3D, bytes[k + 1] == 0x3E { return true }  // =>
        // `<stack trace>` and `<user stack trace>` lines: look for the marker within the line.
        var e = k
        while e < n, bytes[e] != 0x0A { e += 1 }
        let line = UnsafeRawBufferPointer(rebasing: bytes[k..<e])
        let marker = Array("stack trace>".utf8)
        guard line.count >= marker.count else { return false }
        var j = 0
        while j + marker.count <= line.count {
            if line[j] == 0x73, line[j..<(j + marker.count)].elementsEqual(marker) { return true }
            j += 1
        }
        return false
    }
}
