import Foundation
import Glibc
import TraceCapture

/// A traced load for the live latency tests: a shell that, once the instance traces (a flag file, however slow
/// the machine), runs `rounds` of one-byte `dd` reads, a failing open and a short sleep (wakeups, switches in S,
/// forks); the instance traces this pid and its children only (a reader tracing its own reads would never catch
/// up), with every event the latency passes read.
final class LatencyLoad {
    let instance: TraceInstance
    let process = Process()
    private let flag: String

    init(rounds: Int, reads: Int, sleep: String) throws {
        instance = try TraceInstance(root: try Tracefs.locate())
        flag = NSTemporaryDirectory() + "tracetui-latency-load-\(getpid())"
        unlink(flag)
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while [ ! -e \(flag) ]; do sleep 0.02; done; for i in $(seq \(rounds)); do "
                             + "dd if=/dev/zero of=/dev/null bs=1 count=\(reads) status=none; "
                             + "cat /nonexistent-tracetui 2>/dev/null; sleep \(sleep); done"]
        do {
            try process.run()
            var options = LiveOptions()
            options.events = ["sched:sched_switch", "sched:sched_waking", "sched:sched_wakeup", "sched:sched_wakeup_new",
                              "sched:sched_stat_runtime", "raw_syscalls:sys_enter", "raw_syscalls:sys_exit",
                              "syscalls:sys_enter_openat", "syscalls:sys_exit_openat",
                              "irq:irq_handler_entry", "irq:irq_handler_exit", "irq:softirq_entry", "irq:softirq_exit"]
            options.pids = [process.processIdentifier]
            try instance.start(options)
        } catch {
            finish()
            throw error
        }
    }

    /// Lets the load run (call once the reader is open).
    func go() { close(open(flag, O_CREAT | O_WRONLY, 0o600)) }

    func finish() {
        if process.isRunning { process.terminate() }
        unlink(flag)
        instance.destroy()
    }
}
