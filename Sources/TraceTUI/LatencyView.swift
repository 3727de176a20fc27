import Screen
import TraceModel

/// Key 6: the answers `perf sched latency`, `perf trace -s`, runqlat and biolatency give, over the trace (or
/// the stream filter's rows, or the A–B markers' window): one section at a time (`←`/`→`), a table of rows, the
/// selected row's log2 histogram and percentiles below it; Enter lists the row's worst occurrences, Enter on
/// one shows its events in the stream.
public struct LatencyView: TraceView, Sendable {
    public static let keyContext = KeyContext.latency

    /// The report shown (nil until the first job delivers).
    public private(set) var report: LatencyReport?
    public private(set) var section: LatencySection = .sched
    /// How the report shown groups tasks: by comm (as perf sched latency) or by thread.
    public private(set) var grouping: LatencyGrouping = .comm
    /// The grouping asked for (`t`): the app measures again when it differs from the report's.
    public private(set) var wantedGrouping: LatencyGrouping = .comm
    /// Which column orders the rows (cycled with `s`), per section.
    public private(set) var sortKey: LatencySortKey = .worst
    var list = ScrollList()
    /// The selected row's worst occurrences, while they are open (Enter).
    var occurrences: ScrollList?
    /// Rows the table area shows, from the last layout.
    var tableHeight = 10
    /// What the report covers, for the status line (`whole trace`, `filter`, `A–B`).
    public var scopeLabel = "whole trace"

    public init() {}

    /// A newer report: the selection stays on the same row where it can.
    mutating func show(_ newReport: LatencyReport, grouping: LatencyGrouping) {
        let keep = rows.indices.contains(list.cursor) ? rows[list.cursor].label : nil
        report = newReport
        self.grouping = grouping
        if let keep, let at = rows.firstIndex(where: { $0.label == keep }) { list.cursor = at }
        list.clamp(count: rows.count)
        if let open = occurrences, rows.indices.contains(list.cursor) {
            var o = open
            o.clamp(count: rows[list.cursor].stats.worst.count)
            occurrences = o
        }
    }

    /// The rows of the section shown, sorted.
    var rows: [LatencyRow] {
        guard let report else { return [] }
        return LatencyRow.rows(of: report, section, sortedBy: sortKey)
    }

    var selected: LatencyRow? { rows.indices.contains(list.cursor) ? rows[list.cursor] : nil }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        let rows = self.rows
        if var open = occurrences, let row = selected {
            switch command {
            case .zoomOut, .clearFilter:
                occurrences = nil
                return .handled
            case .toggleNode, .showInStream:
                guard row.stats.worst.indices.contains(open.cursor) else { return .handled }
                let o = row.stats.worst[open.cursor]
                guard o.startRow >= 0 else { return .message("that occurrence's events were evicted from the capture") }
                return .showRows(o.startRow...max(o.startRow, o.endRow))
            default:
                if open.move(command, count: row.stats.worst.count, pageHeight: max(2, tableHeight)) {
                    occurrences = open
                    return .handled
                }
                return .unhandled
            }
        }
        switch command {
        case .scrollLeft, .scrollRight:
            let all = LatencySection.allCases
            let k = all.firstIndex(of: section)!
            section = all[(k + (command == .scrollRight ? 1 : all.count - 1)) % all.count]
            sortKey = .worst
            list = ScrollList()
            return .handled
        case .toggleNode, .showInStream:
            guard let row = selected else { return .handled }
            guard !row.stats.worst.isEmpty else { return .message("no occurrence to show for \(row.label)") }
            occurrences = ScrollList()
            return .handled
        case .cycleSort:
            sortKey = sortKey.next
            list.cursor = 0
            return .message("sorted by \(sortKey.title(section))")
        case .zoomThread:
            wantedGrouping = wantedGrouping == .comm ? .pid : .comm
            return .message(wantedGrouping == .comm ? "tasks grouped by comm" : "one row per thread")
        default:
            return list.move(command, count: rows.count, pageHeight: max(2, tableHeight)) ? .handled : .unhandled
        }
    }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {
        let panel = Self.panelHeight(rect)
        // The tabs, the column titles, the rows; the histogram panel below.
        tableHeight = max(1, rect.height - 2 - panel)
        list.clamp(count: rows.count)
        list.reveal(height: tableHeight)
        if var open = occurrences, let row = selected {
            open.clamp(count: row.stats.worst.count)
            open.reveal(height: max(1, rect.height - 3))
            occurrences = open
        }
    }

    /// Rows the histogram panel takes: none on a small screen.
    static func panelHeight(_ rect: Rect) -> Int { rect.height >= 16 ? min(12, rect.height / 3) : 0 }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        let count = rows.count
        var parts: [(String, Role)] = [(" latency", .statusAccent), (" · \(section.title)", .status),
                                       (" · \(count) \(count == 1 ? "row" : "rows")", .status),
                                       (" · \(scopeLabel)", .status)]
        if section == .sched || section == .syscalls { parts.append((" · by \(grouping.rawValue)", .status)) }
        if report == nil { parts.append((" · measuring…", .statusAccent)) }
        return StatusLine(parts, idle: occurrences == nil ? " ←→ section  Enter worst  s sort  t comm/pid " : " Enter show in stream  Esc back ")
    }
}

/// What the latency table sorts by.
public enum LatencySortKey: Sendable, CaseIterable {
    case worst, total, count, name

    var next: LatencySortKey {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    func title(_ section: LatencySection) -> String {
        switch self {
        case .worst: return section == .sched ? "maximum delay" : "maximum"
        case .total: return section == .sched ? "run time" : "total"
        case .count: return section == .sched ? "switches" : "count"
        case .name: return "name"
        }
    }
}

extension LatencySection {
    var title: String {
        switch self {
        case .sched: return "scheduling delay"
        case .syscalls: return "syscalls"
        case .irq: return "irq / softirq"
        case .block: return "block I/O"
        }
    }
}
