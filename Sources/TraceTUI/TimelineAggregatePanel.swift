import Screen
import TraceModel

/// The A–B panel under the timeline's lanes: what the range between the markers holds (`RangeAggregate`),
/// as lines of text.
enum TimelineAggregatePanel {
    static func lines(_ a: RangeAggregate, clock: TimestampClock, width: Int) -> [(String, Role)] {
        func d(_ ns: Int64) -> String { TimeFormat.duration(nanoseconds: ns) }
        var out: [(String, Role)] = []
        out.append((" A–B  \(TimeFormat.timestamp(a.from, clock: clock)) → \(TimeFormat.timestamp(a.to, clock: clock))"
                    + "  (\(d(a.to - a.from)))", .header))
        let cpus = Set(a.cpuBusy.keys).union(a.cpuIdle.keys).sorted()
        if !cpus.isEmpty {
            out.append((" CPU  " + cpus.map { c in
                let busy = a.cpuBusy[c] ?? 0, known = busy + (a.cpuIdle[c] ?? 0)
                return "cpu\(c) \(d(busy)) busy" + (known > 0 ? " (\(busy * 100 / known)%)" : "")
            }.joined(separator: "  "), .normal))
        }
        let s = a.delays
        out.append((" sched delay (woken/preempted → running): \(s.count)"
                    + (s.count > 0 ? "  max \(d(s.max))  p99 \(d(s.p99))  avg \(d(s.average))" : ""), .normal))
        out.append((" task                 running     on CPUs               runnable    sleeping    blocked", .dim))
        for t in a.tasks.prefix(8) {
            let name = String("\(t.comm)-\(t.pid)".prefix(20))
            let onCPU = t.cpu.keys.sorted().map { "\($0):\(d(t.cpu[$0]!))" }.joined(separator: " ")
            let cols = [name.padding(20), d(t.running).padding(11), String(onCPU.prefix(21)).padding(21),
                        d(t.states[.runnable] ?? 0).padding(11), d(t.states[.sleeping] ?? 0).padding(11),
                        d(t.states[.blocked] ?? 0)]
            out.append((" " + cols.joined(separator: " "), .normal))
        }
        if a.tasks.count > 8 { out.append((" … \(a.tasks.count - 8) more tasks", .dim)) }
        if !a.events.isEmpty {
            out.append((" events  " + a.events.prefix(6).map { "\($0.name) \($0.count)" }.joined(separator: "  "),
                        .normal))
        }
        return out
    }

    static func render(_ a: RangeAggregate?, note: String?, clock: TimestampClock, into canvas: inout Canvas, in rect: Rect) {
        canvas.fill(rect, role: .normal)
        guard rect.height > 0 else { return }
        guard let a else {
            canvas.put(" A–B: " + (note ?? "set markers A and B (m, M) and press a"), x: rect.x, y: rect.y, role: .dim,
                       limit: rect.maxX)
            return
        }
        for (k, line) in lines(a, clock: clock, width: rect.width).prefix(rect.height).enumerated() {
            if line.1 == .header { canvas.fill(Rect(x: rect.x, y: rect.y + k, width: rect.width, height: 1), role: .header) }
            canvas.put(line.0, x: rect.x, y: rect.y + k, role: line.1, limit: rect.maxX)
        }
    }
}

private extension String {
    func padding(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
