/// A minimal streaming JSON writer: keys in the order written, strings escaped per RFC 8259.
public struct JSONWriter {
    public private(set) var text = ""
    private var needsComma: [Bool] = [false]

    public init() {}

    private mutating func separate() {
        if needsComma[needsComma.count - 1] { text += "," }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { open("{") }
    public mutating func beginArray() { open("[") }

    private mutating func open(_ bracket: String) {
        value(bracket)
        needsComma.append(false)
    }

    public mutating func endArray() {
        needsComma.removeLast()
        text += "]"
    }

    public mutating func endObject() {
        needsComma.removeLast()
        text += "}"
    }

    public mutating func key(_ k: String) {
        separate()
        text += Self.quoted(k) + ":"
        needsComma[needsComma.count - 1] = false
        pendingKey = true
    }

    private var pendingKey = false

    private mutating func value(_ v: String) {
        if pendingKey {
            pendingKey = false
            needsComma[needsComma.count - 1] = true
        } else {
            separate()
        }
        text += v
    }

    public mutating func string(_ s: String) { value(Self.quoted(s)) }
    public mutating func number(_ n: Int) { value(String(n)) }
    public mutating func null() { value("null") }
    /// A number already formatted (e.g. `1720.071781`, kept exactly as the trace printed it).
    public mutating func raw(_ s: String) { value(s) }

    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                // C0, DEL and C1 controls: escaped (SafeText's rule), so the JSON prints safely too.
                if SafeText.isControl(u.value) {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
