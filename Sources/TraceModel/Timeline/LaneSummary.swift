/// Per power-of-two time bucket of one lane, the task that ran longest in it: what a zoomed-out cell shows without
/// reading the runs under it, so drawing any zoom costs the cells, not the events.
///
/// Level 0's buckets are exact (every run's overlap summed per task); a bucket of level L+1 takes the longer of its
/// two halves' tasks (their sum when both name the same task). That is the task that ran longest in the bucket
/// whenever one task holds most of either half, and close to it otherwise: the price of 8 bytes per bucket.
struct LaneSummary: Sendable {
    /// log2 of level 0's bucket width in ns.
    let shift: Int
    /// Where bucket 0 of every level starts.
    let origin: Int64
    /// Per level, per bucket: the dominant task slot (-1: nothing ran) and its time in the bucket.
    private(set) var tasks: [[Int32]] = []
    private(set) var times: [[Float32]] = []

    static let empty = LaneSummary(shift: 0, origin: 0)

    private init(shift: Int, origin: Int64) {
        self.shift = shift
        self.origin = origin
    }

    var levels: Int { tasks.count }

    /// Level 0 holds about one bucket per `perBucket` runs.
    init(times runTimes: [Int64], runTasks: [Int32], perBucket: Int = 8) {
        let n = runTimes.count
        guard n >= 2 else {
            self = .empty
            return
        }
        origin = runTimes[0]
        let span = Swift.max(1, runTimes[n - 1] - origin)
        let buckets = Swift.max(1, (n - 1) / perBucket)
        var s = 0
        while (Int64(1) << s) * Int64(buckets) < span, s < 62 { s += 1 }
        shift = s
        let count = Int((span - 1) >> Int64(s)) + 1
        var domTask = [Int32](repeating: -1, count: count)
        var domTime = [Float32](repeating: 0, count: count)
        // One bucket at a time (runs come in time order): the time of each task seen in it.
        var acc: [Int32: Int64] = [:]
        var current = 0
        func close(_ b: Int) {
            var best: Int32 = -1, bestTime: Int64 = 0
            for (t, v) in acc where v > bestTime || (v == bestTime && t < best) {
                best = t
                bestTime = v
            }
            domTask[b] = best
            domTime[b] = Float32(bestTime)
            acc.removeAll(keepingCapacity: true)
        }
        let width = Int64(1) << Int64(s)
        for j in 0..<(n - 1) {
            let task = runTasks[j]
            let a = runTimes[j], e = runTimes[j + 1]
            guard task >= 0, e > a else { continue }
            let first = Int((a - origin) >> Int64(s)), last = Int((e - 1 - origin) >> Int64(s))
            if first != current {
                close(current)
                current = first
            }
            if first == last {
                acc[task, default: 0] += e - a
                continue
            }
            acc[task, default: 0] += origin + Int64(first + 1) * width - a
            close(first)
            if last > first + 1 {
                for b in (first + 1)..<last {
                    domTask[b] = task
                    domTime[b] = Float32(width)
                }
            }
            current = last
            acc[task, default: 0] += e - (origin + Int64(last) * width)
        }
        close(current)
        tasks = [domTask]
        times = [domTime]
        while tasks[tasks.count - 1].count > 1 {
            let lt = tasks[tasks.count - 1], lv = times[times.count - 1]
            let m = (lt.count + 1) / 2
            var nt = [Int32](repeating: -1, count: m), nv = [Float32](repeating: 0, count: m)
            for b in 0..<m {
                let (t, v) = Self.merge((lt[2 * b], lv[2 * b]),
                                        2 * b + 1 < lt.count ? (lt[2 * b + 1], lv[2 * b + 1]) : (-1, 0))
                nt[b] = t
                nv[b] = v
            }
            tasks.append(nt)
            times.append(nv)
        }
    }

    @inline(__always)
    static func merge(_ x: (Int32, Float32), _ y: (Int32, Float32)) -> (Int32, Float32) {
        if x.0 == y.0 { return (x.0, x.1 + y.1) }
        if y.0 < 0 { return x }
        if x.0 < 0 { return y }
        return y.1 > x.1 ? y : x
    }

    /// The dominant task over [from, to) from the finest level whose buckets are no wider than the range
    /// (the range's edge buckets count whole).
    func dominant(from: Int64, to: Int64) -> Int32 {
        guard !tasks.isEmpty, to > from else { return -1 }
        var level = 0
        while level + 1 < levels, (Int64(1) << Int64(shift + level + 1)) <= to - from { level += 1 }
        let s = Int64(shift + level)
        let lt = tasks[level], lv = times[level]
        let first = Swift.max(0, Int((Swift.max(from, origin) - origin) >> s))
        let last = Swift.min(lt.count - 1, Int((Swift.max(to - 1, origin) - origin) >> s))
        guard first <= last else { return -1 }
        var best: (Int32, Float32) = (-1, 0)
        for b in first...last { best = Self.merge(best, (lt[b], lv[b])) }
        return best.0
    }

    var bytes: Int { tasks.reduce(0) { $0 + $1.count * 8 } }
}
