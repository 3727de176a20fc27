import Screen
import TraceModel

/// How busy the machine was at one sample: CPU bars per core, memory, disks, network, system counters —
/// or the same history as dstat's scrolling table. Draws a `ProcHistory` at a sample index; never reads /proc.
public struct SystemPanesView: Sendable {
    /// `bpf`: the BPF pane (key 8) at the same sample.
    public enum Mode: Sendable { case panes, table, bpf }
    public var mode: Mode = .panes
    /// `--host`: whose panes (`SystemPanesView+Hosts`): 0 this machine, k the store's host k-1; nil follows a
    /// `host ==` stream filter (`filterHosts`), else this machine.
    public var pickedHost: Int?
    /// The hosts the stream's filter keeps when it tests only the host (set by the app after every event).
    public var filterHosts: Set<UInt16>?

    public init() {}

    public mutating func toggleMode() { mode = mode == .panes ? .table : .panes }

    /// Draws sample `index` of `history` (nil: a placeholder saying why there is nothing to show).
    public func render(_ history: ProcHistory?, at index: Int?, note: String? = nil, machine: String? = nil,
                       into canvas: inout Canvas, in rect: Rect) {
        canvas.fill(rect, role: .normal)
        guard rect.height > 0, rect.width > 0 else { return }
        guard let history, !history.isEmpty else {
            if let machine {
                canvas.put(" system panes of \(machine): no /proc samples", x: rect.x, y: rect.y, role: .header, limit: rect.maxX)
                if let note { canvas.put(" " + note, x: rect.x, y: rect.y + 1, role: .dim, limit: rect.maxX) }
                return
            }
            canvas.put(" system panes: no /proc samples for this trace", x: rect.x, y: rect.y, role: .header)
            canvas.put(" Record them next to the trace with `tracetui dstat --output TRACE.proc` while tracing.",
                       x: rect.x, y: rect.y + 1, role: .dim, limit: rect.maxX)
            if let note { canvas.put(" " + note, x: rect.x, y: rect.y + 2, role: .dim, limit: rect.maxX) }
            return
        }
        guard let index, index >= 1 else {
            if history.count == 1 {
                canvas.put(" system panes: waiting for a second sample (a rate needs two)", x: rect.x, y: rect.y,
                           role: .header, limit: rect.maxX)
                return
            }
            let first = TimeFormat.timestamp(history.samples[0].monotonic, clock: .seconds)
            let last = TimeFormat.timestamp(history.samples[history.count - 1].monotonic, clock: .seconds)
            canvas.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
            canvas.put(" system panes: no interval ends at the cursor's time", x: rect.x, y: rect.y, role: .header,
                       limit: rect.maxX)
            canvas.put(" samples cover \(first) – \(last)" + (note.map { "  (\($0))" } ?? ""), x: rect.x,
                       y: rect.y + 1, role: .dim, limit: rect.maxX)
            return
        }
        switch mode {
        case .panes: renderPanes(history, index, note: note, machine: machine, into: &canvas, in: rect)
        case .table: renderTable(history, index, into: &canvas, in: rect)
        case .bpf: BpfPane.render(history, index, note: note, into: &canvas, in: rect)
        }
    }

    // MARK: - panes

