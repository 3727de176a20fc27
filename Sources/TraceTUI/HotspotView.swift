import Screen
import TraceModel

/// The hotspot table, perf report --tui's way: entries with their callchains unfolded under them,
/// zooms into a thread, a shared object or a symbol (Esc undoes the last), a symbol filter, and the
/// grouping (`s`) and ordering (`o`) changed in place. Unfolded entries are keyed by their labels, so
/// they survive re-sorting.
struct HotspotView {
    private(set) var source: HotspotSource
    internal(set) var table: HotspotTable
    private(set) var preset = 0
    private(set) var callers = true
    /// Earlier filters, for Esc / ← (perf's zoom out): each zoom pushes the one it replaces, Esc pops.
    var zoomStack: [HotspotFilter] = []
    /// The filter the view shows or is building: zooms start from it, not from the table on screen, which
    /// lags while a re-zoomed table is built (zooming from the stale table re-pushed a thread zoom that Esc
    /// had just left, and it stuck).
    var wanted = HotspotFilter()
    /// The thread / comm part of the newest table asked for (or of the table when none is being built).
    var requested = HotspotFilter()
    private var unfolded: Set<String> = []
    /// perf's percent limit (`%` steps through `percentLimits`): entries under it are hidden.
    private(set) var percentLimit: Double = 0
    static let percentLimits: [Double] = [0, 0.5, 1, 5, 10]
    private var chains: [String: StackTree] = [:]
    /// What a visible line shows: an entry, a node of its callchain, or its callchain being built.
    enum Line: Equatable {
        case entry
        case chain(node: Int)
        case building
    }

    /// Visible lines: the entry they belong to, what they show, and their depth in the callchain,
    /// with its depth.
    private(set) var rows: [(entry: Int, line: Line, depth: Int)] = []
    /// The cursor and the first row shown.
    private var list = ScrollList()
    private(set) var cursor: Int {
        get { list.cursor }
        set { list.cursor = newValue }
    }
    private var columns: [HotspotColumn] = []
    /// Bumped by every table request and callers ↔ callees: results of older requests are dropped.
    private var generation = 0
    /// A table asked for (regroup, thread zoom) and not yet built: the current one stays meanwhile.
    private(set) var buildingTable = false
    /// Callchains asked for and not yet built.
    private var chainsBuilding: Set<String> = []
    /// Jobs for the app to hand out.
    private var outbox: [HotspotJob] = []
    /// Live: the stream's filter and A–B range the table was built for (a change rebuilds it).
    var liveScope = HotspotScope()
    /// `a`: the selected function annotated, over the table until Esc (`AnnotateView`).
    var annotate: AnnotateView?

    /// The view on a table built off the UI thread (`HotspotJob`).
    init(source: HotspotSource, table: HotspotTable) {
        self.source = source
        self.table = table
        wanted = table.filter
        requested = table.filter
        rebuild(keepCursor: false)
    }

    /// The view with its table built here, on the calling thread.
    init(source: HotspotSource) {
        self.init(source: source, table: source.table())
    }

    /// Live: a newer table of the same kind and grouping; the cursor stays on its entry, unfolded
    /// callchains stay unfolded (their chains built with the table).
    mutating func replace(source: HotspotSource, table: HotspotTable, chains: [String: StackTree]) {
        let keep = rows.indices.contains(cursor) ? (stableKey(rows[cursor].entry), rows[cursor].line) : nil
        let offset = cursor - list.top
        self.source = source
        self.table = table
        self.chains = chains
        rebuild(keepCursor: false)
        if let (key, line) = keep {
            if let i = rows.firstIndex(where: { $0.line == line && stableKey($0.entry) == key })
                ?? rows.firstIndex(where: { $0.line == .entry && stableKey($0.entry) == key }) {
                cursor = i
                list.top = max(0, cursor - offset)
            }
        }
    }

    var unfoldedKeys: Set<String> { unfolded }

    var isEmpty: Bool { table.entryCount == 0 }
    var filter: HotspotFilter { wanted }
    var zoomDepth: Int { zoomStack.count }
    var keys: [HotspotKey] { table.keys }
    var isBuilding: Bool { buildingTable || !chainsBuilding.isEmpty }

    var selectedEntry: Int? { rows.indices.contains(cursor) ? rows[cursor].entry : nil }

    private func stableKey(_ e: Int) -> String { Self.stableKey(table, e) }

    static func stableKey(_ table: HotspotTable, _ e: Int) -> String {
        table.keys.map { table.label($0, of: e) }.joined(separator: "\u{1}")
    }

