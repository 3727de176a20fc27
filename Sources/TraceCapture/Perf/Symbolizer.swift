import Glibc
import TraceModel

/// Names the frames of samples as perf does: kernel addresses from kallsyms, user addresses through the
/// process's executable mappings and the ELF symbols of the mapped files (one table per build-id, or per
/// path and inode when a file has none), `[unknown]` where nothing is known.
///
/// Mappings are read from `/proc/PID/maps` the first time a process is seen and then follow the ring's
/// mmap, comm (exec) and fork records, so a process that exits keeps its symbols. Task names come from comm
/// records, else `/proc/PID/task/TID/comm`.
public final class Symbolizer: @unchecked Sendable {
    // Unchecked: its caches are used by the sampling task only, one drain at a time.
    struct Mapping {
        var start: UInt64
        var end: UInt64
        var pageOffset: UInt64
        var path: String
        var device: UInt64
        var inode: UInt64
        var buildID: [UInt8]
        /// The file's symbol table, looked up once per mapping (the frames of a mapping repeat).
        var table: ELFSymbolTable?
        var looked = false
    }

    private let procRoot: String
    public let kernel: Kallsyms
    private var maps: [Int32: [Mapping]] = [:]
    private var comms: [Int32: String] = [:]
    private var tables: [String: ELFSymbolTable?] = [:]
    private var tableKeyOfFile: [String: String] = [:]
    /// Frames already named, by address (kernel) and by process and address: a hot loop's few addresses
    /// come back in sample after sample. A process's entries go when its mappings change.
    private var kernelFrames: [UInt64: PerfScriptWriter.Frame] = [:]
    private var userFrames: [Int32: [UInt64: PerfScriptWriter.Frame]] = [:]

    public init(procRoot: String = "/proc", kernel: Kallsyms? = nil) {
        self.procRoot = procRoot
        self.kernel = kernel ?? Kallsyms(path: procRoot + "/kallsyms")
    }

    public static func isKernelAddress(_ a: UInt64) -> Bool { a >= 0xFFFF_8000_0000_0000 }

    // MARK: - records

    /// Follows a non-sample record: new mappings, an exec (maps start over), a fork (the child has the
    /// parent's maps and name), a new name.
    public func note(_ r: PerfRecord) {
        switch r.kind {
        case .mmap, .mmap2, .fork:
            userFrames[r.pid] = nil
        case .comm where r.isExec:
            userFrames[r.pid] = nil
        default:
            break
        }
        switch r.kind {
        case .mmap, .mmap2:
            guard r.protection & 4 != 0, r.pid >= 0 else { return }  // PROT_EXEC
            ensureMaps(r.pid)
            let m = Mapping(start: r.address, end: r.address &+ r.length, pageOffset: r.pageOffset, path: r.name,
                            device: r.device, inode: r.inode, buildID: r.buildID)
            var list = maps[r.pid] ?? []
            list.removeAll { $0.start < m.end && m.start < $0.end }
            let at = list.firstIndex { $0.start > m.start } ?? list.count
            list.insert(m, at: at)
            maps[r.pid] = list
        case .comm:
            // An exec replaces the image: its mappings follow as mmap records.
            if r.isExec { maps[r.pid] = [] }
            comms[r.tid] = r.name
        case .fork:
            if comms[r.tid] == nil, let parent = comms[r.parentTID] { comms[r.tid] = parent }
            if r.pid != r.parentPID, maps[r.pid] == nil {
                ensureMaps(r.parentPID)
                maps[r.pid] = maps[r.parentPID] ?? []
            }
        case .exit, .lost, .sample:
            break
        }
    }

    /// The thread's name: its last comm record, else /proc, else perf's `:tid`.
    public func comm(pid: Int32, tid: Int32) -> String {
        if let c = comms[tid] { return c }
        var name = Self.readLine(procRoot + "/\(pid)/task/\(tid)/comm") ?? Self.readLine(procRoot + "/\(tid)/comm")
        if tid == 0 { name = "swapper" }
        let c = name ?? ":\(tid)"
        comms[tid] = c
        return c
    }

    // MARK: - frames

    /// One frame, as perf script prints it.
    public func frame(pid: Int32, address: UInt64) -> PerfScriptWriter.Frame {
        if Self.isKernelAddress(address) {
            if let f = kernelFrames[address] { return f }
            if kernelFrames.count > 200_000 { kernelFrames = [:] }
            let f: PerfScriptWriter.Frame
            if let (i, off) = kernel.lookup(address) {
                f = .init(address: address, symbol: kernel.name(i), offset: off, dso: kernel.dso(i))
            } else {
                f = .init(address: address, symbol: "[unknown]", offset: nil, dso: "[unknown]")
            }
            kernelFrames[address] = f
            return f
        }
        if let f = userFrames[pid]?[address] { return f }
        let f = userFrame(pid: pid, address: address)
        if userFrames[pid, default: [:]].count > 50_000 { userFrames[pid] = [:] }
        userFrames[pid, default: [:]][address] = f
        return f
    }

