import Foundation

/// Whether this machine lets the tests trace live, and the global tracefs files a run must leave as they were.
enum LiveTracing {
    static let roots = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]

    /// nil when live tests can run (root, tracefs writable); otherwise why not, printed with the skip.
    static let unavailableReason: String? = {
        guard geteuid() == 0 else { return "live tracing tests need root (CI runs as root)" }
        if root == nil { _ = try? CommandResult.run("/bin/mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"]) }
        guard let root else { return "no tracefs mounted and mounting it failed" }
        guard access(root + "/instances", W_OK) == 0 else { return "\(root)/instances is not writable" }
        return wedgedReason(root: root)
    }()

    /// CI's own check found tracefs stuck (TRACETUI_TRACEFS_WEDGED), or listing `events/` in a child process
    /// does not end within 3 s: after the kernel bug tracetui's lock guards against, every access to events/
    /// sleeps for good, and a live test would hang instead of failing.
    static func wedgedReason(root: String) -> String? {
        if ProcessInfo.processInfo.environment["TRACETUI_TRACEFS_WEDGED"] != nil {
            return "tracefs does not answer (TRACETUI_TRACEFS_WEDGED is set)"
        }
        // The listing takes tracetui's lock shared, as every lister of events/ should (flock waits at most 3 s).
        let lister = FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")
            ? ["/usr/bin/flock", "-s", "-w", "3", lockPath, "/bin/ls", "-f", root + "/events"]
            : ["/bin/ls", "-f", root + "/events"]
        switch BoundedSpawn.run(lister, seconds: 6) {
        case .exited(0): return nil
        case .exited(let status): return "listing \(root)/events failed (exit \(status))"
        case .timedOut: return "listing \(root)/events took over 6 s: tracefs is stuck (a kernel bug; only a reboot helps)"
        case .failed(let why): return "cannot check tracefs: \(why)"
        }
    }

    /// tracetui's lock around listing events/ and removing probes (`TracefsLock`).
    static let lockPath = "/run/lock/tracetui-tracefs.lock"

    static var isAvailable: Bool {
        if let reason = unavailableReason { print("skipping live tracing tests: \(reason)") }
        return unavailableReason == nil
    }

    static var root: String? { roots.first { access($0 + "/instances", F_OK) == 0 } }

    /// Files no tracetui run may change (read as bytes; an unreadable one reads as its errno).
    static let globalFiles = ["tracing_on", "current_tracer", "set_event", "set_ftrace_filter", "set_event_pid",
                              "buffer_size_kb", "trace_options", "events/enable", "dynamic_events", "uprobe_events",
                              "tracing_cpumask", "set_event_notrace_pid"]

    static func globalState() -> [String: Data] {
        var state: [String: Data] = [:]
        for file in globalFiles {
            let path = (root ?? "/nonexistent") + "/" + file
            state[file] = FileManager.default.contents(atPath: path) ?? Data("unreadable".utf8)
        }
        return state
    }

    static func instanceExists(pid: pid_t) -> Bool {
        access((root ?? "/nonexistent") + "/instances/tracetui-\(pid)", F_OK) == 0
    }

    /// `tracetui-<pid>` instances whose process is gone (other tests' live instances are not leftovers).
    static var deadInstances: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: (root ?? "/nonexistent") + "/instances")) ?? [])
            .filter { name in
                guard name.hasPrefix("tracetui-"), let pid = pid_t(name.dropFirst("tracetui-".count)) else { return false }
                return kill(pid, 0) != 0 && errno == ESRCH
            }
    }
}
