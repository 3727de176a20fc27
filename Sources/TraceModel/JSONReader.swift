/// A JSON value as read from bytes: enough of RFC 8259 for trace files (numbers as Double).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var string: String? { if case .string(let s) = self { return s } else { return nil } }
    public var number: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var array: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// The value as a field would print it: strings bare, integers without `.0`, the rest as JSON.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n):
            if n == n.rounded(), abs(n) < 9e15 { return String(Int64(n)) }
            return String(n)
        case .string(let s): return s
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let m): return "{" + m.map { "\($0.0):\($0.1.text)" }.joined(separator: ",") + "}"
        }
    }
}

/// What went wrong where, in a JSON input.
public struct JSONError: Error, CustomStringConvertible, Sendable {
    public var offset: Int
    public var message: String
    public var description: String { "\(message) at byte \(offset)" }
}

/// Reads JSON from bytes, one value at a time, so that a large array can be walked element by element.
public struct JSONReader {
    let b: UnsafeRawBufferPointer
    public private(set) var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        b = bytes
        self.offset = offset
    }

    public var atEnd: Bool { offset >= b.count }

    mutating func skipSpace() {
        while offset < b.count, b[offset] == 0x20 || b[offset] == 0x0A || b[offset] == 0x0D || b[offset] == 0x09 {
            offset += 1
        }
    }

    func fail(_ message: String) -> JSONError { JSONError(offset: offset, message: message) }

    /// The next non-space byte, not consumed.
    public mutating func peek() -> UInt8? {
        skipSpace()
        return offset < b.count ? b[offset] : nil
    }

    public mutating func expect(_ byte: UInt8) throws(JSONError) {
        guard peek() == byte else { throw fail("expected '\(Character(UnicodeScalar(byte)))'") }
        offset += 1
    }

    /// Consumes `byte` if it is next.
    public mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        offset += 1
        return true
    }

    /// How deep arrays and objects may nest. The reader itself keeps its own stack, but a value nested deeper
    /// would be freed (and compared, and printed) by recursion: 70 000 `[` crashed `replay` (issue 14).
    public static let maxDepth = 512

    private enum Open {
        case array([JSONValue])
        case object([(String, JSONValue)], key: String)
    }

    /// Reads one value; arrays and objects are read with a stack of open containers, not by recursion.
    public mutating func value() throws(JSONError) -> JSONValue {
        var open: [Open] = []
        next: while true {
            guard let c = peek() else { throw fail("unexpected end of input") }
            var v: JSONValue
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                offset += 1
                let isObject = c == UInt8(ascii: "{")
                if take(isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    v = isObject ? .object([]) : .array([])
                } else {
                    guard open.count < Self.maxDepth else { throw fail("nested over \(Self.maxDepth) deep") }
                    open.append(isObject ? .object([], key: try memberKey()) : .array([]))
                    continue next
                }
            case UInt8(ascii: "\""): v = .string(try string())
            case UInt8(ascii: "t"): v = try literal("true", .bool(true))
            case UInt8(ascii: "f"): v = try literal("false", .bool(false))
            case UInt8(ascii: "n"): v = try literal("null", .null)
            default: v = .number(try number())
            }
            // Hand the value to the containers it closes, innermost first.
            while let top = open.popLast() {
                switch top {
                case .array(var items):
                    items.append(v)
                    if take(UInt8(ascii: ",")) {
                        open.append(.array(items))
                        continue next
                    }
                    try expect(UInt8(ascii: "]"))
                    v = .array(items)
                case .object(var members, let key):
                    members.append((key, v))
                    if take(UInt8(ascii: ",")) {
                        open.append(.object(members, key: try memberKey()))
                        continue next
                    }
                    try expect(UInt8(ascii: "}"))
                    v = .object(members)
                }
            }
            return v
        }
    }

    /// `"key":` inside an object.
    private mutating func memberKey() throws(JSONError) -> String {
        guard peek() == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try string()
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Skips one value without building it.
    public mutating func skipValue() throws(JSONError) { _ = try value() }

    private mutating func literal(_ word: StaticString, _ v: JSONValue) throws(JSONError) -> JSONValue {
        let n = word.utf8CodeUnitCount
        guard offset + n <= b.count else { throw fail("unexpected end of input") }
        for k in 0..<n where b[offset + k] != word.utf8Start[k] { throw fail("unknown literal") }
        offset += n
        return v
    }

    mutating func number() throws(JSONError) -> Double {
        let start = offset
        var intPart: Int64 = 0
        var negative = false
        var simple = true
        var digits = 0
        if offset < b.count, b[offset] == UInt8(ascii: "-") {
            negative = true
            offset += 1
        }
        while offset < b.count, b[offset] >= 0x30, b[offset] <= 0x39 {
            if digits < 18 { intPart = intPart * 10 + Int64(b[offset] - 0x30) } else { simple = false }
            digits += 1
            offset += 1
        }
        var fraction = 0.0, scale = 1.0
        if offset < b.count, b[offset] == UInt8(ascii: ".") {
            offset += 1
            while offset < b.count, b[offset] >= 0x30, b[offset] <= 0x39 {
                fraction = fraction * 10 + Double(b[offset] - 0x30)
                scale *= 10
                offset += 1
            }
        }
        if offset < b.count, b[offset] | 0x20 == UInt8(ascii: "e") {
            simple = false
            offset += 1
            if offset < b.count, b[offset] == UInt8(ascii: "+") || b[offset] == UInt8(ascii: "-") { offset += 1 }
            while offset < b.count, b[offset] >= 0x30, b[offset] <= 0x39 { offset += 1 }
        }
        guard offset > start, digits > 0 else { throw fail("expected a value") }
        if simple {
            let v = Double(intPart) + fraction / scale
            return negative ? -v : v
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<offset]), as: UTF8.self)
        guard let v = Double(text) else { throw fail("bad number") }
        return v
    }

    mutating func string() throws(JSONError) -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        var runStart = offset
        while offset < b.count {
            let c = b[offset]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: b[runStart..<offset])
                offset += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") {
                out.append(contentsOf: b[runStart..<offset])
                offset += 1
                guard offset < b.count else { break }
                let e = b[offset]
                offset += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    guard offset + 4 <= b.count,
                          var scalar = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: b[offset..<(offset + 4)]),
                                                     as: UTF8.self), radix: 16) else { throw fail("bad \\u escape") }
                    offset += 4
                    // A surrogate pair: `\ud83d\ude00`.
                    if scalar >= 0xD800, scalar < 0xDC00, offset + 6 <= b.count, b[offset] == UInt8(ascii: "\\"),
                       let low = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: b[(offset + 2)..<(offset + 6)]),
                                               as: UTF8.self), radix: 16), low >= 0xDC00, low < 0xE000 {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        offset += 6
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default: out.append(e)
                }
                runStart = offset
                continue
            }
            offset += 1
        }
        throw fail("unterminated string")
    }
}
