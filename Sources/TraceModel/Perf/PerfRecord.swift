/// One record of a perf_event mmap ring, taken apart: a sample with its callchain, or one of the records
/// that say what a sample's addresses mean (a mapping, an exec's new name, a fork, an exit) or that some
/// were lost. Layouts are the kernel's (`include/uapi/linux/perf_event.h`).
public struct PerfRecord: Sendable, Equatable {
    public enum Kind: UInt32, Sendable {
        case mmap = 1, lost = 2, comm = 3, exit = 4, fork = 7, sample = 9, mmap2 = 10
    }

    public var kind: Kind
    public var misc: UInt16 = 0
    /// Nanoseconds of the events' clock (the sample's time, or the `sample_id_all` trailer's).
    public var time: UInt64 = 0
    public var cpu: UInt32 = 0
    public var pid: Int32 = -1
    public var tid: Int32 = -1
    /// Sample: the period and the callchain as the kernel gave it (context markers included).
    public var ip: UInt64 = 0
    public var period: UInt64 = 0
    public var callchain: [UInt64] = []
    /// mmap2: the mapping; comm: the new name.
    public var address: UInt64 = 0
    public var length: UInt64 = 0
    public var pageOffset: UInt64 = 0
    public var inode: UInt64 = 0
    public var device: UInt64 = 0
    public var protection: UInt32 = 0
    public var buildID: [UInt8] = []
    public var name: String = ""
    /// fork / exit: the parent.
    public var parentPID: Int32 = -1
    public var parentTID: Int32 = -1
    /// lost: how many records the kernel could not write.
    public var lost: UInt64 = 0

    public init(kind: Kind) { self.kind = kind }

    /// The sample's mode (`misc & PERF_RECORD_MISC_CPUMODE_MASK`): kernel 1, user 2.
    public var cpuMode: UInt16 { misc & 7 }
    /// comm: the name changed because of an exec (`PERF_RECORD_MISC_COMM_EXEC`).
    public var isExec: Bool { kind == .comm && misc & (1 << 13) != 0 }

    public static let sampleIP: UInt64 = 1 << 0
    public static let sampleTID: UInt64 = 1 << 1
    public static let sampleTime: UInt64 = 1 << 2
    public static let sampleCPU: UInt64 = 1 << 7
    public static let samplePeriod: UInt64 = 1 << 8
    public static let sampleCallchain: UInt64 = 1 << 5
    /// What tracetui asks for: the layout `parse` reads.
    public static let sampleType = sampleIP | sampleTID | sampleTime | sampleCPU | samplePeriod | sampleCallchain

    /// Callchain entries at or above this are context markers (`PERF_CONTEXT_MAX`, -4095).
    public static let contextMax: UInt64 = 0 &- 4095
    public static let contextKernel: UInt64 = 0 &- 128
    public static let contextUser: UInt64 = 0 &- 512
}

extension PerfRecord {
    /// Takes one record apart (`bytes` from its header on, `size` bytes long); records of other kinds
    /// (throttling, aux, …) give nil. Non-sample records carry the `sample_id_all` trailer of
    /// `sampleType`'s TID, TIME and CPU fields at their end.
    public static func parse(_ bytes: UnsafeRawBufferPointer, sampleType: UInt64 = PerfRecord.sampleType) -> PerfRecord? {
        guard bytes.count >= 8 else { return nil }
        func u16(_ o: Int) -> UInt16 { bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self) }
        func u32(_ o: Int) -> UInt32 { bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self) }
        func u64(_ o: Int) -> UInt64 { bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self) }
        let type = u32(0)
        let size = min(Int(u16(6)), bytes.count)
        guard let kind = Kind(rawValue: type) else { return nil }
        var r = PerfRecord(kind: kind)
        r.misc = u16(4)
        if kind == .sample {
            var o = 8
            func take() -> UInt64? {
                guard o + 8 <= size else { return nil }
                defer { o += 8 }
                return u64(o)
            }
            if sampleType & sampleIP != 0 { r.ip = take() ?? 0 }
            if sampleType & sampleTID != 0, let v = take() {
                r.pid = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF)
                r.tid = Int32(truncatingIfNeeded: v >> 32)
            }
            if sampleType & sampleTime != 0 { r.time = take() ?? 0 }
            if sampleType & sampleCPU != 0, let v = take() { r.cpu = UInt32(truncatingIfNeeded: v) }
            if sampleType & samplePeriod != 0 { r.period = take() ?? 0 }
            if sampleType & sampleCallchain != 0, let n = take() {
                let count = min(Int(n), max(0, (size - o) / 8))
                r.callchain.reserveCapacity(count)
                for k in 0..<count { r.callchain.append(u64(o + 8 * k)) }
            }
            return r
        }
        // The trailer: pid/tid, time, cpu (those present), at the record's end.
        var trailer = 0
        if sampleType & sampleTID != 0 { trailer += 8 }
        if sampleType & sampleTime != 0 { trailer += 8 }
        if sampleType & sampleCPU != 0 { trailer += 8 }
        let bodyEnd = size - trailer
        if bodyEnd >= 8 {
            var o = bodyEnd
            if sampleType & sampleTID != 0 { o += 8 }
            if sampleType & sampleTime != 0 {
                r.time = u64(o)
                o += 8
            }
            if sampleType & sampleCPU != 0 { r.cpu = u32(o) }
        }
        func string(from start: Int) -> String {
            guard start < bodyEnd else { return "" }
            var end = start
            while end < bodyEnd, bytes[end] != 0 { end += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        switch kind {
        case .mmap2:
            guard bodyEnd >= 72 else { return nil }
            r.pid = Int32(bitPattern: u32(8))
            r.tid = Int32(bitPattern: u32(12))
            r.address = u64(16)
            r.length = u64(24)
            r.pageOffset = u64(32)
            if r.misc & (1 << 14) != 0 {  // PERF_RECORD_MISC_MMAP_BUILD_ID
                let n = min(20, Int(bytes[40]))
                r.buildID = Array(UnsafeRawBufferPointer(rebasing: bytes[44..<(44 + n)]))
            } else {
                r.device = UInt64(u32(40)) << 32 | UInt64(u32(44))
                r.inode = u64(48)
            }
            r.protection = u32(64)
            r.name = string(from: 72)
        case .mmap:
            guard bodyEnd >= 40 else { return nil }
            r.pid = Int32(bitPattern: u32(8))
            r.tid = Int32(bitPattern: u32(12))
            r.address = u64(16)
            r.length = u64(24)
            r.pageOffset = u64(32)
            r.protection = 4  // PROT_EXEC: PERF_RECORD_MMAP reports executable mappings
            r.name = string(from: 40)
        case .comm:
            guard bodyEnd >= 16 else { return nil }
            r.pid = Int32(bitPattern: u32(8))
            r.tid = Int32(bitPattern: u32(12))
            r.name = string(from: 16)
        case .fork, .exit:
            guard bodyEnd >= 32 else { return nil }
            r.pid = Int32(bitPattern: u32(8))
            r.parentPID = Int32(bitPattern: u32(12))
            r.tid = Int32(bitPattern: u32(16))
            r.parentTID = Int32(bitPattern: u32(20))
            if r.time == 0 { r.time = u64(24) }
        case .lost:
            guard bodyEnd >= 24 else { return nil }
            r.lost = u64(16)
        case .sample:
            break
        }
        return r
    }
}
