/// `/proc/meminfo`, in bytes. A field the kernel does not print is nil (e.g. `MemAvailable` before 3.14).
public struct MemInfo: Sendable, Equatable {
    public var total: UInt64?, free: UInt64?, available: UInt64?, buffers: UInt64?, cached: UInt64?
    public var reclaimable: UInt64?, shmem: UInt64?, dirty: UInt64?, swapTotal: UInt64?, swapFree: UInt64?

    public init() {}

    /// As dstat and free(1) count it: what is neither free nor buffers nor page cache.
    public var used: UInt64 {
        let t = total ?? 0
        // Saturating: a meminfo read wrong (or fuzzed) must not trap on the sum.
        let other = (free ?? 0).saturatingAdd(buffers ?? 0).saturatingAdd(cache)
        return t > other ? t - other : 0
    }

    /// Page cache plus reclaimable slab, less shared memory (which cannot be dropped).
    public var cache: UInt64 {
        let c = (cached ?? 0).saturatingAdd(reclaimable ?? 0)
        let s = shmem ?? 0
        return c > s ? c - s : c
    }

    public var swapUsed: UInt64 {
        let t = swapTotal ?? 0, f = swapFree ?? 0
        return t > f ? t - f : 0
    }

    /// Positional fields, for the sidecar file (nil as -1).
    public var fields: [UInt64?] {
        get { [total, free, available, buffers, cached, reclaimable, shmem, dirty, swapTotal, swapFree] }
        set {
            let v = newValue + Array(repeating: nil, count: max(0, 10 - newValue.count))
            (total, free, available, buffers, cached, reclaimable, shmem, dirty, swapTotal, swapFree) =
                (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9])
        }
    }

    public static func parse(_ text: ProcText) -> MemInfo {
        var m = MemInfo()
        text.forEachLine { t in
            guard t.count >= 2, let raw = text.uint(t[1]) else { return }
            // Values are in kB unless the line has no unit (HugePages_* counts, which we skip).
            // A kB count past UInt64's bytes is no reading: the line is skipped.
            let (bytes, overflow) = raw.multipliedReportingOverflow(by: 1024)
            if t.count >= 3, overflow { return }
            let v = t.count >= 3 ? bytes : raw
            let k = t[0]
            if text.token(k, is: "MemTotal:") { m.total = v }
            else if text.token(k, is: "MemFree:") { m.free = v }
            else if text.token(k, is: "MemAvailable:") { m.available = v }
            else if text.token(k, is: "Buffers:") { m.buffers = v }
            else if text.token(k, is: "Cached:") { m.cached = v }
            else if text.token(k, is: "SReclaimable:") { m.reclaimable = v }
            else if text.token(k, is: "Shmem:") { m.shmem = v }
            else if text.token(k, is: "Dirty:") { m.dirty = v }
            else if text.token(k, is: "SwapTotal:") { m.swapTotal = v }
            else if text.token(k, is: "SwapFree:") { m.swapFree = v }
        }
        return m
    }
}

extension UInt64 {
    /// `self + other`, held at UInt64.max instead of trapping.
    func saturatingAdd(_ other: UInt64) -> UInt64 {
        let (v, overflow) = addingReportingOverflow(other)
        return overflow ? .max : v
    }
}
