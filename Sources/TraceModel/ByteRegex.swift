/// A regular expression matched in time linear in the subject (a Pike VM: every thread advances one character
/// at a time, at most one thread per instruction), so no pattern a user types can make a filter hang.
///
/// Why not Swift's `Regex`: it backtracks, and `(a+)+b` or `(.*.*)*@` over a long line took the viewer to 100 %
/// CPU for good (issue 14). Why not RE2: TraceModel stays standard-library-only, and the filter language needs
/// only the common subset below, matched on the UTF-8 bytes rows already hold.
///
/// Syntax: literals, `.`, `[...]` / `[^...]` with ranges, `\d \w \s \D \W \S \b \B`, escapes `\. \\ \t \n \xHH`,
/// `^ $`, groups `( )` `(?: )`, `|`, `* + ? {n} {n,} {n,m}` (a trailing `?` or `+` is accepted and ignored: a filter
/// asks only whether a row matches), and a leading `(?i)` for case-insensitive ASCII. Invalid UTF-8 in the
/// subject is a character no literal or class matches, but `.` and negated classes do.
public struct ByteRegex: Sendable {
    /// The largest program a pattern may compile to (`{n,m}` copies its operand): bounds the work per byte.
    public static let maxInstructions = 20_000
    /// Groups nested deeper than this are refused (the parser recurses once per group).
    public static let maxNesting = 100
    /// The largest count `{n,m}` may name.
    public static let maxRepeat = 1000

    let program: [Instruction]
    let classes: [CharClass]
    let caseInsensitive: Bool
    /// A literal prefix every match starts with when the pattern is a plain string: found with a byte scan.
    let literal: [UInt8]?

    public init(_ pattern: String) throws(RegexError) {
        var parser = Parser(Array(pattern.unicodeScalars))
        if parser.take("(?i)") { parser.caseInsensitive = true }
        let node = try parser.parseAll()
        var compiler = Compiler(caseInsensitive: parser.caseInsensitive)
        try compiler.emit(node)
        compiler.program.append(.match)
        guard compiler.program.count <= Self.maxInstructions else {
            throw RegexError("the pattern is too large (over \(Self.maxInstructions) steps)")
        }
        program = compiler.program
        classes = parser.classes
        caseInsensitive = parser.caseInsensitive
        literal = parser.caseInsensitive ? nil : node.literalText.map { Array(String($0).utf8) }
    }

    /// Whether the pattern matches anywhere in `text`.
    public func matches(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { firstMatch(in: UnsafeRawBufferPointer($0)) }
    }

    /// Whether the pattern matches anywhere in `bytes` (UTF-8).
    public func firstMatch(in bytes: UnsafeRawBufferPointer) -> Bool {
        if let literal { return Self.contains(bytes, literal) }
        var vm = Machine(program: program, classes: classes, caseInsensitive: caseInsensitive)
        return vm.run(bytes)
    }

