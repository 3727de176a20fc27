/// Writes a trace as Chrome trace-event JSON, the format Perfetto UI, chrome://tracing and the Firefox profiler
/// open: function_graph calls as complete (`X`) events on their task's thread, every other event as an instant
/// (`i`) event with its fields as args, and what ran on each CPU (from `sched_switch`) as slices on one track per
/// CPU. Timestamps are µs with ns precision.
public struct ChromeTraceWriter {
    /// The pseudo-process holding one thread per CPU: calls of unknown tasks and the scheduler's slices.
    static let cpuProcess: Int64 = 1_000_000_000

    public let store: EventStore
    public let tree: CallTree?
    /// Rows to write: the A–B range of a view, or all.
    public var rows: Range<Int>
    /// Which event rows to write (a view's filter); calls are written whole from the tree.
    public var include: ((Int) -> Bool)?

    public init(store: EventStore, tree: CallTree?, rows: Range<Int>? = nil, include: ((Int) -> Bool)? = nil) {
        self.store = store
        self.tree = tree
        self.rows = rows ?? 0..<store.count
        self.include = include
    }

    /// Writes the whole document; returns the number of trace events written (metadata not counted).
    @discardableResult
    public func write(to sink: inout ByteSink) -> Int {
        sink.ascii("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"source\":\"tracetui\"},\"traceEvents\":[\n")
        var first = true
        var written = 0
        func separator(_ sink: inout ByteSink) {
            if first { first = false } else { sink.ascii(",\n") }
        }
        var usedTasks = [Bool](repeating: false, count: store.taskNames.count)
        var usedCPUs = Set<Int>()
        written += writeEvents(&sink, separator: separator, usedTasks: &usedTasks, usedCPUs: &usedCPUs)
        if let tree { written += writeCalls(tree, &sink, separator: separator, usedCPUs: &usedCPUs) }
        writeMetadata(&sink, separator: separator, usedTasks: usedTasks, usedCPUs: usedCPUs)
        sink.ascii("\n]}\n")
        sink.finish()
        return written
    }

    // MARK: - events

    private func writeEvents(_ sink: inout ByteSink, separator: (inout ByteSink) -> Void,
                             usedTasks: inout [Bool], usedCPUs: inout Set<Int>) -> Int {
        let skip: Set<String> = ["funcgraph_entry", "funcgraph_exit", "funcgraph_irq", "context_switch"]
        let skipped = store.eventNames.enumerated().map { skip.contains($0.element) }
        let switchID = store.eventNames.firstIndex(of: "sched_switch").map { UInt16($0) }
        var running: [Int: (ts: Int64, pid: Int64, name: [UInt8])] = [:]
        var written = 0
        var nameJSON: [[UInt8]?] = Array(repeating: nil, count: store.eventNames.count)
        var lastTS: Int64 = 0
        // Chunk by chunk, not `locate` per row: a 10 M-event export is bounded by this loop.
        var base = 0
        for chunk in store.chunks {
            let n = chunk.count
            defer { base += n }
            let lo = max(rows.lowerBound - base, 0), hi = min(rows.upperBound - base, n)
            if lo >= hi { continue }
            for i in lo..<hi {
                let row = base + i
                let event = chunk.events[i]
                guard SpecialEvent.isEvent(event), !skipped[Int(event)] else { continue }
                if let include, !include(row) { continue }
                let ts = chunk.timestamps[i]
                lastTS = max(lastTS, ts)
                let task = chunk.tasks[i]
                usedTasks[Int(task)] = true
                let cpu = chunk.cpus[i] == 0xFFFF ? -1 : Int(chunk.cpus[i])
                let line = chunk.line(i)
                let payload = UnsafeRawBufferPointer(rebasing: line[min(chunk.payloadOffset(i), line.count)...])
                separator(&sink)
                sink.ascii("{\"name\":")
                if nameJSON[Int(event)] == nil {
                    var s = ByteSink(collecting: 64)
                    s.jsonString(store.eventNames[Int(event)])
                    nameJSON[Int(event)] = s.buffer
                }
                sink.append(contentsOf: nameJSON[Int(event)]!)
                sink.ascii(",\"cat\":\"ftrace\",\"ph\":\"i\",\"s\":\"t\",\"ts\":")
                sink.micros(ts)
                threadIDs(task, &sink)
                sink.ascii(",\"args\":{")
                if cpu >= 0 {
                    sink.ascii("\"cpu\":")
                    sink.int(Int64(cpu))
                    sink.byte(UInt8(ascii: ","))
                }
                Self.fields(payload, into: &sink)
                sink.ascii("}}")
                written += 1
                if event == switchID, cpu >= 0 {
                    usedCPUs.insert(cpu)
                    written += switchSlice(payload, ts: ts, cpu: cpu, running: &running, &sink, separator: separator)
                }
                sink.maybeFlush()
            }
        }
        for (cpu, r) in running.sorted(by: { $0.key < $1.key }) where lastTS > r.ts {
            separator(&sink)
            slice(name: r.name, pid: r.pid, cpu: cpu, from: r.ts, to: lastTS, &sink)
            written += 1
        }
        return written
    }

