import Screen
import TraceModel

/// The event list: a virtual list over every row of the store (or the rows a filter keeps), drawing
/// only the rows on screen. Owns the cursor, the filter, the search and the A/B markers.
public struct StreamView: Sendable {
    /// The cursor and the first row shown, as positions in the visible list.
    private(set) var list = ScrollList()
    /// Position of the cursor in the visible list.
    public private(set) var cursor: Int {
        get { list.cursor }
        set { list.cursor = newValue }
    }
    private(set) var top: Int {
        get { list.top }
        set { list.top = newValue }
    }
    private(set) var horizontalScroll = 0
    public private(set) var filterText: String?
    private var filterScan = RowScan()
    private var filterExpression: FilterExpression?
    public private(set) var search: TextSearch?
    private var searchScan = RowScan()
    public private(set) var markerA: Int?
    public private(set) var markerB: Int?
    /// Store rows of the call selected in the call tree: marked in the gutter.
    public var highlight: ClosedRange<Int>?
    private var storeGeneration = -1
    private var eventRoles: [Role] = []
    /// Width of the longest `comm-pid`, so that names up to ftrace's 16 characters fit uncut.
    private var taskLabelWidth = 16
    private var tasksMeasured = 0

    public init() {}

    static let filterBudget = 200_000
    static let searchBudget = 100_000

    // MARK: - the visible list

    public func visibleCount(_ store: EventStore) -> Int {
        filterExpression == nil ? store.count : filterScan.found.count
    }

    public func storeRow(at position: Int, _ store: EventStore) -> Int {
        filterExpression == nil ? position : Int(filterScan.found[position])
    }

    /// The store row under the cursor, if any row is visible.
    public func selectedRow(_ store: EventStore) -> Int? {
        let n = visibleCount(store)
        guard n > 0 else { return nil }
        return storeRow(at: min(cursor, n - 1), store)
    }

    public var isFiltering: Bool { filterExpression != nil }

    /// The store rows the filter kept so far, ascending (nil without a filter), and whether its scan is done.
    public func filteredRows(_ store: EventStore) -> (rows: [UInt32], complete: Bool)? {
        filterExpression == nil ? nil : (filterScan.found, filterScan.isComplete(total: store.count))
    }

    public func filterProgress(_ store: EventStore) -> (scanned: Int, total: Int)? {
        guard filterExpression != nil else { return nil }
        return (filterScan.scanned, store.count)
    }

    /// `(index of the match at or before the cursor, matches found, scan complete)`.
    public func searchStatus(_ store: EventStore) -> (current: Int, total: Int, complete: Bool)? {
        guard search != nil else { return nil }
        let i = searchScan.lowerBound(cursor + 1)
        return (i, searchScan.found.count, searchScan.isComplete(total: visibleCount(store)))
    }

    // MARK: - per-frame work

    /// Whether the filter or the search has rows left to scan (the app keeps calling `update` until not).
    public func isScanning(_ store: EventStore) -> Bool {
        (filterExpression != nil && !filterScan.isComplete(total: store.count))
            || (search != nil && !searchScan.isComplete(total: visibleCount(store)))
    }

    /// Continues the filter and search scans by one slice; call once per frame with the newest store.
    public mutating func update(_ store: EventStore, generation: Int) {
        if generation != storeGeneration {
            storeGeneration = generation
            // Tasks are only ever added: measure the new ones (live, this runs every frame).
            if tasksMeasured > store.taskNames.count { tasksMeasured = 0 }
            if tasksMeasured == 0 { taskLabelWidth = 8 }
            for t in tasksMeasured..<store.taskNames.count {
                taskLabelWidth = max(taskLabelWidth, store.taskNames[t].count + 1 + String(store.taskPIDs[t]).utf8.count)
            }
            tasksMeasured = store.taskNames.count
            if eventRoles.count != store.eventNames.count {
                eventRoles = store.eventNames.enumerated().map {
                    EventStyle.role(forEventNamed: $0.element, id: UInt16($0.offset))
                }
            }
        }
        if let expression = filterExpression, !filterScan.isComplete(total: store.count),
           var matcher = try? RowMatcher(expression, store: store) {
            let anchor = selectedRow(store)
            filterScan.advance(total: store.count, budget: Self.filterBudget) { matcher.matches($0) }
            if let anchor { keepCursor(onStoreRow: anchor, store) }
        }
        if let search, !searchScan.isComplete(total: visibleCount(store)) {
            let filtered = filterExpression != nil
            let rows = filterScan.found
            searchScan.advance(total: visibleCount(store), budget: Self.searchBudget) {
                search.matches(store.lineBytes(filtered ? Int(rows[$0]) : $0))
            }
        }
        clampCursor(store)
    }

