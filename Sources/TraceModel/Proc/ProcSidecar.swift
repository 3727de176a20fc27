/// The sidecar file that keeps /proc samples next to a trace (`TRACE.proc`): plain text, one record per
/// line, a sample starting at each `T` line. Counters are stored raw, so a replay computes the same rates
/// a live run did.
///
/// ```
/// tracetui-proc 1 pagesize=4096
/// T <monotonic ns> <realtime ns>
/// c <cpu number, -1 for the total> user nice system idle iowait irq softirq steal guest guest_nice
/// s ctxt intr forks procs_running procs_blocked
/// m total free available buffers cached sreclaimable shmem dirty swaptotal swapfree   (bytes, - if absent)
/// d <device> reads read_sectors read_ms writes write_sectors write_ms io_ms
/// n <interface> rx_bytes rx_packets rx_errs rx_drop tx_bytes tx_packets tx_errs tx_drop
/// l load1 load5 load15 (hundredths) running total
/// v pgfault pgmajfault pswpin pswpout pgpgin pgpgout
/// p <cpu|memory|io> some_avg10 some_avg60 some_avg300 some_total [full_avg10 full_avg60 full_avg300 full_total]
/// K <cpu> <cpu> …                  perf counters read with the sample: the CPUs, then one k line per event
/// k <event> value enabled running [value enabled running …]   one triple per CPU of K (none: not supported)
/// B, b, y, E, e                    the BPF programs and maps, --bpf's map entries (see `BpfSidecar`)
/// ```
public enum ProcSidecar {
    public static let magic = "tracetui-proc"

    /// The sidecar's name for a trace file.
    public static func path(forTrace trace: String) -> String { trace + ".proc" }

    public static func header(pageSize: Int) -> String { "\(magic) 1 pagesize=\(pageSize)\n" }

    /// One sample's lines.
    public static func encode(_ s: ProcSample) -> String {
        var out = "T \(s.monotonic) \(s.realtime)\n"
        func join(_ v: [UInt64]) -> String { v.map(String.init).joined(separator: " ") }
        out += "c -1 \(join(s.stat.total.fields))\n"
        for c in s.stat.cpus { out += "c \(c.id) \(join(c.times.fields))\n" }
        let st = s.stat
        out += "s \(st.contextSwitches) \(st.interrupts) \(st.forks) \(st.procsRunning) \(st.procsBlocked)\n"
        out += "m " + s.memory.fields.map { $0.map(String.init) ?? "-" }.joined(separator: " ") + "\n"
        for d in s.disks { out += "d \(d.name) \(join(d.fields))\n" }
        for n in s.nets { out += "n \(n.name) \(join(n.fields))\n" }
        out += "l \(s.load.one) \(s.load.five) \(s.load.fifteen) \(s.load.running) \(s.load.total)\n"
        out += "v \(join(s.vm.fields))\n"
        for (name, p) in (s.pressure ?? [:]).sorted(by: { $0.key < $1.key }) {
            out += "p \(name) \(p.some.avg10) \(p.some.avg60) \(p.some.avg300) \(p.some.totalMicroseconds)"
            if let f = p.full { out += " \(f.avg10) \(f.avg60) \(f.avg300) \(f.totalMicroseconds)" }
            out += "\n"
        }
        if let c = s.counters, c.error == nil {
            out += "K" + c.cpus.map { " \($0)" }.joined() + "\n"
            for event in c.events {
                out += "k \(event.name)"
                for v in c.values[event] ?? [] { out += " \(v.value) \(v.enabled) \(v.running)" }
                out += "\n"
            }
        }
        if let b = s.bpf { out += BpfSidecar.encode(b) }
        return out
    }

    public struct Decoded: Sendable {
        public var pageSize = 4096
        public var samples: [ProcSample] = []
    }