    /// `sched_switch: … next_comm=X next_pid=N …` ends the previous slice of the CPU and starts the next.
    private func switchSlice(_ payload: UnsafeRawBufferPointer, ts: Int64, cpu: Int,
                             running: inout [Int: (ts: Int64, pid: Int64, name: [UInt8])],
                             _ sink: inout ByteSink, separator: (inout ByteSink) -> Void) -> Int {
        guard let comm = EventFields.value(of: Array("next_comm".utf8), in: payload),
              let pidText = EventFields.value(of: Array("next_pid".utf8), in: payload),
              let pid = Int64(pidText) else { return 0 }
        var n = 0
        if let r = running[cpu], ts > r.ts {
            separator(&sink)
            slice(name: r.name, pid: r.pid, cpu: cpu, from: r.ts, to: ts, &sink)
            n = 1
        }
        running[cpu] = (ts, pid, Array("\(comm)-\(pid)".utf8))
        return n
    }

    private func slice(name: [UInt8], pid: Int64, cpu: Int, from: Int64, to: Int64, _ sink: inout ByteSink) {
        sink.ascii("{\"name\":")
        name.withUnsafeBytes { sink.jsonString($0) }
        sink.ascii(",\"cat\":\"sched\",\"ph\":\"X\",\"ts\":")
        sink.micros(from)
        sink.ascii(",\"dur\":")
        sink.micros(to - from)
        sink.ascii(",\"pid\":")
        sink.int(Self.cpuProcess)
        sink.ascii(",\"tid\":")
        sink.int(Self.cpuProcess + Int64(cpu))
        sink.ascii(",\"args\":{\"pid\":")
        sink.int(pid)
        sink.ascii("}}")
    }

    /// `,"pid":P,"tid":T` of a store task (its thread group when the trace shows it).
    private func threadIDs(_ task: UInt32, _ sink: inout ByteSink) {
        let pid = Int64(store.taskPIDs[Int(task)])
        let tgid = Int64(store.taskTGIDs[Int(task)])
        sink.ascii(",\"pid\":")
        sink.int(tgid >= 0 ? tgid : max(pid, 0))
        sink.ascii(",\"tid\":")
        sink.int(max(pid, 0))
    }

    /// `key=value` pairs of a payload as JSON members: integers as numbers, the rest as strings; a payload with
    /// no such pairs is kept whole as `details`.
    static func fields(_ p: UnsafeRawBufferPointer, into sink: inout ByteSink) {
        var k = 0
        let n = p.count
        var any = false
        while k < n {
            while k < n, p[k] == 0x20 { k += 1 }
            let keyStart = k
            while k < n, p[k] != 0x3D, p[k] != 0x20 { k += 1 }
            guard k < n, p[k] == 0x3D, k > keyStart, k + 1 < n, p[k + 1] != 0x3D, p[k + 1] != 0x3E else {
                while k < n, p[k] != 0x20 { k += 1 }
                continue
            }
            let keyEnd = k
            k += 1
            let valueStart = k
            if p[k] == 0x22 {
                k += 1
                while k < n, p[k] != 0x22 { k += 1 }
                k = min(n, k + 1)
            } else {
                while k < n, p[k] != 0x20 { k += 1 }
            }
            if any { sink.byte(UInt8(ascii: ",")) }
            any = true
            sink.jsonString(UnsafeRawBufferPointer(rebasing: p[keyStart..<keyEnd]))
            sink.byte(UInt8(ascii: ":"))
            let value = UnsafeRawBufferPointer(rebasing: p[valueStart..<k])
            if isInteger(value) {
                sink.bytes(value)
            } else if value.count >= 2, value.first == 0x22, value.last == 0x22 {
                sink.jsonString(UnsafeRawBufferPointer(rebasing: value[1..<(value.count - 1)]))
            } else {
                sink.jsonString(value)
            }
        }
        if !any {
            sink.ascii("\"details\":")
            sink.jsonString(p)
        }
    }

