/// The leaves of a hotspot source's samples (the viewer's srcline / symbol_size table), and the cells perf
/// report prints for a leaf under each leaf key — one definition for `tracetui report --sort srcline` and the
/// viewer's table, so both print the same values for the same recording.
extension SourceLineTable {
    /// A leaf's samples: their weight (perf periods where the text has them) and how many.
    public struct Tally: Sendable, Equatable {
        public var weight: Int64 = 0
        public var count = 0
    }

    /// The source lines and function sizes the binaries give for some leaves (`SourceLineResolver` in the
    /// capture layer looks them up); a leaf missing from either is named as perf names it.
    public struct Details: Sendable {
        public var lines: [Leaf: String]
        public var sizes: [Leaf: UInt64]

        public init(lines: [Leaf: String] = [:], sizes: [Leaf: UInt64] = [:]) {
            self.lines = lines
            self.sizes = sizes
        }
    }

    /// Per leaf (innermost frame and address), the samples of `samples` — a source's samples, perhaps scoped to
    /// the stream's filter and A–B range — whose store row holds a stack, and the total of the samples kept.
    /// `pid` / `comm` keep one thread's or one command's samples (the view's zoom). Each sample's weight is the
    /// one the hotspot table gives it. Samples without a store row (folded input) have no leaf address and are
    /// left out.
    public static func leaves(of samples: StackSamples, in store: EventStore, pid: Int32? = nil,
                              comm: String? = nil) -> (tallies: [Leaf: Tally], total: Int64, count: Int) {
        let commID: UInt32? = comm.map { c in samples.commNames.firstIndex(of: c).map(UInt32.init) ?? .max }
        var byFrame: [FrameAddress: Tally] = [:]
        var total: Int64 = 0, count = 0
        var chunkIndex = 0, rowBase = 0
        let chunks = store.chunks
        for i in 0..<samples.count where samples.sampleRow[i] >= 0 {
            let task = Int(samples.sampleTask[i])
            if let pid, samples.taskPID[task] != pid { continue }
            if let commID, samples.taskComm[task] != commID { continue }
            // Samples come in store order: the chunk only moves forward.
            let row = Int(samples.sampleRow[i])
            while chunkIndex < chunks.count, row >= rowBase + chunks[chunkIndex].count {
                rowBase += chunks[chunkIndex].count
                chunkIndex += 1
            }
            guard chunkIndex < chunks.count else { break }
            let st = chunks[chunkIndex].stacks
            guard let k = st.stackIndex(ofRow: Int32(row - rowBase)), st.starts[k] < st.starts[k + 1] else { continue }
            let w = samples.sampleWeight[i]
            byFrame[FrameAddress(frame: st.frames[Int(st.starts[k])], address: st.leafAddresses[k]), default: Tally()].add(w)
            total &+= w
            count += 1
        }
        var out: [Leaf: Tally] = [:]
        for (fa, t) in byFrame {
            let l = leaf(store.symbols[Int(fa.frame)], address: fa.address)
            out[l, default: Tally()].merge(t)
        }
        return (out, total, count)
    }

    /// What perf report prints for `leaf` under `key`: the source line (`hot.c:6`, or `symbol+OFFSET` where
    /// unknown), the function's size (`0` where unknown, `unknown` without a symbol), the shared object (its
    /// file name unless `fullPath`), the symbol (plain, or marked `[k]`/`[.]` as perf's stdio prints it).
    public static func cell(_ key: HotspotKey, _ leaf: Leaf, details: Details, fullPath: Bool = false,
                            markSymbol: Bool = true) -> String {
        switch key {
        case .srcline: return details.lines[leaf] ?? fallback(leaf)
        case .symbolSize: return leaf.symbol == "[unknown]" ? "unknown" : details.sizes[leaf].map { String($0) } ?? "0"
        case .dso: return fullPath ? leaf.dso : HotspotTable.shortDso(leaf.dso)
        default: return markSymbol ? HotspotTable.markedSymbol(leaf.symbol, dso: leaf.dso) : leaf.symbol
        }
    }
}

extension SourceLineTable.Tally {
    mutating func add(_ w: Int64) {
        weight &+= w
        count += 1
    }

    mutating func merge(_ other: Self) {
        weight &+= other.weight
        count += other.count
    }
}
