/// A minimal streaming JSON writer: keys in the order written, strings escaped per RFC 8259.
///
/// Built on bytes, not a String: a `graph --format json` of a large call tree writes a key and a value per field
/// per node, and String appends (with a small String per key) cost more than the walk itself.
public struct JSONWriter {
    private var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]
    private var pendingKey = false

    public init() {}

    /// What was written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    private mutating func open(_ bracket: UInt8) {
        beginValue()
        bytes.append(bracket)
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    public mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    public mutating func key(_ k: String) {
        separate()
        Self.appendQuoted(k, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
        pendingKey = true
    }

    /// The comma (or none, after a key) before a value.
    private mutating func beginValue() {
        if pendingKey {
            pendingKey = false
            needsComma[needsComma.count - 1] = true
        } else {
            separate()
        }
    }

    public mutating func string(_ s: String) {
        beginValue()
        Self.appendQuoted(s, to: &bytes)
    }

    public mutating func number(_ n: Int) {
        beginValue()
        bytes.appendDecimal(n)
    }

    public mutating func null() { raw("null") }

    /// A number already formatted (e.g. `1720.071781`, kept exactly as the trace printed it).
    public mutating func raw(_ s: String) {
        beginValue()
        bytes.append(contentsOf: s.utf8)
    }

    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        appendQuoted(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `s` quoted and escaped onto `out`: `"`, `\`, `\n`, `\r`, `\t` by name, the other C0, DEL and C1 controls
    /// as `\u00XX` (SafeText's rule, so the JSON prints safely too). A String is valid UTF-8, so the only
    /// multi-byte scalars to look at are C1's: `C2 80`…`C2 9F`.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var i = 0
            var plain = 0
            func flush() {
                if plain < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: u[plain..<i])) }
            }
            while i < u.count {
                let b = u[i]
                var escape: (code: UInt32, width: Int)?
                if b < 0x20 || b == 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                    escape = (UInt32(b), 1)
                } else if b == 0xC2, i + 1 < u.count, u[i + 1] >= 0x80, u[i + 1] <= 0x9F {
                    escape = (UInt32(u[i + 1]), 2)
                }
                guard let (code, width) = escape else {
                    i += 1
                    continue
                }
                flush()
                out.append(UInt8(ascii: "\\"))
                switch code {
                case 0x22: out.append(UInt8(ascii: "\""))
                case 0x5C: out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                default:
                    func hex(_ d: UInt32) -> UInt8 { UInt8(d < 10 ? 0x30 + d : 0x57 + d) }
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex(code >> 4), hex(code & 15)])
                }
                i += width
                plain = i
            }
            flush()
        }
        out.append(UInt8(ascii: "\""))
    }
}