    private func renderPanes(_ h: ProcHistory, _ i: Int, note: String?, machine: String?, into canvas: inout Canvas,
                             in rect: Rect) {
        let r = h.rates[i], s = h.samples[i]
        var y = rect.y
        let x = rect.x, w = rect.width
        func line(_ body: (inout Canvas, Int) -> Void) {
            guard y < rect.maxY else { return }
            body(&canvas, y)
            y += 1
        }
        line { c, y in
            c.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
            var title = " System" + (machine.map { " of \($0)" } ?? "")
                + " at \(TimeFormat.timestamp(s.monotonic, clock: .seconds))  sample \(i + 1)/\(h.count)"
            title += "  interval \(DstatTable.decimal(r.seconds))s"
            if let note { title += "  \(note)" }
            c.put(title, x: x, y: y, role: .header, limit: x + w)
        }
        // Total CPU: a bar, the shares, and the history of busy.
        line { c, y in
            var col = c.put(" CPU ", x: x, y: y, role: .header)
            let barWidth = min(40, max(10, w / 3))
            col = Self.cpuBar(r.total, width: barWidth, into: &c, x: col, y: y)
            let t = r.total
            let shares = " usr \(UnitFormat.percent(t.user + t.nice)) sys \(UnitFormat.percent(t.system))"
                + " wai \(UnitFormat.percent(t.iowait)) irq \(UnitFormat.percent(t.irq + t.softirq))"
                + " stl \(UnitFormat.percent(t.steal)) "
            col = c.put(shares, x: col, y: y, role: .normal, limit: x + w)
            let room = x + w - col - 1
            if room >= 4 {
                let series = h.series(endingAt: i, count: room) { $0.total.busy }
                Self.sparkline(series, max: 100, into: &c, x: x + w - 1 - series.count, y: y)
            }
        }
        // Per core, numbered down the columns like htop: wide bars while they fit in a third of the height,
        // narrower ones (down to 10 cells) for big machines, and "+N more" for what still does not fit.
        let cpus = r.cpus
        if !cpus.isEmpty {
            let maxRows = max(1, rect.height / 3)
            let needed = (cpus.count + maxRows - 1) / maxRows
            let columns = max(1, min(max(w / 26, needed), max(1, w / 10)))
            let cellWidth = w / columns
            let rows = (cpus.count + columns - 1) / columns
            let shown = min(rows, maxRows)
            for row in 0..<shown {
                line { c, y in
                    for col in 0..<columns {
                        let k = col * shown + row
                        guard k < cpus.count else { continue }
                        let cx = x + col * cellWidth
                        if row == shown - 1, shown < rows, col == columns - 1 {
                            c.put(" +\(cpus.count - (shown * columns - 1)) more", x: cx, y: y, role: .dim)
                            continue
                        }
                        let label = String(cpus[k].id)
                        let pad = String(repeating: " ", count: max(0, 4 - label.count))
                        let after = c.put(pad + label + " ", x: cx, y: y, role: .cpu)
                        Self.cpuBar(cpus[k].cpu, width: cellWidth - (after - cx) - 1, into: &c, x: after, y: y)
                    }
                }
            }
        }
        // Memory and swap.
        line { c, y in
            let m = s.memory
            let total = Double(m.total ?? 0)
            var col = c.put(" Mem ", x: x, y: y, role: .header)
            let barWidth = min(40, max(10, w / 3))
            if total > 0 {
                let segments: [(Double, Unicode.Scalar, Role)] = [
                    (Double(m.used) / total * 100, "|", .meterUser),
                    (Double(m.buffers ?? 0) / total * 100, "#", .meterIRQ),
                    (Double(m.cache) / total * 100, "*", .meterCache),
                ]
                col = Self.bar(segments, label: UnitFormat.bytes(Double(m.used), width: 4) + "/" + UnitFormat.bytes(total, width: 4),
                               width: barWidth, into: &c, x: col, y: y)
            }
            func b(_ v: UInt64?) -> String { UnitFormat.bytes(Double(v ?? 0), width: 4) }
            var text = " free \(b(m.free)) avail \(b(m.available)) buff \(b(m.buffers)) cache \(b(m.cache)) dirty \(b(m.dirty))"
            if let st = m.swapTotal, st > 0 {
                text += "  swap \(b(m.swapUsed))/\(b(st))"
            } else {
                text += "  no swap"
            }
            c.put(text, x: col, y: y, role: .normal, limit: x + w)
        }
        // Counters, load and pressure.
        line { c, y in
            var text = " ctxt \(UnitFormat.count(r.contextSwitches))/s  intr \(UnitFormat.count(r.interrupts))/s"
            text += "  forks \(UnitFormat.count(r.forks))/s  procs \(s.stat.procsRunning) run \(s.stat.procsBlocked) blk"
            text += "  load \(Self.hundredths(s.load.one)) \(Self.hundredths(s.load.five)) \(Self.hundredths(s.load.fifteen))"
            text += "  faults \(UnitFormat.count(r.pageFaults))/s (\(UnitFormat.count(r.majorFaults)) major)  swap in \(UnitFormat.bytes(r.swapIn)) out \(UnitFormat.bytes(r.swapOut))"
            if let p = s.pressure {
                text += "  psi"
                for (name, short) in [("cpu", "cpu"), ("memory", "mem"), ("io", "io")] {
                    if let v = p[name] { text += " \(short) \(Self.hundredths(v.some.avg10))%" }
                }
            }
            c.put(text, x: x, y: y, role: .normal, limit: x + w)
        }
        // perf counters (live only), above the disks: per CPU rows only when the tables below still fit.
        if let counters = r.counters {
            y = Self.drawCounters(counters, into: &canvas, x: x, y: y, width: w, maxY: rect.maxY,
                                  reserve: r.disks.count + r.nets.count + 2)
        }
        // Disks and interfaces: a table each, with a history of their traffic.
        let nameWidth = max(8, min(16, (r.disks.map(\.name.count) + r.nets.map(\.name.count)).max() ?? 8))
        let disks = Self.diskTable(nameWidth: nameWidth), nets = Self.netTable(nameWidth: nameWidth)
        line { c, y in
            c.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
            c.put(" " + disks.header() + "  history", x: x, y: y, role: .header, limit: x + w)
        }
        for d in r.disks {
            line { c, y in
                let col = c.put(" " + disks.line(d) + "  ", x: x, y: y, role: .normal, limit: x + w)
                let series = h.series(endingAt: i, count: max(0, x + w - col - 1)) { rates in
                    rates.disks.first { $0.name == d.name }.map { $0.readBytes + $0.writeBytes } ?? 0
                }
                Self.sparkline(series, max: nil, into: &c, x: col, y: y)
            }
        }
        line { c, y in
            c.fill(Rect(x: x, y: y, width: w, height: 1), role: .header)
            c.put(" " + nets.header() + "  history", x: x, y: y, role: .header, limit: x + w)
        }
        for n in r.nets {
            line { c, y in
                let col = c.put(" " + nets.line(n) + "  ", x: x, y: y, role: .normal, limit: x + w)
                let series = h.series(endingAt: i, count: max(0, x + w - col - 1)) { rates in
                    rates.nets.first { $0.name == n.name }.map { $0.rxBytes + $0.txBytes } ?? 0
                }
                Self.sparkline(series, max: nil, into: &c, x: col, y: y)
            }
        }
        if let bpf = BpfPane.summary(h, i) { line { c, y in c.put(bpf, x: x, y: y, role: .normal, limit: x + w) } }
    }

