/// Fields of the payloads trace-cmd's (libtraceevent's) plugins print instead of the kernel's `key=value`
/// format, told by their shape, so that a filter such as `prev_state == S` works on `trace-cmd report` text:
/// - sched_switch: `bash:1234 [120] S ==> swapper/1:0 [120]` → prev_comm, prev_pid, prev_prio, prev_state,
///   next_comm, next_pid, next_prio;
/// - sched_wakeup, sched_wakeup_new, sched_waking: `rcu_preempt:15 [120] CPU:000` (older: `success=1 CPU:000`)
///   → comm, pid, prio, target_cpu.
/// (softirq's `vec=1 [action=TIMER]` is `key=value` already: EventFields stops a value at the bracket.)
enum PluginLayout {
    /// Every field these layouts name: a filter on any other field never parses a payload this way.
    static let keys: Set<String> = ["prev_comm", "prev_pid", "prev_prio", "prev_state", "next_comm", "next_pid",
                                    "next_prio", "comm", "pid", "prio", "target_cpu"]

    /// The fields of a plugin-formatted payload, or nil when the payload is not one of these shapes.
    static func fields(_ p: UnsafeRawBufferPointer) -> [(key: String, value: String)]? {
        let n = p.count
        if let arrow = find(p, " ==> ") {
            guard let prev = task(p, 0, arrow), let next = task(p, arrow + 5, n) else { return nil }
            let state = text(p, skipSpaces(p, prev.end, arrow), trimEnd(p, prev.end, arrow))
            guard !state.isEmpty, !state.contains(" ") else { return nil }
            return [("prev_comm", prev.comm), ("prev_pid", prev.pid), ("prev_prio", prev.prio), ("prev_state", state),
                    ("next_comm", next.comm), ("next_pid", next.pid), ("next_prio", next.prio)]
        }
        guard let t = task(p, 0, n) else { return nil }
        var out = [("comm", t.comm), ("pid", t.pid), ("prio", t.prio)]
        if let cpu = find(p, "CPU:"), cpu >= t.end {
            var e = cpu + 4
            while e < n, p[e] >= 0x30, p[e] <= 0x39 { e += 1 }
            if e > cpu + 4 { out.append(("target_cpu", String(Int(text(p, cpu + 4, e)) ?? 0))) }
        }
        return out
    }

    /// `comm:pid [prio]` starting the range (the comm may hold colons: the pid follows the last one before
    /// the bracket); `end` is just past the `]`.
    private static func task(_ p: UnsafeRawBufferPointer, _ from: Int, _ to: Int)
        -> (comm: String, pid: String, prio: String, end: Int)? {
        let s = skipSpaces(p, from, to)
        var open = s
        while open < to, p[open] != UInt8(ascii: "[") { open += 1 }
        guard open < to, open > s + 2, p[open - 1] == 0x20 else { return nil }
        var close = open + 1
        while close < to, p[close] >= 0x30, p[close] <= 0x39 || p[close] == UInt8(ascii: "-") { close += 1 }
        guard close < to, close > open + 1, p[close] == UInt8(ascii: "]") else { return nil }
        let head = trimEnd(p, s, open)
        var colon = head - 1
        while colon > s, p[colon] >= 0x30, p[colon] <= 0x39 { colon -= 1 }
        guard colon > s, colon < head - 1, p[colon] == UInt8(ascii: ":") else { return nil }
        return (text(p, s, colon), text(p, colon + 1, head), text(p, open + 1, close), close + 1)
    }

    private static func skipSpaces(_ p: UnsafeRawBufferPointer, _ k: Int, _ to: Int) -> Int {
        var k = k
        while k < to, p[k] == 0x20 || p[k] == 0x09 { k += 1 }
        return k
    }

    private static func trimEnd(_ p: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Int {
        var e = to
        while e > from, p[e - 1] == 0x20 || p[e - 1] == 0x09 { e -= 1 }
        return e
    }

    private static func text(_ p: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> String {
        guard to > from else { return "" }
        return String(decoding: UnsafeRawBufferPointer(rebasing: p[from..<to]), as: UTF8.self)
    }

    private static func find(_ p: UnsafeRawBufferPointer, _ needle: StaticString) -> Int? {
        let m = needle.utf8CodeUnitCount
        guard p.count >= m else { return nil }
        return needle.withUTF8Buffer { nb -> Int? in
            var i = 0
            while i + m <= p.count {
                if p[i] == nb[0] {
                    var same = true
                    for k in 1..<m where p[i + k] != nb[k] {
                        same = false
                        break
                    }
                    if same { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
