/// `perf annotate`'s view of one function: its instructions (with the source lines objdump interleaves where
/// debug info exists) and the share of the function's samples on each.
///
/// Samples are placed by the leaf frame's `symbol+0xOFFSET` (what perf script prints): the instruction at the
/// symbol's start plus the offset. Weights are perf periods where the text has them ("local period").
public struct Annotation: Sendable {
    public struct Line: Sendable, Equatable {
        /// The instruction's address; nil for a source line or a label.
        public var address: UInt64?
        public var text: String
        public var weight: Int64
    }

    public let symbol: String
    public let dso: String
    public private(set) var lines: [Line] = []
    /// The function's samples (their weight) and their number.
    public let total: Int64
    public let samples: Int
    /// Samples whose offset fell on no instruction of the disassembly (a stale binary): counted, shown.
    public private(set) var unplaced: Int64 = 0

    /// Places `offsets` (weight per offset from the symbol's start) on the instructions of `disassembly`.
    public init(symbol: String, dso: String, disassembly: Disassembly, offsets: [UInt64: Int64], samples: Int) {
        self.symbol = symbol
        self.dso = dso
        self.samples = samples
        total = offsets.values.reduce(0, &+)
        lines = disassembly.lines
        var index: [UInt64: Int] = [:]
        index.reserveCapacity(lines.count)
        for (i, l) in lines.enumerated() { if let a = l.address { index[a] = i } }
        for (offset, w) in offsets {
            if let i = index[disassembly.start &+ offset] { lines[i].weight &+= w } else { unplaced &+= w }
        }
    }

    public func percent(_ line: Int) -> Double { total > 0 ? Double(lines[line].weight) * 100 / Double(total) : 0 }

    /// Instruction lines with samples, the hottest first (perf's `H` / Tab cycle order).
    public var hottest: [Int] {
        lines.indices.filter { lines[$0].address != nil && lines[$0].weight > 0 }
            .sorted { lines[$0].weight > lines[$1].weight || (lines[$0].weight == lines[$1].weight && $0 < $1) }
    }

    /// perf annotate --stdio's layout: `percent : address: instruction`, source lines with an empty percent.
    public func text(event: String? = nil) -> String {
        var out = " Percent |\tSource code & Disassembly of \(dso) for \(event ?? "samples") (\(samples) samples)\n"
        out += String(repeating: "-", count: 72) + "\n"
        for (i, l) in lines.enumerated() {
            if let a = l.address {
                let pct = HotspotTable.fixed2(percent(i))
                out += String(repeating: " ", count: max(0, 8 - pct.count)) + pct + " :   "
                    + String(a, radix: 16) + ":   " + l.text + "\n"
            } else {
                out += "         : " + l.text + "\n"
            }
        }
        if unplaced > 0 { out += "# \(unplaced) of the samples fell between instructions (is the binary the one recorded?)\n" }
        return out
    }

    // MARK: - samples

    /// Per offset into `symbol`, the weight of the samples whose leaf frame is in it, read from the store's
    /// perf samples; with the shared object they name (the first seen) and their number.
    public static func offsets(of symbol: String, in store: EventStore) -> (offsets: [UInt64: Int64], dso: String?, samples: Int) {
        // Per leaf frame (an interned `symbol+0xOFF (dso)` text): whether it is in the function, and the weight
        // of its samples; offsets are read once per frame, not once per sample.
        var state = [UInt8](repeating: 0, count: store.symbols.count)  // 0 unseen, 1 in the function, 2 not
        var weightOfFrame = [Int64](repeating: 0, count: store.symbols.count)
        var count = 0
        state.withUnsafeMutableBufferPointer { state in
        weightOfFrame.withUnsafeMutableBufferPointer { weights in
            for chunk in store.chunks {
                let st = chunk.stacks
                let all = chunk.storage.bytes, limit = chunk.base + chunk.length
                for k in 0..<st.rows.count where st.starts[k] < st.starts[k + 1] {
                    let leaf = Int(st.frames[Int(st.starts[k])])
                    if state[leaf] == 0 { state[leaf] = Self.split(store.symbols[leaf], symbol: symbol) == nil ? 2 : 1 }
                    guard state[leaf] == 1 else { continue }
                    let row = Int(st.rows[k])
                    // The header up to its payload: no scan for the line's end.
                    let from = chunk.base + Int(chunk.lineOffsets[row])
                    let head = UnsafeRawBufferPointer(rebasing: all[from..<min(limit, from + Int(chunk.payloadOffsets[row]))])
                    weights[leaf] &+= Self.period(head, payload: head.count)
                        ?? PerfSampleHeader(bytes: chunk.line(row))?.period ?? 1
                    count += 1
                }
            }
        }}
        var out: [UInt64: Int64] = [:]
        var dso: String?
        for f in state.indices where state[f] == 1 {
            guard let (offset, object) = Self.split(store.symbols[f], symbol: symbol) else { continue }
            out[offset, default: 0] &+= weightOfFrame[f]
            if dso == nil { dso = object }
        }
        return (out, dso, count)
    }