    /// The disks' columns: bytes and operations a second, how busy, how long a request waited.
    static func diskTable(nameWidth: Int) -> TextTable<ProcRates.Disk> {
        TextTable([
            TextColumn("DISK", width: nameWidth, align: .left) { $0.name },
            TextColumn("read", width: 7) { UnitFormat.bytes($0.readBytes) },
            TextColumn("writ", width: 7) { UnitFormat.bytes($0.writeBytes) },
            TextColumn("r/s", width: 7) { UnitFormat.count($0.reads) },
            TextColumn("w/s", width: 7) { UnitFormat.count($0.writes) },
            TextColumn("util", width: 6) { UnitFormat.percent($0.utilization) + "%" },
            TextColumn("await", width: 8) { DstatTable.decimal($0.awaitMilliseconds) + "ms" },
        ], gap: 0)
    }

    /// The interfaces' columns: bytes and packets a second, errors and drops.
    static func netTable(nameWidth: Int) -> TextTable<ProcRates.Net> {
        TextTable([
            TextColumn("NET", width: nameWidth, align: .left) { $0.name },
            TextColumn("recv", width: 7) { UnitFormat.bytes($0.rxBytes) },
            TextColumn("send", width: 7) { UnitFormat.bytes($0.txBytes) },
            TextColumn("rx/s", width: 7) { UnitFormat.count($0.rxPackets) },
            TextColumn("tx/s", width: 7) { UnitFormat.count($0.txPackets) },
            TextColumn("errs", width: 6) { UnitFormat.count($0.errors) },
            TextColumn("drops", width: 8) { UnitFormat.count($0.drops) },
        ], gap: 0)
    }

    // MARK: - table

    /// dstat's scrolling table: the rows up to the cursor's sample, the newest at the bottom and selected.
    private func renderTable(_ h: ProcHistory, _ i: Int, into canvas: inout Canvas, in rect: Rect) {
        let head = Rect(x: rect.x, y: rect.y, width: rect.width, height: min(2, rect.height))
        canvas.fill(head, role: .header)
        canvas.put("  time    " + DstatTable.titleLine(), x: rect.x, y: rect.y, role: .header, limit: rect.maxX)
        canvas.put("--------- " + DstatTable.namesLine(), x: rect.x, y: rect.y + 1, role: .header, limit: rect.maxX)
        let rows = rect.height - 2
        guard rows > 0 else { return }
        let first = max(1, i - rows + 1)
        for (k, j) in (first...i).enumerated() {
            let y = rect.y + 2 + k
            let time = Self.clockTime(h.samples[j].realtime)
            canvas.put(time + " " + DstatTable.row(h.rates[j]), x: rect.x, y: y, role: .normal, limit: rect.maxX)
            if j == i { canvas.restyle(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selected) }
        }
    }