    private static func isInteger(_ v: UnsafeRawBufferPointer) -> Bool {
        guard !v.isEmpty, v.count < 16 else { return false }
        var k = 0
        if v[0] == 0x2D { k = 1 }
        guard k < v.count else { return false }
        // A leading zero would not be valid JSON.
        if v[k] == 0x30, v.count > k + 1 { return false }
        while k < v.count {
            guard v[k] >= 0x30, v[k] <= 0x39 else { return false }
            k += 1
        }
        return true
    }

    // MARK: - calls

    private func writeCalls(_ tree: CallTree, _ sink: inout ByteSink, separator: (inout ByteSink) -> Void,
                            usedCPUs: inout Set<Int>) -> Int {
        let starts = Self.callStarts(tree, store: store)
        let taskIDs = tree.taskNames.map(Self.pid(ofLabel:))
        var names: [[UInt8]] = tree.functionNames.map { name in
            var s = ByteSink(collecting: 64)
            s.jsonString(name)
            return s.buffer
        }
        var written = 0
        for n in 0..<tree.count {
            separator(&sink)
            sink.ascii("{\"name\":")
            names[Int(tree.function[n])].withUnsafeBytes { sink.bytes($0) }
            sink.ascii(",\"cat\":\"function\",\"ph\":\"X\",\"ts\":")
            sink.micros(starts[n])
            sink.ascii(",\"dur\":")
            sink.micros(tree.total[n])
            let cpu = Int(tree.cpu[n])
            if let pid = taskIDs[Int(tree.task[n])] {
                sink.ascii(",\"pid\":")
                sink.int(pid.tgid)
                sink.ascii(",\"tid\":")
                sink.int(pid.pid)
            } else {
                usedCPUs.insert(cpu)
                sink.ascii(",\"pid\":")
                sink.int(Self.cpuProcess)
                sink.ascii(",\"tid\":")
                sink.int(Self.cpuProcess + Int64(cpu))
            }
            sink.ascii(",\"args\":{")
            if cpu != 0xFFFF {
                sink.ascii("\"cpu\":")
                sink.int(Int64(cpu))
            }
            let f = tree.flags[n]
            if f.contains(.irq) { sink.ascii(cpu != 0xFFFF ? ",\"irq\":true" : "\"irq\":true") }
            if f.contains(.unfinished) { sink.ascii(cpu != 0xFFFF || f.contains(.irq) ? ",\"unfinished\":true" : "\"unfinished\":true") }
            sink.ascii("}}")
            written += 1
            sink.maybeFlush()
        }
        names = []
        return written
    }

    /// The pid (and thread group, when known) in a call tree task label `comm-pid`; nil for an unknown task.
    static func pid(ofLabel label: String) -> (pid: Int64, tgid: Int64)? {
        if label.hasPrefix("["), label.hasSuffix("]"), let n = Int64(label.dropFirst().dropLast()) { return (n, n) }
        guard let dash = label.lastIndex(of: "-"), let n = Int64(label[label.index(after: dash)...]) else { return nil }
        return (n, n)
    }

    /// When each call began: its first line's timestamp, or — for a trace without timestamps (plain
    /// function_graph text) — laid out from the durations: roots one after another per CPU, children one
    /// after another from their parent's start.
    static func callStarts(_ tree: CallTree, store: EventStore) -> [Int64] {
        var starts = [Int64](repeating: 0, count: tree.count)
        // Plain function_graph text has no time column: every row has the same (zero) timestamp.
        if let first = store.summary.firstTimestamp, first != store.summary.lastTimestamp {
            for n in 0..<tree.count {
                var ts = store.timestamp(Int(tree.firstRow[n]))
                if tree.flags[n].contains(.startedBefore) {
                    ts = min(ts, store.timestamp(Int(tree.lastRow[n])).saturatingAdd(-tree.total[n]))
                }
                starts[n] = ts
            }
            return nested(tree, starts)
        }
        var cursor: [UInt16: Int64] = [:]
        var stack: [Int32] = []
        for r in tree.roots {
            let lane = tree.cpu[Int(r)]
            starts[Int(r)] = cursor[lane, default: 0]
            cursor[lane, default: 0] = cursor[lane, default: 0].saturatingAdd(tree.total[Int(r)])
            stack.append(r)
        }
        while let n = stack.popLast() {
            var t = starts[Int(n)]
            for c in tree.children(of: Int(n)) {
                starts[Int(c)] = t
                t = t.saturatingAdd(tree.total[Int(c)])
                stack.append(c)
            }
        }
        return starts
    }

