/// `tracetui latency`'s output: aligned tables (with `--histogram`, runqlat-style log2 bars), CSV and JSON.
public enum LatencyReportFormat {
    /// Text tables, one per section; names have control characters escaped so a hostile comm cannot drive the
    /// terminal.
    public static func text(_ r: LatencyReport, sections: [LatencySection], histograms: Bool = false,
                            limit: Int? = nil) -> String {
        var out = ""
        for section in sections {
            switch section {
            case .sched:
                out += "Scheduling delay (wakeup or preemption to switch-in), like perf sched latency\n"
                out += table(["Task", "Runtime ms", "Switches", "Avg delay ms", "Max delay ms", "Max start s",
                              "Max end s", "p50 ms", "p90 ms", "p99 ms", "Runnable ms", "Sleep ms", "Blocked ms"],
                             r.sched.prefix(limit ?? .max).map { row in
                    [label(row.comm, row.pids), ms(row.runtime), "\(row.switches)", ms(row.delay.average),
                     ms(row.delay.max), seconds(row.maxDelayStart), seconds(row.maxDelayEnd), ms(row.delay.p50),
                     ms(row.delay.p90), ms(row.delay.p99), ms(row.runnable), ms(row.sleep), ms(row.blocked)]
                })
                if histograms {
                    for row in r.sched.prefix(limit ?? .max) {
                        out += histogram(row.delay, title: label(row.comm, row.pids) + " scheduling delay")
                    }
                }
            case .syscalls:
                out += "Syscalls, like perf trace -s\n"
                out += syscallTable(r.syscalls.prefix(limit ?? .max))
                for task in r.syscallsByTask.prefix(limit ?? .max) {
                    let calls = task.syscalls.reduce(0) { $0 + $1.calls }
                    out += "\n " + label(task.comm, task.pids) + ", \(calls) syscalls\n"
                    out += syscallTable(task.syscalls[...])
                }
                if histograms {
                    for row in r.syscalls.prefix(limit ?? .max) { out += histogram(row.duration, title: escaped(row.name)) }
                }
            case .irq:
                out += "Interrupt handlers\n"
                out += table(["Kind", "Number", "Name", "Count", "Total ms", "Avg us", "Max us", "p50 us", "p90 us",
                              "p99 us"], r.irq.prefix(limit ?? .max).map { row in
                    [row.kind.rawValue, "\(row.number)", escaped(row.name), "\(row.duration.count)",
                     ms(row.duration.total), us(row.duration.average), us(row.duration.max), us(row.duration.p50),
                     us(row.duration.p90), us(row.duration.p99)]
                })
                if histograms {
                    for row in r.irq.prefix(limit ?? .max) {
                        out += histogram(row.duration, title: "\(row.kind.rawValue) \(row.number) \(escaped(row.name))")
                    }
                }
            case .block:
                out += "Block I/O, issue to completion\n"
                out += table(["Device", "I/Os", "Bytes", "Total ms", "Avg ms", "Max ms", "p50 ms", "p90 ms", "p99 ms"],
                             r.block.prefix(limit ?? .max).map { row in
                    [row.device, "\(row.ios)", "\(row.bytes)", ms(row.latency.total), ms(row.latency.average),
                     ms(row.latency.max), ms(row.latency.p50), ms(row.latency.p90), ms(row.latency.p99)]
                })
                if histograms {
                    for row in r.block.prefix(limit ?? .max) { out += histogram(row.latency, title: "device " + row.device) }
                }
            }
            out += "\n"
        }
        for note in r.notes { out += "note: " + escaped(note) + "\n" }
        return out
    }

    private static func syscallTable(_ rows: ArraySlice<SyscallLatencyRow>) -> String {
        table(["syscall", "calls", "errors", "total ms", "min ms", "avg ms", "max ms", "stddev %", "p50 ms", "p90 ms",
               "p99 ms"], rows.map { row in
            [escaped(row.name), "\(row.calls)", "\(row.errors)", ms(row.duration.total), ms(row.duration.min),
             ms(row.duration.average), ms(row.duration.max), fixed(row.duration.stddevPercent, 2),
             ms(row.duration.p50), ms(row.duration.p90), ms(row.duration.p99)]
        })
    }

    /// runqlat's layout: `     usecs : count    distribution` with one bar per log2 slot.
    public static func histogram(_ s: LatencyStats, title: String) -> String {
        guard !s.histogram.isEmpty else { return "" }
        var out = "\n" + title + "\n" + pad("nsecs", 22, right: true) + " : count     distribution\n"
        let top = s.histogram.max() ?? 1
        for (k, n) in s.histogram.enumerated() {
            let lo = LatencyStats.slotStart(k)
            let hi = k == 0 ? 0 : (Int64(1) << k) - 1
            let bar = String(repeating: "*", count: top > 0 ? (n * 40 + top - 1) / top : 0)
            out += pad("\(lo) -> \(hi)", 22, right: true) + " : " + pad("\(n)", 9, right: false)
                + "|" + pad(bar, 40, right: false) + "|\n"
        }
        return out
    }

