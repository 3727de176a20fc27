/// Hotspots like `perf report`: entries grouped by sort keys, with their metrics in columns.
///
/// Three sources give three kinds: samples (perf script, ftrace stacks, folded text: children and self
/// weight), durations (function_graph calls: calls, total, self, avg, max, min) and events (counts).
/// Building is one pass over the source; filtering and sorting only touch the entries, so zooming and
/// re-sorting a large table stays interactive.
public struct HotspotTable: Sendable {
    public enum Kind: String, Sendable { case samples, durations, events }

    /// Metrics an entry can be ordered by.
    public enum SortColumn: String, CaseIterable, Sendable {
        case children, selfValue = "self", count, total, average, max, name
        case averageSelf = "avg-self"

        /// uftrace's and perf's metric names for `--sort`: `self`, `total`, `call`, `avg`, `max`, `avg-self`,
        /// `children`, `overhead` (self).
        public static func parse(_ name: String) -> SortColumn? {
            switch name {
            case "self", "overhead": return .selfValue
            case "total": return .total
            case "call", "calls", "count", "sample", "samples": return .count
            case "avg", "average": return .average
            case "max": return .max
            case "avg-self", "self-avg": return .averageSelf
            case "children", "overhead_children": return .children
            case "func", "name": return .name
            default: return nil
            }
        }
    }

    public let kind: Kind
    public let keys: [HotspotKey]
    /// Samples only: perf's children column (cumulated callchain weight) is computed and shown.
    public let children: Bool
    /// Per key, per entry: the value's id (a name id, or the pid / cpu number itself).
    public internal(set) var keyValues: [[UInt32]]
    var names: [HotspotKey: [String]]
    /// Samples: self weight. Durations: self time (ns). Events: count.
    public internal(set) var selfValue: [Int64] = []
    /// Samples: children weight. Durations: total time (ns).
    public internal(set) var childrenValue: [Int64] = []
    /// Samples: samples where the entry is the leaf. Durations: calls. Events: count.
    public internal(set) var countValue: [Int64] = []
    public internal(set) var maxValue: [Int64] = []
    public internal(set) var minValue: [Int64] = []
    /// Durations: the longest and shortest self time of one call (uftrace's `--avg-self`).
    public internal(set) var maxSelfValue: [Int64] = []
    public internal(set) var minSelfValue: [Int64] = []
    /// Durations: columns of self time per call (avg, min, max) in place of total and self, as `uftrace report
    /// --avg-self` prints them.
    public var avgSelf = false
    /// The 100% of the percent columns: all samples' weight (or all events).
    public internal(set) var total: Int64 = 0
    public internal(set) var totalCount = 0
    /// Whether sample weights are perf periods.
    public internal(set) var weighted = false
    /// The filter in force (applied when the table was built and by `order`).
    public internal(set) var filter = HotspotFilter()
    /// Visible entries, in sort order.
    public internal(set) var order: [Int32] = []
    public internal(set) var sortColumn: SortColumn

    public var entryCount: Int { selfValue.count }
    /// Shared objects by their whole path; false: by their file name, as perf prints them (`--full-path`).
    public var fullPaths = false
    /// Equal entries are ordered by this (first appearance); empty: by entry index.
    var tieOrder: [Int64] = []

    init(kind: Kind, keys: [HotspotKey], children: Bool) {
        self.kind = kind
        self.keys = keys
        self.children = children
        keyValues = Array(repeating: [], count: keys.count)
        names = [:]
        switch kind {
        case .samples: sortColumn = children ? .children : .selfValue
        case .durations: sortColumn = .total
        case .events: sortColumn = .count
        }
    }

    // MARK: - reading

    public func value(_ key: HotspotKey, of entry: Int) -> UInt32? {
        guard let k = keys.firstIndex(of: key) else { return nil }
        return keyValues[k][entry]
    }

    /// The text of an entry's key column (a shared object's short name unless `fullPaths`).
    public func label(_ key: HotspotKey, of entry: Int) -> String { label(key, of: entry, full: fullPaths) }

    /// The text of an entry's key column; `full: true` gives a shared object's whole path (what filters match).
    public func label(_ key: HotspotKey, of entry: Int, full: Bool) -> String {
        guard let v = value(key, of: entry) else { return "" }
        switch key {
        case .pid: return String(Int32(bitPattern: v))
        case .cpu: return v == 0xFFFF ? "-" : String(format3(Int(v)))
        case .dso where !full: return Self.shortDso(names[key]?[Int(v)] ?? "")
        case .parent where v == .max: return "[other]"
        default: return names[key]?[Int(v)] ?? ""
        }
    }