    /// The period of a perf sample header, read backwards from its payload (`…:     500000 cpu-clock:pppH: `):
    /// a few bytes instead of the whole header's parse, which a million samples would pay for. Nil when the
    /// word before the event is not a number (no period column).
    static func period(_ line: UnsafeRawBufferPointer, payload: Int) -> Int64? {
        var i = min(payload, line.count) - 1
        while i >= 0, line[i] == 0x20 || line[i] == 0x09 { i -= 1 }
        while i >= 0, line[i] != 0x20, line[i] != 0x09 { i -= 1 }  // the event name
        while i >= 0, line[i] == 0x20 || line[i] == 0x09 { i -= 1 }
        var value: Int64 = 0, scale: Int64 = 1, digits = 0
        while i >= 0, line[i] >= 0x30, line[i] <= 0x39, digits < 18 {
            value += Int64(line[i] - 0x30) * scale
            scale *= 10
            digits += 1
            i -= 1
        }
        guard digits > 0, i < 0 || line[i] == 0x20 || line[i] == 0x09 else { return nil }
        return value
    }

    /// `hot_a+0x23 (/tmp/hot)` → (0x23, "/tmp/hot") when the function is `symbol`.
    static func split(_ frame: String, symbol: String) -> (UInt64, String)? {
        guard frame.hasPrefix(symbol + "+0x") else { return nil }
        let rest = frame.dropFirst(symbol.count + 3)
        let hex = rest.prefix { $0.isHexDigit }
        guard let offset = UInt64(hex, radix: 16) else { return nil }
        var dso = ""
        if let open = rest.range(of: " ("), rest.hasSuffix(")") {
            dso = String(rest[open.upperBound..<rest.index(before: rest.endIndex)])
        }
        return (offset, dso)
    }
}

/// A function's disassembly as `objdump -d -l -S --disassemble=SYMBOL` prints it: instructions with their
/// addresses, and the source and `file:line` lines between them.
public struct Disassembly: Sendable {
    /// The symbol's address (`0000000000001139 <hot_a>:`).
    public var start: UInt64 = 0
    public var lines: [Annotation.Line] = []

    /// On bytes: a 10 k-instruction function's text (with its source) is parsed in a few milliseconds.
    public init(objdump text: String, symbol: String) {
        let u = Array(text.utf8)
        let header = Array(" <\(symbol)>:".utf8)
        let section = Array("Disassembly of section".utf8)
        func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x66) }
        func hex(_ a: Int, _ b: Int) -> UInt64? {
            guard b > a, b - a <= 16 else { return nil }
            var v: UInt64 = 0
            for i in a..<b {
                let c = u[i]
                guard isHex(c) else { return nil }
                v = v << 4 | UInt64(c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10)
            }
            return v
        }
        func endsWith(_ s: Int, _ e: Int, _ suffix: [UInt8]) -> Bool {
            e - s >= suffix.count && Array(u[(e - suffix.count)..<e]) == suffix
        }
        func slice(_ a: Int, _ b: Int, tab: [UInt8]) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(b - a)
            for i in a..<b { if u[i] == 0x09 { out += tab } else { out.append(u[i]) } }
            return String(decoding: out, as: UTF8.self)
        }
        var inside = false
        var s = 0
        while s < u.count {
            var e = s
            while e < u.count, u[e] != 0x0A { e += 1 }
            defer { s = e + 1 }
            if !inside {
                if endsWith(s, e, header), let a = hex(s, e - header.count) {
                    start = a
                    inside = true
                }
                continue
            }
            if e == s { continue }
            // Another symbol's block or section ends this one.
            if isHex(u[s]), endsWith(s, e, [0x3E, 0x3A]) { break }
            if e - s >= section.count, Array(u[s..<(s + section.count)]) == section { break }
            // `    1139:\ttest   %rdi,%rdi`
            var i = s
            while i < e, u[i] == 0x20 { i += 1 }
            var j = i
            while j < e, isHex(u[j]) { j += 1 }
            if j > i, j < e, u[j] == 0x3A, let address = hex(i, j) {
                var k = j + 1
                while k < e, u[k] == 0x09 || u[k] == 0x20 { k += 1 }
                var end = e
                while end > k, u[end - 1] == 0x20 || u[end - 1] == 0x09 { end -= 1 }
                lines.append(Annotation.Line(address: address, text: slice(k, end, tab: [0x20]), weight: 0))
            } else {
                lines.append(Annotation.Line(address: nil, text: slice(s, e, tab: [0x20, 0x20, 0x20, 0x20]), weight: 0))
            }
        }
    }

    public init(start: UInt64, lines: [Annotation.Line]) {
        self.start = start
        self.lines = lines
    }

    public var instructionCount: Int { lines.reduce(0) { $0 + ($1.address == nil ? 0 : 1) } }
}
