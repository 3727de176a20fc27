import ArgumentParser
import Foundation
import TraceCapture

/// `--host` and its ssh options: capture on other machines over ssh (live and `record`).
struct HostFlags: ParsableArguments {
    @Option(help: "Capture on this host over ssh instead of here (repeatable): runs `sudo -n tracetui record -o -` there, with the flags given here.")
    var host: [String] = []

    @Option(help: "An ssh option for every --host connection, as ssh -o takes it: 'Port=2222', 'IdentityFile=~/.ssh/k' (repeatable).")
    var sshOption: [String] = []

    @Option(help: "An ssh config file for the --host connections (ssh -F).")
    var sshConfig: String?

    @Option(help: "tracetui on the hosts: a name on their PATH or an absolute path.")
    var remoteTracetui = "tracetui"

    @Flag(help: "Copy this tracetui to a temporary file on each host, run it there, and remove it afterwards (same architecture).")
    var remoteBinary = false

    var isEmpty: Bool { host.isEmpty }

    /// One capture per host, the capture flags passed on; the trace clock is `mono` unless `-C` picks another.
    func captures(_ capture: CaptureFlags) throws -> [RemoteCapture] {
        guard capture.sampling == nil else {
            throw ValidationFailure("--host captures tracepoints; sampling (--sample, -F, perf events) over ssh is not supported yet")
        }
        var names = Set<String>()
        for h in host where !names.insert(h).inserted { throw ValidationFailure("--host \(h) is given twice") }
        var ssh: [String] = []
        if let sshConfig { ssh += ["-F", sshConfig] }
        for o in sshOption { ssh += ["-o", o] }
        let binary = remoteBinary ? Watchdog.executable() : nil
        let clock = capture.clock ?? "mono"
        let environment = ProcessInfo.processInfo.environment
        return host.map { name in
            var spec = RemoteSpec(host: name, sshOptions: ssh + SSHCiphers.options(host: name, sshOptions: ssh),
                                  remoteCommand: remoteTracetui,
                                  recordArguments: capture.remoteArguments(clock: clock), copyBinary: binary,
                                  traceClock: clock)
            // Tests only: a remote that pretends its clock is off by this much (`ClockResponder`).
            if let fake = environment["TRACETUI_TEST_CLOCK_OFFSET_NS_" + name] {
                spec.remoteEnvironment["TRACETUI_TEST_CLOCK_OFFSET_NS"] = fake
            }
            return RemoteCapture(spec)
        }
    }
}

extension CaptureFlags {
    /// The flags again, as `record` on a host takes them.
    func remoteArguments(clock: String) -> [String] {
        var a: [String] = []
        for e in event { a += ["-e", e] }
        for f in filter { a += ["--filter", f] }
        for p in pid { a += ["-p", String(p)] }
        if let cpu { a += ["--cpu", cpu] }
        a += ["-C", clock, "--buffer-kb", String(bufferKb)]
        if let tracer { a += ["-t", tracer] }
        for g in graphFunction { a += ["--graph-function", g] }
        for f in ftraceFilter { a += ["--ftrace-filter", f] }
        for n in notrace { a += ["--notrace", n] }
        if stacktrace { a.append("--stacktrace") }
        for u in uprobe { a += ["--uprobe", u] }
        for p in probe { a += ["--probe", p] }
        if pretty { a.append("--pretty") }
        if text { a.append("--text") }
        return a
    }
}