    /// perf's short name of a shared object: its file name (`[kernel.kallsyms]` and other `[…]` names as they are).
    public static func shortDso(_ name: String) -> String {
        guard !name.hasPrefix("["), let slash = name.utf8.lastIndex(of: UInt8(ascii: "/")) else { return name }
        let base = name[name.utf8.index(after: slash)...]
        return base.isEmpty ? name : String(base)
    }

    /// perf's `--comm`, `--pid`, `--tid`: the other tasks' entries are gone, but the percentages stay shares of
    /// every sample the other filters keep (`weight`, `count`).
    public mutating func setTotal(weight: Int64, count: Int) {
        total = weight
        totalCount = count
    }

    private func format3(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 3 ? s : String(repeating: "0", count: 3 - s.count) + s
    }

    public func percent(_ v: Int64) -> Double { total > 0 ? Double(v) * 100 / Double(total) : 0 }

    public func average(_ entry: Int) -> Int64 { countValue[entry] > 0 ? childrenValue[entry] / countValue[entry] : 0 }

    /// Durations: the average self time of one call.
    public func averageSelf(_ entry: Int) -> Int64 { countValue[entry] > 0 ? selfValue[entry] / countValue[entry] : 0 }

    /// The sort columns that mean something for this kind.
    public var sortColumns: [SortColumn] {
        switch kind {
        case .samples: return children ? [.children, .selfValue, .count, .name] : [.selfValue, .count, .name]
        case .durations: return [.total, .selfValue, .count, .average, .max, .averageSelf, .name]
        case .events: return [.count, .name]
        }
    }

    // MARK: - sorting and filtering

    /// Re-orders (and re-filters) the entries without rebuilding them.
    public mutating func sort(by column: SortColumn, filter f: HotspotFilter? = nil) {
        sortColumn = column
        if let f { filter = f }
        var visible: [Int32] = []
        visible.reserveCapacity(entryCount)
        let dsoK = keys.firstIndex(of: .dso), symK = keys.firstIndex(of: .symbol) ?? keys.firstIndex(of: .event)
        let wantDso = filter.dso.flatMap { d in names[.dso]?.firstIndex(of: d) }.map(UInt32.init)
        let wantSym = filter.symbol.flatMap { s in names[symK.map { keys[$0] } ?? .symbol]?.firstIndex(of: s) }
            .map(UInt32.init)
        var textMatch: [Bool]?
        if let text = filter.text, !text.isEmpty, let symK, let table = names[keys[symK]] {
            let needle = text.lowercased()
            textMatch = table.map { $0.lowercased().contains(needle) }
        }
        for e in 0..<entryCount {
            if filter.dso != nil {
                guard let dsoK, keyValues[dsoK][e] == wantDso else { continue }
            }
            if filter.symbol != nil {
                guard let symK, keyValues[symK][e] == wantSym else { continue }
            }
            if let textMatch {
                guard let symK, textMatch[Int(keyValues[symK][e])] else { continue }
            }
            visible.append(Int32(e))
        }
        let metric: [Int64]
        switch column {
        case .children: metric = children ? childrenValue : selfValue
        case .selfValue: metric = selfValue
        case .count: metric = countValue
        case .total: metric = childrenValue
        case .max: metric = maxValue.isEmpty ? countValue : maxValue
        case .average: metric = (0..<entryCount).map { average($0) }
        case .averageSelf: metric = kind == .durations ? (0..<entryCount).map { averageSelf($0) } : selfValue
        case .name: metric = []
        }
        if column == .name {
            let k = symK ?? 0
            let table = names[keys[k]] ?? []
            let vals = keyValues[k]
            visible.sort { a, b in
                let x = Int(vals[Int(a)]), y = Int(vals[Int(b)])
                if table.isEmpty { return x < y || (x == y && a < b) }
                let l = table[x], r = table[y]
                return l < r || (l == r && a < b)
            }
        } else {
            if tieOrder.isEmpty, entryCount < 1 << 24, let high = metric.max(), let low = metric.min(),
               high &- low >= 0, high &- low < 1 << 39 {
                // Metric and index packed in one integer: a plain sort of integers, several times faster
                // than a comparator for the millions of entries of a large profile.
                var packed = metric.withUnsafeBufferPointer { m in
                    visible.map { UInt64(high - m[Int($0)]) << 24 | UInt64($0) }
                }
                packed.sort()
                visible = packed.map { Int32(truncatingIfNeeded: $0 & 0xFF_FFFF) }
            } else if tieOrder.isEmpty {
                metric.withUnsafeBufferPointer { m in
                    visible.sort { a, b in
                        let x = m[Int(a)], y = m[Int(b)]
                        return x > y || (x == y && a < b)
                    }
                }
            } else {
                metric.withUnsafeBufferPointer { m in
                    tieOrder.withUnsafeBufferPointer { t in
                        visible.sort { a, b in
                            let x = m[Int(a)], y = m[Int(b)]
                            return x > y || (x == y && t[Int(a)] < t[Int(b)])
                        }
                    }
                }
            }
        }
        order = visible
    }

