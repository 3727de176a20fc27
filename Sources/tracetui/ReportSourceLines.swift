import TraceCapture
import TraceModel

/// `tracetui report --sort srcline`: perf report's srcline table (self weight by the source line of each
/// sample's instruction), lines from the binaries' debug info through addr2line.
extension Report {
    var sortsBySourceLine: Bool {
        sort?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } == ["srcline"]
    }

    func printSourceLines() async throws {
        let store: EventStore
        do {
            store = try await inputFlags.open(file, populate: true).load()
        } catch {
            throw ValidationFailure(error.description)
        }
        let (weights, total) = SourceLineTable.leaves(in: store)
        guard total > 0 else { throw ValidationFailure("--sort srcline needs perf samples with their frames (perf script)") }
        let lines = SourceLineResolver.resolve(Array(weights.keys))
        var byLine: [String: Int64] = [:]
        for (leaf, w) in weights { byLine[lines[leaf] ?? SourceLineTable.fallback(leaf), default: 0] &+= w }
        printSafe(SourceLineTable.text(byLine, total: total, percentLimit: percentLimit ?? 0), terminator: "")
    }
}
