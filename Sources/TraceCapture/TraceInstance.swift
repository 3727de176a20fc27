import Synchronization
import CTracefs
import Glibc

/// This process's own tracefs instance, `instances/tracetui-<pid>`: the global buffer, `current_tracer`,
/// `set_event` and every other user of ftrace are never touched. Probes it creates live in the group
/// `tracetui_<pid>` so that a later run can tell whose they were.
///
/// Writes `<tracefs>/instances/tracetui-<pid>/…` and `<tracefs>/dynamic_events`.
public final class TraceInstance: @unchecked Sendable {
    private let stopped = Atomic<Bool>(false)
    // Used from one task at a time (the capture actor), and torn down once.
    public let root: String
    public let name: String
    public let dir: String
    let handle: OpaquePointer
    public private(set) var tep: OpaquePointer?
    private var probes: [String] = []
    private var destroyed = false
    /// Notes for the user about flags the kernel refused (shown, never fatal unless nothing is traced).
    public private(set) var warnings: [String] = []

    public static let prefix = "tracetui-"
    public static var probeGroup: String { "tracetui_\(getpid())" }

    /// Creates the instance (reaping the leftovers of dead runs first).
    public init(root: String) throws(CaptureError) {
        self.root = root
        _ = Self.reap(root: root, onlyDead: true)
        name = Self.prefix + String(getpid())
        guard let h = tracefs_instance_create(name) else {
            throw CaptureError("cannot create the tracefs instance \(root)/instances/\(name): \(String(cString: strerror(errno)))")
        }
        handle = h
        dir = root + "/instances/" + name
        ActiveInstances.register(dir: dir)
    }

    deinit { destroy() }

    // MARK: - setting up

    /// Applies the options, loads the event formats, and turns tracing on. Throws when nothing can be traced.
    public func start(_ options: LiveOptions) throws(CaptureError) {
        tracefs_trace_off(handle)
        if tracefs_instance_set_buffer_size(handle, max(64, options.bufferKB), -1) != 0 {
            warnings.append("buffer size \(options.bufferKB) KB refused")
        }
        if let clock = options.clock, let e = write("trace_clock", clock) {
            throw CaptureError("trace clock \(clock) refused (\(e)); this kernel has: \(Tracefs.read(dir + "/trace_clock") ?? "?")")
        }
        // The reader's own wakeups would otherwise be traced and wake it again.
        write("set_event_notrace_pid", "\(getpid())")
        if let cpus = options.cpus { try setCPUs(cpus) }
        if !options.pids.isEmpty {
            if let e = write("set_event_pid", options.pids.map(String.init).joined(separator: " ")) {
                throw CaptureError("cannot trace pid \(options.pids): \(e)")
            }
            write("options/event-fork", "1")
        }
        if options.stacktrace { write("options/stacktrace", "1") }
        try TracefsLock.exclusive { () throws(CaptureError) in try createProbes(options) }
        try setTracer(options)
        // Enabling by pattern and loading the formats list events/ directories: shared, so that no probe of a
        // process taking the lock goes away meanwhile (see `TracefsLock`).
        let loaded = try TracefsLock.shared { () throws(CaptureError) -> OpaquePointer in
            var enabled = 0
            for spec in options.effectiveEvents {
                if enableUnlocked(spec) { enabled += 1 } else { warnings.append("no event matches \(spec)") }
            }
            if !probes.isEmpty, tracefs_event_enable(handle, Self.probeGroup, nil) == 0 { enabled += 1 }
            if enabled == 0, options.tracer == nil {
                throw CaptureError("nothing to trace: \(warnings.joined(separator: "; "))")
            }
            for f in options.filters { try setFilter(f) }
            // Formats are read before tracing starts: loading them takes up to a second and would be traced.
            guard let t = tracefs_local_events(root) else { throw CaptureError("cannot read the event formats under \(root)/events") }
            return t
        }
        tep = loaded
        tracefs_load_cmdlines(root, loaded)
        // Function tracers record addresses: with the kernel's symbols, funcgraph lines name their functions.
        if options.tracer != nil, let symbols = Tracefs.read("/proc/kallsyms") {
            _ = symbols.withCString { tep_parse_kallsyms(loaded, $0) }
        }
        tracefs_trace_on(handle)
    }