    // MARK: - building (off the UI thread)

    /// The jobs the view asked for since the last call.
    mutating func takeJobs() -> [HotspotJob] {
        defer { outbox.removeAll() }
        return outbox
    }

    /// Takes a job's result when it answers the newest request; an older one is dropped.
    mutating func adopt(_ result: HotspotJobResult) {
        if case .annotated(let built) = result.value {
            // Only the pane still open on that function takes it.
            if annotate?.symbol == built.symbol, annotate?.isLoading == true { annotate?.adopt(built) }
            return
        }
        guard result.job.generation == generation else { return }
        switch result.value {
        case .table(let built):
            let column = table.sortColumn
            table = built
            // Zooms made while it was built (shared object, symbol, `/`) apply to it now.
            table.sort(by: table.sortColumns.contains(column) ? column : table.sortColumn, filter: wanted)
            buildingTable = false
            chains = [:]
            chainsBuilding = []
            rebuild(keepCursor: false)
        case .chains(let built):
            for (key, tree) in built {
                chains[key] = tree
                chainsBuilding.remove(key)
            }
            rebuild(keepCursor: true)
        case .opened, .refreshed, .annotated:
            break
        }
    }

    mutating func rebuildTable(filter: HotspotFilter) {
        requested = filter
        let presets = HotspotKey.presets(for: source.kind)
        generation += 1
        buildingTable = true
        chainsBuilding = []
        outbox.append(HotspotJob(generation: generation,
                                 work: .table(source: source, keys: presets[preset % presets.count], filter: filter)))
    }

    /// Flattens entries and unfolded callchains into rows. Chain nodes under 0.5% of the entry's chain
    /// are left out, as perf's default callchain threshold does. A chain not built yet is one
    /// "building…" row, and a job builds it.
    mutating func rebuild(keepCursor: Bool) {
        let keep = keepCursor && rows.indices.contains(cursor) ? rows[cursor] : nil
        columns = table.columns(sizedBy: table.order.prefix(2000))
        var out: [(entry: Int, line: Line, depth: Int)] = []
        out.reserveCapacity(table.order.count)
        var missing: [HotspotJob.ChainRequest] = []
        // perf compares the children percentage with the limit (self without children), durations their total.
        let limitMetric = table.kind == .samples && !table.children ? table.selfValue
            : table.kind == .events ? table.countValue : table.childrenValue
        for e32 in table.order {
            let e = Int(e32)
            if percentLimit > 0, table.percent(limitMetric[e]) < percentLimit { continue }
            out.append((e, .entry, 0))
            guard !unfolded.isEmpty, source.kind == .samples else { continue }
            let key = stableKey(e)
            guard unfolded.contains(key) else { continue }
            guard let chain = chains[key] else {
                out.append((e, .building, 1))
                if !chainsBuilding.contains(key) {
                    missing.append(HotspotJob.ChainRequest(entry: e, key: key))
                    chainsBuilding.insert(key)
                }
                continue
            }
            let limit = chain.value[0] / 200
            var stack: [(Int, Int)] = chain.childrenByValue(0).reversed().map { (Int($0), 1) }
            var added = 0
            while let (n, d) = stack.popLast(), added < 500 {
                guard chain.value[n] > limit else { continue }
                out.append((e, .chain(node: n), d))
                added += 1
                for c in chain.childrenByValue(n).reversed() { stack.append((Int(c), d + 1)) }
            }
        }
        rows = out
        if let keep, let i = rows.firstIndex(where: { $0.entry == keep.entry && $0.line == keep.line }) {
            cursor = i
        } else if let keep, let i = rows.firstIndex(where: { $0.entry == keep.entry && $0.line == .entry }) {
            cursor = i
        }
        cursor = max(0, min(cursor, rows.count - 1))
        if !missing.isEmpty {
            outbox.append(HotspotJob(generation: generation,
                                     work: .chains(source: source, table: table, entries: missing, callers: callers)))
        }
    }

    static let noLeafChains = "no callchains by source line or symbol size (s changes the sort)"

    // MARK: - commands

