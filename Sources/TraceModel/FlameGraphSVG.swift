/// A flame graph as a self-contained SVG: one rectangle per frame of the merged stacks, the root at the
/// bottom, widths proportional to the counts, siblings in name order (as flamegraph.pl draws it), a `<title>`
/// on every frame for the tooltip. No scripts, no external references.
public struct FlameGraphSVG {
    /// One folded stack: frames from the root outward, and its count (samples, or ns).
    public struct Stack: Sendable, Equatable {
        public var frames: [String]
        public var count: Double
        public init(frames: [String], count: Double) {
            self.frames = frames
            self.count = count
        }
    }

    public var title = "Flame Graph"
    public var unit = "samples"
    public var width = 1200
    public var frameHeight = 16
    /// Frames narrower than this many pixels are left out (0 keeps every frame).
    public var minimumWidth = 0.0

    public init(title: String = "Flame Graph", unit: String = "samples") {
        self.title = title
        self.unit = unit
    }

    /// The merged tree: node 0 is the root ("all").
    struct Tree {
        var name: [String] = ["all"]
        var value: [Double] = [0]
        var children: [[String: Int]] = [[:]]

        mutating func add(_ s: Stack) {
            guard s.count > 0 else { return }
            var n = 0
            value[0] += s.count
            for f in s.frames {
                if let c = children[n][f] {
                    n = c
                } else {
                    let c = name.count
                    name.append(f)
                    value.append(0)
                    children.append([:])
                    children[n][f] = c
                    n = c
                }
                value[n] += s.count
            }
        }
    }

    /// Frames drawn: the root plus one per distinct stack prefix.
    public static func frameCount(_ stacks: [Stack]) -> Int {
        var t = Tree()
        for s in stacks { t.add(s) }
        return t.name.count
    }

    public func render(_ stacks: [Stack]) -> String {
        var t = Tree()
        for s in stacks { t.add(s) }
        // Depth of the deepest stack, for the height.
        var maxDepth = 0
        var depthStack: [(Int, Int)] = [(0, 0)]
        while let (n, d) = depthStack.popLast() {
            maxDepth = max(maxDepth, d)
            for c in t.children[n].values { depthStack.append((c, d + 1)) }
        }
        let pad = 10.0
        let top = 40.0
        let bottom = 20.0
        let height = top + Double((maxDepth + 1) * frameHeight) + bottom
        let scale = t.value[0] > 0 ? (Double(width) - 2 * pad) / t.value[0] : 0
        var out: [UInt8] = []
        out.append("""
        <?xml version="1.0" standalone="no"?>
        <svg version="1.1" width="\(width)" height="\(Self.number(height))" viewBox="0 0 \(width) \(Self.number(height))" \
        xmlns="http://www.w3.org/2000/svg">
        <style>text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000; } \
        .title { font-size: 17px; text-anchor: middle; } rect { stroke: #fff; stroke-width: 0.5; }</style>
        <rect x="0" y="0" width="\(width)" height="\(Self.number(height))" fill="#f8f8f8"/>
        <text class="title" x="\(width / 2)" y="24">\(Self.escape(title))</text>

        """)
        // The same for every frame: written once as bytes.
        let unitText = Array(" \(Self.escape(unit)), ".utf8)
        let heightText = Array("height=\"\(frameHeight - 1)\" fill=\"".utf8)
        // Children in name order, laid out left to right from the parent's x.
        var work: [(node: Int, x: Double, depth: Int)] = [(0, pad, 0)]
        var frames = 0
        var next: [(node: Int, x: Double, depth: Int)] = []
        // Written as bytes: a frame was a dozen interpolated Strings appended one by one.
        while let (n, x, depth) = work.popLast() {
            let w = t.value[n] * scale
            if w < minimumWidth { continue }
            let y = height - bottom - Double((depth + 1) * frameHeight)
            let percent = t.value[0] > 0 ? t.value[n] / t.value[0] * 100 : 0
            out.append("<g><title>")
            Self.escape(t.name[n], into: &out)
            out.append(" (")
            Self.number(t.value[n], into: &out)
            out.append(contentsOf: unitText)
            Self.number(percent, into: &out)
            out.append("%)</title><rect x=\"")
            Self.number(x, into: &out)
            out.append("\" y=\"")
            Self.number(y, into: &out)
            out.append("\" width=\"")
            Self.number(w, into: &out)
            out.append("\" ")
            out.append(contentsOf: heightText)
            if n == 0 { out.append("rgb(200,200,200)") } else { Self.color(t.name[n], into: &out) }
            out.append("\" rx=\"2\"/>")
            // Text only where it fits (about 7 px a character at 12 px).
            let fits = Int(max(0, min(100_000, (w - 6) / 7)))
            if fits >= 3 {
                let name = t.name[n]
                out.append("<text x=\"")
                Self.number(x + 3, into: &out)
                out.append("\" y=\"")
                Self.number(y + Double(frameHeight) - 4.5, into: &out)
                out.append("\">")
                // No more bytes than `fits` is no more characters either: the count (a walk) only when it may cut.
                if name.utf8.count <= fits || name.count <= fits {
                    Self.escape(name, into: &out)
                } else {
                    Self.escape(String(name.prefix(fits - 2)) + "..", into: &out)
                }
                out.append("</text>")
            }
            out.append("</g>\n")
            frames += 1
            var cx = x
            next.removeAll(keepingCapacity: true)
            for (_, c) in t.children[n].sorted(by: { $0.key < $1.key }) {
                next.append((c, cx, depth + 1))
                cx += t.value[c] * scale
            }
            work.append(contentsOf: next.reversed())
        }
        out.append("</svg>\n")
        return String(decoding: out, as: UTF8.self)
    }

