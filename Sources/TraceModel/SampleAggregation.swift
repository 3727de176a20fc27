/// perf report's aggregation of samples into (context, location) entries, split so that two cores can
/// share it: the plan (ids of every key part, one pass) is made once; the samples are then summed in
/// ranges (or groups) that run independently, and the partial sums are merged.
///
/// A context is the task part of the key (comm and/or pid) and the CPU; a location key the dso and/or
/// symbol part. Everything is an integer id: no hashing, no allocation per sample or frame.
struct SampleAggregation: Sendable {
    let samples: StackSamples
    let keys: [HotspotKey]
    let children: Bool
    /// Location → location key.
    let symOfLocation: [UInt32]
    let symDso: [UInt32]
    let symFunc: [UInt32]
    /// Context id → comm id / pid (.max / -1 when not a key).
    let ctxComm: [UInt32]
    let ctxPID: [Int32]
    /// Sample → group (context and CPU), .max when filtered out or without frames.
    let groupOfSample: [UInt32]
    let groupTaskCtx: [UInt32]
    let groupCPU: [UInt16]
    let groupSize: [Int]
    let total: Int64
    let totalCount: Int

    var symCount: Int { symDso.count }
    var groupCount: Int { groupSize.count }

    /// Entries as built: their key parts and metrics, in a stable order.
    struct Entries: Sendable {
        var ctx: [UInt32] = []
        var cpu: [UInt16] = []
        var sym: [UInt32] = []
        var selfWeight: [Int64] = []
        var children: [Int64] = []
        var count: [Int64] = []
        /// Ties are broken by this (first appearance); empty: the entries are already in that order.
        var tieOrder: [Int64] = []
    }

    init(samples s: StackSamples, keys: [HotspotKey], children: Bool, pid pidFilter: Int32?) {
        samples = s
        self.keys = keys
        self.children = children
        let useComm = keys.contains(.comm), usePID = keys.contains(.pid), useCPU = keys.contains(.cpu)
        let useDso = keys.contains(.dso), useSym = keys.contains(.symbol)
        var symTable = IDTable(capacity: s.locationFunction.count)
        var symOf = [UInt32](repeating: 0, count: s.locationFunction.count)
        var symDso: [UInt32] = [], symFunc: [UInt32] = []
        var isNew = false
        for l in 0..<s.locationFunction.count {
            let d: UInt32 = useDso ? s.locationDso[l] : .max, f: UInt32 = useSym ? s.locationFunction[l] : .max
            let id = symTable.id(UInt64(d) << 32 | UInt64(f), isNew: &isNew)
            if isNew {
                symDso.append(d)
                symFunc.append(f)
            }
            symOf[l] = UInt32(id)
        }
        var ctxTable = IDTable(capacity: 64)
        var ctxOfTask = [UInt32](repeating: 0, count: s.taskComm.count)
        var ctxComm: [UInt32] = [], ctxPID: [Int32] = []
        for t in 0..<s.taskComm.count {
            let c: UInt32 = useComm ? s.taskComm[t] : .max, p: Int32 = usePID ? s.taskPID[t] : -1
            let id = ctxTable.id(UInt64(c) << 32 | UInt64(UInt32(bitPattern: p)), isNew: &isNew)
            if isNew {
                ctxComm.append(c)
                ctxPID.append(p)
            }
            ctxOfTask[t] = UInt32(id)
        }
        // A task's group, found once per task (per task and CPU when the CPU is a key).
        var groupOfSample = [UInt32](repeating: .max, count: s.count)
        var groupCPU: [UInt16] = [], groupTaskCtx: [UInt32] = [], groupSize: [Int] = []
        var cpuTable = IDTable(capacity: 64)
        var groupOfTaskCtx = [Int](repeating: -1, count: ctxComm.count)
        var total: Int64 = 0, totalCount = 0
        s.sampleTask.withUnsafeBufferPointer { tasks in
        s.stackStart.withUnsafeBufferPointer { starts in
        s.sampleWeight.withUnsafeBufferPointer { weights in
            for i in 0..<tasks.count {
                let task = Int(tasks[i])
                if let pidFilter, s.taskPID[task] != pidFilter { continue }
                if starts[i] == starts[i + 1] { continue }
                let cpu: UInt16 = useCPU ? s.sampleCPU[i] : 0xFFFF
                let tc = Int(ctxOfTask[task])
                var g = useCPU ? -1 : groupOfTaskCtx[tc]
                if g < 0 {
                    g = Int(cpuTable.id(UInt64(tc) << 16 | UInt64(cpu), isNew: &isNew))
                    if !useCPU { groupOfTaskCtx[tc] = g }
                    if isNew {
                        groupCPU.append(cpu)
                        groupTaskCtx.append(ctxOfTask[task])
                        groupSize.append(0)
                    }
                }
                groupSize[g] += 1
                groupOfSample[i] = UInt32(g)
                total &+= weights[i]
                totalCount += 1
            }
        }}}
        self.symOfLocation = symOf
        self.symDso = symDso
        self.symFunc = symFunc
        self.ctxComm = ctxComm
        self.ctxPID = ctxPID
        self.groupOfSample = groupOfSample
        self.groupTaskCtx = groupTaskCtx
        self.groupCPU = groupCPU
        self.groupSize = groupSize
        self.total = total
        self.totalCount = totalCount
    }