    /// Moves starts (never durations) so that each call lies inside its caller and after its previous sibling,
    /// as a viewer needs to nest complete events: timestamps have µs precision but durations ns, and a call
    /// left open has only a lower bound for its end.
    static func nested(_ tree: CallTree, _ raw: [Int64]) -> [Int64] {
        var starts = raw
        var laneEnd: [UInt16: Int64] = [:]
        var work: [Int32] = []
        for r in tree.roots {
            let n = Int(r)
            let lane = tree.cpu[n]
            if let end = laneEnd[lane], starts[n] < end { starts[n] = end }
            // Saturating throughout: a start near Int64.max ns plus a duration trapped (found by the fuzzer).
            laneEnd[lane] = starts[n].saturatingAdd(tree.total[n])
            work.append(r)
        }
        while let p = work.popLast() {
            let kids = tree.children(of: Int(p))
            guard !kids.isEmpty else { continue }
            let parentStart = starts[Int(p)]
            var t = parentStart
            for c in kids {
                starts[Int(c)] = max(starts[Int(c)], t)
                t = starts[Int(c)].saturatingAdd(tree.total[Int(c)])
            }
            var limit = parentStart.saturatingAdd(tree.total[Int(p)])
            for c in kids.reversed() {
                let n = Int(c)
                if starts[n].saturatingAdd(tree.total[n]) > limit {
                    starts[n] = max(parentStart, limit.saturatingAdd(-tree.total[n]))
                }
                limit = starts[n]
            }
            work.append(contentsOf: kids)
        }
        return starts
    }

    // MARK: - metadata

    private func writeMetadata(_ sink: inout ByteSink, separator: (inout ByteSink) -> Void,
                               usedTasks: [Bool], usedCPUs: Set<Int>) {
        var named = Set<Int64>()
        for task in usedTasks.indices.lazy.filter({ usedTasks[$0] }).map(UInt32.init) where store.taskPIDs[Int(task)] >= 0 {
            let pid = Int64(store.taskPIDs[Int(task)])
            guard named.insert(pid).inserted else { continue }
            separator(&sink)
            sink.ascii("{\"name\":\"thread_name\",\"ph\":\"M\"")
            threadIDs(task, &sink)
            sink.ascii(",\"args\":{\"name\":")
            sink.jsonString(store.taskNames[Int(task)].isEmpty ? "[\(pid)]" : store.taskNames[Int(task)])
            sink.ascii("}}")
        }
        if let tree {
            for label in tree.taskNames {
                guard let p = Self.pid(ofLabel: label), named.insert(p.pid).inserted else { continue }
                separator(&sink)
                sink.ascii("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":")
                sink.int(p.tgid)
                sink.ascii(",\"tid\":")
                sink.int(p.pid)
                sink.ascii(",\"args\":{\"name\":")
                let comm = label.lastIndex(of: "-").map { String(label[..<$0]) } ?? label
                sink.jsonString(comm)
                sink.ascii("}}")
            }
        }
        guard !usedCPUs.isEmpty else { return }
        separator(&sink)
        sink.ascii("{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":")
        sink.int(Self.cpuProcess)
        sink.ascii(",\"args\":{\"name\":\"CPUs\"}}")
        for cpu in usedCPUs.sorted() {
            separator(&sink)
            sink.ascii("{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":")
            sink.int(Self.cpuProcess)
            sink.ascii(",\"tid\":")
            sink.int(Self.cpuProcess + Int64(cpu))
            sink.ascii(",\"args\":{\"name\":\"CPU ")
            sink.int(Int64(cpu))
            sink.ascii("\"}}")
        }
    }
}
