import CBpf
import Glibc

/// `tracetui --bpf OBJ`: a BPF object of the user's, loaded and every program attached by its section name
/// (`tracepoint/…`, `kprobe/…`, `uprobe/…`; `perf_event` on a 99 Hz cpu-clock event a CPU) through libbpf, for the session.
///
/// Nothing outlives the process: the programs and links are held by this process's fds only (never pinned), so
/// the kernel detaches and unloads them when it exits however it exits, SIGKILL included; `close` does it at once.
/// A refusal (an object libbpf cannot open, the verifier, an attach) leaves nothing attached and throws the reason
/// with the verifier's log.
public final class BpfObjectSession: @unchecked Sendable {
    private var loaded: UnsafeMutablePointer<tt_bpf_loaded>?
    public let path: String

    public init(path: String) throws(CaptureError) {
        self.path = path
        let size = 1 << 20
        let msg = UnsafeMutablePointer<CChar>.allocate(capacity: size)
        defer { msg.deallocate() }
        guard let l = tt_bpf_load_object(path, msg, size) else {
            throw CaptureError(String(cString: msg))
        }
        loaded = l
    }

    deinit { close() }

    /// The ids of the programs it loaded (the BPF pane lists them with everything else).
    public var programIDs: [UInt32] {
        guard let l = loaded else { return [] }
        var ids: [UInt32] = []
        var p = bpf_object__next_program(l.pointee.obj, nil)
        while let prog = p {
            var info = bpf_prog_info()
            var len = UInt32(MemoryLayout<bpf_prog_info>.size)
            if bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0 { ids.append(info.id) }
            p = bpf_object__next_program(l.pointee.obj, prog)
        }
        return ids
    }

    /// The libbpf object while it is loaded.
    var object: OpaquePointer? { loaded?.pointee.obj }

    /// Detaches and unloads everything (once).
    public func close() {
        tt_bpf_unload(loaded)
        loaded = nil
    }
}
