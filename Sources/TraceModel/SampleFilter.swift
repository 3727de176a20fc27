/// perf report's sample filters by their perf names: `--cpu`, `--time` (samples outside are not read at all, so
/// the total shrinks) and `--comm`, `--pid`, `--tid` (entries of other tasks are hidden, the percentages stay
/// shares of every sample, as perf prints them when the task is a sort key).
public struct SampleFilter: Sendable, Equatable {
    public var cpus: Set<UInt16>?
    public var comms: Set<String>?
    /// Process ids (perf's `pid` of `pid/tid`).
    public var pids: Set<Int32>?
    public var tids: Set<Int32>?
    /// Inclusive bounds in ns, either open.
    public var start: Int64?
    public var end: Int64?

    public init() {}

    public var isEmpty: Bool { self == SampleFilter() }
    /// Whether any filter removes samples from the total (`--cpu`, `--time`).
    public var narrowsTotal: Bool { cpus != nil || start != nil || end != nil }
    public var narrowsTasks: Bool { comms != nil || pids != nil || tids != nil }

    /// perf's `--cpu 0-2,5`.
    public static func cpuList(_ text: String) -> Set<UInt16>? {
        var out = Set<UInt16>()
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let lo = UInt16(bounds[0].trimmingCharacters(in: " ")) else { return nil }
            let hi = bounds.count == 2 ? UInt16(bounds[1].trimmingCharacters(in: " ")) : lo
            guard let hi, hi >= lo else { return nil }
            for c in lo...hi { out.insert(c) }
        }
        return out.isEmpty ? nil : out
    }

    /// `1,2,3` as numbers.
    public static func idList(_ text: String) -> Set<Int32>? {
        var out = Set<Int32>()
        for part in text.split(separator: ",") {
            guard let n = Int32(part.trimmingCharacters(in: " ")) else { return nil }
            out.insert(n)
        }
        return out.isEmpty ? nil : out
    }

    /// perf's `--time start,stop` in seconds (`8854.9,8855.2`, `8854.9,`, `,8855.2`): ns bounds, nil when malformed.
    public static func timeSpan(_ text: String) -> (start: Int64?, end: Int64?)? {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        func ns(_ s: Substring) -> Int64?? {
            let t = s.trimmingCharacters(in: " ")
            if t.isEmpty { return .some(nil) }
            guard let v = TimeFormat.parseTimestamp(t, clock: .seconds) else { return nil }
            return .some(v)
        }
        guard let a = ns(parts[0]), let b = ns(parts[1]) else { return nil }
        if let a, let b, b < a { return nil }
        return (a, b)
    }

    /// Whether sample `i` passes the filters that narrow the total.
    @inline(__always)
    func keepsInTotal(_ s: StackSamples, _ i: Int) -> Bool {
        if let cpus, !cpus.contains(s.sampleCPU[i]) { return false }
        if start != nil || end != nil {
            let t = s.sampleTime[i]
            if t == .min { return false }
            if let start, t < start { return false }
            if let end, t > end { return false }
        }
        return true
    }

    /// Whether sample `i`'s task is one the task filters select.
    @inline(__always)
    func keepsTask(_ s: StackSamples, _ i: Int) -> Bool {
        let task = Int(s.sampleTask[i])
        if let comms, !comms.contains(s.commNames[Int(s.taskComm[task])]) { return false }
        if let pids, !pids.contains(s.taskProcess[task]) { return false }
        if let tids, !tids.contains(s.taskPID[task]) { return false }
        return true
    }

    /// The filters as perf's header shows the time slice.
    public var timeDescription: String? {
        guard start != nil || end != nil else { return nil }
        return (start.map { TimeFormat.timestamp($0, clock: .seconds) } ?? "") + "," + (end.map { TimeFormat.timestamp($0, clock: .seconds) } ?? "")
    }
}

extension StackSamples {
    /// The samples `filter` keeps, with the same names and ids (a table of them reads like one of these).
    /// `tasks: false` applies only `--cpu` and `--time`.
    public func filtered(_ filter: SampleFilter, tasks: Bool = true) -> StackSamples {
        if filter.isEmpty { return self }
        return filtered { i in filter.keepsInTotal(self, i) && (!tasks || filter.keepsTask(self, i)) }
    }

    /// The samples `keep` (given a sample's index) keeps, with the same names and ids.
    public func filtered(where keep: (Int) -> Bool) -> StackSamples {
        var out = self
        out.sampleTask = []; out.sampleCPU = []; out.sampleWeight = []; out.sampleRow = []
        out.sampleTime = []; out.sampleEvent = []; out.stackStart = [0]; out.frames = []
        out.totalWeight = 0
        for i in 0..<count where keep(i) {
            out.sampleTask.append(sampleTask[i])
            out.sampleCPU.append(sampleCPU[i])
            out.sampleWeight.append(sampleWeight[i])
            out.sampleRow.append(sampleRow[i])
            out.sampleTime.append(sampleTime[i])
            out.sampleEvent.append(sampleEvent[i])
            out.frames.append(contentsOf: frames(of: i))
            out.stackStart.append(Int32(out.frames.count))
            out.totalWeight &+= sampleWeight[i]
        }
        return out
    }
}
