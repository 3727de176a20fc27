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
        var out = """
        <?xml version="1.0" standalone="no"?>
        <svg version="1.1" width="\(width)" height="\(Self.number(height))" viewBox="0 0 \(width) \(Self.number(height))" \
        xmlns="http://www.w3.org/2000/svg">
        <style>text { font-family: Verdana, sans-serif; font-size: 12px; fill: #000; } \
        .title { font-size: 17px; text-anchor: middle; } rect { stroke: #fff; stroke-width: 0.5; }</style>
        <rect x="0" y="0" width="\(width)" height="\(Self.number(height))" fill="#f8f8f8"/>
        <text class="title" x="\(width / 2)" y="24">\(Self.escape(title))</text>

        """
        // Children in name order, laid out left to right from the parent's x.
        var work: [(node: Int, x: Double, depth: Int)] = [(0, pad, 0)]
        var frames = 0
        while let (n, x, depth) = work.popLast() {
            let w = t.value[n] * scale
            if w < minimumWidth { continue }
            let y = height - bottom - Double((depth + 1) * frameHeight)
            let percent = t.value[0] > 0 ? t.value[n] / t.value[0] * 100 : 0
            let label = Self.escape(t.name[n])
            out += "<g><title>\(label) (\(Self.number(t.value[n])) \(Self.escape(unit)), \(Self.number(percent))%)</title>"
            out += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(w))\" "
            out += "height=\"\(frameHeight - 1)\" fill=\"\(n == 0 ? "rgb(200,200,200)" : Self.color(t.name[n]))\" rx=\"2\"/>"
            // Text only where it fits (about 7 px a character at 12 px).
            let fits = Int(max(0, min(100_000, (w - 6) / 7)))
            if fits >= 3 {
                let text = t.name[n].count <= fits ? t.name[n] : String(t.name[n].prefix(fits - 2)) + ".."
                out += "<text x=\"\(Self.number(x + 3))\" y=\"\(Self.number(y + Double(frameHeight) - 4.5))\">"
                out += Self.escape(text) + "</text>"
            }
            out += "</g>\n"
            frames += 1
            var cx = x
            var next: [(Int, Double, Int)] = []
            for (_, c) in t.children[n].sorted(by: { $0.key < $1.key }) {
                next.append((c, cx, depth + 1))
                cx += t.value[c] * scale
            }
            work += next.reversed()
        }
        out += "</svg>\n"
        return out
    }

    /// A warm colour from the name, the same name always the same colour.
    static func color(_ name: String) -> String {
        var h: UInt32 = 2_166_136_261
        for b in name.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let r = 205 + Int(h % 50)
        let g = Int((h >> 8) % 180)
        let b = Int((h >> 16) % 55)
        return "rgb(\(r),\(g),\(b))"
    }

    static func number(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        if r == r.rounded(), abs(r) < 1e15 { return String(Int64(r)) }
        return String(r)
    }

    /// Text and attribute content: `&`, `<`, `>`, quotes, and control characters XML 1.0 does not allow.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if u.value < 0x20, u != "\t", u != "\n", u != "\r" { out += "?" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
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
        var sums: [[String]: Double] = [:]
        var order: [[String]] = []
        // Nodes come in depth-first order, so the path to a node is a stack popped back to its parent: no
        // recursion (a chain as deep as the input) and no path kept per node.
        var path: [String] = []
        var pathNodes: [Int32] = []
        for n in 0..<tree.count {
            let parent = tree.parent[n]
            while let last = pathNodes.last, last != parent {
                pathNodes.removeLast()
                path.removeLast()
            }
            pathNodes.append(Int32(n))
            path.append(tree.name(n))
            let selfTime = tree.selfTime(n)
            guard selfTime > 0 else { continue }
            if sums[path] == nil { order.append(path) }
            sums[path, default: 0] += Double(selfTime)
        }
        return order.map { FlameGraphSVG.Stack(frames: $0, count: sums[$0]!) }
    }
}
