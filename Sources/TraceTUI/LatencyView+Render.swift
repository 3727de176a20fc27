import Screen
import TraceModel

extension LatencyView {
    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        canvas.fill(rect, role: .normal)
        guard rect.height > 0, rect.width > 0 else { return }
        renderTabs(into: &canvas, in: rect)
        guard rect.height > 1 else { return }
        let body = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        guard let report else {
            canvas.put(" measuring…", x: body.x, y: body.y, role: .dim, limit: body.x + body.width)
            return
        }
        let rows = LatencyRow.rows(of: report, section, sortedBy: sortKey, clock: ctx.store.summary.clock)
        if let open = occurrences, rows.indices.contains(list.cursor) {
            renderOccurrences(rows[list.cursor], open, into: &canvas, in: body, ctx)
            return
        }
        let panel = Self.panelHeight(rect)
        let table = Rect(x: body.x, y: body.y, width: body.width, height: body.height - panel)
        renderTable(rows, report, into: &canvas, in: table)
        if panel > 0, rows.indices.contains(list.cursor) {
            renderHistogram(rows[list.cursor], into: &canvas,
                            in: Rect(x: rect.x, y: table.y + table.height, width: rect.width, height: panel))
        }
    }

    private func renderTabs(into canvas: inout Canvas, in rect: Rect) {
        var x = rect.x
        for s in LatencySection.allCases {
            let text = " \(s.rawValue) "
            x = canvas.put(text, x: x, y: rect.y, role: s == section ? .selected : .header, limit: rect.x + rect.width)
            guard x < rect.x + rect.width else { return }
        }
        canvas.fill(Rect(x: x, y: rect.y, width: rect.x + rect.width - x, height: 1), role: .header)
        canvas.put(" \(section.title)", x: x, y: rect.y, role: .header, limit: rect.x + rect.width)
    }

    private func renderTable(_ rows: [LatencyRow], _ report: LatencyReport, into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0 else { return }
        let table = Self.textTable(section, width: rect.width)
        canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
        canvas.put(table.header(), x: rect.x, y: rect.y, role: .header, limit: rect.x + rect.width)
        guard !rows.isEmpty else {
            let why = report.notes.first ?? Self.emptyReason(section)
            canvas.put(" " + why, x: rect.x, y: rect.y + 1, role: .dim, limit: rect.x + rect.width)
            return
        }
        for i in 0..<max(0, rect.height - 1) {
            let index = list.top + i
            guard rows.indices.contains(index) else { break }
            let role: Role = index == list.cursor ? .selected : .normal
            if role == .selected { canvas.fill(Rect(x: rect.x, y: rect.y + 1 + i, width: rect.width, height: 1), role: role) }
            canvas.put(table.line(rows[index]), x: rect.x, y: rect.y + 1 + i, role: role, limit: rect.x + rect.width)
        }
    }

    /// The selected row's log2 histogram, as runqlat and biolatency draw theirs, and its percentiles.
    private func renderHistogram(_ row: LatencyRow, into canvas: inout Canvas, in rect: Rect) {
        canvas.box(rect, title: " \(row.label) ")
        let inner = Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 2)
        guard inner.height > 0, inner.width > 10 else { return }
        let s = row.stats
        let d = { (ns: Int64) in TimeFormat.duration(nanoseconds: ns) }
        canvas.put("n \(s.count)  p50 \(d(s.p50))  p90 \(d(s.p90))  p99 \(d(s.p99))  max \(d(s.max))",
                   x: inner.x, y: inner.y, role: .header, limit: inner.x + inner.width)
        let slots = s.histogram.indices.filter { s.histogram[$0] > 0 }
        guard let first = slots.first, let last = slots.last else { return }
        // The slots from the lowest to the highest used one; when they do not fit, the highest (the tail).
        let shown = max(0, inner.height - 1)
        let from = max(first, last - shown + 1)
        let peak = s.histogram[from...last].max() ?? 1
        let labelWidth = 22, countWidth = 9
        let barWidth = max(1, inner.width - labelWidth - countWidth - 3)
        for (i, k) in (from...last).enumerated() where i < shown {
            let low = LatencyStats.slotStart(k), high = LatencyStats.slotStart(k + 1)
            let range = TextColumn<Int>.fit("\(d(low)) – \(d(high))", labelWidth, .right)
            let count = TextColumn<Int>.fit("\(s.histogram[k])", countWidth, .right)
            let filled = peak > 0 ? (s.histogram[k] * barWidth + peak - 1) / peak : 0
            let y = inner.y + 1 + i
            var x = inner.x
            x = canvas.put(range + " " + count + " │", x: x, y: y, role: .normal, limit: inner.x + inner.width)
            canvas.put(String(repeating: "█", count: filled), x: x, y: y, role: .progress, limit: inner.x + inner.width)
        }
    }

    private func renderOccurrences(_ row: LatencyRow, _ open: ScrollList, into canvas: inout Canvas, in rect: Rect,
                                   _ ctx: ViewContext) {
        canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
        canvas.put(" worst of \(row.label): Enter shows the events in the stream, Esc goes back", x: rect.x, y: rect.y,
                   role: .header, limit: rect.x + rect.width)
        guard rect.height > 1 else { return }
        let clock = ctx.store.summary.clock
        canvas.put(TextColumn<Int>.fit("#", 4, .right) + " " + TextColumn<Int>.fit("Duration", 11, .right) + "  "
                   + TextColumn<Int>.fit("From", 17, .right) + "  " + TextColumn<Int>.fit("To", 17, .right) + "  "
                   + TextColumn<Int>.fit("Pid", 8, .right) + "  Rows",
                   x: rect.x, y: rect.y + 1, role: .dim, limit: rect.x + rect.width)
        let worst = row.stats.worst
        for i in 0..<max(0, rect.height - 2) {
            let k = open.top + i
            guard worst.indices.contains(k) else { break }
            let o = worst[k]
            let role: Role = k == open.cursor ? .selected : .normal
            let y = rect.y + 2 + i
            if role == .selected { canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: role) }
            let rows = o.startRow < 0 ? "evicted" : "\(o.startRow + 1)–\(o.endRow + 1)"
            let line = TextColumn<Int>.fit("\(k + 1)", 4, .right) + " "
                + TextColumn<Int>.fit(TimeFormat.duration(nanoseconds: o.duration), 11, .right) + "  "
                + TextColumn<Int>.fit(TimeFormat.timestamp(o.start, clock: clock), 17, .right) + "  "
                + TextColumn<Int>.fit(TimeFormat.timestamp(o.end, clock: clock), 17, .right) + "  "
                + TextColumn<Int>.fit(o.pid >= 0 ? "\(o.pid)" : "-", 8, .right) + "  " + rows
            canvas.put(line, x: rect.x, y: y, role: role, limit: rect.x + rect.width)
        }
    }

    /// The section's table at `width` columns: the name takes what the numbers leave.
    static func textTable(_ section: LatencySection, width: Int) -> TextTable<LatencyRow> {
        // The name keeps at least 16 columns: the last columns (the least asked-for) go first when narrow.
        var numbers = LatencyRow.columns(section)
        while numbers.count > 2, width - numbers.reduce(0, { $0 + $1.width + 1 }) - 1 < 16 { numbers.removeLast() }
        let used = numbers.reduce(0) { $0 + $1.width + 1 }
        var columns = [TextColumn<LatencyRow>(" " + LatencyRow.nameTitle(section), width: max(12, width - used - 1),
                                              align: .left) { " " + $0.label }]
        for (k, c) in numbers.enumerated() {
            columns.append(TextColumn(c.title, width: c.width) { $0.cells[k] })
        }
        return TextTable(columns)
    }

    static func emptyReason(_ section: LatencySection) -> String {
        switch section {
        case .sched: return "no sched_switch with sched_wakeup/sched_waking events in scope to measure delays from"
        case .syscalls: return "no sys_enter/sys_exit (or raw_syscalls) pairs in scope"
        case .irq: return "no irq_handler_entry/exit or softirq_entry/exit pairs in scope"
        case .block: return "no block_rq_issue/insert with block_rq_complete pairs in scope"
        }
    }
}