    /// The store dropped its oldest `rows` (live `--keep`): row numbers moved down by that much.
    public mutating func storeEvicted(_ rows: Int, store: EventStore) {
        func shifted(_ r: Int?) -> Int? { r.flatMap { $0 >= rows ? $0 - rows : nil } }
        markerA = shifted(markerA)
        markerB = shifted(markerB)
        highlight = nil
        if filterExpression != nil {
            filterScan = RowScan()
            cursor = 0
            top = 0
        } else {
            cursor = max(0, cursor - rows)
            top = max(0, top - rows)
        }
        if search != nil { searchScan = RowScan() }
    }

    // MARK: - commands


    public mutating func handle(_ command: Command, store: EventStore, pageHeight: Int) -> ViewOutcome {
        if list.move(command, count: visibleCount(store), pageHeight: pageHeight, pageScrollsView: true) { return .handled }
        switch command {
        case .scrollLeft: horizontalScroll = max(0, horizontalScroll - 8)
        case .scrollRight: horizontalScroll += 8
        case .searchNext: return searchStep(forward: true, store)
        case .searchPrevious: return searchStep(forward: false, store)
        case .setMarkerA:
            guard let row = selectedRow(store) else { return .handled }
            markerA = row
            return .message("marker A set")
        case .setMarkerB:
            guard let row = selectedRow(store) else { return .handled }
            markerB = row
            return .message("marker B set")
        case .jumpToMarker:
            guard let a = markerA else { return .message("no marker: press m to set A") }
            let current = selectedRow(store)
            let target = (current == a ? markerB : a) ?? a
            jump(toStoreRow: target, store)
        default:
            return .unhandled
        }
        return .handled
    }

    public mutating func moveCursor(to position: Int, _ store: EventStore) {
        list.cursor = position
        list.clamp(count: visibleCount(store))
    }

    private mutating func clampCursor(_ store: EventStore) {
        let n = visibleCount(store)
        cursor = max(0, min(cursor, n - 1))
    }

    /// Puts the cursor on the visible row at or after a store row.
    public mutating func jump(toStoreRow row: Int, _ store: EventStore) {
        if filterExpression == nil {
            moveCursor(to: row, store)
        } else {
            moveCursor(to: filterScan.lowerBound(row), store)
        }
    }

    private mutating func keepCursor(onStoreRow row: Int, _ store: EventStore) {
        guard filterExpression != nil else { return }
        let i = filterScan.lowerBound(row)
        cursor = max(0, min(i, filterScan.found.count - 1))
    }

    // MARK: - filter

    /// Applies a filter expression (nil or empty clears it); the cursor stays on the same event when it
    /// passes, else on the next one that does.
    public mutating func setFilter(_ text: String?, store: EventStore) throws(FilterSyntaxError) {
        let anchor = selectedRow(store) ?? 0
        let trimmed = text?.trimmingCharacters(in: " ") ?? ""
        if trimmed.isEmpty {
            filterText = nil
            filterExpression = nil
            filterScan = RowScan()
            moveCursor(to: anchor, store)
        } else {
            let expression = try FilterExpression.parse(trimmed)
            filterText = trimmed
            filterExpression = expression
            filterScan = RowScan()
            // Scan up to the anchor now, so the cursor lands right on the first frame.
            var matcher = try RowMatcher(expression, store: store)
            filterScan.advance(total: store.count, budget: max(Self.filterBudget, anchor + 1)) { matcher.matches($0) }
            keepCursor(onStoreRow: anchor, store)
        }
        if let s = search { searchScan = RowScan(); search = s }
    }

    /// The filter's fields that no event of the store has (a filter on them matches nothing, which the user is told).
    public func unknownFilterFields(_ store: EventStore) -> [String] {
        filterExpression.map { RowMatcher.unknownFields(in: $0, store: store) } ?? []
    }

    // MARK: - search

