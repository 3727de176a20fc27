import Foundation

/// The numbers the reference tools print, read back from their text output for comparison.
enum LatencyToolOutput {
    /// One `perf sched latency` row: `  dd:(12)  |  48.797 ms |  23 | avg:  5.135 ms | max:  32.611 ms | …`.
    struct PerfSchedRow {
        var comm: String
        /// `pid` for one thread, `(n)` for n merged threads.
        var id: String
        var runtimeMS: Double
        var switches: Int
        var avgMS: Double
        var maxMS: Double
    }

    static func perfSchedLatency(_ text: String) -> [PerfSchedRow] {
        text.split(separator: "\n").compactMap { line in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 5, cells[3].hasPrefix("avg:"), let colon = cells[0].lastIndex(of: ":"),
                  let switches = Int(cells[2]) else { return nil }
            func ms(_ s: String) -> Double? {
                Double(s.replacingOccurrences(of: "avg:", with: "").replacingOccurrences(of: "max:", with: "")
                    .replacingOccurrences(of: "ms", with: "").trimmingCharacters(in: .whitespaces))
            }
            guard let runtime = ms(cells[1]), let avg = ms(cells[3]), let max = ms(cells[4]) else { return nil }
            // A thread perf never learnt a comm for is named `:pid` (perf's placeholder): its comm is unknown.
            let comm = String(cells[0][..<colon])
            return PerfSchedRow(comm: comm.hasPrefix(":") ? "" : comm, id: String(cells[0][cells[0].index(after: colon)...]),
                                runtimeMS: runtime, switches: switches, avgMS: avg, maxMS: max)
        }
    }

    /// `perf trace -s`: per syscall calls and errors, summed over the threads it lists.
    static func perfTraceSummary(_ text: String) -> [String: (calls: Int, errors: Int)] {
        var out: [String: (calls: Int, errors: Int)] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 8, let calls = Int(words[1]), let errors = Int(words[2]),
                  words.last?.hasSuffix("%") == true else { continue }
            let name = String(words[0])
            out[name] = ((out[name]?.calls ?? 0) + calls, (out[name]?.errors ?? 0) + errors)
        }
        return out
    }

    /// `perf trace -s`: per syscall the total (msec), for a summary of one thread.
    static func perfTraceTotals(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 8, Int(words[1]) != nil, Int(words[2]) != nil, let total = Double(words[3]),
                  words.last?.hasSuffix("%") == true else { continue }
            out[String(words[0]), default: 0] += total
        }
        return out
    }

    /// `trace-cmd report --profile`: each task's wakeup latency, `Event: sched_wakeup:0x… (count) Total: t Avg: a`.
    static func traceCmdWakeups(_ text: String) -> [Int32: (count: Int, average: Int64)] {
        var out: [Int32: (count: Int, average: Int64)] = [:]
        var task: Int32?
        for line in text.split(separator: "\n") {
            let s = line.trimmingCharacters(in: .whitespaces)
            if s.hasPrefix("task: "), let dash = s.lastIndex(of: "-") {
                task = Int32(s[s.index(after: dash)...])
                continue
            }
            guard let task, s.hasPrefix("Event: sched_wakeup:"), s.contains(" Total: "),
                  let open = s.firstIndex(of: "("), let close = s.firstIndex(of: ")"),
                  let count = Int(s[s.index(after: open)..<close]),
                  let avgAt = s.range(of: " Avg: ") else { continue }
            let avg = s[avgAt.upperBound...].prefix { $0.isNumber }
            if let a = Int64(avg) { out[task] = (count, a) }
        }
        return out
    }

    /// `perf report --stdio --no-children --sort comm,dso,symbol`: `  97.11%  comm  dso  [.] symbol`.
    static func perfReport(_ text: String) -> [(percent: Double, comm: String, dso: String, symbol: String)] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count >= 5, words[0].hasSuffix("%"), let pct = Double(words[0].dropLast()),
                  let mark = words.firstIndex(where: { $0 == "[.]" || $0 == "[k]" }), mark >= 3 else { return nil }
            // The symbol runs to the next run of spaces (perf pads it, then may print more columns).
            guard let bracket = line.range(of: "\(words[mark]) ") else { return nil }
            let symbol = String(line[bracket.upperBound...]).components(separatedBy: "  ").first ?? ""
            return (pct, String(words[1]), String(words[2]), symbol.trimmingCharacters(in: .whitespaces))
        }
    }
}
