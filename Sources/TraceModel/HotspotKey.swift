/// A column entries are grouped by, named as perf's `--sort` names them.
public enum HotspotKey: String, CaseIterable, Sendable {
    case comm, pid, cpu, dso, symbol, event
    /// perf's `parent`: the innermost frame of the callchain whose function matches the parent pattern
    /// (perf's default `^sys_|^do_page_fault`, `-p`), `[other]` when none does.
    case parent
    /// perf's `srcline`: the source line of the instruction a sample hit (self weight only, as perf's table).
    case srcline
    /// perf's `symbol_size` (`sym_size`): the size of the function a sample hit, from its binary's symbol table.
    case symbolSize = "symbol_size"

    /// Keys a sample's innermost frame and address decide (perf's srcline and symbol_size with the symbol and
    /// shared object beside them): a table by them is built from the leaves, its lines and sizes looked up in
    /// the binaries (`SourceLineTable`).
    public static let leafKeys: Set<HotspotKey> = [.srcline, .symbolSize, .symbol, .dso]

    /// Whether a table by `keys` is a leaf table: only leaf keys, srcline or symbol_size among them.
    public static func isLeafTable(_ keys: [HotspotKey]) -> Bool {
        !keys.isEmpty && keys.allSatisfy(leafKeys.contains) && keys.contains { $0 == .srcline || $0 == .symbolSize }
    }

    /// perf's default parent pattern.
    public static let defaultParentPattern = "^sys_|^do_page_fault"

    /// Parses perf's syntax: `comm,dso,symbol` (`sym` is accepted for symbol, `tid` for pid).
    public static func parse(_ text: String) -> [HotspotKey]? {
        var keys: [HotspotKey] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: " ")
            let key: HotspotKey?
            switch name {
            case "sym": key = .symbol
            case "tid", "thread": key = .pid
            case "sym_size": key = .symbolSize
            default: key = HotspotKey(rawValue: name)
            }
            guard let key else { return nil }
            if !keys.contains(key) { keys.append(key) }
        }
        return keys.isEmpty ? nil : keys
    }

    public var title: String {
        switch self {
        case .comm: return "Command"
        case .pid: return "Pid"
        case .cpu: return "CPU"
        case .dso: return "Shared Object"
        case .symbol: return "Symbol"
        case .event: return "Event"
        case .parent: return "Parent symbol"
        case .srcline: return "Source:Line"
        case .symbolSize: return "Symbol size"
        }
    }

    /// The groupings `s` steps through in the view, per kind of source.
    public static func presets(for kind: HotspotTable.Kind) -> [[HotspotKey]] {
        switch kind {
        case .samples: return [[.comm, .dso, .symbol], [.symbol], [.dso, .symbol], [.dso], [.comm], [.pid, .symbol], [.cpu],
                               [.srcline], [.symbolSize], [.parent, .symbol]]
        case .durations: return [[.symbol], [.symbol, .comm], [.symbol, .cpu], [.comm], [.cpu]]
        case .events: return [[.event], [.comm], [.pid], [.cpu], [.event, .comm]]
        }
    }

    public static func defaults(for kind: HotspotTable.Kind) -> [HotspotKey] { presets(for: kind)[0] }

    public static func keyList(_ keys: [HotspotKey]) -> String { keys.map(\.rawValue).joined(separator: ",") }
}

/// What narrows a hotspot table: perf report's zooms (thread, shared object, symbol) and the `/` filter.
public struct HotspotFilter: Sendable, Equatable {
    /// Only samples (calls, events) of this thread id.
    public var pid: Int32?
    public var comm: String?
    public var dso: String?
    public var symbol: String?
    /// Substring of the symbol (or event) name.
    public var text: String?

    public init(pid: Int32? = nil, comm: String? = nil, dso: String? = nil, symbol: String? = nil, text: String? = nil) {
        self.pid = pid
        self.comm = comm
        self.dso = dso
        self.symbol = symbol
        self.text = text
    }

    public var isEmpty: Bool { self == HotspotFilter() }

    /// The filters in force as perf shows them above its table.
    public var description: String {
        var parts: [String] = []
        if let pid { parts.append("thread: \(comm ?? "?")(\(pid))") } else if let comm { parts.append("comm: \(comm)") }
        if let dso { parts.append("dso: \(dso)") }
        if let symbol { parts.append("symbol: \(symbol)") }
        if let text { parts.append("filter: \(text)") }
        return parts.joined(separator: "  ")
    }
}