    /// Reads a sidecar's bytes; nil if it does not start with the magic line. Unknown records are skipped
    /// (a newer writer may add some).
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Decoded? {
        let text = ProcText(bytes)
        var out = Decoded()
        var current: ProcSample?
        var first = true, valid = false
        text.forEachLine { t in
            if first {
                first = false
                valid = text.string(t[0]) == magic
                for k in t.dropFirst() where text.token(k, hasPrefix: "pagesize=") {
                    // A page size no machine has (0, past Int) keeps the default.
                    out.pageSize = text.uint(k.dropFirst(9)).flatMap { Int(exactly: $0) }.flatMap { $0 > 0 ? $0 : nil } ?? 4096
                }
                return
            }
            guard valid, t[0].count == 1 else { return }
            let kind = bytes[t[0].lowerBound]
            func nums(_ from: Int) -> [UInt64] { t.dropFirst(from).map { text.uint($0) ?? 0 } }
            if kind == UInt8(ascii: "T") {
                if var c = current {
                    c.bpf?.monotonic = c.monotonic
                    out.samples.append(c)
                }
                var s = ProcSample()
                // Times past Int64 are read as 0, like a missing one.
                if t.count >= 3 {
                    s.monotonic = Int64(exactly: text.uint(t[1]) ?? 0) ?? 0
                    s.realtime = Int64(exactly: text.uint(t[2]) ?? 0) ?? 0
                }
                current = s
                return
            }
            guard var s = current, t.count >= 2 else { return }
            switch kind {
            case UInt8(ascii: "c"):
                var c = CPUTimes()
                c.fields = nums(2)
                if text.token(t[1], is: "-1") {
                    s.stat.total = c
                } else if let id = text.uint(t[1]).flatMap({ Int(exactly: $0) }) {
                    s.stat.cpus.append((id, c))
                }
            case UInt8(ascii: "s"):
                let v = nums(1) + [0, 0, 0, 0, 0]
                (s.stat.contextSwitches, s.stat.interrupts, s.stat.forks, s.stat.procsRunning, s.stat.procsBlocked)
                    = (v[0], v[1], v[2], v[3], v[4])
            case UInt8(ascii: "m"):
                s.memory.fields = t.dropFirst().map { text.uint($0) }
            case UInt8(ascii: "d"):
                var d = DiskCounters(name: text.string(t[1]))
                d.fields = nums(2)
                s.disks.append(d)
            case UInt8(ascii: "n"):
                var n = NetCounters(name: text.string(t[1]))
                n.fields = nums(2)
                s.nets.append(n)
            case UInt8(ascii: "l"):
                let v = nums(1) + [0, 0, 0, 0, 0]
                s.load.one = Int(clamping: v[0]); s.load.five = Int(clamping: v[1]); s.load.fifteen = Int(clamping: v[2])
                s.load.running = v[3]; s.load.total = v[4]
            case UInt8(ascii: "v"):
                s.vm.fields = nums(1)
            case UInt8(ascii: "p"):
                let v = nums(2)
                var p = Pressure()
                if v.count >= 4 {
                    p.some.avg10 = Int(clamping: v[0]); p.some.avg60 = Int(clamping: v[1]); p.some.avg300 = Int(clamping: v[2])
                    p.some.totalMicroseconds = v[3]
                }
                if v.count >= 8 {
                    var f = Pressure.Line()
                    f.avg10 = Int(clamping: v[4]); f.avg60 = Int(clamping: v[5]); f.avg300 = Int(clamping: v[6])
                    f.totalMicroseconds = v[7]
                    p.full = f
                }
                var all = s.pressure ?? [:]
                all[text.string(t[1])] = p
                s.pressure = all
            case UInt8(ascii: "K"):
                // CPU numbers may be -1 (a task's counters): read the sign by hand.
                let cpus = t.dropFirst().map { k in
                    text.token(k, hasPrefix: "-") ? -Int(clamping: text.uint(k.dropFirst()) ?? 0) : Int(clamping: text.uint(k) ?? 0)
                }
                s.counters = CounterReading(events: [], cpus: cpus)
            case UInt8(ascii: "k"):
                let name = text.string(t[1])
                guard var c = s.counters, let event = CounterEvent.allCases.first(where: { $0.name == name }) else { break }
                c.events.append(event)
                let v = nums(2)
                if v.count >= 3 {
                    c.values[event] = stride(from: 0, to: v.count - 2, by: 3).map {
                        CounterValue(value: v[$0], enabled: v[$0 + 1], running: v[$0 + 2])
                    }
                }
                s.counters = c
            case UInt8(ascii: "B"), UInt8(ascii: "b"), UInt8(ascii: "y"), UInt8(ascii: "E"), UInt8(ascii: "e"):
                _ = BpfSidecar.decode(t.map { text.string($0) }, into: &s.bpf)
            default:
                break
            }
            current = s
        }
        guard valid else { return nil }
        if var c = current {
            c.bpf?.monotonic = c.monotonic
            out.samples.append(c)
        }
        return out
    }
}
