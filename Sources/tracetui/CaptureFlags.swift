import ArgumentParser
import TraceCapture

/// What to trace, in trace-cmd's and perf's words; shared by live mode and `record`.
struct CaptureFlags: ParsableArguments {
    @Option(name: [.customShort("e"), .long], help: "Event to trace, SYSTEM:EVENT with globs: sched:sched_switch, 'irq:*', sched (repeatable).")
    var event: [String] = []

    @Option(help: "Kernel event filter EVENT:EXPRESSION, e.g. 'sched_switch:prev_pid==1234' (repeatable).")
    var filter: [String] = []

    @Option(name: [.customShort("p"), .long], help: "Trace only this pid and its children (repeatable).")
    var pid: [Int32] = []

    @Option(help: "CPUs to trace: 0,2-3.")
    var cpu: String?

    @Option(help: "Per-CPU ring buffer size in KB.")
    var bufferKb = 8192

    @Option(name: [.customShort("t"), .long], help: "Tracer: function or function_graph (where the kernel permits it).")
    var tracer: String?

    @Option(help: "function_graph: only calls below this function (repeatable).")
    var graphFunction: [String] = []

    @Option(help: "Only these functions (set_ftrace_filter, repeatable).")
    var ftraceFilter: [String] = []

    @Option(help: "Not these functions (set_ftrace_notrace, repeatable).")
    var notrace: [String] = []

    @Flag(help: "Attach a kernel stack trace to every event.")
    var stacktrace = false

    @Option(help: "A uprobe for the run, removed on exit: 'p:NAME /path/binary:SYMBOL' (repeatable).")
    var uprobe: [String] = []

    @Option(help: "A kprobe for the run, removed on exit: 'p:NAME SYMBOL [ARGS]' (repeatable).")
    var probe: [String] = []

    @Flag(help: "Print events in the kernel's own wording (libtraceevent print formats, ~3 µs an event) instead of field=value.")
    var pretty = false

    @Flag(help: "Read the kernel's text trace_pipe instead of the raw ring buffers (slower; loses events under load).")
    var text = false

    var options: LiveOptions {
        var o = LiveOptions()
        o.events = event
        o.filters = filter
        o.pids = pid
        o.cpus = cpu
        o.bufferKB = bufferKb
        o.tracer = tracer
        o.graphFunctions = graphFunction
        o.ftraceFilters = ftraceFilter
        o.notrace = notrace
        o.stacktrace = stacktrace
        o.uprobes = uprobe
        o.kprobes = probe
        o.pretty = pretty
        o.text = text
        return o
    }
}

/// Opening tracefs and our instance, with every failure said in one line.
enum LiveSetup {
    /// tracefs, once it has answered a listing of events/ within 3 s: a tracefs stuck by the kernel bug
    /// `TracefsLock` describes would otherwise hold this process in uninterruptible sleep for good.
    static func tracefsRoot() throws -> String {
        let root: String
        do {
            root = try Tracefs.locate()
        } catch {
            throw ValidationFailure(error.description)
        }
        if let reason = Tracefs.unanswered(root: root) { throw ValidationFailure(reason) }
        return root
    }

    /// Creates and starts the instance; a watchdog process removes it if this process dies without
    /// cleaning up (SIGKILL, a crash the handlers could not finish).
    static func start(root: String, options: LiveOptions) throws -> TraceInstance {
        let instance: TraceInstance
        do {
            instance = try TraceInstance(root: root)
        } catch {
            throw ValidationFailure(error.description)
        }
        do {
            try instance.start(options)
        } catch {
            instance.destroy()
            throw ValidationFailure(error.description)
        }
        Watchdog.spawn()
        return instance
    }
}
