/// The kind of a trace input, told from its first bytes (never from the file's name).
public enum InputFormat: String, Sendable, Equatable, CaseIterable {
    /// ftrace's `trace` / `trace_pipe` text, function_graph text, `uftrace replay` text.
    case ftraceText = "ftrace text"
    /// `trace-cmd report` text: the same lines after `version = N` / `cpus=N` header lines.
    case traceCmdReport = "trace-cmd report text"
    /// `perf script` text (with or without callchains).
    case perfScript = "perf script text"
    /// Chrome trace-event JSON: `{"traceEvents": [...]}` or a bare array of events.
    case chromeJSON = "Chrome trace-event JSON"
    /// trace-cmd's binary `trace.dat`.
    case traceDat = "trace.dat"
    /// Folded stacks: `a;b;c 12` per line (flamegraph.pl, inferno, speedscope).
    case folded = "folded stacks"
    /// perf's binary `perf.data` (`PERFILE2`), decoded through `perf script`.
    case perfData = "perf.data"
    case gzip
    case zstd

    /// Whether the input is a compressed container whose contents need detecting in turn.
    public var isCompressed: Bool { self == .gzip || self == .zstd }

    /// Whether the rows come from `perf script` text (typed, or decoded from perf.data).
    public var isPerfScript: Bool { self == .perfScript || self == .perfData }

    /// How many leading bytes `detect` looks at (it works with fewer).
    public static let probeSize = 64 << 10

