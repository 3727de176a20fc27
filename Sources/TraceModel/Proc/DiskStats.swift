/// One line of `/proc/diskstats`: cumulative I/O counters of a block device.
public struct DiskCounters: Sendable, Equatable {
    public var name: String
    public var reads: UInt64 = 0, readSectors: UInt64 = 0, readMilliseconds: UInt64 = 0
    public var writes: UInt64 = 0, writeSectors: UInt64 = 0, writeMilliseconds: UInt64 = 0
    /// Time the device had I/O in flight: the utilization counter.
    public var busyMilliseconds: UInt64 = 0

    public init(name: String) { self.name = name }

    public var fields: [UInt64] {
        get { [reads, readSectors, readMilliseconds, writes, writeSectors, writeMilliseconds, busyMilliseconds] }
        set {
            let v = newValue + Array(repeating: 0, count: max(0, 7 - newValue.count))
            (reads, readSectors, readMilliseconds, writes, writeSectors, writeMilliseconds, busyMilliseconds) =
                (v[0], v[1], v[2], v[3], v[4], v[5], v[6])
        }
    }
}

/// `/proc/diskstats`: the devices dstat would show, in file order.
public enum DiskStats {
    /// Whole disks that did I/O since boot. Partitions are left out (their disk counts them), and so are
    /// loop and ram devices that never did any I/O — dstat's defaults.
    public static func parse(_ text: ProcText, includeAll: Bool = false) -> [DiskCounters] {
        var out: [DiskCounters] = []
        text.forEachLine { t in
            // major minor name, then 4 (2.6 partition lines), 11, 15 (4.18 discards) or 17 (5.5 flushes) fields.
            guard t.count >= 7 else { return }
            var d = DiskCounters(name: text.string(t[2]))
            let v = t.dropFirst(3).map { text.uint($0) ?? 0 }
            if v.count >= 11 {
                d.fields = [v[0], v[2], v[3], v[4], v[6], v[7], v[9]]
            } else {
                // The short partition form: reads, read sectors, writes, write sectors.
                d.fields = [v[0], v[1], 0, v[2], v[3], 0, 0]
            }
            if !includeAll {
                if isPartition(d.name) { return }
                if d.reads == 0 && d.writes == 0 { return }
            }
            out.append(d)
        }
        return out
    }

    /// `sda1`, `nvme0n1p2`, `mmcblk0p1`, `vdb3`, `xvda1`: a partition, by the kernel's naming.
    public static func isPartition(_ name: String) -> Bool {
        let u = Array(name.utf8)
        func digitsTail() -> Int { var k = u.count; while k > 0, (0x30...0x39).contains(u[k - 1]) { k -= 1 }; return k }
        let k = digitsTail()
        guard k < u.count, k > 0 else { return false }
        let head = String(decoding: u[..<k], as: UTF8.self)
        if head.hasSuffix("p"), head.count >= 2 {
            // nvme0n1p1, mmcblk0p1, loop0p1: "p" after a digit.
            let before = u[k - 2]
            if (0x30...0x39).contains(before) { return true }
        }
        // sd/hd/vd/xvd followed by letters, then digits.
        for prefix in ["sd", "hd", "vd", "xvd"] where head.hasPrefix(prefix) {
            let rest = head.dropFirst(prefix.count)
            if !rest.isEmpty, rest.utf8.allSatisfy({ (0x61...0x7A).contains($0) }) { return true }
        }
        return false
    }

    /// Device-mapper and md devices sum I/O already counted on their disks: left out of the total.
    public static func isAggregate(_ name: String) -> Bool {
        name.hasPrefix("dm-") || name.hasPrefix("md")
    }
}
