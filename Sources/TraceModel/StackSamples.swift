/// Samples with callchains in columns: what hotspot tables, folded stacks and the flame view aggregate.
///
/// Filled from perf script samples, from ftrace `<stack trace>` blocks (each stack one sample) or from
/// folded text. A frame is a location: a function in a shared object (`dso`), both interned.
/// Sample `i`'s frames are `frames[stackStart[i]..<stackStart[i+1]]`, innermost first.
public struct StackSamples: Sendable {
    public private(set) var functionNames: [String] = []
    public private(set) var dsoNames: [String] = []
    public private(set) var commNames: [String] = []
    /// Location id → function id / dso id.
    public private(set) var locationFunction: [UInt32] = []
    public private(set) var locationDso: [UInt32] = []
    /// Task id → comm id, thread id (-1 when unknown).
    public private(set) var taskComm: [UInt32] = []
    public private(set) var taskPID: [Int32] = []
    /// Task id → process id (perf's `pid` of `pid/tid`; -1 when unknown): what `--pid` selects.
    public private(set) var taskProcess: [Int32] = []
    public internal(set) var sampleTask: [UInt32] = []
    /// 0xFFFF when the sample has no CPU.
    public internal(set) var sampleCPU: [UInt16] = []
    public internal(set) var sampleWeight: [Int64] = []
    /// The store row the sample came from (-1 for folded input).
    public internal(set) var sampleRow: [Int32] = []
    /// The sample's time in ns (`Int64.min` when the input has none, e.g. folded stacks).
    public internal(set) var sampleTime: [Int64] = []
    /// The sample's event (an index into `eventNames`): perf report's header names it.
    public internal(set) var sampleEvent: [UInt16] = []
    public internal(set) var eventNames: [String] = []
    /// Events the source says it lost (perf's lost samples), nil when the input cannot say (folded stacks).
    public internal(set) var lostEvents: Int?
    public internal(set) var stackStart: [Int32] = [0]
    public internal(set) var frames: [UInt32] = []
    /// Whether weights are perf periods rather than one per sample.
    public private(set) var weightsArePeriods = false

    private var functionIDs: [String: UInt32] = [:]
    private var dsoIDs: [String: UInt32] = [:]
    private var commIDs: [String: UInt32] = [:]
    private var locationIDs: [UInt64: UInt32] = [:]
    private var taskIDs: [TaskKey: UInt32] = [:]

    private struct TaskKey: Hashable {
        var comm: UInt32
        var pid: Int32
    }

    public init() {}

    public var count: Int { sampleTask.count }
    public var isEmpty: Bool { sampleTask.isEmpty }
    /// The sum of every weight: never past Int64.max, because `append` refuses a sample that would take it there.
    public internal(set) var totalWeight: Int64 = 0
    /// Samples refused because their weight was negative or would take the total past Int64.max (a folded count
    /// of 9223372036854775807 twice): every sum a tree or table makes of weights stays in range.
    public private(set) var refusedSamples = 0

    public func frames(of sample: Int) -> ArraySlice<UInt32> {
        frames[Int(stackStart[sample])..<Int(stackStart[sample + 1])]
    }

    public func functionName(ofLocation l: UInt32) -> String { functionNames[Int(locationFunction[Int(l)])] }
    public func dsoName(ofLocation l: UInt32) -> String { dsoNames[Int(locationDso[Int(l)])] }

    // MARK: - building

    public mutating func function(_ name: String) -> UInt32 {
        if let id = functionIDs[name] { return id }
        let id = UInt32(functionNames.count)
        functionNames.append(name)
        functionIDs[name] = id
        return id
    }

    public mutating func dso(_ name: String) -> UInt32 {
        if let id = dsoIDs[name] { return id }
        let id = UInt32(dsoNames.count)
        dsoNames.append(name)
        dsoIDs[name] = id
        return id
    }

    public mutating func location(function f: UInt32, dso d: UInt32) -> UInt32 {
        let key = UInt64(f) << 32 | UInt64(d)
        if let id = locationIDs[key] { return id }
        let id = UInt32(locationFunction.count)
        locationFunction.append(f)
        locationDso.append(d)
        locationIDs[key] = id
        return id
    }

    public mutating func location(symbol: String, dso: String) -> UInt32 {
        location(function: function(symbol), dso: self.dso(dso))
    }

    public mutating func task(comm: String, pid: Int32, process: Int32 = -1) -> UInt32 {
        let c: UInt32
        if let id = commIDs[comm] {
            c = id
        } else {
            c = UInt32(commNames.count)
            commNames.append(comm)
            commIDs[comm] = c
        }
        let key = TaskKey(comm: c, pid: pid)
        if let id = taskIDs[key] { return id }
        let id = UInt32(taskComm.count)
        taskComm.append(c)
        taskPID.append(pid)
        taskProcess.append(process)
        taskIDs[key] = id
        return id
    }

    /// Adds a sample; `frames` innermost first. False (and counted in `refusedSamples`) when the weight is
    /// negative or the total would pass Int64.max.
    @discardableResult
    public mutating func append<C: Collection>(task: UInt32, cpu: UInt16 = 0xFFFF, weight: Int64 = 1, row: Int32 = -1,
                                               time: Int64 = .min, event: UInt16 = 0,
                                               frames f: C) -> Bool where C.Element == UInt32 {
        let (total, overflow) = totalWeight.addingReportingOverflow(weight)
        guard weight >= 0, !overflow else {
            refusedSamples += 1
            return false
        }
        totalWeight = total
        sampleTask.append(task)
        sampleCPU.append(cpu)
        sampleWeight.append(weight)
        sampleRow.append(row)
        sampleTime.append(time)
        sampleEvent.append(event)
        frames.append(contentsOf: f)
        stackStart.append(Int32(frames.count))
        return true
    }