    static func contains(_ b: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        guard b.count >= needle.count else { return false }
        var i = 0
        let last = b.count - needle.count
        while i <= last {
            if b[i] == needle[0] {
                var k = 1
                while k < needle.count, b[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    enum Instruction: Sendable, Equatable {
        case char(UInt32)
        case any
        case charClass(Int)
        case split(Int, Int)
        case jump(Int)
        case lineStart, lineEnd, wordBoundary, notWordBoundary
        case match
    }

    /// A set of scalars: ranges, optionally negated.
    struct CharClass: Sendable {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false

        func contains(_ c: UInt32, caseInsensitive: Bool) -> Bool {
            // An invalid byte (above the Unicode range) is in no class, so only in negated ones.
            var hit = c <= 0x10FFFF && ranges.contains { $0.contains(c) }
            if !hit, caseInsensitive, c < 128 {
                let other = ByteRegex.otherCase(c)
                if other != c { hit = ranges.contains { $0.contains(other) } }
            }
            return hit != negated
        }
    }

    static func otherCase(_ c: UInt32) -> UInt32 {
        if c >= 0x41, c <= 0x5A { return c + 32 }
        if c >= 0x61, c <= 0x7A { return c - 32 }
        return c
    }

    static func isWord(_ c: UInt32?) -> Bool {
        guard let c else { return false }
        return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F
    }

    static let digit: [ClosedRange<UInt32>] = [0x30...0x39]
    static let word: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let space: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]
}

/// Why a pattern was refused, in words.
public struct RegexError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension ByteRegex {
    indirect enum Node {
        case empty
        case char(UInt32)
        case any
        case charClass(Int)
        case assertion(Instruction)
        case concat([Node])
        case alternate([Node])
        case `repeat`(Node, min: Int, max: Int?)

        /// The text of a pattern that is only literal characters.
        var literalText: String.UnicodeScalarView? {
            switch self {
            case .char(let c): return Unicode.Scalar(c).map { String.UnicodeScalarView([$0]) }
            case .concat(let parts):
                var out = String.UnicodeScalarView()
                for p in parts {
                    guard case .char(let c) = p, let s = Unicode.Scalar(c) else { return nil }
                    out.append(s)
                }
                return out
            default: return nil
            }
        }
    }

    /// Recursive descent over the pattern, its depth bounded by `maxNesting`.
    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        var depth = 0
        var classes: [CharClass] = []
        var caseInsensitive = false

        init(_ s: [Unicode.Scalar]) { self.s = s }

        mutating func take(_ text: String) -> Bool {
            let t = Array(text.unicodeScalars)
            guard i + t.count <= s.count, Array(s[i..<(i + t.count)]) == t else { return false }
            i += t.count
            return true
        }

        func fail(_ message: String) -> RegexError { RegexError("\(message) at character \(i + 1)") }

        mutating func parseAll() throws(RegexError) -> Node {
            let n = try alternation()
            if i < s.count { throw fail("unmatched `)`") }
            return n
        }

        mutating func alternation() throws(RegexError) -> Node {
            var branches = [try sequence()]
            while i < s.count, s[i] == "|" {
                i += 1
                branches.append(try sequence())
            }
            return branches.count == 1 ? branches[0] : .alternate(branches)
        }

        mutating func sequence() throws(RegexError) -> Node {
            var items: [Node] = []
            while i < s.count, s[i] != "|", s[i] != ")" {
                var atom = try self.atom()
                var quantifiers = 0
                while i < s.count {
                    let q = s[i]
                    var lo = 0, hi: Int? = nil
                    if q == "*" { i += 1 } else if q == "+" { lo = 1; i += 1 } else if q == "?" { hi = 1; i += 1 }
                    else if q == "{", let (a, b) = try counts() { lo = a; hi = b }
                    else { break }
                    if case .assertion = atom { throw fail("nothing to repeat") }
                    // Each quantifier wraps the last: the compiler's recursion is as deep as they are many.
                    quantifiers += 1
                    guard quantifiers <= 4 else { throw fail("more than 4 quantifiers in a row") }
                    if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }
                    atom = .repeat(atom, min: lo, max: hi)
                }
                items.append(atom)
            }
            return items.count == 1 ? items[0] : items.isEmpty ? .empty : .concat(items)
        }

        /// `{n}`, `{n,}`, `{n,m}` at `i`; nil (and `{` taken as a literal) when it is not one.
        mutating func counts() throws(RegexError) -> (Int, Int?)? {
            var j = i + 1
            func number() -> Int? {
                var v = 0, any = false
                while j < s.count, ("0"..."9").contains(s[j]) {
                    v = min(v * 10 + Int(s[j].value - 0x30), 1_000_000)
                    any = true
                    j += 1
                }
                return any ? v : nil
            }
            // `{,m}` is `{0,m}`, as in Swift's Regex and Oniguruma.
            let first = number()
            var hi: Int? = first
            if j < s.count, s[j] == "," {
                j += 1
                hi = number()
                if first == nil, hi == nil { return nil }
            } else if first == nil {
                return nil
            }
            let lo = first ?? 0
            guard j < s.count, s[j] == "}" else { return nil }
            i = j + 1
            if lo > ByteRegex.maxRepeat || (hi ?? 0) > ByteRegex.maxRepeat {
                throw fail("a count over \(ByteRegex.maxRepeat)")
            }
            if let hi, hi < lo { throw fail("`{\(lo),\(hi)}` counts down") }
            return (lo, hi)
        }

        mutating func atom() throws(RegexError) -> Node {
            let c = s[i]
            i += 1
            switch c {
            case "(":
                depth += 1
                guard depth <= ByteRegex.maxNesting else { throw fail("groups nested over \(ByteRegex.maxNesting) deep") }
                if take("?:") {} else if i < s.count, s[i] == "?" { throw fail("unsupported group `(?`") }
                let inner = try alternation()
                guard i < s.count, s[i] == ")" else { throw fail("missing `)`") }
                i += 1
                depth -= 1
                return inner
            case ".": return .any
            case "^": return .assertion(.lineStart)
            case "$": return .assertion(.lineEnd)
            case "[": return .charClass(try bracket())
            case "*", "+", "?": throw fail("nothing to repeat")
            case "\\": return try escape(inClass: false).node(&classes)
            default: return .char(c.value)
            }
        }

        enum Escaped {
            case scalar(UInt32)
            case set([ClosedRange<UInt32>], negated: Bool)
            case assertion(Instruction)

            func node(_ classes: inout [CharClass]) -> Node {
                switch self {
                case .scalar(let v): return .char(v)
                case .assertion(let a): return .assertion(a)
                case .set(let r, let negated):
                    classes.append(CharClass(ranges: r, negated: negated))
                    return .charClass(classes.count - 1)
                }
            }
        }

        mutating func escape(inClass: Bool) throws(RegexError) -> Escaped {
            guard i < s.count else { throw fail("a pattern cannot end with `\\`") }
            let c = s[i]
            i += 1
            switch c {
            case "d": return .set(ByteRegex.digit, negated: false)
            case "D": return .set(ByteRegex.digit, negated: true)
            case "w": return .set(ByteRegex.word, negated: false)
            case "W": return .set(ByteRegex.word, negated: true)
            case "s": return .set(ByteRegex.space, negated: false)
            case "S": return .set(ByteRegex.space, negated: true)
            case "b" where !inClass: return .assertion(.wordBoundary)
            case "B" where !inClass: return .assertion(.notWordBoundary)
            case "t": return .scalar(0x09)
            case "n": return .scalar(0x0A)
            case "r": return .scalar(0x0D)
            case "x":
                guard i + 2 <= s.count, let v = UInt32(String(String.UnicodeScalarView(s[i..<(i + 2)])), radix: 16)
                else { throw fail("`\\x` needs two hex digits") }
                i += 2
                return .scalar(v)
            default:
                if c.properties.isAlphabetic || ("0"..."9").contains(c) { throw fail("unknown escape `\\\(c)`") }
                return .scalar(c.value)
            }
        }

        mutating func bracket() throws(RegexError) -> Int {
            var cls = CharClass()
            if i < s.count, s[i] == "^" {
                cls.negated = true
                i += 1
            }
            var first = true
            while true {
                guard i < s.count else { throw fail("missing `]`") }
                if s[i] == "]", !first {
                    i += 1
                    break
                }
                first = false
                var lo: UInt32
                if s[i] == "\\" {
                    i += 1
                    switch try escape(inClass: true) {
                    case .scalar(let v): lo = v
                    case .set(let r, let negated):
                        guard !negated else { throw fail("a negated class inside `[ ]`") }
                        cls.ranges += r
                        continue
                    case .assertion: throw fail("an assertion inside `[ ]`")
                    }
                } else {
                    lo = s[i].value
                    i += 1
                }
                var hi = lo
                if i + 1 < s.count, s[i] == "-", s[i + 1] != "]" {
                    i += 1
                    if s[i] == "\\" {
                        i += 1
                        guard case .scalar(let v) = try escape(inClass: true) else { throw fail("a bad range") }
                        hi = v
                    } else {
                        hi = s[i].value
                        i += 1
                    }
                    guard hi >= lo else { throw fail("a range that counts down") }
                }
                cls.ranges.append(lo...hi)
            }
            classes.append(cls)
            return classes.count - 1
        }
    }

    struct Compiler {
        var program: [Instruction] = []
        let caseInsensitive: Bool

        mutating func emit(_ n: Node) throws(RegexError) {
            // Stop early: a pattern like `(a{1000}){1000}` would otherwise build a million steps first.
            guard program.count <= ByteRegex.maxInstructions else {
                throw RegexError("the pattern is too large (over \(ByteRegex.maxInstructions) steps)")
            }
            switch n {
            case .empty: break
            case .char(let c): program.append(.char(c))
            case .any: program.append(.any)
            case .charClass(let k): program.append(.charClass(k))
            case .assertion(let a): program.append(a)
            case .concat(let parts): for p in parts { try emit(p) }
            case .alternate(let branches):
                var jumps: [Int] = []
                for (k, b) in branches.enumerated() {
                    if k < branches.count - 1 {
                        let split = program.count
                        program.append(.split(split + 1, 0))
                        try emit(b)
                        jumps.append(program.count)
                        program.append(.jump(0))
                        program[split] = .split(split + 1, program.count)
                    } else {
                        try emit(b)
                    }
                }
                for j in jumps { program[j] = .jump(program.count) }
            case .repeat(let inner, let lo, let hi):
                for _ in 0..<lo { try emit(inner) }
                if let hi {
                    // Optional copies: each may be skipped to the end.
                    var splits: [Int] = []
                    for _ in lo..<hi {
                        splits.append(program.count)
                        program.append(.split(program.count + 1, 0))
                        try emit(inner)
                    }
                    for sp in splits { program[sp] = .split(sp + 1, program.count) }
                } else {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try emit(inner)
                    program.append(.jump(split))
                    program[split] = .split(split + 1, program.count)
                }
            }
        }
    }

    /// The Pike VM: a list of program counters per position, each instruction at most once.
    struct Machine {
        let program: [Instruction]
        let classes: [CharClass]
        let caseInsensitive: Bool
        /// The position a pc was last added at (+1): the "at most once per position" mark.
        var seen: [Int]
        var stack: [Int] = []

        init(program: [Instruction], classes: [CharClass], caseInsensitive: Bool) {
            self.program = program
            self.classes = classes
            self.caseInsensitive = caseInsensitive
            seen = Array(repeating: 0, count: program.count)
        }

        /// Decodes one scalar at `i`; an invalid byte is `0x110000 + byte` and one byte long.
        static func decode(_ b: UnsafeRawBufferPointer, _ i: Int) -> (UInt32, Int) {
            let c0 = UInt32(b[i])
            if c0 < 0x80 { return (c0, 1) }
            let n: Int, lead: UInt32, minimum: UInt32
            switch c0 {
            case 0xC2...0xDF: n = 2; lead = c0 & 0x1F; minimum = 0x80
            case 0xE0...0xEF: n = 3; lead = c0 & 0x0F; minimum = 0x800
            case 0xF0...0xF4: n = 4; lead = c0 & 0x07; minimum = 0x10000
            default: return (0x110000 + c0, 1)
            }
            guard i + n <= b.count else { return (0x110000 + c0, 1) }
            var v = lead
            for k in 1..<n {
                let c = UInt32(b[i + k])
                guard c & 0xC0 == 0x80 else { return (0x110000 + c0, 1) }
                v = v << 6 | (c & 0x3F)
            }
            guard v >= minimum, v <= 0x10FFFF, !(0xD800...0xDFFF).contains(v) else { return (0x110000 + c0, 1) }
            return (v, n)
        }

        /// Adds `pc` and everything reachable from it without reading a character; true if that reaches `match`.
        mutating func add(_ pc: Int, to list: inout [Int], mark: Int, prev: UInt32?, next c: UInt32?) -> Bool {
            stack.append(pc)
            while let p = stack.popLast() {
                guard seen[p] != mark else { continue }
                seen[p] = mark
                switch program[p] {
                case .match:
                    stack.removeAll(keepingCapacity: true)
                    return true
                case .jump(let t): stack.append(t)
                case .split(let a, let b):
                    stack.append(b)
                    stack.append(a)
                case .lineStart: if prev == nil { stack.append(p + 1) }
                case .lineEnd: if c == nil { stack.append(p + 1) }
                case .wordBoundary: if ByteRegex.isWord(prev) != ByteRegex.isWord(c) { stack.append(p + 1) }
                case .notWordBoundary: if ByteRegex.isWord(prev) == ByteRegex.isWord(c) { stack.append(p + 1) }
                case .char, .any, .charClass: list.append(p)
                }
            }
            return false
        }

        func step(_ instruction: Instruction, _ c: UInt32) -> Bool {
            switch instruction {
            case .char(let want):
                return want == c || (caseInsensitive && c < 128 && ByteRegex.otherCase(c) == want)
            case .any: return c != 0x0A
            case .charClass(let k): return classes[k].contains(c, caseInsensitive: caseInsensitive)
            default: return false
            }
        }

        mutating func run(_ b: UnsafeRawBufferPointer) -> Bool {
            var mark = 1
            var i = 0
            var prev: UInt32? = nil
            var (c, width): (UInt32?, Int) = b.isEmpty ? (nil, 0) : Self.decode(b, 0)
            var current: [Int] = [], next: [Int] = []
            current.reserveCapacity(program.count)
            next.reserveCapacity(program.count)
            while true {
                // A new thread starts at every position: the search is unanchored.
                if add(0, to: &current, mark: mark, prev: prev, next: c) { return true }
                guard let ch = c else { return false }
                mark += 1
                let after = i + width
                let (nc, nw): (UInt32?, Int) = after < b.count ? Self.decode(b, after) : (nil, 0)
                next.removeAll(keepingCapacity: true)
                for pc in current where step(program[pc], ch) {
                    if add(pc + 1, to: &next, mark: mark, prev: ch, next: nc) { return true }
                }
                swap(&current, &next)
                prev = ch
                i = after
                c = nc
                width = nw
            }
        }
    }
}