    // MARK: - building

    /// Aggregates samples the way `perf report` does: an entry per distinct key tuple of the leaf frame
    /// (self) and — with `children` — of every frame in the callchain (children, counted once per sample
    /// even when the function recurses). On the calling thread; `build` shares the work between two cores.
    public init(samples s: StackSamples, keys: [HotspotKey] = HotspotKey.defaults(for: .samples),
                children: Bool = true, filter: HotspotFilter = HotspotFilter(), parentPattern: ByteRegex? = nil) {
        let plan = SampleAggregation(samples: s, keys: Self.sampleKeys(keys), children: children, pid: filter.pid,
                                     comm: filter.pid == nil ? filter.comm : nil, parentPattern: parentPattern)
        self.init(plan: plan, entries: plan.entries(), filter: filter)
    }

    /// The same table, the samples summed on two cores (the two halves of the samples, merged).
    public static func build(samples s: StackSamples, keys: [HotspotKey] = HotspotKey.defaults(for: .samples),
                             children: Bool = true, filter: HotspotFilter = HotspotFilter()) async -> HotspotTable {
        let plan = SampleAggregation(samples: s, keys: sampleKeys(keys), children: children, pid: filter.pid,
                                     comm: filter.pid == nil ? filter.comm : nil)
        return HotspotTable(plan: plan, entries: await plan.entriesInParallel(), filter: filter)
    }

    private static func sampleKeys(_ keys: [HotspotKey]) -> [HotspotKey] {
        // srcline and symbol_size come from the leaves (`init(leaves:)`), not from the aggregation.
        let k = keys.filter { $0 != .event && $0 != .srcline && $0 != .symbolSize }
        return k.isEmpty ? HotspotKey.defaults(for: .samples) : k
    }

    private init(plan: SampleAggregation, entries e: SampleAggregation.Entries, filter: HotspotFilter) {
        let s = plan.samples
        self.init(kind: .samples, keys: plan.keys, children: plan.children)
        self.filter = filter
        weighted = s.weightsArePeriods
        names[.symbol] = s.functionNames
        names[.parent] = s.functionNames
        names[.dso] = s.dsoNames
        names[.comm] = s.commNames
        total = plan.total
        totalCount = plan.totalCount
        selfValue = e.selfWeight
        childrenValue = e.children
        countValue = e.count
        tieOrder = e.tieOrder
        for (k, key) in self.keys.enumerated() {
            switch key {
            case .comm: keyValues[k] = e.ctx.map { plan.ctxComm[Int($0)] }
            case .pid: keyValues[k] = e.ctx.map { UInt32(bitPattern: plan.ctxPID[Int($0)]) }
            case .cpu: keyValues[k] = e.cpu.map { UInt32($0) }
            case .dso: keyValues[k] = e.sym.map { plan.symDso[Int($0)] }
            case .symbol: keyValues[k] = e.sym.map { plan.symFunc[Int($0)] }
            case .event, .srcline, .symbolSize: keyValues[k] = Array(repeating: 0, count: e.sym.count)
            case .parent: keyValues[k] = e.parent
            }
        }
        sort(by: sortColumn)
    }

