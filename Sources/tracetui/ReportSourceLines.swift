import TraceCapture
import TraceModel

/// `tracetui report --sort srcline`: perf report's srcline table (self weight by the source line of each
/// sample's instruction), lines from the binaries' debug info through addr2line.
extension Report {
    /// The keys a sample's innermost frame decides (perf's names), any order, with srcline or symbol_size among them.
    static let leafKeys: Set<String> = ["srcline", "symbol_size", "sym_size", "sym", "symbol", "dso"]

    var sortsBySourceLine: Bool {
        let keys = sortKeyList
        return !keys.isEmpty && keys.allSatisfy(Self.leafKeys.contains)
            && keys.contains { $0 == "srcline" || $0 == "symbol_size" || $0 == "sym_size" }
    }

    private var sortKeyList: [String] {
        (sort ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
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
        let keys = sortKeyList.compactMap(HotspotKey.parse).flatMap { $0 }
        let details = SourceLineResolver.details(Array(weights.keys), keys: keys)
        var rows: [[String]: Int64] = [:]
        for (leaf, w) in weights {
            rows[keys.map { SourceLineTable.cell($0, leaf, details: details, fullPath: fullPath) }, default: 0] &+= w
        }
        let titles = keys.map(\.title)
        printSafe(SourceLineTable.text(rows, titles: titles, total: total, percentLimit: percentLimit ?? 0), terminator: "")
    }
}
