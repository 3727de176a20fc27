/// Folded stacks (`root;caller;leaf 12`), the format flamegraph.pl, speedscope and inferno read.
public enum FoldedStacks {
    /// One line per stack that has self weight, in depth-first order of first appearance.
    /// `divisor` scales values (1000: function_graph ns → µs, rounded); lines that round to 0 are left out.
    public static func text(_ tree: StackTree, divisor: Int64 = 1) -> String {
        var out = ""
        var prefix: [String] = []
        func visit(_ node: Int) {
            if node > 0 { prefix.append(tree.label(node)) }
            let v = divisor > 1 ? (tree.selfValue[node] + divisor / 2) / divisor : tree.selfValue[node]
            if node > 0, v > 0 {
                out += prefix.joined(separator: ";")
                out += " "
                out += String(v)
                out += "\n"
            }
            for c in tree.children[node] { visit(Int(c)) }
            if node > 0 { prefix.removeLast() }
        }
        visit(0)
        return out
    }

    /// Folded stacks of samples (comm first, weight = period or 1).
    public static func text(samples: StackSamples) -> String {
        text(StackTree(samples: samples))
    }

    /// Folded stacks of function_graph calls: self time in µs per call path.
    public static func text(calls: CallTree) -> String {
        text(StackTree(calls: CallPathTree(calls)), divisor: 1000)
    }

    /// What parsing folded text found.
    public struct Parsed: Sendable {
        public var samples: StackSamples
        /// Lines that are neither blank, a comment, nor `frames count`.
        public var invalidLines: Int
        public var totalWeight: Int64 { samples.totalWeight }
    }

    /// Parses folded text (UTF-8, or UTF-16 with a byte-order mark; LF or CRLF): each line one sample
    /// of weight `count`, frames root first. Comment lines (`#`, `//`) and lines without a count are skipped.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        let utf8 = decodeUTF16IfMarked(bytes)
        var samples = StackSamples()
        let task = samples.task(comm: "", pid: -1)
        let unknownDso = samples.dso("[unknown]")
        var invalid = 0
        var frames: [UInt32] = []
        func parseLine(_ line: UnsafeRawBufferPointer) {
            var end = line.count
            while end > 0, line[end - 1] == 0x0D || line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
            guard end > 0 else { return }
            if line[0] == Byte.hash || (end >= 2 && line[0] == Byte.slash && line[1] == Byte.slash) { return }
            var space = end - 1
            while space >= 0, line[space] != 0x20 { space -= 1 }
            guard space > 0, space + 1 < end else { invalid += 1; return }
            var count: Int64 = 0
            for k in (space + 1)..<end {
                let d = line[k] &- 0x30
                guard d < 10 else { invalid += 1; return }
                count = count &* 10 &+ Int64(d)
            }
            frames.removeAll(keepingCapacity: true)
            var start = 0
            for k in 0...space where k == space || line[k] == Byte.semicolon {
                let name = String(decoding: UnsafeRawBufferPointer(rebasing: line[start..<k]), as: UTF8.self)
                frames.append(samples.location(function: samples.function(name), dso: unknownDso))
                start = k + 1
            }
            samples.append(task: task, weight: count, frames: frames.reversed())
        }
        utf8.withUnsafeBytes { b in
            var s = 0
            while s < b.count {
                var e = s
                while e < b.count, b[e] != Byte.newline { e += 1 }
                parseLine(UnsafeRawBufferPointer(rebasing: b[s..<e]))
                s = e + 1
            }
        }
        return Parsed(samples: samples, invalidLines: invalid)
    }

    /// Whether the text looks like folded stacks: its first non-comment lines end in ` <count>`.
    public static func looksFolded(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let text = decodeUTF16IfMarked(UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, 4096)]))
        var good = 0
        for line in text.split(separator: Byte.newline).prefix(20) {
            var l = Array(line)
            while let last = l.last, last == 0x0D || last == 0x20 { l.removeLast() }
            if l.isEmpty || l[0] == Byte.hash || l.starts(with: [Byte.slash, Byte.slash]) { continue }
            guard let sp = l.lastIndex(of: 0x20), sp > 0, sp + 1 < l.count,
                  l[(sp + 1)...].allSatisfy(Byte.isDigit), !l[..<sp].contains(0x09) else { return false }
            good += 1
        }
        return good > 0
    }

    private static func decodeUTF16IfMarked(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        guard bytes.count >= 2 else { return Array(bytes) }
        let le = bytes[0] == 0xFF && bytes[1] == 0xFE, be = bytes[0] == 0xFE && bytes[1] == 0xFF
        guard le || be else { return Array(bytes) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            units.append(le ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}