    /// Per function (and task or CPU when those are keys): calls, total, self, max and min time of the
    /// function_graph calls, like `uftrace report`. A recursive call (one already on its thread's stack)
    /// counts as a call and adds its self time, but not its total again: like `uftrace report` and perf's
    /// children, no function's total exceeds the time it was on the stack.
    public init(calls tree: CallTree, keys: [HotspotKey] = [.symbol], filter: HotspotFilter = HotspotFilter()) {
        var keys = keys.filter { [.symbol, .comm, .pid, .cpu].contains($0) }
        if keys.isEmpty { keys = [.symbol] }
        keys = keys.map { $0 == .pid ? .comm : $0 }
        var seen: [HotspotKey] = []
        for k in keys where !seen.contains(k) { seen.append(k) }
        self.init(kind: .durations, keys: seen, children: false)
        self.filter = filter
        names[.symbol] = tree.functionNames
        names[.comm] = tree.taskNames
        let useTask = seen.contains(.comm), useCPU = seen.contains(.cpu), useSym = seen.contains(.symbol)
        let taskFilter = filter.comm.flatMap { c in tree.taskNames.firstIndex(of: c) }.map(UInt32.init)
        // Sized by the calls (at most one entry each): a small trace need not clear a 96 KB table.
        var entries = IDTable(capacity: min(4096, tree.count))
        var isNew = false
        var entryF: [UInt32] = [], entryT: [UInt32] = [], entryC: [UInt16] = []
        // One record per entry, so a call updates one cache line; by function id directly when the
        // function is the only key (the default), hashed otherwise.
        var records: [DurationRecord] = []
        var entryOfFunction = [Int32](repeating: -1, count: useSym && !useTask && !useCPU ? tree.functionNames.count : 0)
        var sum: Int64 = 0
        let tasks = tree.task, cpus = tree.cpu
        var lane = 0
        // Per entry, the end of the subtree of its last outermost call: calls are in depth-first order, so a
        // call before that end is inside that one — a recursive call, whose time its outermost call holds.
        var openUntil: [Int32] = []
        tree.function.withUnsafeBufferPointer { function in
        tree.total.withUnsafeBufferPointer { total in
        tree.subtreeEnd.withUnsafeBufferPointer { subtreeEnd in
            for n in 0..<function.count {
                if filter.comm != nil, tasks[n] != taskFilter { continue }
                let f: UInt32 = useSym ? function[n] : .max
                let e: Int
                if !entryOfFunction.isEmpty, entryOfFunction[Int(f)] >= 0 {
                    e = Int(entryOfFunction[Int(f)])
                } else {
                    let t: UInt32 = useTask ? tasks[n] : 0xFFFF
                    var c: UInt16 = 0xFFFF
                    if useCPU {
                        // Calls are stored lane after lane (a lane per CPU): the lane only moves forward.
                        while lane + 1 < cpus.laneStart.count, Int(cpus.laneStart[lane + 1]) <= n { lane += 1 }
                        c = cpus.laneCPU.isEmpty ? 0 : cpus.laneCPU[lane]
                    }
                    let key = UInt64(f) << 32 | UInt64(t & 0xFFFF) << 16 | UInt64(c)
                    e = Int(entries.id(key, isNew: &isNew))
                    if isNew {
                        entryF.append(f); entryT.append(t); entryC.append(c)
                        records.append(DurationRecord())
                        openUntil.append(0)
                        if !entryOfFunction.isEmpty { entryOfFunction[Int(f)] = Int32(e) }
                    }
                }
                let outermost = Int32(n) >= openUntil[e]
                if outermost { openUntil[e] = subtreeEnd[n] }
                let t0 = total[n]
                // Self time: the call's total minus its direct children's (the ids after it, child after child).
                var st = t0
                var child = n + 1
                let end = Int(subtreeEnd[n])
                // Durations are never negative, so a difference cannot overflow; held at 0, it stays there.
                while child < end, st > 0 {
                    st = max(0, st - total[child])
                    child = Int(subtreeEnd[child])
                }
                st = max(0, st)
                records[e].calls += 1
                // Saturating: durations read from a log may sum past Int64.max (found by the fuzzer).
                if outermost { records[e].total = records[e].total.saturatingAdd(t0) }
                records[e].selfTime = records[e].selfTime.saturatingAdd(st)
                if t0 > records[e].max { records[e].max = t0 }
                if t0 < records[e].min { records[e].min = t0 }
                if st > records[e].maxSelf { records[e].maxSelf = st }
                if st < records[e].minSelf { records[e].minSelf = st }
                sum = sum.saturatingAdd(st)
            }
        }}}
        let calls = records.map(\.calls), totals = records.map(\.total), selfs = records.map(\.selfTime)
        let maxs = records.map(\.max), mins = records.map(\.min)
        selfValue = selfs
        childrenValue = totals
        countValue = calls
        maxValue = maxs
        minValue = mins.map { $0 == .max ? 0 : $0 }
        maxSelfValue = records.map(\.maxSelf)
        minSelfValue = records.map { $0.minSelf == .max ? 0 : $0.minSelf }
        // 100% is all the time the calls account for: the sum of every call's self time.
        total = sum
        totalCount = tree.count
        for (k, key) in seen.enumerated() {
            switch key {
            case .symbol: keyValues[k] = entryF
            case .comm: keyValues[k] = entryT
            case .cpu: keyValues[k] = entryC.map { UInt32($0) }
            default: keyValues[k] = Array(repeating: 0, count: entryF.count)
            }
        }
        sort(by: sortColumn)
    }

