import Screen
import TraceModel

/// The counters table of the system panes: perf_event_open's context switches, migrations, minor and major
/// faults per second, and cycles, instructions and IPC where the machine has a PMU — for all CPUs, then one row
/// per CPU when the pane has room for them and the disk and network tables below.
extension SystemPanesView {
    /// Column title and event, in the order drawn (IPC follows when both hardware events count).
    static let counterColumns: [(String, CounterEvent)] = [
        ("ctxsw/s", .contextSwitches), ("migr/s", .cpuMigrations), ("minflt/s", .minorFaults),
        ("majflt/s", .majorFaults), ("cycles/s", .cycles), ("insn/s", .instructions),
    ]
    static let counterColumnWidth = 9

    /// Draws from row `y`; returns the next free row. `reserve` rows are left for what follows.
    static func drawCounters(_ c: CounterRates, into canvas: inout Canvas, x: Int, y: Int, width w: Int, maxY: Int,
                             reserve: Int) -> Int {
        var y = y
        guard y < maxY else { return y }
        if let error = c.error {
            canvas.put(" counters: \(error)", x: x, y: y, role: .dim, limit: x + w)
            return y + 1
        }
        let events = counterColumns.filter { event in c.events.contains(event.1) && c.total[event.1] != nil }
        let withIPC = c.total[.cycles] != nil && c.total[.instructions] != nil
        let table = counterTable(events, withIPC: withIPC)

        canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
        var head = table.header()
        let missing = c.unsupported
        if !missing.isEmpty { head += "   <not supported>: " + missing.map(\.name).joined(separator: ", ") }
        canvas.put(head, x: x, y: y, role: .header, limit: x + w)
        y += 1
        guard y < maxY else { return y }

        // The machine's total; a note when the kernel multiplexed hardware counters (counts scaled up).
        var total = table.line(CounterRow(label: " all", rate: { c.total[$0] }, ipc: c.ipc))
        let counted = events.compactMap { c.total[$0.1]?.runningPercent }.min() ?? 100
        if counted < 99.5 { total += "   scaled: counted \(UnitFormat.percent(counted))% of the time" }
        canvas.put(total, x: x, y: y, role: .normal, limit: x + w)
        y += 1

        // Per CPU, only when every CPU's row fits above what must still be drawn.
        guard c.cpus.count > 1, maxY - y - reserve >= c.cpus.count else { return y }
        for (k, cpu) in c.cpus.enumerated() {
            let row = CounterRow(label: " cpu \(cpu)", rate: { c.perCPU[$0]?[k] }, ipc: c.ipc(cpu: k))
            canvas.put(table.line(row), x: x, y: y, role: .normal, limit: x + w)
            y += 1
        }
        return y
    }

    /// One line of the table: the machine's total or one CPU.
    struct CounterRow {
        var label: String
        var rate: (CounterEvent) -> CounterRates.Rate?
        var ipc: Double?
    }

    /// The label, a rate per counted event, and IPC when both cycles and instructions count.
    static func counterTable(_ events: [(String, CounterEvent)], withIPC: Bool) -> TextTable<CounterRow> {
        // Each column is one narrower than its share, for the space before it: a wide value still stands apart.
        var columns = [TextColumn<CounterRow>(" COUNTERS", width: counterColumnWidth, align: .left) { $0.label }]
        for (title, event) in events {
            columns.append(TextColumn(title, width: counterColumnWidth - 1) { row in
                row.rate(event)?.perSecond.map { UnitFormat.count($0, width: 4) } ?? "-"
            })
        }
        if withIPC { columns.append(TextColumn("IPC", width: 5) { $0.ipc.map { DstatTable.decimal($0) } ?? "-" }) }
        return TextTable(columns)
    }
}
