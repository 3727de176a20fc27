/// Folded stacks (`root;caller;leaf 12`), the format flamegraph.pl, speedscope and inferno read.
public enum FoldedStacks {
    /// One line per stack that has self weight, in depth-first order of first appearance.
    /// `divisor` scales values (1000: function_graph ns → µs, rounded); lines that round to 0 are left out.
    public static func text(_ tree: StackTree, divisor: Int64 = 1) -> String {
        var out: [UInt8] = []
        // The path to the current node as bytes (`a;b;c`), and where each level's frame starts in it: a line is
        // the path copied, not the frames joined again (which made each line cost its depth in Strings).
        var prefix: [UInt8] = []
        var starts: [Int] = []
        // Depth-first with a stack of (node, next child): a 200 000-frame stack is as deep as the tree gets,
        // and recursion that deep overflowed the thread's stack (issue 14).
        var stack: [(node: Int, child: Int)] = [(0, 0)]
        while let (node, child) = stack.last {
            if child == 0 {
                if node > 0 {
                    starts.append(prefix.count)
                    if starts.count > 1 { prefix.append(Byte.semicolon) }
                    prefix.append(contentsOf: tree.label(node).utf8)
                }
                let s = tree.selfValue[node]
                let v = divisor > 1 ? s / divisor + (s % divisor >= (divisor + 1) / 2 ? 1 : 0) : s
                if node > 0, v > 0 {
                    out.append(contentsOf: prefix)
                    out.append(0x20)
                    out.appendDecimal(Int(v))
                    out.append(0x0A)
                }
            }
            let children = tree.children[node]
            if child < children.count {
                stack[stack.count - 1].child = child + 1
                stack.append((Int(children[child]), 0))
            } else {
                stack.removeLast()
                if node > 0 { prefix.removeSubrange(starts.removeLast()...) }
            }
        }
        return String(decoding: out, as: UTF8.self)
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

    /// Parses folded text (`FoldedText`'s forms): each line one sample of weight `count`, frames root
    /// first. Comment lines (`#`, `//`) are skipped; a line without a whole count is invalid (sample
    /// weights are whole numbers).
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Parsed {
        var samples = StackSamples()
        let task = samples.task(comm: "", pid: -1)
        let unknownDso = samples.dso("[unknown]")
        var frames: [UInt32] = []
        var fractional = 0
        let invalid = FoldedText.forEachStack(bytes) { line, count in
            guard let weight = count.whole else {
                fractional += 1
                return
            }
            frames.removeAll(keepingCapacity: true)
            FoldedText.forEachFrame(line) { frame in
                let name = String(decoding: frame, as: UTF8.self)
                frames.append(samples.location(function: samples.function(name), dso: unknownDso))
            }
            samples.append(task: task, weight: weight, frames: frames.reversed())
        }
        // A count that would take the sum past Int64.max is an invalid line, counted with the others.
        return Parsed(samples: samples, invalidLines: invalid + fractional + samples.refusedSamples)
    }

    /// Whether the text looks like folded stacks: its first non-comment lines end in a whole ` <count>`.
    public static func looksFolded(_ bytes: UnsafeRawBufferPointer) -> Bool {
        FoldedText.looksFolded(bytes)
    }
}