    private func userFrame(pid: Int32, address: UInt64) -> PerfScriptWriter.Frame {
        ensureMaps(pid)
        guard let list = maps[pid], let k = Self.mappingIndex(in: list, holding: address) else {
            return .init(address: address, symbol: "[unknown]", offset: nil, dso: "[unknown]")
        }
        var m = list[k]
        if !m.looked {
            m.table = table(for: m, pid: pid)
            m.looked = true
            maps[pid]![k] = m
        }
        let fileOffset = address - m.start + m.pageOffset
        guard let table = m.table, let v = table.virtualAddress(fileOffset: fileOffset),
              let (name, off) = table.lookup(virtualAddress: v) else {
            return .init(address: address, symbol: "[unknown]", offset: nil, dso: m.path)
        }
        return .init(address: address, symbol: name, offset: off, dso: m.path)
    }

    /// A sample's frames, innermost first: the callchain without its context markers (the sampled ip
    /// when there is no callchain).
    public func frames(of r: PerfRecord) -> [PerfScriptWriter.Frame] {
        var out: [PerfScriptWriter.Frame] = []
        if r.callchain.isEmpty {
            out.append(frame(pid: r.pid, address: r.ip))
            return out
        }
        out.reserveCapacity(r.callchain.count)
        for a in r.callchain where a < PerfRecord.contextMax {
            out.append(frame(pid: r.pid, address: a))
        }
        return out
    }

    static func mappingIndex(in list: [Mapping], holding a: UInt64) -> Int? {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].start <= a { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, a < list[lo - 1].end else { return nil }
        return lo - 1
    }

    // MARK: - maps and tables

    private func ensureMaps(_ pid: Int32) {
        guard maps[pid] == nil else { return }
        maps[pid] = pid > 0 ? Self.readMaps(procRoot + "/\(pid)/maps") : []
    }

    /// The executable mappings of `/proc/PID/maps` (`start-end r-xp offset maj:min inode path`).
    static func readMaps(_ path: String) -> [Mapping] {
        guard let bytes = Kallsyms.readAll(path) else { return [] }
        var out: [Mapping] = []
        for line in bytes.split(separator: 0x0A) {
            let f = line.split(separator: 0x20, maxSplits: 5, omittingEmptySubsequences: true)
            guard f.count >= 5, f[1].count >= 3, f[1][f[1].startIndex + 2] == UInt8(ascii: "x") else { continue }
            let range = f[0].split(separator: UInt8(ascii: "-"))
            guard range.count == 2, let s = hex(range[0]), let e = hex(range[1]), let off = hex(f[2]) else { continue }
            let dev = f[3].split(separator: UInt8(ascii: ":"))
            let device = dev.count == 2 ? (hex(dev[0]) ?? 0) << 32 | (hex(dev[1]) ?? 0) : 0
            let inode = UInt64(String(decoding: f[4], as: UTF8.self)) ?? 0
            var name = f.count > 5 ? String(decoding: f[5], as: UTF8.self) : ""
            while name.hasPrefix(" ") { name.removeFirst() }
            if name.isEmpty { name = "//anon" }
            out.append(Mapping(start: s, end: e, pageOffset: off, path: name, device: device, inode: inode, buildID: []))
        }
        return out.sorted { $0.start < $1.start }
    }

    private static func hex(_ s: some Collection<UInt8>) -> UInt64? {
        guard !s.isEmpty else { return nil }
        var v: UInt64 = 0
        for c in s {
            guard let d = Kallsyms.hexValue(c) else { return nil }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    private func table(for m: Mapping, pid: Int32) -> ELFSymbolTable? {
        guard m.path.hasPrefix("/") else { return nil }  // [vdso], [stack], //anon
        let fileKey = m.inode != 0 ? "\(m.path)\u{1}\(m.device)\u{1}\(m.inode)" : m.path
        if let key = tableKeyOfFile[fileKey] { return tables[key] ?? nil }
        // The file as the process sees it (another mount namespace), else by its path here.
        let table = ELFSymbolTable(path: procRoot + "/\(pid)/root" + m.path) ?? ELFSymbolTable(path: m.path)
        let id = table?.buildID ?? m.buildID
        let key = id.isEmpty ? fileKey : "build-id:" + id.map { String($0, radix: 16) }.joined()
        if tables[key] == nil { tables[key] = .some(table) }
        tableKeyOfFile[fileKey] = key
        return tables[key] ?? nil
    }

    /// How many symbol tables were read (tests: a table is read once per file).
    public var tablesRead: Int { tables.count }

    static func readLine(_ path: String) -> String? {
        guard let b = Kallsyms.readAll(path), !b.isEmpty else { return nil }
        var end = b.count
        while end > 0, b[end - 1] == 0x0A { end -= 1 }
        return String(decoding: b[0..<end], as: UTF8.self)
    }
}
