import Glibc
import TraceModel

/// Parses the pieces of a trace concurrently and hands them back in file order.
public enum ParallelParse {
    /// Calls `consume` with each piece in order; at most `width` pieces are parsed at once.
    public static func run(_ storage: ByteStorage, keepRows: Bool,
                           width: Int = defaultWidth,
                           isolation: isolated (any Actor)? = #isolation,
                           consume: (ParsedPiece) async -> Void) async {
        let bytes = storage.bytes
        let header = TraceHeaderScan.scan(bytes)
        let perf = looksLikePerfScript(bytes)
        let ranges = perf ? PieceSplitter.split(bytes, atBlankLines: true) : PieceSplitter.split(bytes)
        let ftrace = PieceParser(tracer: header.tracer, keepRows: keepRows)
        let perfScript = PerfScriptParser(keepRows: keepRows)
        let parse: @Sendable (Range<Int>) -> ParsedPiece = { range in
            perf ? perfScript.parse(storage, range: range) : ftrace.parse(storage, range: range)
        }
        await withTaskGroup(of: (Int, ParsedPiece).self) { group in
            var next = 0
            var pending: [Int: ParsedPiece] = [:]
            var wanted = 0
            func launch() {
                guard next < ranges.count else { return }
                let index = next
                let range = ranges[index]
                group.addTask {
                    let piece = parse(range)
                    storage.doneParsing(range)
                    return (index, piece)
                }
                next += 1
            }
            for _ in 0..<max(1, width) { launch() }
            while let (index, piece) = await group.next() {
                pending[index] = piece
                launch()
                while let ready = pending.removeValue(forKey: wanted) {
                    await consume(ready)
                    wanted += 1
                }
            }
        }
    }

    /// Counts only, for `stat`: the same pieces without rows.
    public static func summarize(_ storage: ByteStorage) async -> TraceSummary {
        var store = EventStore()
        await run(storage, keepRows: false) { store.append($0) }
        return store.summary
    }

    /// One piece more than cores: while the consumer appends a piece (and grows the call tree), every core
    /// still has a piece to parse.
    public static var defaultWidth: Int {
        #if os(Linux)
        return max(1, min(8, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))) + 1
        #else
        return 3
        #endif
    }
}
