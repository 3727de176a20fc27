/// Reads Chrome trace-event JSON (`{"traceEvents": [...]}` or a bare array, as Chrome, Perfetto and
/// `uftrace dump --chrome` write) and turns it into ftrace-style text lines, so that one parser, one store and
/// one call tree serve every input.
///
/// Duration events (`B`/`E` pairs and `X`) become `funcgraph_entry` / `funcgraph_exit` lines nested per thread;
/// every other event becomes a line `name: key=value …` with its args. Timestamps are µs in the JSON, ns here.
public enum ChromeTraceReader {
    /// The header line that tells the call-tree builder to nest calls per thread (the JSON has no CPUs).
    public static let perThreadHeader = "# calls nest per thread (from Chrome trace-event JSON)"

    struct Event {
        var ph: UInt8
        var name: String
        var ts: Int64
        var dur: Int64?
        var pid: Int64
        var tid: Int64
        var args: [(String, JSONValue)]
        var extra: [(String, JSONValue)]
    }

    /// A call on one thread, from an `X` event or a matched `B`/`E` pair.
    struct Call {
        var name: String
        var ts: Int64
        var dur: Int64?
        var endOnly = false
        var cpu: Int64?
        /// Written by a tracer that saw the call open at the end of its trace (tracetui's `unfinished`).
        var unfinished = false
        /// The order calls opened in: calls that begin and end at the same times (µs timestamps collide) nest
        /// in that order, as their B events did.
        var seq: Int64 = 0
    }

    /// One output line before sorting: time, then the order among lines of the same time on one thread.
    struct Record {
        var ts: Int64
        var rank: Int64
        var tie: Int64
        /// After `tie`: the opening order (entries) or its reverse (exits).
        var order: Int64 = 0
        var thread: Int
        var text: [UInt8]
    }

