/// Reading a `#` header line on its bytes. The lines are ASCII keys written by the kernel and the tools; comparing
/// Characters (grapheme by grapheme, allocating as it goes) made the header of a small file cost more than its
/// events (measured under the fuzzer: a third of a 300-byte input's time).
extension TraceHeader {
    mutating func read(headerBytes line: UnsafeRawBufferPointer) {
        if let r = line.range(of: "# tracer: ") {
            var s = r.upperBound, e = line.count
            while s < e, line[s] == Byte.space || line[s] == Byte.tab { s += 1 }
            while e > s, line[e - 1] == Byte.space || line[e - 1] == Byte.tab { e -= 1 }
            if s < e { tracer = String(decoding: UnsafeRawBufferPointer(rebasing: line[s..<e]), as: UTF8.self) }
        }
        if let r = line.range(of: "entries-in-buffer/entries-written: ") {
            let rest = String(decoding: UnsafeRawBufferPointer(rebasing: line[r.upperBound...]), as: UTF8.self)
            let parts = rest.split(whereSeparator: { $0 == "/" || $0 == " " || $0 == "\t" })
            if parts.count >= 2, let a = Int(parts[0]), let b = Int(parts[1]) {
                entriesInBuffer = a
                entriesWritten = b
            }
        }
        if let r = line.range(of: "#P:"), let n = line.decimal(from: r.upperBound) { cpus = n }
        if line.range(of: "TGID") != nil { hasTgidColumn = true }
        if line.starts(with: ChromeTraceReader.perThreadHeader.utf8) { callsPerThread = true }
        // trace-cmd report's `cpus=8`.
        if line.starts(with: "cpus=".utf8), let n = line.decimal(from: 5) { cpus = n }
    }
}

extension UnsafeRawBufferPointer {
    /// The first occurrence of an ASCII needle: candidates found by the C library's memchr on the first byte (a
    /// byte-by-byte scan per needle per `#` line was a twentieth of a small input's time under the fuzzer).
    fileprivate func range(of needle: StaticString) -> Range<Int>? {
        let n = needle.utf8CodeUnitCount
        guard n > 0, n <= count, let base = baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let first = needle.utf8Start.pointee
        var i = 0
        while i + n <= count, let hit = memchrBytes(base + i, first, count - n + 1 - i) {
            let at = hit - base
            if memcmpBytes(hit, needle.utf8Start, n) { return at..<(at + n) }
            i = at + 1
        }
        return nil
    }

    /// The decimal number made of the ASCII digits from `start` (nil without one, or past Int).
    fileprivate func decimal(from start: Int) -> Int? {
        var e = start
        while e < count, Byte.isDigit(self[e]) { e += 1 }
        guard e > start else { return nil }
        return Int(String(decoding: UnsafeRawBufferPointer(rebasing: self[start..<e]), as: UTF8.self))
    }
}
