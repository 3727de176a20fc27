/// Names the program that printed a `bpf_trace_printk` line, where it can be known: from the format strings the
/// `--bpf` object's programs pass to `bpf_trace_printk` (found in their instructions when loaded).
///
/// The rule: a line is named `[prog NAME]` when its message matches a format string of exactly one program of the
/// object (literal text equal, each conversion — `%d`, `%llu`, `%s`, `%pI4`… — standing for any text). Lines that
/// match no format (other programs', `trace_printk`'s) or the formats of two programs are left as they are. A
/// program outside the object printing text that matches one of its formats would be named wrongly: put
/// something distinctive in the formats.
public struct PrintkNamer: Sendable, Equatable {
    public struct Format: Sendable, Equatable {
        public var program: String
        public var format: String

        public init(program: String, format: String) {
            self.program = program
            self.format = format
        }
    }

    /// A format as literal pieces between conversions: the message matches when they appear in order, the first
    /// at the start (unless a conversion leads) and the last at the end (unless one trails).
    struct Pattern: Sendable, Equatable {
        var program: String
        var pieces: [[UInt8]]
        var anchoredStart: Bool
        var anchoredEnd: Bool
    }

    let patterns: [Pattern]

    public init(_ formats: [Format]) {
        patterns = formats.map(Self.pattern)
    }

    public var isEmpty: Bool { patterns.isEmpty }

    static func pattern(_ f: Format) -> Pattern {
        var text = Array(f.format.utf8)
        // trace_printk ends every line with one newline whether the format has it or not.
        while text.last == 0x0A { text.removeLast() }
        var pieces: [[UInt8]] = [[]]
        var i = 0
        var startsWithConversion = false, endsWithConversion = false
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "%"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "%") {
                pieces[pieces.count - 1].append(c)
                i += 2
                endsWithConversion = false
                continue
            }
            guard c == UInt8(ascii: "%") else {
                pieces[pieces.count - 1].append(c)
                i += 1
                endsWithConversion = false
                continue
            }
            if i == 0 { startsWithConversion = true }
            i = conversionEnd(text, i + 1)
            pieces.append([])
            endsWithConversion = true
        }
        return Pattern(program: f.program, pieces: pieces, anchoredStart: !startsWithConversion, anchoredEnd: !endsWithConversion)
    }

    /// The index after a conversion whose flags start at `i`: flags, width, precision, length, then the letter
    /// (`p` with its kernel suffixes: `pK` `px` `pB` `pi4` `pI6` `pks` `pus`).
    static func conversionEnd(_ t: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < t.count, "-+ #0123456789.lhzjt".utf8.contains(t[i]) { i += 1 }
        guard i < t.count else { return i }
        let letter = t[i]
        i += 1
        guard letter == UInt8(ascii: "p"), i < t.count else { return i }
        if "KxB".utf8.contains(t[i]) { return i + 1 }
        if i + 1 < t.count {
            if "iI".utf8.contains(t[i]), "46".utf8.contains(t[i + 1]) { return i + 2 }
            if "ku".utf8.contains(t[i]), t[i + 1] == UInt8(ascii: "s") { return i + 2 }
        }
        return i
    }

    static func matches(_ p: Pattern, _ m: ArraySlice<UInt8>) -> Bool {
        var pieces = p.pieces[...]
        var rest = m
        if p.anchoredStart, let first = pieces.first {
            guard rest.starts(with: first) else { return false }
            rest = rest.dropFirst(first.count)
            pieces = pieces.dropFirst()
        }
        if p.anchoredEnd, let last = pieces.last {
            guard rest.count >= last.count, rest.suffix(last.count).elementsEqual(last) else { return false }
            rest = rest.dropLast(last.count)
            pieces = pieces.dropLast()
        }
        // The middle pieces in order, each at its first place: the leftmost choice never loses a later match.
        for piece in pieces where !piece.isEmpty {
            guard let at = firstIndex(of: piece, in: rest) else { return false }
            rest = rest[(at + piece.count)...]
        }
        return true
    }

    static func firstIndex(of needle: [UInt8], in hay: ArraySlice<UInt8>) -> Int? {
        guard needle.count <= hay.count else { return nil }
        var i = hay.startIndex
        while i + needle.count <= hay.endIndex {
            if hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The program whose format the message matches, when exactly one does.
    public func program(forMessage m: ArraySlice<UInt8>) -> String? {
        var found: String?
        for p in patterns where Self.matches(p, m) {
            if let f = found, f != p.program { return nil }
            found = p.program
        }
        return found
    }

    static let marker = Array("bpf_trace_printk: ".utf8)

    /// An ftrace text line with `[prog NAME] ` put before its `bpf_trace_printk` message when the program is known;
    /// any other line as it is.
    public func name(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard !patterns.isEmpty, let at = Self.firstIndex(of: Self.marker, in: line) else { return line }
        let start = at + Self.marker.count
        var end = line.endIndex
        while end > start, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
        guard let name = program(forMessage: line[start..<end]) else { return line }
        var out = Array(line[..<start])
        out += Array("[prog \(name)] ".utf8)
        out += line[start...]
        return out[...]
    }
}