    mutating func handle(_ command: Command, pageHeight: Int) -> ViewOutcome {
        if list.move(command, count: rows.count, pageHeight: pageHeight) { return .handled }
        switch command {
        case .toggleNode, .expandChildren, .collapseChildren:
            guard let e = selectedEntry else { return .handled }
            guard source.kind == .samples else { return .message("no callchains: durations and counts have none") }
            guard !table.isLeafTable else { return .message(Self.noLeafChains) }
            let key = stableKey(e)
            let open = command == .toggleNode ? !unfolded.contains(key) : command == .expandChildren
            if open { unfolded.insert(key) } else { unfolded.remove(key) }
            if !open, let i = rows.firstIndex(where: { $0.entry == e && $0.line == .entry }) { cursor = i }
            rebuild(keepCursor: open)
        case .expandAll:
            guard source.kind == .samples else { return .message("no callchains: durations and counts have none") }
            guard !table.isLeafTable else { return .message(Self.noLeafChains) }
            // Unfolding every entry of a huge table would build thousands of chains: the first 200 do.
            for e in table.order.prefix(200) { unfolded.insert(stableKey(Int(e))) }
            rebuild(keepCursor: true)
        case .collapseAll:
            unfolded = []
            rebuild(keepCursor: true)
        case .zoomThread, .zoomDso, .zoomSymbol:
            return zoom(command)
        case .hottestEntry:
            // perf's H: the entry with the most self samples (or self time), wherever the order put it.
            var best: Int?
            for (i, row) in rows.enumerated() where row.line == .entry {
                if let b = best, table.selfValue[rows[b].entry] >= table.selfValue[row.entry] { continue }
                best = i
            }
            guard let best else { return .message("no entries") }
            cursor = best
            return .message("hottest: \(table.keys.map { table.label($0, of: rows[best].entry) }.joined(separator: " "))")
        case .cyclePercentLimit:
            let limits = Self.percentLimits
            percentLimit = limits[((limits.firstIndex(of: percentLimit) ?? 0) + 1) % limits.count]
            rebuild(keepCursor: true)
            return .message(percentLimit > 0 ? "percent limit: \(percentLimit)% (\(rows.filter { $0.line == .entry }.count) entries)"
                                             : "percent limit: none")
        case .clearFilter, .zoomOut:
            guard let previous = zoomStack.popLast() else { return .message("not zoomed") }
            show(previous)
        case .cycleSort:
            preset += 1
            rebuildTable(filter: wanted)
            let presets = HotspotKey.presets(for: source.kind)
            return .message("sort: \(HotspotKey.keyList(presets[preset % presets.count]))")
        case .cycleOrder:
            let all = table.sortColumns
            let i = all.firstIndex(of: table.sortColumn) ?? 0
            table.sort(by: all[(i + 1) % all.count])
            rebuild(keepCursor: true)
            return .message("ordered by \(table.sortColumn.rawValue)")
        case .toggleCallers:
            callers.toggle()
            generation += 1
            chains = [:]
            chainsBuilding = []
            rebuild(keepCursor: true)
            return .message(callers ? "callchains: callers" : "callchains: callees")
        default:
            return .unhandled
        }
        return .handled
    }

    /// `/`: only symbols containing the text (an empty text clears it).
    mutating func setSymbolFilter(_ text: String) {
        var f = wanted
        f.text = text.isEmpty ? nil : text
        zoomStack.append(wanted)
        show(f)
    }

    /// The store row where the selected entry's first sample, call or event is (for jumping to the stream),
    /// and for durations the function's name (for the call tree).
    func firstStoreRow() -> Int? {
        guard let e = selectedEntry else { return nil }
        switch source {
        case .samples(let s):
            // A srcline / symbol_size table names its symbols itself: found among the samples' by name.
            let sym = table.isLeafTable ? table.value(.symbol, of: e).map { _ in
                s.functionNames.firstIndex(of: table.label(.symbol, of: e)).map(UInt32.init) ?? .max
            } : table.value(.symbol, of: e)
            for i in 0..<s.count where s.sampleRow[i] >= 0 {
                let f = s.frames(of: i)
                if let sym { if !f.contains(where: { s.locationFunction[Int($0)] == sym }) { continue } }
                return Int(s.sampleRow[i])
            }
            return nil
        case .durations(let calls):
            guard let sym = table.value(.symbol, of: e) else { return nil }
            for n in 0..<calls.count where calls.function[n] == sym { return Int(calls.firstRow[n]) }
            return nil
        case .events(let store, let counted):
            guard let ev = table.value(.event, of: e) else { return nil }
            for r in 0..<store.count where store.eventID(r) == UInt16(truncatingIfNeeded: ev) && counted?[r] != false { return r }
            return nil
        }
    }

    var selectedSymbol: String? {
        guard let e = selectedEntry, table.keys.contains(.symbol) else { return nil }
        return table.label(.symbol, of: e)
    }

    // MARK: - drawing