    /// Few contexts × location keys: one counter per pair, summed in file order.
    var isDense: Bool { groupCount * symCount <= 1 << 22 }

    /// Samples worth a second core: below this the merge and the task cost more than they save.
    static let parallelThreshold = 200_000

    /// Every sample, on this thread.
    func entries() -> Entries {
        if isDense { return dense(merging: densePart(0..<samples.count)) }
        return sparse(groups: 0..<groupCount)
    }

    /// Every sample, the work split in two halves run concurrently (when there are enough samples).
    func entriesInParallel() async -> Entries {
        guard samples.count >= Self.parallelThreshold, groupCount > 0 else { return entries() }
        if isDense {
            let half = samples.count / 2
            async let first = densePart(0..<half)
            let second = densePart(half..<samples.count)
            return dense(merging: await first, second)
        }
        // Groups are independent: split them where half the samples have been seen.
        var seen = 0, split = 0
        while split < groupCount, seen < totalCount / 2 {
            seen += groupSize[split]
            split += 1
        }
        async let first = sparse(groups: 0..<split)
        let second = sparse(groups: split..<groupCount)
        var out = await first
        let rest = second
        out.ctx += rest.ctx
        out.cpu += rest.cpu
        out.sym += rest.sym
        out.selfWeight += rest.selfWeight
        out.children += rest.children
        out.count += rest.count
        out.tieOrder += rest.tieOrder
        return out
    }

    // MARK: - dense: a counter per (context, location key)

    /// A counter's 16 bytes: the children weight, the last sample that added to it (so a recursive
    /// function counts once per sample) and the samples where it is the leaf. One cache line per frame.
    struct Counter: Sendable {
        var children: Int64 = 0
        var stamp: Int32 = -1
        var leaves: Int32 = 0
    }

    /// Sums of one range of samples. Counters are laid out key-major (`sym * groups + group`): the
    /// contexts of a hot function share cache lines.
    struct DensePart: Sendable {
        var counters: [Counter]
        var selfWeight: [Int64]
        /// Counter indexes in order of first appearance.
        var touched: [Int32]
    }

    func densePart(_ range: Range<Int>) -> DensePart {
        let groups = groupCount
        let n = max(1, groups * symCount)
        var counters = [Counter](repeating: Counter(), count: n)
        var selfW = [Int64](repeating: 0, count: n)
        var touched: [Int32] = []
        let children = self.children
        samples.frames.withUnsafeBufferPointer { frames in
        samples.stackStart.withUnsafeBufferPointer { starts in
        samples.sampleWeight.withUnsafeBufferPointer { weights in
        symOfLocation.withUnsafeBufferPointer { symOf in
        groupOfSample.withUnsafeBufferPointer { groupOf in
        counters.withUnsafeMutableBufferPointer { acc in
        selfW.withUnsafeMutableBufferPointer { selfW in
            for i in range {
                let g = groupOf[i]
                if g == .max { continue }
                let gi = Int(g)
                let start = Int(starts[i]), end = Int(starts[i + 1])
                let w = weights[i]
                let stampValue = Int32(truncatingIfNeeded: i)
                let leaf = Int(symOf[Int(frames[start])]) &* groups &+ gi
                selfW[leaf] &+= w
                acc[leaf].leaves &+= 1
                let last = children ? end : start + 1
                for j in start..<last {
                    let k = Int(symOf[Int(frames[j])]) &* groups &+ gi
                    let stamp = acc[k].stamp
                    if stamp != stampValue {
                        if stamp == -1 { touched.append(Int32(k)) }
                        acc[k].stamp = stampValue
                        acc[k].children &+= w
                    }
                }
            }
        }}}}}}}
        return DensePart(counters: counters, selfWeight: selfW, touched: touched)
    }

