import TraceCapture
import TraceModel

/// `tracetui report --sort srcline`: perf report's srcline table (self weight by the source line of each
/// sample's instruction), lines from the binaries' debug info through addr2line.
extension Report {
    var sortsBySourceLine: Bool { ["srcline", "symbol_size", "sym_size"].contains(sortKeys) }

    private var sortKeys: String {
        (sort ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ",")
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
        var byLine: [String: Int64] = [:]
        if sortKeys == "srcline" {
            let lines = SourceLineResolver.resolve(Array(weights.keys))
            for (leaf, w) in weights { byLine[lines[leaf] ?? SourceLineTable.fallback(leaf), default: 0] &+= w }
            printSafe(SourceLineTable.text(byLine, total: total, percentLimit: percentLimit ?? 0), terminator: "")
        } else {
            // perf's symbol_size: the samples grouped by the size of the function they hit.
            let sizes = SourceLineResolver.sizes(Array(weights.keys))
            for (leaf, w) in weights { byLine[sizes[leaf].map { String($0) } ?? "0", default: 0] &+= w }
            printSafe(SourceLineTable.text(byLine, total: total, percentLimit: percentLimit ?? 0, title: "Symbol size"),
                      terminator: "")
        }
    }
}
