/// The BPF inventory's records in the /proc sidecar (`TRACE.proc`), after the sample's `T` line. Counters are
/// stored raw, so a replay computes the same rates a live run did; readers that predate them skip the letters.
///
/// ```
/// B <stats 0|1|-> [error]                                       starts the sample's inventory
/// b <id> <run_cnt> <run_time_ns> <pid|-> <type> <tag> <name> <comm> <attach,attach…|-> <map id,map id…|->
/// y <id> <key_size> <value_size> <max_entries> <memory|-> <type> <name>
/// E <map id> <truncated 0|1> [error]                            --bpf: the entries of one of the object's maps
/// e <key hex> <value hex>                                       one entry of the map of the E before it
/// ```
/// Text fields are escaped (`%20` space, `%25` percent, `%2C` comma, `-` empty) so each stays one token.
public enum BpfSidecar {
    public static func encode(_ inv: BpfInventory) -> String {
        var out = "B " + (inv.statsEnabled.map { $0 ? "1" : "0" } ?? "-")
        if let e = inv.error { out += " " + escape(e) }
        out += "\n"
        for p in inv.programs {
            out += "b \(p.id) \(p.runCount) \(p.runTimeNs) \(p.loadedBy.map { String($0.pid) } ?? "-") "
            out += "\(escape(p.type)) \(escape(p.tag)) \(escape(p.name)) \(escape(p.loadedBy?.comm ?? "")) "
            out += (p.attach.isEmpty ? "-" : p.attach.map(escape).joined(separator: ",")) + " "
            out += (p.mapIDs.isEmpty ? "-" : p.mapIDs.map(String.init).joined(separator: ",")) + "\n"
        }
        for m in inv.maps {
            out += "y \(m.id) \(m.keySize) \(m.valueSize) \(m.maxEntries) \(m.memoryBytes.map(String.init) ?? "-") "
            out += "\(escape(m.type)) \(escape(m.name))\n"
        }
        for v in inv.values {
            out += "E \(v.mapID) \(v.truncated ? 1 : 0)" + (v.error.map { " " + escape($0) } ?? "") + "\n"
            for e in v.entries { out += "e \(hex(e.key)) \(hex(e.value))\n" }
        }
        return out
    }

    /// Reads one record's tokens into `inv`; `B` starts a new inventory. Returns false for a letter that is not
    /// one of these. A short or malformed record is kept as far as it goes (missing numbers read as 0).
    public static func decode(_ tokens: [String], into inv: inout BpfInventory?) -> Bool {
        guard let kind = tokens.first else { return false }
        func num(_ i: Int) -> UInt64 { i < tokens.count ? UInt64(tokens[i]) ?? 0 : 0 }
        func text(_ i: Int) -> String { i < tokens.count ? unescape(tokens[i]) : "" }
        switch kind {
        case "B":
            var new = BpfInventory()
            if tokens.count > 1 { new.statsEnabled = tokens[1] == "1" ? true : tokens[1] == "0" ? false : nil }
            if tokens.count > 2 { new.error = text(2) }
            inv = new
        case "b":
            guard var i = inv else { return true }
            var p = BpfProgram(id: UInt32(clamping: num(1)), type: text(5), name: text(7), tag: text(6),
                               runCount: num(2), runTimeNs: num(3))
            if tokens.count > 4, let pid = Int32(tokens[4]) { p.loadedBy = BpfProcess(pid: pid, comm: text(8)) }
            if tokens.count > 9, tokens[9] != "-" {
                p.attach = tokens[9].split(separator: ",").map { unescape(String($0)) }
            }
            if tokens.count > 10 { p.mapIDs = tokens[10].split(separator: ",").compactMap { UInt32($0) } }
            i.programs.append(p)
            inv = i
        case "y":
            guard var i = inv else { return true }
            i.maps.append(BpfMap(id: UInt32(clamping: num(1)), type: text(6), name: text(7),
                                 keySize: UInt32(clamping: num(2)), valueSize: UInt32(clamping: num(3)),
                                 maxEntries: UInt32(clamping: num(4)),
                                 memoryBytes: tokens.count > 5 ? UInt64(tokens[5]) : nil))
            inv = i
        case "E":
            guard var i = inv else { return true }
            i.values.append(BpfMapValues(mapID: UInt32(clamping: num(1)), truncated: num(2) == 1,
                                         error: tokens.count > 3 ? text(3) : nil))
            inv = i
        case "e":
            guard var i = inv, !i.values.isEmpty else { return true }
            i.values[i.values.count - 1].entries.append(.init(key: unhex(tokens.count > 1 ? tokens[1] : ""),
                                                              value: unhex(tokens.count > 2 ? tokens[2] : "")))
            inv = i
        default:
            return false
        }
        return true
    }

    static func hex(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "-" }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hex digits back to bytes; a malformed pair reads as 0 (kept, never dropped).
    static func unhex(_ s: String) -> [UInt8] {
        guard s != "-" else { return [] }
        let u = Array(s.utf8)
        func nibble(_ c: UInt8) -> UInt8 {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: 0
            }
        }
        return stride(from: 0, to: u.count - 1, by: 2).map { nibble(u[$0]) << 4 | nibble(u[$0 + 1]) }
    }

    static func escape(_ s: String) -> String {
        if s.isEmpty { return "-" }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case " ": out += "%20"
            case "%": out += "%25"
            case ",": out += "%2C"
            case "\n": out += "%0A"
            case "\t": out += "%09"
            default: out.unicodeScalars.append(u)
            }
        }
        return out == "-" ? "%2D" : out
    }

    static func unescape(_ s: String) -> String {
        if s == "-" { return "" }
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let v = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(v)
                i += 3
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
