/// What a live capture traces: the flags users know from trace-cmd and perf, as values.
public struct LiveOptions: Sendable, Equatable {
    /// `system:event` specs with globs (`sched:sched_switch`, `irq:*`, `sched`, `sys_enter_openat`).
    public var events: [String] = []
    /// `event:expression` kernel filters (`sched_switch:prev_pid==1234`).
    public var filters: [String] = []
    /// Trace only these pids (and their children: `options/event-fork`).
    public var pids: [Int32] = []
    /// CPUs to trace, `0,2-3`.
    public var cpus: String?
    /// Per-CPU ring buffer size.
    public var bufferKB = 8192
    /// The instance's `trace_clock` (`local`, `global`, `mono`, `boot`…); the kernel's default when nil.
    public var clock: String?
    /// `function` or `function_graph` (refused by locked-down kernels: said clearly).
    public var tracer: String?
    public var graphFunctions: [String] = []
    public var ftraceFilters: [String] = []
    public var notrace: [String] = []
    public var stacktrace = false
    /// `p:NAME PATH:SYMBOL|OFFSET [FETCHARGS]` uprobes and kprobes, created for the run and removed after.
    public var uprobes: [String] = []
    public var kprobes: [String] = []
    /// Every event in the kernel's own wording (libtraceevent's print formats): slower, ~3 µs an event.
    public var pretty = false
    /// Read the kernel's text `trace_pipe` instead of the raw ring buffers (the fallback).
    public var text = false

    public init() {}

    /// With no `-e`: the scheduler and irqs, plus the traced processes' syscalls when pids are given —
    /// what a 2-core machine sustains without loss.
    public var effectiveEvents: [String] {
        if !events.isEmpty { return events }
        var list = ["sched:sched_switch", "sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_process_fork",
                    "sched:sched_process_exec", "sched:sched_process_exit", "irq:*"]
        if !pids.isEmpty { list += ["syscalls:*"] }
        return list
    }

    /// The kernel's event regex for a glob (`*` and `?`), anchored.
    static func regex(fromGlob glob: String) -> String {
        var out = "^"
        for c in glob {
            switch c {
            case "*": out += ".*"
            case "?": out += "."
            case ".", "+", "(", ")", "[", "]", "{", "}", "^", "$", "|", "\\": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out + "$"
    }
}