    /// One function's (or function and task / CPU's) durations while they are summed.
    private struct DurationRecord {
        var calls: Int64 = 0
        var total: Int64 = 0
        var selfTime: Int64 = 0
        var max: Int64 = 0
        var min: Int64 = .max
        var maxSelf: Int64 = 0
        var minSelf: Int64 = .max
    }

    /// Counts of plain events by event name, task (comm), thread id and CPU — which task caused most
    /// sched_switch or syscalls.
    public init(events store: EventStore, keys: [HotspotKey] = [.event], filter: HotspotFilter = HotspotFilter(),
                rows counted: [Bool]? = nil) {
        var keys = keys.filter { [.event, .comm, .pid, .cpu].contains($0) }
        if keys.isEmpty { keys = [.event] }
        self.init(kind: .events, keys: keys, children: false)
        self.filter = filter
        names[.event] = store.eventNames
        var commNames: [String] = [], commIDs: [String: UInt32] = [:]
        let commOfTask: [UInt32] = store.taskNames.map { name in
            if let id = commIDs[name] { return id }
            let id = UInt32(commNames.count)
            commNames.append(name)
            commIDs[name] = id
            return id
        }
        names[.comm] = commNames
        let useEvent = keys.contains(.event), useComm = keys.contains(.comm)
        let usePID = keys.contains(.pid), useCPU = keys.contains(.cpu)
        var entries = IDTable(capacity: min(1024, store.count))
        var isNew = false
        var eE: [UInt32] = [], eC: [UInt32] = [], eP: [UInt32] = [], eU: [UInt32] = []
        var counts: [Int64] = []
        var total: Int64 = 0
        var row = 0
        for chunk in store.chunks {
            for i in 0..<chunk.count {
                defer { row += 1 }
                if let counted, row < counted.count, !counted[row] { continue }
                let ev = chunk.events[i]
                guard SpecialEvent.isEvent(ev) else { continue }
                let task = Int(chunk.tasks[i])
                let pid = store.taskPIDs[task]
                if let p = filter.pid, pid != p { continue }
                if filter.pid == nil, let c = filter.comm, store.taskNames[task] != c { continue }
                let e: UInt32 = useEvent ? UInt32(ev) : 0
                let c: UInt32 = useComm ? commOfTask[task] : 0
                let p: UInt32 = usePID ? UInt32(bitPattern: pid) : 0
                let u: UInt32 = useCPU ? UInt32(chunk.cpus[i]) : 0
                // Event 16 bits, comm 16, pid 22 (Linux's largest pid_max), cpu 10.
                let key = UInt64(e) << 48 | UInt64(c & 0xFFFF) << 32 | UInt64(p & 0x3F_FFFF) << 10 | UInt64(u & 0x3FF)
                let id = Int(entries.id(key, isNew: &isNew))
                if isNew {
                    eE.append(e); eC.append(c); eP.append(p); eU.append(u)
                    counts.append(0)
                }
                counts[id] += 1
                total += 1
            }
        }
        selfValue = counts
        childrenValue = counts
        countValue = counts
        self.total = total
        totalCount = Int(total)
        for (k, key) in keys.enumerated() {
            switch key {
            case .event: keyValues[k] = eE
            case .comm: keyValues[k] = eC
            case .pid: keyValues[k] = eP
            case .cpu: keyValues[k] = eU
            default: keyValues[k] = Array(repeating: 0, count: eE.count)
            }
        }
        sort(by: sortColumn)
    }
}
