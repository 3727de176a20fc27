import ArgumentParser
import Glibc
import TraceCapture

/// `tracetui cleanup`: removes the `tracetui-*` instances and probes of runs that died without cleaning up.
struct Cleanup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove tracetui instances and probes left by runs that were killed (SIGKILL).")

    @Option(help: .hidden)
    var afterExitOf: Int32?

    /// The watchdog of a `--bpf-stats` session: put back the sysctl it owes, leave instances to the other watchdog.
    @Flag(help: .hidden)
    var bpfStatsOnly = false

    func run() throws {
        // Instances and probes live in tracefs, which only root may change.
        if geteuid() != 0 {
            throw ValidationFailure("tracetui cleanup needs root: it removes tracefs instances and probes (run it with sudo)")
        }
        if let pid = afterExitOf {
            Watchdog.wait(for: pid)
            BpfStatsSwitch.restoreLeftovers(onlyPid: pid)
            if bpfStatsOnly { return }
        }
        let root = try LiveSetup.tracefsRoot()
        if afterExitOf != nil {
            TraceInstance.reap(root: root, onlyDead: true)
            return
        }
        try Self.removeLeftovers()
    }

    static func removeLeftovers() throws {
        for line in BpfStatsSwitch.restoreLeftovers() { print(line) }
        let root = try LiveSetup.tracefsRoot()
        let removed = TraceInstance.reap(root: root, onlyDead: true)
        if removed.isEmpty {
            print("nothing to clean up under \(root)")
        } else {
            for r in removed { print("removed \(r)") }
        }
    }
}