    /// CSV: one table per section, `section` first so the rows can be told apart.
    public static func csv(_ r: LatencyReport, sections: [LatencySection]) -> String {
        var out = ""
        for section in sections {
            switch section {
            case .sched:
                out += "section,comm,pids,runtime_ns,switches,avg_delay_ns,max_delay_ns,max_delay_start,max_delay_end,"
                    + "p50_ns,p90_ns,p99_ns,runnable_ns,sleep_ns,blocked_ns\n"
                for row in r.sched {
                    out += ["sched", csvField(row.comm), pidList(row.pids), "\(row.runtime)", "\(row.switches)",
                            "\(row.delay.average)", "\(row.delay.max)", seconds(row.maxDelayStart),
                            seconds(row.maxDelayEnd), "\(row.delay.p50)", "\(row.delay.p90)", "\(row.delay.p99)",
                            "\(row.runnable)", "\(row.sleep)", "\(row.blocked)"].joined(separator: ",") + "\n"
                }
            case .syscalls:
                out += "section,task,pids,name,calls,errors,total_ns,min_ns,avg_ns,max_ns,stddev_pct,p50_ns,p90_ns,p99_ns\n"
                let all = r.syscalls.map { ("", [Int32](), $0) }
                let perTask = r.syscallsByTask.flatMap { t in t.syscalls.map { (t.comm, t.pids, $0) } }
                for (comm, pids, row) in all + perTask {
                    let d = row.duration
                    out += ["syscalls", csvField(comm), pidList(pids), csvField(row.name), "\(row.calls)",
                            "\(row.errors)", "\(d.total)", "\(d.min)", "\(d.average)", "\(d.max)",
                            fixed(d.stddevPercent, 2), "\(d.p50)", "\(d.p90)", "\(d.p99)"].joined(separator: ",") + "\n"
                }
            case .irq:
                out += "section,kind,number,name,count,total_ns,avg_ns,max_ns,p50_ns,p90_ns,p99_ns\n"
                for row in r.irq {
                    let d = row.duration
                    out += ["irq", row.kind.rawValue, "\(row.number)", csvField(row.name), "\(d.count)", "\(d.total)",
                            "\(d.average)", "\(d.max)", "\(d.p50)", "\(d.p90)", "\(d.p99)"].joined(separator: ",") + "\n"
                }
            case .block:
                out += "section,device,ios,bytes,total_ns,avg_ns,max_ns,p50_ns,p90_ns,p99_ns\n"
                for row in r.block {
                    let d = row.latency
                    out += ["block", row.device, "\(row.ios)", "\(row.bytes)", "\(d.total)", "\(d.average)",
                            "\(d.max)", "\(d.p50)", "\(d.p90)", "\(d.p99)"].joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    /// The JSON documented in README: the keys first, then percentiles, histogram and worst occurrences.
    public static func json(_ r: LatencyReport, sections: [LatencySection]) -> String {
        var w = JSONWriter()
        w.beginObject()
        for section in sections {
            w.key(section.rawValue)
            w.beginArray()
            switch section {
            case .sched:
                for row in r.sched {
                    w.beginObject()
                    w.key("comm"); w.string(row.comm)
                    w.key("pids"); w.beginArray(); for p in row.pids { w.number(Int(p)) }; w.endArray()
                    w.key("runtime_ns"); w.number(Int(row.runtime))
                    w.key("switches"); w.number(row.switches)
                    w.key("avg_delay_ns"); w.number(Int(row.delay.average))
                    w.key("max_delay_ns"); w.number(Int(row.delay.max))
                    w.key("max_delay_start"); w.raw(seconds(row.maxDelayStart))
                    w.key("max_delay_end"); w.raw(seconds(row.maxDelayEnd))
                    w.key("runnable_ns"); w.number(Int(row.runnable))
                    w.key("sleep_ns"); w.number(Int(row.sleep))
                    w.key("blocked_ns"); w.number(Int(row.blocked))
                    distribution(&w, row.delay)
                    w.endObject()
                }
            case .syscalls:
                for row in r.syscalls { syscallObject(&w, row) }
            case .irq:
                for row in r.irq {
                    w.beginObject()
                    w.key("kind"); w.string(row.kind.rawValue)
                    w.key("number"); w.number(row.number)
                    w.key("name"); w.string(row.name)
                    w.key("count"); w.number(row.duration.count)
                    w.key("total_ns"); w.number(Int(row.duration.total))
                    w.key("avg_ns"); w.number(Int(row.duration.average))
                    w.key("max_ns"); w.number(Int(row.duration.max))
                    distribution(&w, row.duration)
                    w.endObject()
                }
            case .block:
                for row in r.block {
                    w.beginObject()
                    w.key("device"); w.string(row.device)
                    w.key("ios"); w.number(row.ios)
                    w.key("bytes"); w.number(Int(row.bytes))
                    w.key("total_ns"); w.number(Int(row.latency.total))
                    w.key("avg_ns"); w.number(Int(row.latency.average))
                    w.key("max_ns"); w.number(Int(row.latency.max))
                    distribution(&w, row.latency)
                    w.endObject()
                }
            }
            w.endArray()
            if section == .syscalls {
                w.key("syscalls_by_task")
                w.beginArray()
                for task in r.syscallsByTask {
                    w.beginObject()
                    w.key("comm"); w.string(task.comm)
                    w.key("pids"); w.beginArray(); for p in task.pids { w.number(Int(p)) }; w.endArray()
                    w.key("syscalls"); w.beginArray()
                    for row in task.syscalls { syscallObject(&w, row) }
                    w.endArray()
                    w.endObject()
                }
                w.endArray()
            }
        }
        w.key("notes"); w.beginArray(); for n in r.notes { w.string(n) }; w.endArray()
        w.endObject()
        return w.text
    }

    private static func syscallObject(_ w: inout JSONWriter, _ row: SyscallLatencyRow) {
        w.beginObject()
        w.key("name"); w.string(row.name)
        w.key("calls"); w.number(row.calls)
        w.key("errors"); w.number(row.errors)
        w.key("total_ns"); w.number(Int(row.duration.total))
        w.key("min_ns"); w.number(Int(row.duration.min))
        w.key("avg_ns"); w.number(Int(row.duration.average))
        w.key("max_ns"); w.number(Int(row.duration.max))
        w.key("stddev_pct"); w.raw(fixed(row.duration.stddevPercent, 2))
        distribution(&w, row.duration)
        w.endObject()
    }

    /// Percentiles, the log2 histogram (`[[slot_start_ns, count], …]`) and the worst occurrences with their rows.
    private static func distribution(_ w: inout JSONWriter, _ s: LatencyStats) {
        w.key("p50_ns"); w.number(Int(s.p50))
        w.key("p90_ns"); w.number(Int(s.p90))
        w.key("p99_ns"); w.number(Int(s.p99))
        w.key("histogram")
        w.beginArray()
        for (k, n) in s.histogram.enumerated() where n > 0 {
            w.beginArray(); w.number(Int(LatencyStats.slotStart(k))); w.number(n); w.endArray()
        }
        w.endArray()
        w.key("worst")
        w.beginArray()
        for o in s.worst {
            w.beginObject()
            w.key("duration_ns"); w.number(Int(o.duration))
            w.key("start"); w.raw(seconds(o.start))
            w.key("end"); w.raw(seconds(o.end))
            w.key("start_row"); w.number(o.startRow)
            w.key("end_row"); w.number(o.endRow)
            if o.pid >= 0 { w.key("pid"); w.number(Int(o.pid)) }
            w.endObject()
        }
        w.endArray()
    }

    // MARK: - cells

    /// `comm:pid`, or `comm:(n)` for n merged threads, as perf prints them; control characters escaped.
    static func label(_ comm: String, _ pids: [Int32]) -> String {
        pids.count == 1 ? "\(escaped(comm)):\(pids[0])" : "\(escaped(comm)):(\(pids.count))"
    }

    /// Control characters as `\xNN`.
    public static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || ($0.value >= 0x80 && $0.value < 0xA0) })
        else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) {
                let hex = String(u.value, radix: 16)
                out += "\\x" + (hex.count < 2 ? "0" + hex : hex)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for c in s { out += c == "\"" ? "\"\"" : String(c) }
        return out + "\""
    }

    private static func pidList(_ pids: [Int32]) -> String { pids.map { "\($0)" }.joined(separator: " ") }

    static func ms(_ ns: Int64) -> String { fixed(Double(ns) / 1e6, 3) }
    static func us(_ ns: Int64) -> String { fixed(Double(ns) / 1e3, 3) }

    /// A trace timestamp in seconds with nanosecond digits.
    static func seconds(_ ns: Int64) -> String {
        let sign = ns < 0 ? "-" : ""
        let a = ns.magnitude
        let frac = String(a % 1_000_000_000)
        return sign + "\(a / 1_000_000_000)." + String(repeating: "0", count: 9 - frac.count) + frac
    }

    static func fixed(_ v: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let r = (abs(v) * scale).rounded()
        let whole = Int64(r / scale)
        let frac = String(Int64(r) - whole * Int64(scale))
        return (v < 0 && r > 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: decimals - frac.count) + frac
    }

    /// Columns padded to their widest cell: the first left-aligned, the rest right-aligned.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (k, cell) in row.enumerated() where k < widths.count { widths[k] = max(widths[k], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var s = " "
            for (k, cell) in cells.enumerated() {
                s += (k == 0 ? pad(cell, widths[k], right: false) : pad(cell, widths[k], right: true))
                s += k == cells.count - 1 ? "\n" : " | "
            }
            return s
        }
        var out = line(header)
        out += " " + String(repeating: "-", count: widths.reduce(0, +) + 3 * (widths.count - 1)) + "\n"
        for row in rows { out += line(row) }
        return out
    }

    static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.count
        guard n < width else { return s }
        let space = String(repeating: " ", count: width - n)
        return right ? space + s : s + space
    }
}
