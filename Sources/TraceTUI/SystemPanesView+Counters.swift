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
        let columns = counterColumns.filter { event in c.events.contains(event.1) && c.total[event.1] != nil }
        let withIPC = c.total[.cycles] != nil && c.total[.instructions] != nil
        func pad(_ t: String, _ n: Int) -> String { t.count >= n ? " " + t : String(repeating: " ", count: n - t.count) + t }
        func rate(_ r: CounterRates.Rate?) -> String {
            guard let v = r?.perSecond else { return "-" }
            return UnitFormat.count(v, width: 4)
        }
        func ipc(_ v: Double?) -> String { v.map { DstatTable.decimal($0) } ?? "-" }

        canvas.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
        var head = " COUNTERS" + columns.map { pad($0.0, counterColumnWidth) }.joined() + (withIPC ? pad("IPC", 6) : "")
        let missing = c.unsupported
        if !missing.isEmpty { head += "   <not supported>: " + missing.map(\.name).joined(separator: ", ") }
        canvas.put(head, x: x, y: y, role: .header, limit: x + w)
        y += 1
        guard y < maxY else { return y }

        // The machine's total; a note when the kernel multiplexed hardware counters (counts scaled up).
        var total = " all     " + columns.map { pad(rate(c.total[$0.1]), counterColumnWidth) }.joined()
        if withIPC { total += pad(ipc(c.ipc), 6) }
        let counted = columns.compactMap { c.total[$0.1]?.runningPercent }.min() ?? 100
        if counted < 99.5 { total += "   scaled: counted \(UnitFormat.percent(counted))% of the time" }
        canvas.put(total, x: x, y: y, role: .normal, limit: x + w)
        y += 1

        // Per CPU, only when every CPU's row fits above what must still be drawn.
        guard c.cpus.count > 1, maxY - y - reserve >= c.cpus.count else { return y }
        for (k, cpu) in c.cpus.enumerated() {
            let label = " cpu \(cpu)"
            var row = label + String(repeating: " ", count: max(1, 9 - label.count))
            row += columns.map { pad(rate(c.perCPU[$0.1]?[k]), counterColumnWidth) }.joined()
            if withIPC { row += pad(ipc(c.ipc(cpu: k)), 6) }
            canvas.put(row, x: x, y: y, role: .normal, limit: x + w)
            y += 1
        }
        return y
    }
}