    /// Sets the search pattern and moves to the first match at or after `origin` (a visible position).
    public mutating func setSearch(_ pattern: String, from origin: Int, store: EventStore) -> Bool {
        guard !pattern.isEmpty else {
            search = nil
            searchScan = RowScan()
            return true
        }
        let s = TextSearch(pattern)
        search = s
        searchScan = RowScan()
        let n = visibleCount(store)
        // Look ahead synchronously for the first match so typing moves the cursor at once.
        var position = origin
        let limit = min(n, origin + 2_000_000)
        while position < limit {
            if s.matches(store.lineBytes(storeRow(at: position, store))) {
                moveCursor(to: position, store)
                return true
            }
            position += 1
        }
        return false
    }

    private mutating func searchStep(forward: Bool, _ store: EventStore) -> ViewOutcome {
        guard let s = search else { return .message("no search: press / first") }
        let n = visibleCount(store)
        guard n > 0 else { return .handled }
        func matchesAt(_ position: Int) -> Bool { s.matches(store.lineBytes(storeRow(at: position, store))) }
        if forward {
            let i = searchScan.lowerBound(cursor + 1)
            if i < searchScan.found.count {
                moveCursor(to: Int(searchScan.found[i]), store)
                return .handled
            }
            // Past what the background scan has reached: look on directly.
            var position = max(cursor + 1, searchScan.scanned)
            while position < n {
                if matchesAt(position) {
                    moveCursor(to: position, store)
                    return .handled
                }
                position += 1
            }
            return .message(searchScan.found.isEmpty ? "pattern not found: \(s.pattern)" : "no more matches below")
        }
        var position = cursor - 1
        while position >= searchScan.scanned {
            if matchesAt(position) {
                moveCursor(to: position, store)
                return .handled
            }
            position -= 1
        }
        let i = searchScan.lowerBound(cursor)
        if i > 0 {
            moveCursor(to: Int(searchScan.found[i - 1]), store)
            return .handled
        }
        return .message("no more matches above")
    }

    // MARK: - time

    /// Moves to the first visible row at or after `timestamp` (rows are in time order in ftrace files).
    public mutating func jump(toTimestamp timestamp: Int64, store: EventStore) {
        var lo = 0, hi = visibleCount(store)
        while lo < hi {
            let mid = (lo + hi) / 2
            if store.timestamp(storeRow(at: mid, store)) < timestamp { lo = mid + 1 } else { hi = mid }
        }
        moveCursor(to: lo, store)
    }

    // MARK: - drawing

    /// Keeps the cursor on screen for a list `height` rows tall.
    public mutating func scrollToCursor(height: Int) {
        list.reveal(height: height)
    }

    public func render(into canvas: inout Canvas, in rect: Rect, store: EventStore) {
        guard rect.height > 0, rect.width > 0 else { return }
        let layout = StreamColumns(width: rect.width, store: store, taskWidth: min(24, taskLabelWidth))
        let (headerRect, body) = rect.splitTop(1)
        canvas.fill(headerRect, role: .header)
        layout.drawHeader(into: &canvas, y: headerRect.y, x: rect.x, limit: rect.maxX)
        let n = visibleCount(store)
        canvas.fill(body, role: .normal)
        if n == 0 {
            let text = store.isEmpty ? "no events" : "no events match the filter"
            canvas.put(text, x: body.x + 1, y: body.y, role: .dim, limit: body.maxX)
            return
        }
        for line in 0..<body.height {
            let position = top + line
            guard position < n else { break }
            let row = storeRow(at: position, store)
            let y = body.y + line
            let inCall = highlight?.contains(row) ?? false
            let gutter: String = row == markerA ? "A" : row == markerB ? "B" : inCall ? "┃" : " "
            canvas.put(gutter, x: body.x, y: y, role: .marker)
            if gutter == " " { canvas.restyle(Rect(x: body.x, y: y, width: 1, height: 1), role: .normal) }
            layout.drawRow(row, store: store, roles: eventRoles, into: &canvas, y: y, x: body.x + 1,
                           limit: body.maxX, horizontalScroll: horizontalScroll, search: search)
            if position == cursor {
                canvas.restyle(Rect(x: body.x + 1, y: y, width: body.width - 1, height: 1), role: .selected)
            }
        }
    }
}

extension StreamView: TraceView {
    public static var keyContext: KeyContext { .stream }

    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        handle(command, store: ctx.store, pageHeight: ctx.pageHeight)
    }

    /// `rect` is the list with its header line.
    public mutating func layout(in rect: Rect, _ ctx: ViewContext) { scrollToCursor(height: rect.height - 1) }

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        render(into: &canvas, in: rect, store: ctx.store)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        StatusBar.stream(ctx.snapshot, self, paused: ctx.paused, width: width)
    }
}