    public static func ftraceText(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> [UInt8] {
        var threadNames: [Int64: String] = [:]
        var processNames: [Int64: String] = [:]
        var events: [Event] = []
        var ids = IDMap()
        // Events with a number out of range: kept as lines no parser reads, so they are counted and shown.
        var unreadable: [[UInt8]] = []
        var index = 0
        try forEachEvent(bytes) { v throws(JSONError) in
            index += 1
            guard case .object(let members) = v else { return }
            var e = Event(ph: UInt8(ascii: "i"), name: "", ts: 0, dur: nil, pid: 0, tid: 0, args: [], extra: [])
            var outOfRange: String?
            for (k, value) in members {
                switch k {
                case "ph": e.ph = value.string?.utf8.first ?? e.ph
                case "name": e.name = value.string ?? value.text
                case "ts", "dur":
                    guard let us = value.number else { continue }
                    guard let ns = nanoseconds(us) else {
                        outOfRange = outOfRange ?? "\(k) \(value.text)"
                        continue
                    }
                    if k == "ts" { e.ts = ns } else { e.dur = ns }
                case "pid", "tid":
                    guard let id = ids.id(value) else {
                        outOfRange = outOfRange ?? "\(k) \(value.text)"
                        continue
                    }
                    if k == "pid" { e.pid = id } else { e.tid = id }
                case "args": if case .object(let a) = value { e.args = a }
                case "cat", "id", "s", "bp", "scope": e.extra.append((k, value))
                default: break
                }
            }
            if let outOfRange {
                // Worded to match no line format, so the text parser keeps it as an unparsed row.
                unreadable.append(Array("(unread Chrome trace event #\(index): \(outOfRange) is out of range)".utf8))
                return
            }
            if e.ph == UInt8(ascii: "M") {
                let name = e.args.first { $0.0 == "name" }?.1.string
                if e.name == "thread_name", let name { threadNames[e.tid] = name }
                if e.name == "process_name", let name { processNames[e.pid] = name }
                return
            }
            events.append(e)
        }
        // Per thread, in time order (B/E must nest per thread: matched in that order).
        var threads: [Int64: Int] = [:]
        var threadKeys: [(pid: Int64, tid: Int64)] = []
        var perThread: [[Int]] = []
        for (k, e) in events.enumerated() {
            let key = e.pid &* 1_000_003 &+ e.tid
            let t: Int
            if let known = threads[key] {
                t = known
            } else {
                t = threadKeys.count
                threads[key] = t
                threadKeys.append((e.pid, e.tid))
                perThread.append([])
            }
            perThread[t].append(k)
        }
        var records: [Record] = []
        records.reserveCapacity(events.count * 2)
        var allCallsHaveCPU = true
        for (t, list) in perThread.enumerated() {
            let sorted = list.sorted { (events[$0].ts, $0) < (events[$1].ts, $1) }
            let (pid, tid) = threadKeys[t]
            let comm = threadNames[tid] ?? processNames[pid] ?? "<...>"
            var prefix = LinePrefix(comm: comm, tid: tid, pid: pid)
            var open: [Call] = []
            var calls: [Call] = []
            for k in sorted {
                let e = events[k]
                let cpu = e.args.first { $0.0 == "cpu" }?.1.number.flatMap { Int64(exactly: $0) }
                    .flatMap { (0..<65536).contains($0) ? $0 : nil }
                switch e.ph {
                case UInt8(ascii: "X"):
                    allCallsHaveCPU = allCallsHaveCPU && cpu != nil
                    let unfinished = e.args.contains { $0.0 == "unfinished" && $0.1 == .bool(true) }
                    calls.append(Call(name: e.name, ts: e.ts, dur: max(0, e.dur ?? 0), cpu: cpu, unfinished: unfinished,
                                      seq: Int64(k)))
                case UInt8(ascii: "B"):
                    allCallsHaveCPU = allCallsHaveCPU && cpu != nil
                    open.append(Call(name: e.name, ts: e.ts, dur: nil, cpu: cpu, seq: Int64(k)))
                case UInt8(ascii: "E"):
                    // An E closes the thread's last B. One that names another call than every open one closes
                    // none of them: `uftrace dump --chrome` drops the B of a pre-empted `linux:schedule` and
                    // keeps its E, which would otherwise end the enclosing call and shift every later E by one.
                    let match = e.name.isEmpty ? open.indices.last : open.lastIndex { $0.name == e.name }
                    if let m = match {
                        // Calls opened inside the matched one and left open end with it.
                        while open.count > m {
                            var c = open.removeLast()
                            c.dur = max(0, e.ts - c.ts)
                            calls.append(c)
                        }
                    } else if open.isEmpty {
                        calls.append(Call(name: e.name, ts: e.ts, dur: nil, endOnly: true, cpu: cpu, seq: Int64(k)))
                    } else {
                        // Kept as an event of its own, so it is seen and counted.
                        records.append(Record(ts: e.ts, rank: 2, tie: Int64(k), thread: t,
                                              text: prefix.line(ts: e.ts, cpu: cpu, event: "unmatched_end",
                                                                payload: "name=\(callName(e.name))")))
                    }
                default:
                    records.append(Record(ts: e.ts, rank: 2, tie: Int64(k), thread: t,
                                          text: prefix.line(ts: e.ts, cpu: cpu, event: eventName(e.name),
                                                            payload: payload(of: e))))
                }
            }
            calls += open
            for c in calls { records += callRecords(c, thread: t, prefix: &prefix) }
        }
        // Within a thread: ends before begins at the same time (the inner call's end first), longer calls begin
        // first, and events come after the calls that begin with them.
        records.sort { a, b in
            if a.ts != b.ts { return a.ts < b.ts }
            if a.thread != b.thread { return a.thread < b.thread }
            if a.rank != b.rank { return a.rank < b.rank }
            if a.tie != b.tie { return a.tie < b.tie }
            return a.order < b.order
        }
        // Calls that say their CPU nest per CPU, as the kernel's function_graph does; others per thread.
        var out: [UInt8] = []
        if !allCallsHaveCPU {
            out = Array(perThreadHeader.utf8)
            out.append(0x0A)
        }
        for r in records {
            out += r.text
            out.append(0x0A)
        }
        // After the events: the first lines are what the parser learns the layout from.
        for line in unreadable {
            out += line
            out.append(0x0A)
        }
        return out
    }

    private static func callRecords(_ c: Call, thread t: Int, prefix: inout LinePrefix) -> [Record] {
        let name = callName(c.name)
        if c.endOnly {
            return [Record(ts: c.ts, rank: 0, tie: 0, order: c.seq, thread: t,
                           text: prefix.line(ts: c.ts, cpu: c.cpu, event: "funcgraph_exit",
                                             payload: "| } /* \(name) */"))]
        }
        guard let dur = c.dur, !c.unfinished else {
            return [Record(ts: c.ts, rank: 1, tie: c.dur.map { -$0 } ?? Int64.max, order: c.seq, thread: t,
                           text: prefix.line(ts: c.ts, cpu: c.cpu, event: "funcgraph_entry", payload: "| \(name)() {"))]
        }
        if dur == 0 {
            return [Record(ts: c.ts, rank: 1, tie: Int64.max, order: c.seq, thread: t,
                           text: prefix.line(ts: c.ts, cpu: c.cpu, event: "funcgraph_entry",
                                             payload: "\(duration(0)) | \(name)();"))]
        }
        return [
            Record(ts: c.ts, rank: 1, tie: -dur, order: c.seq, thread: t,
                   text: prefix.line(ts: c.ts, cpu: c.cpu, event: "funcgraph_entry", payload: "| \(name)() {")),
            Record(ts: c.ts + dur, rank: 0, tie: -c.ts, order: -c.seq, thread: t,
                   text: prefix.line(ts: c.ts + dur, cpu: c.cpu, event: "funcgraph_exit",
                                     payload: "\(duration(dur)) | } /* \(name) */")),
        ]
    }

    /// `12.345 us` from ns, exactly.
    static func duration(_ ns: Int64) -> String {
        let frac = String(ns % 1000)
        return "\(ns / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) us"
    }

    /// Calls are read back up to `(`, `;` or a space: those become `_`.
    static func callName(_ s: String) -> String {
        let n = String(s.map { c -> Character in
            c == " " || c == "(" || c == ";" || c == "\t" || c == "\n" || c == "\r" ? "_" : c
        })
        return n.isEmpty ? "(anonymous)" : n
    }

    /// Event names are identifiers in ftrace text.
    static func eventName(_ s: String) -> String {
        let n = String(s.unicodeScalars.map { u -> Character in
            (u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "_" || u == ".") && u.isASCII
                ? Character(u) : "_"
        })
        return n.isEmpty ? "event" : n
    }

    private static func payload(of e: Event) -> String {
        var parts: [String] = []
        if e.ph != UInt8(ascii: "i"), e.ph != UInt8(ascii: "I") {
            parts.append("ph=" + String(UnicodeScalar(e.ph)))
        }
        for (k, v) in e.extra + e.args { parts.append(field(k, v.text)) }
        if let d = e.dur { parts.append("dur_ns=\(d)") }
        return parts.joined(separator: " ")
    }

    private static func field(_ key: String, _ value: String) -> String {
        let k = eventName(key)
        let flat = value.replacingNewlines()
        if flat.isEmpty || flat.contains(" ") || flat.contains("\"") {
            return k + "=\"" + flat.replacingQuotes() + "\""
        }
        return k + "=" + flat
    }

    /// The largest time or duration read, in ns (146 years): two of them add or subtract without overflow.
    static let largestNanoseconds = Double(Int64(1) << 62)

    /// µs into ns; nil when out of range (`1e300`, NaN).
    static func nanoseconds(_ us: Double) -> Int64? {
        let ns = (us * 1000).rounded()
        guard ns.isFinite, abs(ns) < largestNanoseconds else { return nil }
        return Int64(ns)
    }

    /// Walks the `traceEvents` array (or the bare array), one event at a time. A bare array may lack its `]`.
    static func forEachEvent(_ bytes: UnsafeRawBufferPointer,
                             _ body: (JSONValue) throws(JSONError) -> Void) throws(JSONError) {
        var r = JSONReader(bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { r = JSONReader(bytes, offset: 3) }
        if r.peek() == UInt8(ascii: "[") {
            try walkArray(&r, body, truncatedOK: true)
            return
        }
        try r.expect(UInt8(ascii: "{"))
        if r.take(UInt8(ascii: "}")) { return }
        repeat {
            guard case .string(let key) = try r.value() else { throw r.fail("expected a key") }
            try r.expect(UInt8(ascii: ":"))
            if key == "traceEvents", r.peek() == UInt8(ascii: "[") {
                try walkArray(&r, body, truncatedOK: false)
            } else {
                try r.skipValue()
            }
        } while r.take(UInt8(ascii: ","))
        try r.expect(UInt8(ascii: "}"))
    }

    private static func walkArray(_ r: inout JSONReader, _ body: (JSONValue) throws(JSONError) -> Void,
                                  truncatedOK: Bool) throws(JSONError) {
        try r.expect(UInt8(ascii: "["))
        if r.take(UInt8(ascii: "]")) { return }
        while true {
            if truncatedOK, r.peek() == nil { return }
            try body(try r.value())
            if r.take(UInt8(ascii: ",")) {
                if truncatedOK, r.peek() == nil || r.peek() == UInt8(ascii: "]") { _ = r.take(UInt8(ascii: "]")); return }
                continue
            }
            if truncatedOK, r.peek() == nil { return }
            try r.expect(UInt8(ascii: "]"))
            return
        }
    }

    /// pid / tid may be numbers or strings: strings get numbers of their own.
    struct IDMap {
        var strings: [String: Int64] = [:]
        /// nil for a number no pid is (beyond 2^53, or fractional).
        mutating func id(_ v: JSONValue) -> Int64? {
            if let n = v.number {
                guard abs(n) < 9_007_199_254_740_992, let id = Int64(exactly: n) else { return nil }
                return id
            }
            let s = v.text
            if let known = strings[s] { return known }
            let id = Int64(1_000_000_000 + strings.count)
            strings[s] = id
            return id
        }
    }

    /// `comm-tid (pid) [cpu] sec.ns: ` — built once per thread, the time and CPU filled per line.
    struct LinePrefix {
        let head: [UInt8]
        let pidColumn: [UInt8]

        init(comm: String, tid: Int64, pid: Int64) {
            let safe = comm.replacingNewlines()
            head = Array("\(safe.isEmpty ? "<...>" : safe)-\(tid) ".utf8)
            pidColumn = Array("(\(pid)) ".utf8)
        }

        mutating func line(ts: Int64, cpu: Int64?, event: String, payload: String) -> [UInt8] {
            var out = head
            out += pidColumn
            let c = String(max(0, cpu ?? 0))
            out += Array(("[" + String(repeating: "0", count: max(0, 3 - c.count)) + c + "] ").utf8)
            let t = max(0, ts)
            let frac = String(t % 1_000_000_000)
            out += Array("\(t / 1_000_000_000).\(String(repeating: "0", count: 9 - frac.count))\(frac): ".utf8)
            out += Array(event.utf8)
            out += Array(": ".utf8)
            out += Array(payload.utf8)
            return out
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    func replacingQuotes() -> String {
        String(map { $0 == "\"" ? "'" : $0 })
    }
}
