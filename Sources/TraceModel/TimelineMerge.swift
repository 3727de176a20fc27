/// Several traces on one timeline: their rows interleaved by timestamp into one text that the parser reads
/// again, each trace's own order kept (a k-way merge that only ever takes the next row of an input).
///
/// Interleaving needs the traces' clocks to agree: both `sec.usec` clocks (local, global, boot…) or both
/// counters. When they do not, the traces are shown one after another and `interleaved` is false.
public enum TimelineMerge {
    public struct Result: Sendable {
        public var text: [UInt8]
        public var interleaved: Bool
        /// Why the traces were not interleaved, for the status bar.
        public var note: String?
    }

    public static func clocksAgree(_ stores: [EventStore]) -> Bool {
        let timed = stores.filter { $0.summary.firstTimestamp != nil }
        guard let first = timed.first else { return false }
        return timed.allSatisfy { $0.summary.clock == first.summary.clock }
            && first.summary.clock != .relativeMicroseconds
    }

    /// `perfScript`: the stores hold `perf script` samples, written back in that form (frames indented under their
    /// header, a blank line after each sample); the frames' addresses are not kept, so they read 0.
    public static func merge(_ stores: [EventStore], names: [String], perfScript: Bool = false) -> Result {
        var out: [UInt8] = []
        out.reserveCapacity(stores.reduce(0) { $0 + $1.bytesParsed } + 1024)
        if let tracer = stores.lazy.compactMap(\.summary.tracer).first {
            out += Array("# tracer: \(tracer)\n".utf8)
        }
        if stores.contains(where: { $0.summary.header.callsPerThread }) {
            out += Array((ChromeTraceReader.perThreadHeader + "\n").utf8)
        }
        let interleave = stores.count > 1 && clocksAgree(stores)
        if interleave {
            var next = [Int](repeating: 0, count: stores.count)
            while true {
                var pick = -1
                var best = Int64.max
                for k in stores.indices where next[k] < stores[k].count {
                    let ts = stores[k].timestamp(next[k])
                    if pick < 0 || ts < best {
                        pick = k
                        best = ts
                    }
                }
                guard pick >= 0 else { break }
                append(stores[pick], row: next[pick], perfScript: perfScript, to: &out)
                next[pick] += 1
            }
        } else {
            for s in stores {
                for row in 0..<s.count { append(s, row: row, perfScript: perfScript, to: &out) }
            }
        }
        var note: String?
        if stores.count > 1, !interleave {
            let clocks = stores.map { s -> String in
                guard s.summary.firstTimestamp != nil else { return "no timestamps" }
                switch s.summary.clock {
                case .seconds: return "seconds"
                case .counter: return "counter"
                case .relativeMicroseconds: return "µs since start"
                }
            }
            note = "clocks differ (" + zip(names, clocks).map { "\($0): \($1)" }.joined(separator: ", ")
                + "): shown one after another"
        }
        return Result(text: out, interleaved: interleave, note: note)
    }

    private static func append(_ store: EventStore, row: Int, perfScript: Bool, to out: inout [UInt8]) {
        out.append(contentsOf: store.lineBytes(row))
        out.append(0x0A)
        for frame in store.stack(row) {
            out += Array((perfScript ? "\t0 \(frame)\n" : " => \(frame)\n").utf8)
        }
        if perfScript { out.append(0x0A) }
    }
}
