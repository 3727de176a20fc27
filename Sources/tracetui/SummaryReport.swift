import TraceModel

/// `stat`'s two outputs: an aligned text summary and a JSON object with stable keys.
enum SummaryReport {
    static func text(_ s: TraceSummary, source: String) -> String {
        var out = ""
        func line(_ key: String, _ value: String) { out += key.padding(16) + value + "\n" }
        line("file", source)
        line("tracer", s.tracer ?? "(none in header)")
        line("cpus", s.cpus.map(String.init) ?? "(not in header)")
        line("events", String(s.events))
        line("first", s.firstTimestamp.map { TimeFormat.timestamp($0, clock: s.clock) } ?? "-")
        line("last", s.lastTimestamp.map { TimeFormat.timestamp($0, clock: s.clock) } ?? "-")
        // From the earliest to the latest time: an unsorted log's first line is not always its earliest.
        if let d = s.duration {
            line("duration", TimeFormat.duration(nanoseconds: d, clock: s.clock))
        }
        line("lost events", "\(s.lostEvents)" + (s.overwritten > 0 ? " (\(s.overwritten) overwritten in the ring buffer, \(s.lostInLines) in LOST lines)" : ""))
        line("unparsed lines", String(s.unparsed))
        if s.tornLines > 0 { line("torn lines", "\(s.tornLines) (events read from the end of lines another line overwrote)") }
        if s.stackBlocks > 0 || s.stackFrames > 0 { line("stacks", "\(s.stackBlocks) (\(s.stackFrames) frames)") }
        out += "\nevents per cpu\n"
        for (cpu, n) in s.byCPU.sorted(by: { $0.key < $1.key }) { out += "  cpu \(cpu)".padding(16) + "\(n)\n" }
        out += "\nevents per name\n"
        let width = min(40, (s.byEvent.keys.map(\.count).max() ?? 10) + 4)
        for (name, n) in s.byEvent.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            out += "  " + name.padding(width) + "\(n)\n"
        }
        return out
    }

    static func json(_ s: TraceSummary, source: String) -> String {
        var w = JSONWriter()
        w.beginObject()
        do {
            w.key("file"); w.string(source)
            w.key("tracer"); if let t = s.tracer { w.string(t) } else { w.null() }
            w.key("cpus"); if let c = s.cpus { w.number(c) } else { w.null() }
            w.key("events"); w.number(s.events)
            w.key("by_event")
            w.beginObject()
            for (name, n) in s.byEvent.sorted(by: { $0.key < $1.key }) { w.key(name); w.number(n) }
            w.endObject()
            w.key("by_cpu")
            w.beginObject()
            for (cpu, n) in s.byCPU.sorted(by: { $0.key < $1.key }) { w.key(String(cpu)); w.number(n) }
            w.endObject()
            w.key("lost_events"); w.number(s.lostEvents)
            w.key("lost_in_lines"); w.number(Int(s.lostInLines))
            w.key("overwritten"); w.number(s.overwritten)
            w.key("unparsed"); w.number(s.unparsed)
            w.key("torn_lines"); w.number(s.tornLines)
            w.key("stack_traces"); w.number(s.stackBlocks)
            // Numbers in the clock's unit (seconds, counter ticks, or µs for latency-format logs): never `0us`.
            w.key("first_timestamp")
            if let f = s.firstTimestamp { w.raw(jsonTime(f, s.clock)) } else { w.null() }
            w.key("last_timestamp")
            if let l = s.lastTimestamp { w.raw(jsonTime(l, s.clock)) } else { w.null() }
            w.key("duration_ns")
            if let d = s.duration { w.raw(String(d)) } else { w.null() }
            w.key("clock"); w.string(s.clock == .counter ? "counter" : s.clock == .relativeMicroseconds ? "latency-us" : "seconds")
        }
        w.endObject()
        return w.text
    }
}

/// A time as a JSON number in its clock's unit.
private func jsonTime(_ value: Int64, _ clock: TimestampClock) -> String {
    clock == .relativeMicroseconds ? String(value / 1000) : TimeFormat.timestamp(value, clock: clock)
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
