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
        var out: [UInt64: Int64] = [:]
        var dso: String?
        var count = 0
        var leafOf: [UInt32: (UInt64, String)?] = [:]
        for chunk in store.chunks {
            let st = chunk.stacks
            for k in 0..<st.rows.count where st.starts[k] < st.starts[k + 1] {
                let leaf = st.frames[Int(st.starts[k])]
                var parsed = leafOf[leaf]
                if parsed == nil {
                    parsed = .some(Self.split(store.symbols[Int(leaf)], symbol: symbol))
                    leafOf[leaf] = parsed
                }
                guard case .some(.some(let (offset, object))) = parsed else { continue }
                let row = Int(st.rows[k])
                let weight = PerfSampleHeader(bytes: chunk.line(row))?.period ?? 1
                out[offset, default: 0] &+= weight
                if dso == nil { dso = object }
                count += 1
            }
        }
        return (out, dso, count)
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

    public init(objdump text: String, symbol: String) {
        var inside = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.hasSuffix(" <\(symbol)>:"), let a = UInt64(line.prefix { $0.isHexDigit }, radix: 16) {
                start = a
                inside = true
                continue
            }
            guard inside else { continue }
            // Another symbol's block or section ends this one.
            if line.hasSuffix(">:"), line.first?.isHexDigit == true { break }
            if line.hasPrefix("Disassembly of section") { break }
            if line.isEmpty { continue }
            // `    1139:\ttest   %rdi,%rdi`
            let trimmed = line.drop { $0 == " " }
            if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].allSatisfy(\.isHexDigit), !trimmed[..<colon].isEmpty,
               let address = UInt64(trimmed[..<colon], radix: 16) {
                let instruction = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: "\t ")
                lines.append(Annotation.Line(address: address, text: String(instruction.map { $0 == "\t" ? " " : $0 }), weight: 0))
            } else {
                lines.append(Annotation.Line(address: nil, text: line.split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    "), weight: 0))
            }
        }
    }

    public init(start: UInt64, lines: [Annotation.Line]) {
        self.start = start
        self.lines = lines
    }

    public var instructionCount: Int { lines.reduce(0) { $0 + ($1.address == nil ? 0 : 1) } }
}
