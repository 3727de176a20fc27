/// perf report's `--sort srcline`: the samples grouped by the source line of the instruction they hit (their
/// innermost frame's `symbol+0xOFFSET`, which perf script prints), self weight only. The lines themselves come
/// from the binaries' debug info (`SourceLineResolver` in the capture layer runs addr2line); a frame without
/// one is named as perf names it, `symbol+OFFSET` in decimal.
public enum SourceLineTable {
    public struct Leaf: Sendable, Hashable {
        public var symbol: String
        /// Nil for a frame perf printed without an offset (`[unknown]`).
        public var offset: UInt64?
        public var dso: String
        /// The sample's address as perf script printed it (map-relative in a user binary), nil where the text
        /// has none: what finds the line of a function its binary's own symbol table lacks (the loader's).
        public var address: UInt64?

        public init(symbol: String, offset: UInt64?, dso: String, address: UInt64? = nil) {
            self.symbol = symbol
            self.offset = offset
            self.dso = dso
            self.address = address
        }
    }

    /// Per innermost frame, the weight of its samples (perf periods where the text has them), and the total.
    public static func leaves(in store: EventStore) -> (weights: [Leaf: Int64], total: Int64) {
        // By frame and address: a frame's text names one address of its binary, but `[unknown]` frames differ
        // only by theirs.
        var weightOf: [FrameAddress: Int64] = [:]
        var total: Int64 = 0
        for chunk in store.chunks {
            let st = chunk.stacks
            let all = chunk.storage.bytes, limit = chunk.base + chunk.length
            for k in 0..<st.rows.count where st.starts[k] < st.starts[k + 1] {
                let leaf = st.frames[Int(st.starts[k])]
                let row = Int(st.rows[k])
                let from = chunk.base + Int(chunk.lineOffsets[row])
                let head = UnsafeRawBufferPointer(rebasing: all[from..<min(limit, from + Int(chunk.payloadOffsets[row]))])
                let w = Annotation.period(head, payload: head.count) ?? PerfSampleHeader(bytes: chunk.line(row))?.period ?? 1
                weightOf[FrameAddress(frame: leaf, address: st.leafAddresses[k]), default: 0] &+= w
                total &+= w
            }
        }
        var out: [Leaf: Int64] = [:]
        for (fa, w) in weightOf { out[leaf(store.symbols[Int(fa.frame)], address: fa.address), default: 0] &+= w }
        return (out, total)
    }

    struct FrameAddress: Hashable {
        var frame: UInt32
        var address: UInt64
    }

    /// A frame's text and its address (0: none printed) as a leaf.
    static func leaf(_ frame: String, address: UInt64) -> Leaf {
        var l = parse(frame)
        l.address = address == 0 ? nil : address
        return l
    }

    /// `hot_a+0x23 (/tmp/hot)` → hot_a, 0x23, /tmp/hot.
    public static func parse(_ frame: String) -> Leaf {
        let u = Array(frame.utf8)
        var end = u.count, dso = ""
        if u.last == 0x29, let open = lastIndex(of: [0x20, 0x28], in: u, before: u.count) {  // " ("
            dso = String(decoding: u[(open + 2)..<(u.count - 1)], as: UTF8.self)
            end = open
        }
        if let plus = lastIndex(of: [0x2B, 0x30, 0x78], in: u, before: end),  // "+0x"
           let offset = UInt64(String(decoding: u[(plus + 3)..<end], as: UTF8.self), radix: 16) {
            return Leaf(symbol: String(decoding: u[..<plus], as: UTF8.self), offset: offset, dso: dso)
        }
        return Leaf(symbol: String(decoding: u[..<end], as: UTF8.self), offset: nil, dso: dso)
    }

    private static func lastIndex(of needle: [UInt8], in u: [UInt8], before end: Int) -> Int? {
        var i = end - needle.count
        while i >= 0 {
            if Array(u[i..<(i + needle.count)]) == needle { return i }
            i -= 1
        }
        return nil
    }

    /// perf's name for a frame whose line is not known: `symbol+OFFSET` (decimal); without a symbol, in a known
    /// binary, `dash[12dc6]` (its file name and the address in hex), as perf's srcline names it.
    public static func fallback(_ leaf: Leaf) -> String {
        if let offset = leaf.offset { return "\(leaf.symbol)+\(offset)" }
        if leaf.symbol == "[unknown]", let address = leaf.address, !leaf.dso.isEmpty, !leaf.dso.hasPrefix("[") {
            return HotspotTable.shortDso(leaf.dso) + "[" + String(address, radix: 16) + "]"
        }
        return leaf.symbol
    }

    /// The lines by weight (heaviest first, then by name), perf report --stdio's way: `    67.96%  hot.c:6`.
    public static func text(_ weights: [String: Int64], total: Int64, percentLimit: Double = 0,
                            title: String = "Source:Line") -> String {
        text(Dictionary(uniqueKeysWithValues: weights.map { ([$0.key], $0.value) }), titles: [title], total: total,
             percentLimit: percentLimit)
    }

    /// Several columns (`--sort sym,srcline`): each padded to its widest value or title, as perf pads them.
    public static func text(_ weights: [[String]: Int64], titles: [String], total: Int64, percentLimit: Double = 0) -> String {
        // Ties by the cells as perf compares them: a symbol by its name, not its `[k]`/`[.]` mark.
        func plain(_ key: [String]) -> [String] {
            key.map { $0.hasPrefix("[k] ") || $0.hasPrefix("[.] ") ? String($0.dropFirst(4)) : $0 }
        }
        let rows = weights.sorted { $0.value > $1.value || ($0.value == $1.value && plain($0.key).lexicographicallyPrecedes(plain($1.key))) }
            .filter { percentLimit <= 0 || (total > 0 && Double($0.value) * 100 / Double(total) >= percentLimit) }
        var widths = titles.map(\.count)
        for (key, _) in rows { for (i, v) in key.enumerated() where i < widths.count { widths[i] = max(widths[i], v.count) } }
        func joined(_ cells: [String]) -> String {
            var line = ""
            for (i, c) in cells.enumerated() {
                line += i + 1 < cells.count ? c + String(repeating: " ", count: widths[i] - c.count) + "  " : c
            }
            return line
        }
        var out = "# Overhead  " + joined(titles) + "\n# ........  " + joined(titles.indices.map { String(repeating: ".", count: widths[$0]) }) + "\n#\n"
        for (key, w) in rows {
            let pct = total > 0 ? Double(w) * 100 / Double(total) : 0
            let label = HotspotTable.fixed2(pct) + "%"
            out += String(repeating: " ", count: max(0, 10 - label.count)) + label + "  " + joined(key) + "\n"
        }
        return out
    }
}