    /// Enables a `system:event` spec with globs; a bare name matches any system.
    @discardableResult
    public func enable(_ spec: String, on: Bool = true) -> Bool {
        TracefsLock.shared { enableUnlocked(spec, on: on) }
    }

    private func enableUnlocked(_ spec: String, on: Bool = true) -> Bool {
        let (system, event) = Self.split(spec)
        let sys = system.map { LiveOptions.regex(fromGlob: $0) }
        let ev = event.map { LiveOptions.regex(fromGlob: $0) }
        return (on ? tracefs_event_enable(handle, sys, ev) : tracefs_event_disable(handle, sys, ev)) == 0
    }

    /// `sched:sched_switch` → (sched, sched_switch); `sched` → (sched, nil) when it names a system.
    static func split(_ spec: String) -> (String?, String?) {
        if let colon = spec.firstIndex(of: ":") {
            let s = String(spec[..<colon]), e = String(spec[spec.index(after: colon)...])
            return (s.isEmpty ? nil : s, e.isEmpty ? nil : e)
        }
        return (nil, spec)
    }

    private func setCPUs(_ list: String) throws(CaptureError) {
        var mask: UInt64 = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            guard let lo = bounds.first, let hi = bounds.last, lo <= hi, hi < 64 else {
                throw CaptureError("bad --cpu list \(list) (use 0,2-3)")
            }
            for c in lo...hi { mask |= 1 << UInt64(c) }
        }
        if let e = write("tracing_cpumask", String(mask, radix: 16)) { throw CaptureError("cannot set --cpu \(list): \(e)") }
    }

    private func setTracer(_ options: LiveOptions) throws(CaptureError) {
        guard let tracer = options.tracer else {
            if !options.graphFunctions.isEmpty || !options.ftraceFilters.isEmpty || !options.notrace.isEmpty {
                throw CaptureError("--graph-function, --ftrace-filter and --notrace need -t function or -t function_graph")
            }
            return
        }
        let available = Tracefs.read(root + "/available_tracers") ?? ""
        guard available.split(separator: " ").contains(where: { $0.trimmingSpaces == tracer }) else {
            throw CaptureError("this kernel does not offer the \(tracer) tracer (available: \(available.trimmingSpaces))")
        }
        func set(_ file: String, _ values: [String]) throws(CaptureError) {
            for v in values {
                if let e = write(file, v, append: true) {
                    throw CaptureError("the kernel refused \(file) \(v): \(e) (function tracing is locked down here, e.g. by lockdown or a security module)")
                }
            }
        }
        try set("set_ftrace_filter", options.ftraceFilters)
        try set("set_ftrace_notrace", options.notrace)
        try set("set_graph_function", options.graphFunctions)
        if let e = write("current_tracer", tracer) {
            throw CaptureError("the kernel refused the \(tracer) tracer: \(e) (function tracing is locked down on this machine)")
        }
    }

    private func setFilter(_ spec: String) throws(CaptureError) {
        guard let colon = spec.firstIndex(of: ":") else {
            throw CaptureError("bad --filter \(spec): use EVENT:EXPRESSION, e.g. sched_switch:prev_pid==1234")
        }
        var target = String(spec[..<colon])
        var expression = String(spec[spec.index(after: colon)...])
        // `system:event:expr` also works.
        if let second = expression.firstIndex(of: ":"), !expression[..<second].contains(where: { "=<>!~& ".contains($0) }) {
            target += ":" + expression[..<second]
            expression = String(expression[expression.index(after: second)...])
        }
        let (system, event) = Self.split(target)
        let dirs = eventDirectories(system: system ?? "*", event: event ?? "*")
        guard !dirs.isEmpty else { throw CaptureError("--filter \(spec): no event named \(target)") }
        for d in dirs {
            if let e = Tracefs.write(d + "/filter", expression) {
                throw CaptureError("the kernel refused the filter \(expression) on \(target): \(e)")
            }
        }
    }

    func eventDirectories(system: String, event: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard glob(dir + "/events/" + system + "/" + event + "/filter", 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
            .map { String($0.dropLast("/filter".count)) }
    }

    // MARK: - probes

    private func createProbes(_ options: LiveOptions) throws(CaptureError) {
        if !options.kprobes.isEmpty, access(root + "/kprobe_events", F_OK) != 0 {
            throw CaptureError("--probe: this kernel has no kprobes (\(root)/kprobe_events is absent); --uprobe works")
        }
        for (spec, kind) in options.kprobes.map({ ($0, "kprobe") }) + options.uprobes.map({ ($0, "uprobe") }) {
            let line = try Self.probeDefinition(spec, group: Self.probeGroup, uprobe: kind == "uprobe")
            let file = access(root + "/dynamic_events", F_OK) == 0 ? "dynamic_events" : "\(kind)_events"
            if let e = Tracefs.write(root + "/" + file, line, append: true) {
                throw CaptureError("the kernel refused the \(kind) `\(spec)` (\(line)): \(e)")
            }
            probes.append(line)
        }
    }

    /// `p:rl /bin/bash:readline` → `p:tracetui_<pid>/rl /bin/bash:0x…` (uprobes take a file offset).
    static func probeDefinition(_ spec: String, group: String, uprobe: Bool) throws(CaptureError) -> String {
        var words = spec.split(separator: " ").map(String.init)
        guard words.count >= 2, let kind = words.first?.first, "pr".contains(kind) else {
            throw CaptureError("bad probe `\(spec)`: use p:NAME TARGET [ARGS] or r:NAME TARGET")
        }
        var head = words[0]
        if let colon = head.firstIndex(of: ":") {
            let name = head[head.index(after: colon)...]
            head = String(head[..<colon]) + ":" + group + "/" + (name.contains("/") ? String(name.split(separator: "/").last!) : String(name))
        } else {
            throw CaptureError("probe `\(spec)` needs a name: p:NAME TARGET")
        }
        words[0] = head
        if uprobe, let colon = words[1].lastIndex(of: ":") {
            let path = String(words[1][..<colon]), symbol = String(words[1][words[1].index(after: colon)...])
            if !symbol.hasPrefix("0x"), Int(symbol) == nil {
                guard let offset = ELFSymbolTable.fileOffset(ofFunction: symbol, in: path) else {
                    throw CaptureError("--uprobe: no symbol \(symbol) in \(path)")
                }
                words[1] = path + ":0x" + String(offset, radix: 16)
            }
        }
        return words.joined(separator: " ")
    }

    /// Stops recording (the capture ends now): what is in the buffers is still read, nothing more arrives.
    public func stopTracing() {
        tracefs_trace_off(handle)
        stopped.store(true, ordering: .releasing)
    }

    /// True once `stopTracing` ran: a reader's next drain then takes the pages still being written too (before
    /// that it leaves them to fill, `tt_cpu_next_page`), since nothing more will be written.
    public var tracingStopped: Bool { stopped.load(ordering: .acquiring) }

    // MARK: - reading state

    /// Overrun and dropped events summed over the instance's CPUs (`per_cpu/cpuN/stats`).
    public func kernelLosses() -> (overrun: Int, dropped: Int) {
        var overrun = 0, dropped = 0
        var cpu = 0
        while let text = Tracefs.read(dir + "/per_cpu/cpu\(cpu)/stats") {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":")
                guard parts.count == 2, let v = Int(parts[1].trimmingSpaces) else { continue }
                if parts[0] == "overrun" { overrun += v }
                if parts[0] == "dropped events" { dropped += v }
            }
            cpu += 1
        }
        return (overrun, dropped)
    }

    /// `system:event` names the kernel offers (`available_events`).
    public func availableEvents() -> [String] {
        (Tracefs.read(root + "/available_events") ?? "").split(separator: "\n").map(String.init).sorted()
    }

    /// `system:event` names enabled in this instance (its `set_event`).
    public func enabledEvents() -> [String] {
        (Tracefs.read(dir + "/set_event") ?? "").split(separator: "\n").map(String.init)
    }

    @discardableResult
    func write(_ file: String, _ text: String, append: Bool = false) -> String? {
        Tracefs.write(dir + "/" + file, text, append: append)
    }

    // MARK: - leaving nothing behind

    /// Turns tracing off, removes the instance, then the probes (which cannot go while enabled).
    public func destroy() {
        guard !destroyed else { return }
        destroyed = true
        tracefs_trace_off(handle)
        TracefsLock.shared { _ = tracefs_event_disable(handle, nil, nil) }
        // The kernel refuses (EBUSY) while another process briefly holds one of the instance's files: try again.
        if tracefs_instance_destroy(handle) != 0, access(dir, F_OK) == 0 { _ = Self.removeInstance(dir) }
        tracefs_instance_free(handle)
        ActiveInstances.unregister(dir: dir)
        Self.removeProbes(root: root, group: Self.probeGroup)
        if let tep { tep_free(tep) }
        tep = nil
    }

    /// Removes `tracetui-*` instances and `tracetui_*` probes; `onlyDead` keeps those of running processes.
    /// Returns what was removed.
    @discardableResult
    public static func reap(root: String, onlyDead: Bool) -> [String] {
        var removed: [String] = []
        var g = glob_t()
        if glob(root + "/instances/" + prefix + "*", 0, nil, &g) == 0 {
            for i in 0..<Int(g.gl_pathc) {
                guard let p = g.gl_pathv[i] else { continue }
                let path = String(cString: p)
                guard let pid = Int32(path.split(separator: "-").last ?? "") else { continue }
                if onlyDead, pid == getpid() || isAlive(pid) { continue }
                if pid == getpid() { continue }
                if removeInstance(path) { removed.append(path) }
            }
        }
        globfree(&g)
        for group in probeGroups(root: root) {
            guard let pid = Int32(group.dropFirst("tracetui_".count)) else { continue }
            if onlyDead, pid == getpid() || isAlive(pid) { continue }
            if pid == getpid() { continue }
            removed += removeProbes(root: root, group: group)
        }
        return removed
    }

    /// rmdir fails with EBUSY while any file of the instance is open — also when another process (the
    /// watchdog, a concurrent `cleanup`) is removing it at the same moment: retry for a while.
    static func removeInstance(_ path: String) -> Bool {
        for attempt in 0..<40 {
            if rmdir(path) == 0 { return true }
            if errno == ENOENT { return attempt > 0 }
            if attempt == 0 { Tracefs.write(path + "/tracing_on", "0") }
            usleep(25_000)
        }
        return false
    }

    /// A running tracetui (a zombie or a pid reused by another program is not): see `TracetuiProcess`.
    static func isAlive(_ pid: Int32) -> Bool { TracetuiProcess.isLive(pid) }

    static func probeGroups(root: String) -> Set<String> {
        var groups = Set<String>()
        for file in probeFiles {
            for line in (Tracefs.read(root + "/" + file) ?? "").split(separator: "\n") {
                guard let head = line.split(separator: " ").first, let colon = head.firstIndex(of: ":"),
                      let slash = head.firstIndex(of: "/") else { continue }
                let group = String(head[head.index(after: colon)..<slash])
                if group.hasPrefix("tracetui_") { groups.insert(group) }
            }
        }
        return groups
    }

    /// Removes the probes of one group (`tracetui_<pid>`), never another's. Under the exclusive lock (see
    /// `TracefsLock`); a probe still in use (EBUSY: enabled in an instance being torn down, or open by perf)
    /// is tried again a bounded number of times.
    @discardableResult
    static func removeProbes(root: String, group: String) -> [String] {
        precondition(group.hasPrefix("tracetui_"), "only tracetui's own probe groups are removed")
        let owned: [(file: String, event: String)] = probeFiles.flatMap { file in
            (Tracefs.read(root + "/" + file) ?? "").split(separator: "\n").compactMap { line -> (String, String)? in
                guard let head = line.split(separator: " ").first, let colon = head.firstIndex(of: ":") else { return nil }
                let event = head[head.index(after: colon)...]
                return event.hasPrefix(group + "/") ? (file, String(event)) : nil
            }
        }
        guard !owned.isEmpty else { return [] }
        return TracefsLock.exclusive {
            var removed: [String] = []
            for (file, event) in owned where !removed.contains(event) {
                for attempt in 0..<removeAttempts {
                    guard let error = Tracefs.write(root + "/" + file, "-:" + event, append: true) else {
                        removed.append(event)
                        break
                    }
                    // Gone already (another cleanup got there first), or not busy: no point trying again.
                    if error != String(cString: strerror(EBUSY)) || attempt == removeAttempts - 1 { break }
                    usleep(100_000)
                }
            }
            return removed
        }
    }

    static let removeAttempts = 20
    static let probeFiles = ["dynamic_events", "uprobe_events", "kprobe_events"]
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" }).reversed())
    }
}
