import ArgumentParser
import Foundation
import Terminal
import TraceCapture

/// The live session's BPF flags: run statistics on for the session, bpf_printk output, a program of one's own.
struct BpfFlags: ParsableArguments {
    @Flag(help: "Turn kernel.bpf_stats_enabled on for the session (BPF pane run counts and times; costs every BPF program run a little); the previous value is put back on exit.")
    var bpfStats = false

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
        return state
    }
}

/// What a session's BPF flags started, undone by `stop`.
struct BpfSessionState {
    var stats: BpfStatsSwitch?

    func stop() {
        stats?.restore()
    }
}