    /// A warm colour from the name, the same name always the same colour.
    static func color(_ name: String) -> String {
        var out: [UInt8] = []
        color(name, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func color(_ name: String, into out: inout [UInt8]) {
        var h: UInt32 = 2_166_136_261
        for b in name.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        out.append("rgb(")
        out.appendDecimal(205 + Int(h % 50))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(Int((h >> 8) % 180))
        out.append(UInt8(ascii: ","))
        out.appendDecimal(Int((h >> 16) % 55))
        out.append(UInt8(ascii: ")"))
    }

    /// `v` to two decimals, as short as it goes (`12`, `12.5`, `12.34`).
    static func number(_ v: Double) -> String {
        var out: [UInt8] = []
        number(v, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func number(_ v: Double, into out: inout [UInt8]) {
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 {
            out.appendDecimal(Int(Int64(r)))
        } else if abs(r) < 1e9 {
            // Hundredths below 10^11 are far inside a Double's 15 exact digits, so the shortest text that reads
            // back as `r` (what String(r) writes) is the hundredths themselves, trailing zero dropped.
            if r < 0 { out.append(UInt8(ascii: "-")) }
            let k = Int((abs(r) * 100).rounded())
            out.appendDecimal(k / 100)
            out.append(UInt8(ascii: "."))
            let frac = k % 100
            out.append(UInt8(ascii: "0") + UInt8(frac / 10))
            if frac % 10 != 0 { out.append(UInt8(ascii: "0") + UInt8(frac % 10)) }
        } else {
            out.append(String(r))
        }
    }

    /// Text and attribute content: `&`, `<`, `>`, quotes, and control characters XML 1.0 does not allow.
    static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        escape(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same onto bytes. Every byte it changes is ASCII, and a String is valid UTF-8, so the others are copied.
    static func escape(_ s: String, into out: inout [UInt8]) {
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "&"): out.append("&amp;")
            case UInt8(ascii: "<"): out.append("&lt;")
            case UInt8(ascii: ">"): out.append("&gt;")
            case UInt8(ascii: "\""): out.append("&quot;")
            case UInt8(ascii: "'"): out.append("&apos;")
            case 0x09, 0x0A, 0x0D: out.append(b)
            case ..<0x20: out.append(UInt8(ascii: "?"))
            default: out.append(b)
            }
        }
    }
}

/// Folded stacks read and made: `a;b;c 12` lines (flamegraph.pl's stackcollapse output).
public enum FoldedInput {
    /// Parses folded text (`FoldedText`'s forms, fractional counts too); comments and lines that are not
    /// `frames count` are skipped.
    public static func parse(_ bytes: [UInt8]) -> [FlameGraphSVG.Stack] {
        var out: [FlameGraphSVG.Stack] = []
        var total = 0.0
        bytes.withUnsafeBytes { b in
            FoldedText.forEachStack(b) { line, count in
                // A count (or a sum) past what a Double holds is no width to draw: the line is left out (found
                // by the fuzzer: `9223372036e854775807`).
                guard count.value.isFinite, (total + count.value).isFinite else { return }
                total += count.value
                var frames: [String] = []
                FoldedText.forEachFrame(line) { frames.append(String(decoding: $0, as: UTF8.self)) }
                out.append(FlameGraphSVG.Stack(frames: frames, count: count.value))
            }
        }
        return out
    }

    /// The calls of a function_graph tree as folded stacks: each call path with its self time in ns
    /// (identical paths summed), so a flame graph's widths are time.
    public static func stacks(of tree: CallTree) -> [FlameGraphSVG.Stack] {
        // Each distinct call path gets a number from (its parent's number, its function), so a node costs one
        // lookup, not a hash of its whole path (which made a deep chain quadratic).
        struct PathKey: Hashable {
            var parent: Int32
            var name: String
        }
        var ids: [PathKey: Int32] = [:]
        // Per path number: its place in the output (-1: no self time seen yet).
        var slot: [Int] = []
        var out: [FlameGraphSVG.Stack] = []
        // Nodes come in depth-first order, so the path to a node is a stack popped back to its parent: no
        // recursion (a chain as deep as the input) and no path kept per node.
        var path: [String] = []
        var pathIDs: [Int32] = []
        var pathNodes: [Int32] = []
        for n in 0..<tree.count {
            let parent = tree.parent[n]
            while let last = pathNodes.last, last != parent {
                pathNodes.removeLast()
                path.removeLast()
                pathIDs.removeLast()
            }
            let name = tree.name(n)
            let key = PathKey(parent: pathIDs.last ?? -1, name: name)
            let id: Int32
            if let known = ids[key] {
                id = known
            } else {
                id = Int32(slot.count)
                ids[key] = id
                slot.append(-1)
            }
            pathNodes.append(Int32(n))
            path.append(name)
            pathIDs.append(id)
            let selfTime = tree.selfTime(n)
            guard selfTime > 0 else { continue }
            // Stacks in the order their paths first had self time, frames as written there.
            if slot[Int(id)] < 0 {
                slot[Int(id)] = out.count
                out.append(FlameGraphSVG.Stack(frames: path, count: 0))
            }
            out[slot[Int(id)]].count += Double(selfTime)
        }
        return out
    }
}
