/// One loaded BPF program as the kernel reports it (`bpf_prog_info`), with what it is attached to.
public struct BpfProgram: Sendable, Equatable {
    public var id: UInt32
    /// libbpf's name for the program type, as `bpftool prog show` prints it (`tracepoint`, `kprobe`, `xdp`…).
    public var type: String
    /// The kernel keeps 15 characters of the name.
    public var name: String
    /// The instructions' hash, 16 hex digits.
    public var tag: String
    /// What its BPF links attach it to (`tracepoint sys_enter_openat`, `cgroup 1234 ingress`, `xdp ifindex 2`…);
    /// empty when no link names it (attached the old way, by a perf event fd or netlink, or not attached).
    public var attach: [String]
    /// The process holding a file descriptor of the program or of one of its links (its loader, as a rule);
    /// nil when none does (pinned, or held by the kernel alone).
    public var loadedBy: BpfProcess?
    /// Cumulative run count and time since load; they grow only while `kernel.bpf_stats_enabled` is on.
    public var runCount: UInt64
    public var runTimeNs: UInt64
    public var mapIDs: [UInt32]

    public init(id: UInt32, type: String, name: String, tag: String = "", attach: [String] = [],
                loadedBy: BpfProcess? = nil, runCount: UInt64 = 0, runTimeNs: UInt64 = 0, mapIDs: [UInt32] = []) {
        self.id = id
        self.type = type
        self.name = name
        self.tag = tag
        self.attach = attach
        self.loadedBy = loadedBy
        self.runCount = runCount
        self.runTimeNs = runTimeNs
        self.mapIDs = mapIDs
    }
}

/// A process named by pid and comm.
public struct BpfProcess: Sendable, Equatable {
    public var pid: Int32
    public var comm: String

    public init(pid: Int32, comm: String) {
        self.pid = pid
        self.comm = comm
    }
}
