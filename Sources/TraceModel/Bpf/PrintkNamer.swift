/// Names the program that printed a `bpf_trace_printk` line, where it can be known: from the format strings the
/// `--bpf` object's programs pass to `bpf_trace_printk` (found in their instructions when loaded).
///
/// The rule: a line is named `[prog NAME]` when its whole message matches a format string of exactly one program of
/// the object: literal text equal, `%s` standing for any text, `%c` for one character, and every other conversion
/// (`%d`, `%llu`, `%x`, `%p`, `%pI4`…) for one word without spaces. Lines that
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

    /// A format as literal text and conversions: `%s` stands for any text, every other conversion for one word
    /// (a run without spaces: a number, a pointer, an address), `%c` for one character.
    enum Element: Sendable, Equatable {
        case literal([UInt8])
        case word
        case any
        case char
    }

    struct Pattern: Sendable, Equatable {
        var program: String
        var elements: [Element]
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
        var elements: [Element] = []
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty { elements.append(.literal(literal)) }
            literal = []
        }
        var i = 0
        while i < text.count {
            let c = text[i]
            if c == UInt8(ascii: "%"), i + 1 < text.count, text[i + 1] == UInt8(ascii: "%") {
                literal.append(c)
                i += 2
            } else if c == UInt8(ascii: "%"), i + 1 < text.count {
                flush()
                let end = conversionEnd(text, i + 1)
                let letter = text[max(i + 1, min(end, text.count) - 1)]
                if let p = text[(i + 1)..<end].firstIndex(of: UInt8(ascii: "p")) {
                    elements.append(text[(p + 1)..<end].contains(UInt8(ascii: "s")) ? .any : .word)
                } else {
                    elements.append(letter == UInt8(ascii: "s") ? .any : letter == UInt8(ascii: "c") ? .char : .word)
                }
                i = end
            } else {
                literal.append(c)
                i += 1
            }
        }
        flush()
        return Pattern(program: f.program, elements: elements)
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

    /// Whether the whole message matches (backtracking over the conversions: formats hold a few).
    static func matches(_ p: Pattern, _ m: ArraySlice<UInt8>) -> Bool {
        matches(p.elements[...], m)
    }

    private static func matches(_ e: ArraySlice<Element>, _ m: ArraySlice<UInt8>) -> Bool {
        guard let first = e.first else { return m.isEmpty }
        let rest = e.dropFirst()
        switch first {
        case .literal(let l):
            return m.starts(with: l) && matches(rest, m.dropFirst(l.count))
        case .char:
            return !m.isEmpty && matches(rest, m.dropFirst())
        case .word:
            var end = m.startIndex
            while end < m.endIndex, m[end] != UInt8(ascii: " ") {
                end += 1
                if matches(rest, m[end...]) { return true }
            }
            return false
        case .any:
            var end = m.startIndex
            while true {
                if matches(rest, m[end...]) { return true }
                guard end < m.endIndex else { return false }
                end += 1
            }
        }
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