    /// The entries of one or two ranges' sums (the second's added to the first's), in order of first
    /// appearance across both. Read only: the parts' large arrays are never copied.
    private func dense(merging first: DensePart, _ second: DensePart? = nil) -> Entries {
        var out = Entries()
        let groups = groupCount
        let n = first.touched.count + (second?.touched.count ?? 0)
        out.ctx.reserveCapacity(n)
        out.cpu.reserveCapacity(n)
        out.sym.reserveCapacity(n)
        out.selfWeight.reserveCapacity(n)
        out.children.reserveCapacity(n)
        out.count.reserveCapacity(n)
        let empty = DensePart(counters: [], selfWeight: [], touched: [])
        let other = second ?? empty
        first.counters.withUnsafeBufferPointer { c1 in
        first.selfWeight.withUnsafeBufferPointer { s1 in
        other.counters.withUnsafeBufferPointer { c2 in
        other.selfWeight.withUnsafeBufferPointer { s2 in
            let both = !c2.isEmpty
            func add(_ k: Int, _ children: Int64, _ selfWeight: Int64, _ leaves: Int32) {
                let g = k % groups
                out.ctx.append(groupTaskCtx[g])
                out.cpu.append(groupCPU[g])
                out.sym.append(UInt32(k / groups))
                out.selfWeight.append(selfWeight)
                out.children.append(children)
                out.count.append(Int64(leaves))
            }
            for t in first.touched {
                let k = Int(t)
                if both {
                    add(k, c1[k].children &+ c2[k].children, s1[k] &+ s2[k], c1[k].leaves &+ c2[k].leaves)
                } else {
                    add(k, c1[k].children, s1[k], c1[k].leaves)
                }
            }
            for t in other.touched where c1[Int(t)].stamp == -1 {
                let k = Int(t)
                add(k, c2[k].children, s2[k], c2[k].leaves)
            }
        }}}}
        return out
    }

    // MARK: - sparse: many contexts, samples summed group after group

    /// One record per location key, reused by every group, so a frame costs one cache line.
    private struct Accumulator {
        var selfWeight: Int64 = 0
        var children: Int64 = 0
        var first: Int64 = .max
        var count: Int32 = 0
        var stamp: Int32 = -1
    }

    /// The entries of some groups: samples sorted by group (file order kept within each), then each
    /// group summed into counters indexed by location key. Ties keep the order of first appearance
    /// (sample, then frame from the leaf), whatever the group.
    func sparse(groups: Range<Int>) -> Entries {
        var out = Entries()
        guard !groups.isEmpty else { return out }
        var groupStart = [Int](repeating: 0, count: groups.count + 1)
        for (k, g) in groups.enumerated() { groupStart[k + 1] = groupStart[k] + groupSize[g] }
        var bySample = [Int32](repeating: 0, count: groupStart[groups.count])
        var fill = groupStart
        for i in 0..<samples.count {
            let g = groupOfSample[i]
            guard g != .max, groups.contains(Int(g)) else { continue }
            let k = Int(g) - groups.lowerBound
            bySample[fill[k]] = Int32(i)
            fill[k] += 1
        }
        var acc = [Accumulator](repeating: Accumulator(), count: symCount)
        var touched: [UInt32] = []
        let children = self.children
        samples.frames.withUnsafeBufferPointer { frames in
        samples.stackStart.withUnsafeBufferPointer { starts in
        samples.sampleWeight.withUnsafeBufferPointer { weights in
        symOfLocation.withUnsafeBufferPointer { symOf in
        acc.withUnsafeMutableBufferPointer { acc in
            for (gk, g) in groups.enumerated() {
                touched.removeAll(keepingCapacity: true)
                for k in groupStart[gk]..<groupStart[gk + 1] {
                    let i = Int(bySample[k])
                    let start = Int(starts[i]), end = Int(starts[i + 1])
                    let w = weights[i]
                    let last = children ? end : start + 1
                    let stampValue = Int32(truncatingIfNeeded: i)
                    for j in start..<last {
                        let sym = Int(symOf[Int(frames[j])])
                        if acc[sym].first == .max {
                            acc[sym].first = Int64(i) << 8 | Int64(min(255, j - start))
                            touched.append(UInt32(sym))
                        }
                        if j == start {
                            acc[sym].selfWeight &+= w
                            acc[sym].count &+= 1
                        }
                        if acc[sym].stamp != stampValue {
                            acc[sym].stamp = stampValue
                            acc[sym].children &+= w
                        }
                    }
                }
                for t in touched {
                    let sym = Int(t)
                    out.ctx.append(groupTaskCtx[g])
                    out.cpu.append(groupCPU[g])
                    out.sym.append(t)
                    out.selfWeight.append(acc[sym].selfWeight)
                    out.children.append(acc[sym].children)
                    out.count.append(Int64(acc[sym].count))
                    out.tieOrder.append(acc[sym].first)
                    acc[sym] = Accumulator()
                }
            }
        }}}}}
        return out
    }
}