    /// Keeps the cursor within the rows shown in `rect` (a title, the filter when zoomed, a header).
    mutating func layout(in rect: Rect) {
        var height = rect.height - 2
        if !table.filter.isEmpty, rect.height - 1 > 2 { height -= 1 }
        guard !rows.isEmpty else { return }
        list.reveal(height: height)
        list.top = min(list.top, rows.count - 1)
    }

    func render(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0, rect.width > 0 else { return }
        canvas.fill(rect, role: .normal)
        let (titleRect, afterTitle) = rect.splitTop(1)
        var rest = afterTitle
        var title = " \(table.kind == .samples ? "Samples: \(table.totalCount)" : table.kind == .durations ? "Calls: \(table.totalCount)" : "Events: \(table.total)")"
        title += "  sort: \(HotspotKey.keyList(table.keys))  order: \(table.sortColumn.rawValue)"
        canvas.put(title, x: titleRect.x, y: titleRect.y, role: .statusAccent, limit: titleRect.maxX)
        if !table.filter.isEmpty, rest.height > 2 {
            let split = rest.splitTop(1)
            canvas.put(" " + table.filter.description, x: rect.x, y: split.top.y, role: .searchMatch, limit: rect.maxX)
            rest = split.rest
        }
        let (header, body) = rest.splitTop(1)
        canvas.fill(header, role: .header)
        let columns = HotspotColumnFit.fit(self.columns, width: rect.width,
                                         mark: source.kind == .samples && !table.isLeafTable ? 2 : 0)
        let heading = columns.map { $0.fit($0.title) }.joined(separator: "  ")
        canvas.put(" " + heading, x: header.x, y: header.y, role: .header, limit: header.maxX)
        if rows.isEmpty {
            canvas.put(table.filter.isEmpty ? "no samples, calls or events" : "nothing matches the filter",
                       x: body.x + 1, y: body.y, role: .dim, limit: body.maxX)
            return
        }
        let keyStart = 1 + columns.filter { $0.key == nil }.reduce(0) { $0 + $1.width + 2 }
        for line in 0..<body.height {
            let i = list.top + line
            guard i < rows.count else { break }
            let (e, shown, depth) = rows[i]
            let y = body.y + line
            switch shown {
            case .entry:
                var x = body.x + 1
                for (k, col) in columns.enumerated() {
                    let role: Role = col.key == nil ? (k == 0 ? .time : .normal) : col.key == .symbol ? .eventFunction
                        : col.key == .dso ? .cpu : .task
                    if col.key == .symbol, source.kind == .samples, !table.isLeafTable {
                        let mark = unfolded.contains(stableKey(e)) ? "- " : "+ "
                        x = canvas.put(mark, x: x, y: y, role: .dim, limit: body.maxX)
                    }
                    x = canvas.put(col.fit(col.text(table, e)), x: x, y: y, role: role, limit: body.maxX)
                    x = canvas.put("  ", x: x, y: y, role: .normal, limit: body.maxX)
                }
            case .building:
                canvas.put("building the callchain…", x: body.x + keyStart + 2, y: y, role: .dim, limit: body.maxX)
            case .chain(let node):
                guard let chain = chains[stableKey(e)] else { break }
                let x = body.x + keyStart + 2 * depth
                let text = "--\(HotspotTable.percentLabel(table.percent(chain.value[node])))--" + chain.label(node)
                canvas.put(text, x: x, y: y, role: .eventFunction, limit: body.maxX)
            }
            if i == cursor { canvas.restyle(Rect(x: body.x, y: y, width: body.width, height: 1), role: .selected) }
        }
    }

    func status() -> [(String, Role)] {
        var parts: [(String, Role)] = [(" hotspots", .statusAccent)]
        parts.append((" \(StatusBar.grouped(rows.isEmpty ? 0 : cursor + 1))/\(StatusBar.grouped(rows.count))", .status))
        if source.kind == .samples { parts.append((callers ? " callers" : " callees", .status)) }
        if isBuilding { parts.append((" building…", .statusAccent)) }
        if !table.filter.isEmpty { parts.append((" " + table.filter.description, .statusAccent)) }
        if percentLimit > 0 { parts.append((" limit \(percentLimit)%", .status)) }
        return parts
    }
}

extension HotspotTable {
    static func percentLabel(_ v: Double) -> String {
        let scaled = Int((v * 100).rounded())
        return "\(scaled / 100)." + (scaled % 100 < 10 ? "0" : "") + "\(scaled % 100)%"
    }
}
