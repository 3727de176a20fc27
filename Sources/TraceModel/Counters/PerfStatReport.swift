/// `tracetui stat -- COMMAND`'s summary, laid out as `perf stat` prints it (perf 6.x, default output):
/// the count, the unit, the event, then after `#` a derived figure — task-clock as "CPUs utilized", other
/// counts per second of task-clock (perf's denominator, not wall time), cycles as GHz, instructions as IPC —
/// and the multiplexing share in parentheses when an event was not counted the whole time.
public enum PerfStatReport {
    public static func text(_ c: CommandCounts) -> String {
        var out = "\n Performance counter stats for '\(c.command.joined(separator: " "))':\n\n"
        let taskSeconds = c.taskClockSeconds
        let elapsed = Double(c.elapsedNanoseconds) / 1e9
        for event in c.reading.events {
            out += line(event, c, taskSeconds: taskSeconds, elapsed: elapsed) + "\n"
        }
        out += "\n" + pad(fixed(elapsed, 9), 18) + " seconds time elapsed\n\n"
        out += pad(fixed(Double(c.userMicroseconds) / 1e6, 9), 18) + " seconds user\n"
        out += pad(fixed(Double(c.systemMicroseconds) / 1e6, 9), 18) + " seconds sys\n\n"
        return out
    }

    /// One event's line: `              2.42 msec task-clock                       #    0.829 CPUs utilized`.
    static func line(_ event: CounterEvent, _ c: CommandCounts, taskSeconds: Double?, elapsed: Double) -> String {
        let shown = c.reading.name(event)
        let name = shown.padding(to: 33)
        guard let value = c.reading.total(event) else {
            return pad("<not supported>", 18) + "      " + shown
        }
        guard let scaled = value.scaled else {
            return pad("<not counted>", 18) + "      " + shown
        }
        var text: String
        var ratio: String?
        switch event {
        case .taskClock:
            text = pad(fixed(scaled / 1e6, 2), 18) + " msec " + name
            if elapsed > 0 { ratio = pad(fixed(scaled / 1e9 / elapsed, 3), 8) + " CPUs utilized" }
        case .cycles:
            text = pad(String(UInt64(scaled.rounded())), 18) + "      " + name
            if let t = taskSeconds, t > 0 { ratio = pad(fixed(scaled / t / 1e9, 3), 8) + " GHz" }
        case .instructions:
            text = pad(String(UInt64(scaled.rounded())), 18) + "      " + name
            if let ipc = c.ipc { ratio = pad(fixed(ipc, 2), 8) + "  insn per cycle" }
        default:
            text = pad(String(UInt64(scaled.rounded())), 18) + "      " + name
            if let t = taskSeconds, t > 0 { ratio = perSecond(scaled / t) }
        }
        if let ratio { text += "# " + ratio }
        if value.runningPercent < 100 {
            text += "  (" + fixed(value.runningPercent, 2) + "%)"
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// `   1.108 M/sec`: a rate with perf's unit letter (K, M, G of 1000).
    static func perSecond(_ rate: Double) -> String {
        for (limit, unit) in [(1e9, "G"), (1e6, "M"), (1e3, "K")] where rate >= limit {
            return pad(fixed(rate / limit, 3), 8) + " \(unit)/sec"
        }
        return pad(fixed(rate, 3), 8) + " /sec"
    }

    /// The same figures as one JSON object: the command, its exit status, times in seconds and, per event,
    /// the scaled count (null when not counted), whether it is supported, and the share of time it ran.
    public static func json(_ c: CommandCounts) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("command")
        w.beginArray()
        for word in c.command { w.string(word) }
        w.endArray()
        w.key("exit_status"); w.number(Int(c.exitStatus))
        w.key("elapsed_seconds"); w.raw(fixed(Double(c.elapsedNanoseconds) / 1e9, 9))
        w.key("user_seconds"); w.raw(fixed(Double(c.userMicroseconds) / 1e6, 6))
        w.key("system_seconds"); w.raw(fixed(Double(c.systemMicroseconds) / 1e6, 6))
        w.key("counters")
        w.beginArray()
        for event in c.reading.events {
            w.beginObject()
            w.key("event"); w.string(c.reading.name(event))
            let value = c.reading.total(event)
            w.key("supported"); w.raw(value != nil ? "true" : "false")
            w.key("value")
            if let scaled = value?.scaled { w.raw(event.isTime ? fixed(scaled, 0) : String(UInt64(scaled.rounded()))) } else { w.null() }
            if event.isTime { w.key("unit"); w.string("ns") }
            w.key("running_percent")
            if let v = value { w.raw(fixed(v.runningPercent, 2)) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.key("ipc")
        if let ipc = c.ipc { w.raw(fixed(ipc, 3)) } else { w.null() }
        w.endObject()
        return w.text
    }

    /// `v` with exactly `decimals` digits after the point (no Foundation in the model).
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        guard abs(v) * scale < 9e18 else { return String(Int64(v)) }
        let units = UInt64((abs(v) * scale).rounded())
        let whole = units / UInt64(scale), frac = units % UInt64(scale)
        let sign = v < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(whole) }
        let digits = String(frac)
        return sign + String(whole) + "." + String(repeating: "0", count: decimals - digits.count) + digits
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