    public mutating func reserve(samples: Int, frames n: Int) {
        sampleTask.reserveCapacity(samples)
        sampleCPU.reserveCapacity(samples)
        sampleWeight.reserveCapacity(samples)
        sampleRow.reserveCapacity(samples)
        sampleTime.reserveCapacity(samples)
        sampleEvent.reserveCapacity(samples)
        stackStart.reserveCapacity(samples + 1)
        frames.reserveCapacity(n)
    }

    mutating func markWeightsArePeriods() { weightsArePeriods = true }
}

extension StackSamples {
    /// The samples of a store: every row with an attached stack (perf samples with their callchain,
    /// ftrace events with a `<stack trace>`). perf samples weigh their period when the text has one.
    public init(store: EventStore) {
        self.init()
        var locationOfSymbol = [UInt32](repeating: .max, count: store.symbols.count)
        var taskOfStoreTask = [UInt32](repeating: .max, count: store.taskNames.count)
        var eventOfStoreEvent: [UInt16: UInt16] = [:]
        var isPerf: Bool?
        var allPeriods = true
        var rowBase = 0
        var scratch: [UInt32] = []
        for chunk in store.chunks {
            let st = chunk.stacks
            for k in 0..<st.rows.count {
                let i = Int(st.rows[k])
                if isPerf == nil { isPerf = PerfSampleHeader(bytes: chunk.line(i)) != nil }
                var weight: Int64 = 1
                if isPerf == true {
                    if let p = PerfSampleHeader(bytes: chunk.line(i))?.period { weight = p } else { allPeriods = false }
                }
                scratch.removeAll(keepingCapacity: true)
                for f in st.frames[Int(st.starts[k])..<Int(st.starts[k + 1])] {
                    var loc = locationOfSymbol[Int(f)]
                    if loc == .max {
                        let (sym, dso) = SymbolText.split(store.symbols[Int(f)], defaultDso: isPerf == true ? "[unknown]" : "[kernel.kallsyms]")
                        loc = location(symbol: sym, dso: dso)
                        locationOfSymbol[Int(f)] = loc
                    }
                    scratch.append(loc)
                }
                let storeTask = Int(chunk.tasks[i])
                var t = taskOfStoreTask[storeTask]
                if t == .max {
                    t = task(comm: store.taskNames[storeTask], pid: store.taskPIDs[storeTask],
                             process: storeTask < store.taskTGIDs.count ? store.taskTGIDs[storeTask] : -1)
                    taskOfStoreTask[storeTask] = t
                }
                let storeEvent = chunk.events[i]
                var ev = eventOfStoreEvent[storeEvent]
                if ev == nil {
                    let name = Int(storeEvent) < store.eventNames.count ? store.eventNames[Int(storeEvent)] : "?"
                    ev = UInt16(truncatingIfNeeded: eventNames.firstIndex(of: name) ?? eventNames.count)
                    if Int(ev!) == eventNames.count { eventNames.append(name) }
                    eventOfStoreEvent[storeEvent] = ev
                }
                append(task: t, cpu: chunk.cpus[i], weight: weight, row: Int32(truncatingIfNeeded: rowBase + i),
                       time: chunk.timestamps[i], event: ev!, frames: scratch)
            }
            rowBase += chunk.count
        }
        lostEvents = store.summary.lostEvents
        // Periods of different events do not add up (mixed tracepoints and cycles): count samples then.
        if isPerf == true, allPeriods, !isEmpty {
            markWeightsArePeriods()
        } else if isPerf == true {
            sampleWeight = Array(repeating: 1, count: count)
            totalWeight = Int64(count)
        }
    }
}

/// Splits a frame's text into function and shared object: `sym+0x1f (dso)` (perf), `sym+0x1a/0x20`
/// (ftrace), `<ffffffff81000000>`; offsets go, as in perf report's symbol column.
public enum SymbolText {
    public static func split(_ text: String, defaultDso: String) -> (symbol: String, dso: String) {
        var u = Array(text.utf8)
        var dso = defaultDso
        if u.last == UInt8(ascii: ")"), let open = lastDsoOpen(u) {
            dso = String(decoding: u[(open + 2)..<(u.count - 1)], as: UTF8.self)
            u.removeSubrange(open...)
        }
        // `+0x…` or `+0x…/0x…` at the end.
        if let plus = u.lastIndex(of: UInt8(ascii: "+")), plus > 0, plus + 2 < u.count,
           u[plus + 1] == UInt8(ascii: "0"), u[plus + 2] == UInt8(ascii: "x"),
           u[(plus + 3)...].allSatisfy({ PerfFrame.isHex($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "x") }) {
            u.removeSubrange(plus...)
        }
        while let last = u.last, last == 0x20 || last == 0x09 { u.removeLast() }
        var symbol = u.isEmpty ? "[unknown]" : String(decoding: u, as: UTF8.self)
        // An unresolved symbol in a known object is named after the object, as stackcollapse-perf does.
        if symbol == "[unknown]", !dso.hasPrefix("["), let base = dso.split(separator: "/").last {
            symbol = "[\(base)]"
        }
        return (symbol, dso)
    }

    /// The ` (` that opens the trailing `(dso)`, matching parentheses from the end (C++ symbols hold some).
    private static func lastDsoOpen(_ u: [UInt8]) -> Int? {
        var depth = 0
        var i = u.count - 1
        while i > 0 {
            if u[i] == UInt8(ascii: ")") { depth += 1 }
            if u[i] == UInt8(ascii: "(") {
                depth -= 1
                if depth == 0 { return u[i - 1] == 0x20 ? i - 1 : nil }
            }
            i -= 1
        }
        return nil
    }
}
