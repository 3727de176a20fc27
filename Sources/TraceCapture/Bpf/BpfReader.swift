import CBpf
import Glibc
import TraceModel

/// Lists the loaded BPF programs, their links and the maps through libbpf (`bpf_prog_get_next_id`,
/// `bpf_obj_get_info_by_fd`, `bpf_link_get_next_id`, `bpf_map_get_next_id`), reads
/// `/proc/sys/kernel/bpf_stats_enabled`, and finds which process holds each program in `<proc>/*/fd` and
/// `<proc>/*/fdinfo` (`prog_id:`), since `bpf_prog_info` has no pid.
///
/// Meant to be called every interval: what cannot change while an id lives (a link's target, a program's holder,
/// a map's memory) is looked up once per id and kept; only run counts are read each time.
public final class BpfReader {
    public let procRoot: String
    private var attachByLink: [UInt32: (prog: UInt32, what: String)] = [:]
    private var owners: [UInt32: BpfProcess] = [:]
    private var ownersLookedUp: Set<UInt32> = []
    /// A map's description does not change while its id lives: listing the ids is all each interval costs (a
    /// lookup by id is the dearest call here, ~2.7 µs a map).
    private var knownMaps: [UInt32: BpfMap] = [:]
    private var statsFd: Int32
    /// `--bpf`: the maps whose entries each inventory carries (the object's own), and their readers.
    public var valuesOf: [UInt32] = []
    private var mapReaders: [UInt32: BpfMapReader] = [:]

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        statsFd = open(procRoot + "/sys/kernel/bpf_stats_enabled", O_RDONLY | O_CLOEXEC)
    }

    deinit { if statsFd >= 0 { close(statsFd) } }

    /// One inventory, stamped with CLOCK_MONOTONIC taken before reading.
    public func read() -> BpfInventory {
        var inv = BpfInventory(monotonic: ProcReader.now(CLOCK_MONOTONIC))
        inv.statsEnabled = statsEnabled()
        var programs: [BpfProgram] = []
        var id: UInt32 = 0
        var err: Int32 = 0
        while true {
            err = tt_bpf_prog_next(id, &id)
            guard err == 0 else { break }
            var raw = tt_bpf_prog()
            // A program unloaded between the listing and the lookup is simply not in this inventory.
            guard tt_bpf_prog_get(id, &raw) == 0 else { continue }
            programs.append(Self.program(raw))
        }
        if err != -ENOENT {
            inv.error = Self.describe(err)
            return inv
        }
        let links = readLinks()
        let newIDs = programs.map(\.id).filter { !ownersLookedUp.contains($0) }
        if !newIDs.isEmpty { findOwners(of: Set(newIDs)) }
        for i in programs.indices {
            programs[i].attach = links[programs[i].id] ?? []
            programs[i].loadedBy = owners[programs[i].id]
        }
        inv.programs = programs
        inv.maps = readMaps()
        inv.values = readValues(inv)
        return inv
    }

    private func statsEnabled() -> Bool? {
        guard statsFd >= 0 else { return nil }
        var b: UInt8 = 0
        guard pread(statsFd, &b, 1, 0) == 1 else { return nil }
        return b != UInt8(ascii: "0")
    }

    private static func program(_ raw: tt_bpf_prog) -> BpfProgram {
        var r = raw
        let name = withUnsafeBytes(of: &r.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let tag = withUnsafeBytes(of: &r.tag) { raw in
            String(unsafeUninitializedCapacity: 16) { out in
                for (k, b) in raw.enumerated() {
                    out[2 * k] = hexDigits[Int(b >> 4)]
                    out[2 * k + 1] = hexDigits[Int(b & 15)]
                }
                return 16
            }
        }
        let maps = withUnsafeBytes(of: &r.map_ids) { Array($0.bindMemory(to: UInt32.self).prefix(Int(r.nr_map_ids))) }
        return BpfProgram(id: raw.id, type: typeName(tt_bpf_prog_type_str(raw.type), raw.type), name: name, tag: tag,
                          runCount: raw.run_cnt, runTimeNs: raw.run_time_ns, mapIDs: maps)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func typeName(_ s: UnsafePointer<CChar>?, _ number: UInt32) -> String {
        s.map { String(cString: $0) } ?? "type \(number)"
    }

    static func describe(_ err: Int32) -> String {
        let reason = String(cString: strerror(-err))
        if err == -EPERM || err == -EACCES { return "listing BPF programs needs root (CAP_SYS_ADMIN): \(reason)" }
        return "listing BPF programs: \(reason)"
    }

    /// Program id → what its links attach it to. Links are listed every time; each new one is looked up once.
    private func readLinks() -> [UInt32: [String]] {
        var seen: Set<UInt32> = []
        var id: UInt32 = 0
        while tt_bpf_link_next(id, &id) == 0 {
            seen.insert(id)
            if attachByLink[id] != nil { continue }
            var raw = tt_bpf_link()
            guard tt_bpf_link_get(id, &raw) == 0 else { continue }
            attachByLink[id] = (raw.prog_id, Self.attach(raw))
        }
        var out: [UInt32: [String]] = [:]
        for (linkID, entry) in attachByLink.sorted(by: { $0.key < $1.key }) {
            guard seen.contains(linkID) else {
                attachByLink[linkID] = nil
                continue
            }
            out[entry.prog, default: []].append(entry.what)
        }
        return out
    }

    static func attach(_ raw: tt_bpf_link) -> String {
        var r = raw
        let name = withUnsafeBytes(of: &r.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        func named(_ kind: String) -> String { name.isEmpty ? kind : kind + " " + name }
        let attachType = tt_bpf_attach_type_str(raw.attach_type).map { String(cString: $0) } ?? "\(raw.attach_type)"
        switch Int(raw.type) {
        case Int(BPF_LINK_TYPE_PERF_EVENT.rawValue):
            // BPF_PERF_EVENT_*: uprobe 1, uretprobe 2, kprobe 3, kretprobe 4, tracepoint 5, event 6.
            switch raw.perf_type {
            case 1: return named("uprobe")
            case 2: return named("uretprobe")
            case 3: return named("kprobe")
            case 4: return named("kretprobe")
            case 5: return named("tracepoint")
            default: return named("perf_event")
            }
        case Int(BPF_LINK_TYPE_RAW_TRACEPOINT.rawValue): return named("raw_tracepoint")
        case Int(BPF_LINK_TYPE_CGROUP.rawValue): return "cgroup \(raw.cgroup_id) \(attachType)"
        case Int(BPF_LINK_TYPE_XDP.rawValue), 11, 13:
            let kind = tt_bpf_link_type_str(raw.type).map { String(cString: $0) } ?? "xdp"
            var buf = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            let ifname = if_indextoname(raw.ifindex, &buf) != nil
                ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "ifindex \(raw.ifindex)"
            return "\(kind) \(ifname)"
        case Int(BPF_LINK_TYPE_TRACING.rawValue): return "tracing \(attachType)"
        default:
            return tt_bpf_link_type_str(raw.type).map { String(cString: $0) } ?? "link type \(raw.type)"
        }
    }

    private func readValues(_ inv: BpfInventory) -> [BpfMapValues] {
        valuesOf.compactMap { id in
            guard let map = inv.map(id: id) else { return nil }
            if mapReaders[id] == nil { mapReaders[id] = BpfMapReader(map: map) }
            return mapReaders[id]?.read()
        }
    }

    private func readMaps() -> [BpfMap] {
        var maps: [BpfMap] = []
        var id: UInt32 = 0
        while tt_bpf_map_next(id, &id) == 0 {
            if let known = knownMaps[id] {
                maps.append(known)
                continue
            }
            var raw = tt_bpf_map()
            guard tt_bpf_map_get(id, &raw, 1) == 0 else { continue }
            var r = raw
            let name = withUnsafeBytes(of: &r.name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let map = BpfMap(id: raw.id, type: Self.typeName(tt_bpf_map_type_str(raw.type), raw.type), name: name,
                             keySize: raw.key_size, valueSize: raw.value_size, maxEntries: raw.max_entries,
                             memoryBytes: raw.memlock == 0 ? nil : raw.memlock)
            knownMaps[id] = map
            maps.append(map)
        }
        if knownMaps.count > maps.count {
            let live = Set(maps.map(\.id))
            knownMaps = knownMaps.filter { live.contains($0.key) }
        }
        return maps
    }

    /// Scans every process's fds for BPF program and link fds (their fdinfo names the program): a program's
    /// holder is the process with the program's own fd, else one with a link to it.
    private func findOwners(of ids: Set<UInt32>) {
        ownersLookedUp.formUnion(ids)
        var viaLink: [UInt32: BpfProcess] = [:]
        guard let proc = opendir(procRoot) else { return }
        defer { closedir(proc) }
        var link = [CChar](repeating: 0, count: 64)
        while let e = readdir(proc) {
            let pidName = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(pidName) else { continue }
            let fdDir = "\(procRoot)/\(pidName)/fd"
            guard let fds = opendir(fdDir) else { continue }
            defer { closedir(fds) }
            var comm: String?
            while let f = readdir(fds) {
                let fdName = withUnsafeBytes(of: f.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard fdName.first?.isNumber == true else { continue }
                let n = readlink(fdDir + "/" + fdName, &link, link.count - 1)
                guard n > 0 else { continue }
                let target = String(decoding: link[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let isProg = target == "anon_inode:bpf-prog"
                guard isProg || target == "anon_inode:bpf_link" else { continue }
                guard let progID = Self.fdinfoProgID("\(procRoot)/\(pidName)/fdinfo/\(fdName)"), ids.contains(progID)
                else { continue }
                if comm == nil { comm = Self.comm("\(procRoot)/\(pidName)/comm") }
                let who = BpfProcess(pid: pid, comm: comm ?? "")
                if isProg {
                    if owners[progID] == nil { owners[progID] = who }
                } else if viaLink[progID] == nil {
                    viaLink[progID] = who
                }
            }
        }
        for (id, who) in viaLink where owners[id] == nil { owners[id] = who }
    }

    private static func fdinfoProgID(_ path: String) -> UInt32? {
        guard let text = readSmall(path) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("prog_id:") {
            return UInt32(line.dropFirst(8).trimmingPrefix { $0 == " " || $0 == "\t" })
        }
        return nil
    }

    private static func comm(_ path: String) -> String? {
        readSmall(path).map { String($0.prefix { $0 != "\n" }) }
    }

    static func readSmall(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 2048)
        let n = Glibc.read(fd, &buf, buf.count)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }
}