    /// Tells the format from the first bytes of an input.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> InputFormat {
        let b = UnsafeRawBufferPointer(rebasing: bytes.prefix(probeSize))
        if b.starts(with: [0x1F, 0x8B]) { return .gzip }
        if b.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if b.starts(with: [0x17, 0x08, 0x44] + Array("tracing".utf8)) { return .traceDat }
        if b.starts(with: Array("PERFILE2".utf8)) { return .perfData }
        var k = 0
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { k = 3 }
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D { k += 1 }
        if k < b.count, b[k] == UInt8(ascii: "{") || b[k] == UInt8(ascii: "[") {
            if looksLikeChrome(b, from: k) { return .chromeJSON }
        }
        return detectText(b, whole: bytes)
    }

    public static func detect(_ bytes: [UInt8]) -> InputFormat {
        bytes.withUnsafeBytes { detect($0) }
    }

    /// `{"traceEvents"…`, `{"displayTimeUnit"…, "traceEvents"…}` or `[{"name"…`, `[{"ph"…` (a bare array may
    /// also lack its closing bracket: the format allows a truncated array).
    private static func looksLikeChrome(_ b: UnsafeRawBufferPointer, from start: Int) -> Bool {
        if b[start] == UInt8(ascii: "{") { return contains(b, "\"traceEvents\"") }
        var k = start + 1
        while k < b.count, b[k] == 0x20 || b[k] == 0x09 || b[k] == 0x0A || b[k] == 0x0D { k += 1 }
        if k == b.count { return true }
        guard b[k] == UInt8(ascii: "{") else { return false }
        return contains(b, "\"ph\"")
    }

    /// The longest first line `detect` reads past the probe to judge it (a folded line of a deep stack runs to
    /// megabytes: 40 000 frames were 340 KB and read as "no stacks").
    public static let longestJudgedLine = 16 << 20

    private static func detectText(_ b: UnsafeRawBufferPointer, whole: UnsafeRawBufferPointer) -> InputFormat {
        var traceCmdHeader = false
        var perfHints = 0, ftraceHints = 0, foldedLines = 0, otherLines = 0
        var start = 0
        var lines = 0
        while start < b.count, lines < 200 {
            var end = start
            while end < b.count, b[end] != 0x0A { end += 1 }
            // The last line may be cut by the probe: judge it only when it is the whole input — or, when it is the
            // first line, read on to its end in the input (up to `longestJudgedLine`).
            if end == b.count, end - start > 0, b.count == probeSize {
                guard lines == 0, start == 0 else { break }
                let limit = min(whole.count, longestJudgedLine)
                var e = end
                while e < limit, whole[e] != 0x0A { e += 1 }
                guard e < limit || limit == whole.count else { break }
                let line = Array(whole[0..<e])
                if isFolded(line) { foldedLines += 1 } else { otherLines += 1 }
                break
            }
            var line = Array(b[start..<end])
            if line.last == 0x0D { line.removeLast() }
            start = end + 1
            lines += 1
            if line.isEmpty { continue }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("cpus=") || text.hasPrefix("version = ") { traceCmdHeader = true }
            if text.hasPrefix("# perf version") || text.hasPrefix("# cmdline : ") && text.contains("perf") {
                perfHints += 2
            }
            if text.hasPrefix("#") { continue }
            if isPerfFrame(line) { perfHints += 1; continue }
            if isFtraceEvent(text) { ftraceHints += 1; continue }
            if isPerfSampleHeader(text) { perfHints += 1; continue }
            if isFolded(line) { foldedLines += 1 } else { otherLines += 1 }
        }
        if perfHints > ftraceHints, perfHints > 0 { return .perfScript }
        if traceCmdHeader { return .traceCmdReport }
        // Folded files may carry comments and stray lines (speedscope skips them): most lines must fold.
        if foldedLines > 0, ftraceHints == 0, foldedLines >= 2 * otherLines { return .folded }
        return .ftraceText
    }

    /// `\t    ffffffff81234567 do_syscall_64+0x5b ([kernel.kallsyms])`: a callchain frame of `perf script`
    /// (older versions indent with spaces or not at all; then the `(dso)` at the end tells it).
    static func isPerfFrame(_ line: [UInt8]) -> Bool {
        var k = 0
        while k < line.count, line[k] == 0x20 || line[k] == 0x09 { k += 1 }
        let s = k
        while k < line.count, isHex(line[k]) { k += 1 }
        guard k > s, k < line.count, line[k] == 0x20 else { return false }
        if line.first == 0x09 { return true }
        return k - s >= 4 && line.last == UInt8(ascii: ")") && line.contains(UInt8(ascii: "("))
    }

    /// `comm-pid [cpu] ts: …` or the latency form: ftrace's own lines.
    static func isFtraceEvent(_ text: String) -> Bool {
        guard let bracket = text.firstIndex(of: "[") else { return text.contains(") |") || text.contains(" | ") }
        let before = text[..<bracket].trimmingCharacters(in: " \t")
        guard let dash = before.lastIndex(of: "-") else { return false }
        let pid = before[before.index(after: dash)...]
        return !pid.isEmpty && pid.allSatisfy(\.isNumber)
    }

    /// `comm 1234 [001] 12.345678: 250000 cpu-clock:` or `comm 1234/1235 12.345678:  cycles:` — a perf sample's
    /// first line: the pid after a space (ftrace joins it with a dash), then a timestamp ending in a colon.
    static func isPerfSampleHeader(_ text: String) -> Bool {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let ts = tokens.firstIndex(where: { $0.hasSuffix(":") && isDecimalTime($0.dropLast()) }), ts >= 2 else {
            return false
        }
        var p = ts - 1
        if tokens[p].hasPrefix("["), tokens[p].hasSuffix("]") { p -= 1 }
        guard p >= 1 else { return false }
        let pid = tokens[p]
        // `-1` is perf's pid of a task it never saw.
        return pid.split(separator: "/").allSatisfy { part in
            let digits = part.hasPrefix("-") ? part.dropFirst() : part
            return !digits.isEmpty && digits.allSatisfy(\.isNumber)
        }
    }

    private static func isDecimalTime(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }
    }

    /// `a;b;c 12`: frames, a space, a count (flamegraph.pl also accepts a fractional count).
    static func isFolded(_ line: [UInt8]) -> Bool {
        guard let space = line.lastIndex(of: 0x20), space > 0, space + 1 < line.count else { return false }
        var digits = 0
        for c in line[(space + 1)...] {
            if c >= 0x30 && c <= 0x39 { digits += 1 } else if c != UInt8(ascii: ".") { return false }
        }
        return digits > 0
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }

    private static func contains(_ b: UnsafeRawBufferPointer, _ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard b.count >= n.count else { return false }
        var k = 0
        while k + n.count <= b.count {
            if b[k] == n[0], b[k..<(k + n.count)].elementsEqual(n) { return true }
            k += 1
        }
        return false
    }
}
