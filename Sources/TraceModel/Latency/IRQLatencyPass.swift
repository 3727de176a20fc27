/// Hard irq and softirq handler times: `irq_handler_entry` → `irq_handler_exit` and `softirq_entry` →
/// `softirq_exit` on the same CPU (a handler runs on one CPU, and a hard irq may nest in a softirq, not in itself).
struct IRQLatencyPass {
    struct Open {
        var number: Int64 = -1
        var start: Int64 = 0
        var row = 0
    }

    /// The kernel's softirq vectors (include/linux/interrupt.h), for traces that print only `vec=N`.
    static let softirqNames = ["HI", "TIMER", "NET_TX", "NET_RX", "BLOCK", "IRQ_POLL", "TASKLET", "SCHED",
                               "HRTIMER", "RCU"]

    var store: EventStore
    var kinds: [LatencyEventKind]
    let keep: Int
    /// Added to the store's row numbers (rows evicted before this pass saw the store).
    var rowBase = 0
    var hard: [Open] = []
    var soft: [Open] = []
    /// Indexed by irq / vector number (small: the kernel's are below a few thousand); others are dropped.
    var hardStats: [LatencyAccumulator?] = []
    var softStats: [LatencyAccumulator?] = []
    static let maxNumber: Int64 = 1 << 16
    var hardNames: [Int64: String] = [:]
    var softNames: [Int64: String] = [:]

    init(store: EventStore, kinds: [LatencyEventKind], keep: Int) {
        self.store = store
        self.kinds = kinds
        self.keep = keep
    }

    /// A later snapshot of the store, before `run` reads its new rows.
    mutating func update(store newStore: EventStore, kinds newKinds: [LatencyEventKind]) {
        store = newStore
        kinds = newKinds
    }


    mutating func run(_ scope: LatencyScope) {
        let wanted = LatencyEventKind.mask(kinds, [.irqEntry, .irqExit, .softirqEntry, .softirqExit])
        let base = rowBase
        store.forEachRow(in: scope, wanted: wanted) { c, i, storeRow in
            let row = base + storeRow
            let kind = kinds[Int(c.events[i])]
            switch kind {
            case .irqEntry, .irqExit, .softirqEntry, .softirqExit:
                let cpu = Int(c.cpus[i])
                guard cpu != 0xFFFF else { return }
                if cpu >= hard.count {
                    hard += [Open](repeating: Open(), count: cpu + 1 - hard.count)
                    soft += [Open](repeating: Open(), count: cpu + 1 - soft.count)
                }
                let isHard = kind == .irqEntry || kind == .irqExit
                let number: Int64
                if case let v = c.latencyValues(i), v.kind == TypedFields.Kind.irq.rawValue {
                    number = v.f0
                } else {
                    guard let n = PayloadScan(c.payload(i)).int(isHard ? "irq=" : "vec=") else { return }
                    number = n
                }
                let ts = c.timestamps[i]
                if kind == .irqEntry || kind == .softirqEntry {
                    // Names are read from the text, once per number.
                    if isHard {
                        hard[cpu] = Open(number: number, start: ts, row: row)
                        if hardNames[number] == nil {
                            let scan = PayloadScan(c.payload(i))
                            if let n = scan.value(of: "name=") { hardNames[number] = scan.text(n, scan.wordEnd(from: n)) }
                        }
                    } else {
                        soft[cpu] = Open(number: number, start: ts, row: row)
                        if softNames[number] == nil {
                            let scan = PayloadScan(c.payload(i))
                            if let a = scan.value(of: "[action=") {
                                softNames[number] = scan.text(a, scan.line.find(Byte.closeBracket, from: a) ?? scan.count)
                            }
                        }
                    }
                    return
                }
                let open = isHard ? hard[cpu] : soft[cpu]
                guard open.number == number, ts >= open.start, number >= 0, number < Self.maxNumber else { return }
                let d = ts - open.start
                let n = Int(number)
                if isHard {
                    hard[cpu].number = -1
                    if n >= hardStats.count { hardStats += [LatencyAccumulator?](repeating: nil, count: n + 1 - hardStats.count) }
                    if hardStats[n] == nil { hardStats[n] = LatencyAccumulator(keep: keep) }
                    hardStats[n]!.add(d, start: open.start, startRow: open.row, endRow: row, pid: -1)
                } else {
                    soft[cpu].number = -1
                    if n >= softStats.count { softStats += [LatencyAccumulator?](repeating: nil, count: n + 1 - softStats.count) }
                    if softStats[n] == nil { softStats[n] = LatencyAccumulator(keep: keep) }
                    softStats[n]!.add(d, start: open.start, startRow: open.row, endRow: row, pid: -1)
                }
            default: break
            }
        }
    }

    /// Hard irqs then softirqs, each by total handler time.
    func rows() -> [IRQLatencyRow] {
        var hardRows = hardStats.enumerated().compactMap { n, acc in
            acc.map { IRQLatencyRow(kind: .irq, number: n, name: hardNames[Int64(n)] ?? "", duration: $0.finish()) }
        }
        var softRows = softStats.enumerated().compactMap { n, acc in
            acc.map {
                IRQLatencyRow(kind: .softirq, number: n, name: softNames[Int64(n)] ?? (n < 10 ? Self.softirqNames[n] : ""),
                              duration: $0.finish())
            }
        }
        hardRows.sort { ($0.duration.total, $1.number) > ($1.duration.total, $0.number) }
        softRows.sort { ($0.duration.total, $1.number) > ($1.duration.total, $0.number) }
        return hardRows + softRows
    }
}
