import ArgumentParser
import Foundation
import Terminal
import TraceCapture

/// The live session's BPF flags: run statistics on for the session, bpf_printk output, a program of one's own.
struct BpfFlags: ParsableArguments {
    @Flag(help: "Turn kernel.bpf_stats_enabled on for the session (BPF pane run counts and times; costs every BPF program run a little); the previous value is put back on exit.")
    var bpfStats = false

    @Flag(help: "Also read the top-level trace_pipe for bpf_printk / bpf_trace_printk and trace_printk lines, merged by time into the stream. The top-level buffer is shared with the whole machine and reading it consumes it (bpftool prog tracelog or cat trace_pipe elsewhere lose what tracetui reads): never on by default.")
    var printk = false

    @Option(name: .customLong("bpf"), help: ArgumentHelp("Load a BPF object (clang -target bpf) for the session: every program attached by its section name (tracepoint/, kprobe/, uprobe/), its bpf_printk output shown (implies --printk) and its maps in the BPF pane (8); all detached and unloaded on exit. A verifier refusal shows the verifier's log in a panel and attaches nothing.", valueName: "OBJ"))
    var object: String?

    /// --bpf shows its program's printk output, which goes to the top-level buffer.
    var readsPrintk: Bool { printk || object != nil }

    /// Starts what the flags ask for; `stop` (or the process's end) undoes it.
    func start() throws -> BpfSessionState {
        var state = BpfSessionState()
        if bpfStats {
            do {
                state.stats = try BpfStatsSwitch()
            } catch {
                throw ValidationFailure(error.description)
            }
            CrashGuard.addCleanup(BpfStatsEmergency.restore)
            // SIGKILL: a process of our own puts the value back once this pid is gone.
            Watchdog.spawn(["--bpf-stats-only"])
        }
        if let object {
            // A refusal does not end the session: the viewer opens with the reason in a panel (nothing of the
            // object is attached), and the exit status says it.
            do {
                state.object = try BpfObjectSession(path: object)
            } catch {
                state.refusal = error.description
            }
        }
        return state
    }
}

/// What a session's BPF flags started, undone by `stop`.
struct BpfSessionState {
    var stats: BpfStatsSwitch?
    var object: BpfObjectSession?
    /// Why `--bpf OBJ` was not loaded (the verifier's log, libbpf's reason), shown in the viewer.
    var refusal: String?

    func stop() {
        object?.close()
        stats?.restore()
    }
}
