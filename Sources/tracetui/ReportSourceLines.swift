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
        let keys = sortKeyList
        let leaves = Array(weights.keys)
        let lines = keys.contains("srcline") ? SourceLineResolver.resolve(leaves) : [:]
        let sizes = keys.contains { $0 == "symbol_size" || $0 == "sym_size" } ? SourceLineResolver.sizes(leaves) : [:]
        func cell(_ key: String, _ leaf: SourceLineTable.Leaf) -> String {
            switch key {
            case "srcline": return lines[leaf] ?? SourceLineTable.fallback(leaf)
            // perf's symbol_size: the size of the function the sample hit (0 where it is not known).
            // (`unknown` where perf resolved no symbol at all).
            case "symbol_size", "sym_size":
                return leaf.symbol == "[unknown]" ? "unknown" : sizes[leaf].map { String($0) } ?? "0"
            case "dso": return fullPath ? leaf.dso : HotspotTable.shortDso(leaf.dso)
            default: return HotspotTable.markedSymbol(leaf.symbol, dso: leaf.dso)
            }
        }
        var rows: [[String]: Int64] = [:]
        for (leaf, w) in weights { rows[keys.map { cell($0, leaf) }, default: 0] &+= w }
        let titles = keys.map { key -> String in
            switch key {
            case "srcline": return "Source:Line"
            case "symbol_size", "sym_size": return "Symbol size"
            case "dso": return "Shared Object"
            default: return "Symbol"
            }
        }
        printSafe(SourceLineTable.text(rows, titles: titles, total: total, percentLimit: percentLimit ?? 0), terminator: "")
    }
}
