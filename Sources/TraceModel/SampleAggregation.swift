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
    /// Per group: the parent function (perf's `parent` key), .max for `[other]` or when parent is not a key.
    let groupParent: [UInt32]
    let groupSize: [Int]
    let total: Int64
    let totalCount: Int

    var symCount: Int { symDso.count }
    var groupCount: Int { groupSize.count }

    /// Entries as built: their key parts and metrics, in a stable order.
    struct Entries: Sendable {
        var ctx: [UInt32] = []
        var cpu: [UInt16] = []
        var parent: [UInt32] = []
        var sym: [UInt32] = []
        var selfWeight: [Int64] = []
        var children: [Int64] = []
        var count: [Int64] = []
        /// Ties are broken by this (first appearance); empty: the entries are already in that order.
        var tieOrder: [Int64] = []
    }

    init(samples s: StackSamples, keys: [HotspotKey], children: Bool, pid pidFilter: Int32?, comm: String? = nil,
         parentPattern: ByteRegex? = nil) {
        // A comm zoom: only that command's threads (.max matches none when no thread has it).
        let commFilter: UInt32? = comm.map { c in s.commNames.firstIndex(of: c).map(UInt32.init) ?? .max }
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
        var groupCPU: [UInt16] = [], groupTaskCtx: [UInt32] = [], groupSize: [Int] = [], groupParent: [UInt32] = []
        // perf's parent: the functions the pattern matches, found once per location.
        let useParent = keys.contains(.parent)
        var isParent: [Bool] = []
        if useParent, let pattern = parentPattern ?? (try? ByteRegex(HotspotKey.defaultParentPattern)) {
            let matching = s.functionNames.map { pattern.matches($0) }
            isParent = s.locationFunction.map { matching[Int($0)] }
        }
        var cpuTable = IDTable(capacity: 64)
        var groupOfTaskCtx = [Int](repeating: -1, count: ctxComm.count)
        var total: Int64 = 0, totalCount = 0
        s.sampleTask.withUnsafeBufferPointer { tasks in
        s.stackStart.withUnsafeBufferPointer { starts in
        s.sampleWeight.withUnsafeBufferPointer { weights in
            for i in 0..<tasks.count {
                let task = Int(tasks[i])
                if let pidFilter, s.taskPID[task] != pidFilter { continue }
                if let commFilter, s.taskComm[task] != commFilter { continue }
                if starts[i] == starts[i + 1] { continue }
                let cpu: UInt16 = useCPU ? s.sampleCPU[i] : 0xFFFF
                let tc = Int(ctxOfTask[task])
                var parent: UInt32 = .max
                if !isParent.isEmpty {
                    for j in Int(starts[i])..<Int(starts[i + 1]) where isParent[Int(s.frames[j])] {
                        parent = s.locationFunction[Int(s.frames[j])]
                        break
                    }
                }
                var g = useCPU || useParent ? -1 : groupOfTaskCtx[tc]
                if g < 0 {
                    let p = UInt64(parent == .max ? 0 : parent &+ 1) & 0x3FF_FFFF
                    g = Int(cpuTable.id(UInt64(tc) << 42 | p << 16 | UInt64(cpu), isNew: &isNew))
                    if !useCPU && !useParent { groupOfTaskCtx[tc] = g }
                    if isNew {
                        groupParent.append(parent)
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
        self.groupParent = groupParent
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
        out.parent += rest.parent
        out.sym += rest.sym
        out.selfWeight += rest.selfWeight
        out.children += rest.children
        out.count += rest.count
        out.tieOrder += rest.tieOrder
        return out
    }

    // MARK: - dense: a counter per (context, location key)

    /// A counter's 24 bytes: the children and self weight, the last sample that added to it (so a
    /// recursive function counts once per sample) and the samples where it is the leaf. A frame costs
    /// one cache line; the leaf's self weight is on the line its children weight already brought in.
    struct Counter: Sendable {
        var children: Int64 = 0
        var selfWeight: Int64 = 0
        var stamp: Int32 = -1
        var leaves: Int32 = 0
    }

    /// Sums of one range of samples. Counters are laid out key-major (`sym * groups + group`): the
    /// contexts of a hot function share cache lines.
    struct DensePart: Sendable {
        var counters: [Counter]
        /// Counter indexes in order of first appearance.
        var touched: [Int32]
    }

    func densePart(_ range: Range<Int>) -> DensePart {
        let groups = groupCount
        let n = max(1, groups * symCount)
        var counters = [Counter](repeating: Counter(), count: n)
        var touched: [Int32] = []
        let children = self.children
        samples.frames.withUnsafeBufferPointer { frames in
        samples.stackStart.withUnsafeBufferPointer { starts in
        samples.sampleWeight.withUnsafeBufferPointer { weights in
        symOfLocation.withUnsafeBufferPointer { symOf in
        groupOfSample.withUnsafeBufferPointer { groupOf in
        counters.withUnsafeMutableBufferPointer { acc in
            for i in range {
                let g = groupOf[i]
                if g == .max { continue }
                let gi = Int(g)
                let start = Int(starts[i]), end = Int(starts[i + 1])
                let w = weights[i]
                let stampValue = Int32(truncatingIfNeeded: i)
                let leaf = Int(symOf[Int(frames[start])]) &* groups &+ gi
                acc[leaf].selfWeight &+= w
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
        }}}}}}
        return DensePart(counters: counters, touched: touched)
    }

    /// The entries of one or two ranges' sums (the second's added to the first's), in order of first
    /// appearance across both. Read only: the parts' large arrays are never copied.
    private func dense(merging first: DensePart, _ second: DensePart? = nil) -> Entries {
        let groups = groupCount
        let other = second ?? DensePart(counters: [], touched: [])
        return first.counters.withUnsafeBufferPointer { c1 in
        other.counters.withUnsafeBufferPointer { c2 in
            // Entries only the second range has come after the first's, in its order.
            var later: [Int32] = []
            for t in other.touched where c1[Int(t)].stamp == -1 { later.append(t) }
            let n = first.touched.count + later.count
            var ctx = [UInt32](repeating: 0, count: n), cpu = [UInt16](repeating: 0, count: n)
            var parent = [UInt32](repeating: .max, count: n)
            var sym = [UInt32](repeating: 0, count: n)
            var selfW = [Int64](repeating: 0, count: n), childW = [Int64](repeating: 0, count: n)
            var count = [Int64](repeating: 0, count: n)
            ctx.withUnsafeMutableBufferPointer { ctx in
            cpu.withUnsafeMutableBufferPointer { cpu in
            sym.withUnsafeMutableBufferPointer { sym in
            selfW.withUnsafeMutableBufferPointer { selfW in
            childW.withUnsafeMutableBufferPointer { childW in
            count.withUnsafeMutableBufferPointer { count in
            groupTaskCtx.withUnsafeBufferPointer { groupTaskCtx in
            groupCPU.withUnsafeBufferPointer { groupCPU in
                var e = 0
                for list in [first.touched, later] {
                    for t in list {
                        let k = Int(t)
                        var c = c1.isEmpty ? Counter() : c1[k]
                        if !c2.isEmpty {
                            let d = c2[k]
                            c.children &+= d.children
                            c.selfWeight &+= d.selfWeight
                            c.leaves &+= d.leaves
                        }
                        let g = k % groups
                        ctx[e] = groupTaskCtx[g]
                        parent[e] = groupParent[g]
                        cpu[e] = groupCPU[g]
                        sym[e] = UInt32(k / groups)
                        selfW[e] = c.selfWeight
                        childW[e] = c.children
                        count[e] = Int64(c.leaves)
                        e += 1
                    }
                }
            }}}}}}}}
            return Entries(ctx: ctx, cpu: cpu, parent: parent, sym: sym, selfWeight: selfW, children: childW, count: count)
        }}
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
                    out.parent.append(groupParent[g])
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
