/// The named values in an event's payload: `key=value` pairs, syscall arguments `name: value`,
/// and a syscall's return (`sys_openat -> 0x3` gives `ret`).
public enum EventFields {
    /// All fields of a payload, in order, for the detail panel.
    public static func parse(_ payload: String) -> [(key: String, value: String)] {
        var out: [(String, String)] = []
        let bytes = Array(payload.utf8)
        if let plugin = bytes.withUnsafeBytes({ PluginLayout.fields($0) }) {
            // trace-cmd's plugin layouts, then any `key=value` they carry (`success=1`).
            return plugin + parse(keyValues: bytes).filter { kv in !plugin.contains { $0.key == kv.0 } }
        }
        if let arrow = find(bytes, Array(" -> ".utf8), from: 0), !bytes[..<arrow].contains(0x20) {
            out.append(("ret", String(decoding: bytes[(arrow + 4)...], as: UTF8.self)))
            return out
        }
        if let open = bytes.firstIndex(of: Byte.openParen), open > 0, Byte.isIdent(bytes[open - 1]),
           let close = bytes.lastIndex(of: Byte.closeParen), close > open,
           !bytes[..<open].contains(0x20) {
            // `sys_openat(dfd: 0xffffff9c, filename: 0x55…)`
            for part in bytes[(open + 1)..<close].split(separator: Byte.comma) {
                let s = String(decoding: part, as: UTF8.self)
                let kv = s.split(separator: ":", maxSplits: 1)
                if kv.count == 2 {
                    out.append((kv[0].trimmingCharacters(in: " "), kv[1].trimmingCharacters(in: " ")))
                }
            }
            return out
        }
        return parse(keyValues: bytes)
    }

    /// `key=value` pairs (a quoted value may hold spaces).
    static func parse(keyValues bytes: [UInt8]) -> [(String, String)] {
        var out: [(String, String)] = []
        var i = 0
        while i < bytes.count {
            guard let eq = bytes[i...].firstIndex(of: Byte.equals) else { break }
            var k = eq
            while k > i, Byte.isIdent(bytes[k - 1]) || bytes[k - 1] == Byte.dot || bytes[k - 1] == 0x24 { k -= 1 }
            var v = eq + 1
            // `==>` in sched_switch is not a field.
            if v < bytes.count, bytes[v] == Byte.equals || bytes[v] == Byte.greater {
                i = v + 1
                continue
            }
            let valueStart = v
            if v < bytes.count, bytes[v] == Byte.quote {
                v += 1
                while v < bytes.count, bytes[v] != Byte.quote { v += 1 }
                v = min(bytes.count, v + 1)
            } else {
                // softirq's plugin prints `[action=TIMER]`: the bracket closes the value.
                while v < bytes.count, bytes[v] != 0x20, bytes[v] != Byte.closeBracket { v += 1 }
            }
            if k < eq {
                out.append((String(decoding: bytes[k..<eq], as: UTF8.self),
                            String(decoding: bytes[valueStart..<v], as: UTF8.self)))
            }
            i = max(v, eq + 1)
        }
        return out
    }

    /// The value of one field in a payload, without building the others (the filter's hot path).
    public static func value(of key: [UInt8], in payload: UnsafeRawBufferPointer) -> Substring? {
        let n = payload.count
        let m = key.count
        guard m > 0, n > m else { return nil }
        var i = 0
        while i + m < n {
            if payload[i] == key[0], i == 0 || !isKeyByte(payload[i - 1]) {
                var same = true
                for k in 1..<m where payload[i + k] != key[k] {
                    same = false
                    break
                }
                if same {
                    var v = i + m
                    var matched = false
                    if payload[v] == Byte.equals, v + 1 < n, payload[v + 1] != Byte.equals {
                        v += 1
                        matched = true
                    } else if payload[v] == Byte.colon, v + 1 < n, payload[v + 1] == 0x20 {
                        v += 2
                        matched = true
                    }
                    if matched {
                        var e = v
                        if e < n, payload[e] == Byte.quote {
                            e += 1
                            while e < n, payload[e] != Byte.quote { e += 1 }
                            let s = String(decoding: UnsafeRawBufferPointer(rebasing: payload[(v + 1)..<e]),
                                           as: UTF8.self)
                            return s[...]
                        }
                        while e < n, payload[e] != 0x20, payload[e] != Byte.comma, payload[e] != Byte.closeParen,
                              payload[e] != Byte.closeBracket {
                            e += 1
                        }
                        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[v..<e]), as: UTF8.self)[...]
                    }
                }
            }
            i += 1
        }
        if key == Array("ret".utf8), let arrow = find(payload, Array(" -> ".utf8)) {
            return String(decoding: UnsafeRawBufferPointer(rebasing: payload[(arrow + 4)...]), as: UTF8.self)[...]
        }
        // Not spelled `key=`: maybe one of trace-cmd's plugin layouts names it.
        let name = String(decoding: key, as: UTF8.self)
        if PluginLayout.keys.contains(name), let fields = PluginLayout.fields(payload) {
            if let v = fields.first(where: { $0.key == name }) { return v.value[...] }
        }

        return nil
    }

    @inline(__always) private static func isKeyByte(_ c: UInt8) -> Bool { Byte.isIdent(c) || c == Byte.dot }

    private static func find(_ hay: [UInt8], _ needle: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static func find(_ hay: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        var i = 0
        while i + needle.count <= hay.count {
            if hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