    // MARK: - drawing helpers

    /// `[|||##*   23%]`: usr `|`, sys `#`, iowait `*`, irq `@`, steal `$` (htop's monochrome marks).
    @discardableResult
    static func cpuBar(_ cpu: ProcRates.CPU, width: Int, into canvas: inout Canvas, x: Int, y: Int) -> Int {
        bar([(cpu.user + cpu.nice, "|", .meterUser), (cpu.system, "#", .meterSystem), (cpu.iowait, "*", .meterWait),
             (cpu.irq + cpu.softirq, "@", .meterIRQ), (cpu.steal, "$", .meterSteal)],
            label: UnitFormat.percent(cpu.busy) + "%", width: width, into: &canvas, x: x, y: y)
    }

    /// A bracketed meter of percentage segments with a right-aligned label inside.
    @discardableResult
    static func bar(_ segments: [(Double, Unicode.Scalar, Role)], label: String, width: Int,
                    into canvas: inout Canvas, x: Int, y: Int) -> Int {
        guard width >= 4 else { return x }
        let inner = width - 2
        canvas.put("[", x: x, y: y, role: .border)
        var col = x + 1
        var filled = 0.0
        for (pct, mark, role) in segments {
            let start = Int((filled * Double(inner) / 100).rounded())
            filled = min(100, filled + max(0, pct))
            let end = Int((filled * Double(inner) / 100).rounded())
            for k in start..<max(start, end) { canvas[x + 1 + k, y] = Cell(mark, role: role) }
            col = x + 1 + max(start, end)
        }
        _ = col
        let labelX = x + 1 + inner - label.count
        if labelX > x + 1 { canvas.put(label, x: labelX, y: y, role: .normal) }
        canvas.put("]", x: x + width - 1, y: y, role: .border)
        return x + width
    }

    static let ticks: [Unicode.Scalar] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One block per value, scaled to `max` (or to the series' own peak).
    static func sparkline(_ values: [Double], max top: Double?, into canvas: inout Canvas, x: Int, y: Int) {
        let peak = top ?? (values.max() ?? 0)
        for (k, v) in values.enumerated() where x + k >= 0 && x + k < canvas.width && y < canvas.height {
            let level = peak > 0 ? Int((v / peak * 7).rounded()) : 0
            canvas[x + k, y] = Cell(ticks[Swift.max(0, Swift.min(7, level))], role: .sparkline)
        }
    }

    static func hundredths(_ v: Int) -> String {
        "\(v / 100)." + (v % 100 < 10 ? "0" : "") + "\(v % 100)"
    }

    /// `hh:mm:ss` (UTC) of a realtime stamp: the table's first column, as dstat's `-t` prints it.
    static func clockTime(_ ns: Int64) -> String {
        let s = ns / 1_000_000_000
        let day = s % 86_400
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return " " + two(day / 3600) + ":" + two(day / 60 % 60) + ":" + two(day % 60)
    }
}

extension SystemPanesView: TraceView {
    public static var keyContext: KeyContext { .system }

    /// `v` switches between the panes and the table; moving is the stream's (the panes follow its cursor).
    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        if command == .cycleScope, !ctx.store.hostNames.isEmpty {
            nextHost(ctx)
            return .handled
        }
        guard command == .togglePanesTable else { return .unhandled }
        toggleMode()
        return .handled
    }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {}

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        if !ctx.store.hostNames.isEmpty {
            renderHost(into: &canvas, in: rect, ctx)
            return
        }
        render(ctx.system, at: ctx.systemSample.index, note: ctx.systemSample.note, into: &canvas, in: rect)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine {
        let machine = ctx.store.hostNames.isEmpty ? "" : " of " + shownName(ctx)
        return StatusLine([((mode == .bpf ? " BPF" : " system panes") + machine, .statusAccent)]
            + StatusBar.captureParts(ctx.snapshot, paused: ctx.paused))
    }
}
