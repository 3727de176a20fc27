import ArgumentParser
import TraceCapture

/// What to trace, in trace-cmd's and perf's words; shared by live mode and `record`.
struct CaptureFlags: ParsableArguments {
    @Option(name: [.customShort("e"), .long], help: "Event to trace, SYSTEM:EVENT with globs: sched:sched_switch, 'irq:*', sched (repeatable); a perf event name (cpu-clock, task-clock, cycles, instructions…) samples the CPUs instead.")
    var event: [String] = []

    @Flag(help: "Sample the CPUs with perf_event_open (cpu-clock at 99 Hz, callchains; symbols from kallsyms and the ELF files) into the hotspot table.")
    var sample = false

    @Option(name: [.customShort("F"), .long], help: "Sampling frequency in Hz (implies --sample).")
    var freq: Int?

    @Option(help: "Kernel event filter EVENT:EXPRESSION, e.g. 'sched_switch:prev_pid==1234' (repeatable).")
    var filter: [String] = []

    @Option(name: [.customShort("p"), .long], help: "Trace only this pid and its children (repeatable).")
    var pid: [Int32] = []

    @Option(help: "CPUs to trace: 0,2-3.")
    var cpu: String?

    @Option(name: [.customShort("C"), .long], help: "The instance's trace_clock: local, global, mono, boot… (as trace-cmd -C). mono when sampling beside tracepoints, so events and samples share one clock.")
    var clock: String?

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

    /// What to sample, when `--sample`, `-F` or a perf event asks for it.
    var sampling: SamplingOptions? {
        let perfEvents = event.compactMap(PerfEventName.parse)
        guard sample || freq != nil || !perfEvents.isEmpty else { return nil }
        var s = SamplingOptions()
        if let e = perfEvents.first { s.event = e }
        if let freq { s.frequency = freq }
        s.pids = pid
        if let cpu { s.cpus = SamplingOptions.parseCPUList(cpu) }
        return s
    }

    /// Tracepoints are traced unless only sampling was asked for (`--sample`, `-F`, perf events alone).
    var wantsTracepoints: Bool {
        guard sampling != nil else { return true }
        return event.contains { PerfEventName.parse($0) == nil } || !filter.isEmpty || tracer != nil
            || stacktrace || !uprobe.isEmpty || !probe.isEmpty || text || pretty
    }

    func validateSampling() throws {
        if let freq, freq < 1 || freq > 100_000 { throw ValidationFailure("-F wants a frequency between 1 and 100000 Hz") }
        if event.compactMap(PerfEventName.parse).count > 1 { throw ValidationFailure("one perf event at a time (-e cpu-clock, task-clock, cycles…)") }
    }

    var options: LiveOptions {
        var o = LiveOptions()
        o.events = event.filter { PerfEventName.parse($0) == nil }
        o.filters = filter
        o.pids = pid
        o.cpus = cpu
        o.bufferKB = bufferKb
        // perf samples are stamped with CLOCK_MONOTONIC: ftrace's mono clock puts events on the same line.
        o.clock = clock ?? (sampling != nil ? "mono" : nil)
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

    /// Opens the sampling events (not yet enabled), with every failure said in one line.
    static func startSampling(_ options: SamplingOptions) throws -> SampleText {
        do {
            return SampleText(sampler: try PerfSampler(options))
        } catch {
            throw ValidationFailure(error.description)
        }
    }
}
