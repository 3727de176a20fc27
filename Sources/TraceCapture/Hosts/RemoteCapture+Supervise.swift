import Foundation
import Glibc
import TraceModel

extension RemoteCapture {
    /// Connects, measures the clock, watches the connection, and reconnects with back-off until stopped.
    func supervise() {
        var backoff = firstRetry
        var binary: String?
        while !stopping.load(ordering: .relaxed) {
            if let local = spec.copyBinary, binary == nil {
                setStatus { $0.state = .connecting }
                switch copy(local) {
                case .success(let path): binary = path
                case .failure(let reason):
                    if !wait(failure: reason.reason, backoff: &backoff, ranFor: 0) { break }
                    continue
                }
            }
            let started = ContinuousClock.now
            let outcome = connect(binary: binary)
            if stopping.load(ordering: .relaxed) { break }
            let ran = ContinuousClock.now - started
            if case .failure(let reason) = outcome {
                // The copied binary goes with the connection (the remote shell removes it): copy again.
                binary = nil
                _ = wait(failure: reason.reason, backoff: &backoff, ranFor: Double(ran.components.seconds))
            }
        }
        setStatus { $0.state = .stopped }
        shared.withLock { $0.finished = true }
    }

    /// Shows the failure, then waits out the back-off (counting it down in the status); false when stopped.
    private func wait(failure reason: String, backoff: inout Double, ranFor seconds: Double) -> Bool {
        // A connection that lived a while was not failing to start: the next try comes soon again.
        if seconds > 30 { backoff = firstRetry }
        var left = backoff
        while left > 0 {
            let shown = Int(left.rounded(.up))
            setStatus {
                $0.state = .failed(retryIn: shown)
                $0.reason = reason
            }
            let step = min(left, 0.1)
            usleep(UInt32(step * 1_000_000))
            left -= step
            if stopping.load(ordering: .relaxed) { return false }
        }
        backoff = min(backoff * 2, lastRetry)
        setStatus { $0.state = .connecting }
        return true
    }

    func setStatus(_ change: (inout HostStatus) -> Void) {
        shared.withLock { change(&$0.status) }
    }

    /// One connection, from spawn to exit: `.success` when it ended because the capture was stopped.
    private func connect(binary: String?) -> Result<Void, ConnectFailure> {
        shared.withLock { s in
            s.stream.newConnection()
            s.ready = false
            s.released = false
            s.messages = []
            s.replies = [:]
            s.status.state = .connecting
        }
        let p: PipedProcess
        do {
            p = try PipedProcess(spec.captureArguments(binary: binary))
        } catch {
            return .failure(ConnectFailure(error.description))
        }
        process = p
        openReaders.store(2, ordering: .relaxed)
        let out = Thread { [self] in readOutput(p.output) }
        out.name = "tracetui-host-out"
        out.start()
        let err = Thread { [self] in readErrors(p.errors) }
        err.name = "tracetui-host-err"
        err.start()
        var exit: Int32?
        // Until the remote says its instance runs, or gives up.
        while !stopping.load(ordering: .relaxed), !shared.withLock({ $0.ready }) {
            if let s = p.poll() {
                exit = s
                break
            }
            usleep(5_000)
        }
        var wasRunning = false
        if exit == nil, !stopping.load(ordering: .relaxed) {
            wasRunning = true
            setStatus {
                $0.state = .running
                $0.reason = nil
            }
            measureClock(p)
            var lastSync = ContinuousClock.now
            while !stopping.load(ordering: .relaxed) {
                if let s = p.poll() {
                    exit = s
                    break
                }
                if ContinuousClock.now - lastSync >= .milliseconds(Int64(syncInterval * 1000)) {
                    measureClock(p)
                    lastSync = ContinuousClock.now
                }
                usleep(20_000)
            }
        }
        if stopping.load(ordering: .relaxed), exit == nil { exit = shutDown(p) }
        p.closeInput()
        // Everything the remote wrote is queued before the connection counts as over.
        while openReaders.load(ordering: .relaxed) > 0 { usleep(2_000) }
        shared.withLock { $0.released = true }
        process = nil
        if stopping.load(ordering: .relaxed) { return .success(()) }
        let (messages, summary) = shared.withLock { ($0.messages, $0.remoteSummary) }
        let reason = Self.reason(exit: exit ?? -1, messages: messages, wasRunning: wasRunning, summary: summary)
        if wasRunning { noteDrop() }
        return .failure(ConnectFailure(reason))
    }

    /// Stops the remote capture in order: EOF on its stdin (it ends and removes its instance), then SIGTERM to
    /// ssh (the connection closes: the remote's stdin ends all the same), then SIGKILL.
    private func shutDown(_ p: PipedProcess) -> Int32 {
        p.closeInput()
        if let s = p.wait(seconds: 5) { return s }
        p.signal(SIGTERM)
        if let s = p.wait(seconds: 2) { return s }
        p.signal(SIGKILL)
        return p.wait(seconds: 5) ?? -1
    }

    /// Several round trips over the capture's own connection; the shortest one's estimate becomes the offset.
    /// The text waiting for it is released after the first measurement, whatever its outcome.
    func measureClock(_ p: PipedProcess) {
        defer { shared.withLock { $0.released = true } }
        guard let clock = localClock else {
            setStatus { $0.reason = "clock \(spec.traceClock): no offset (not readable from user space)" }
            return
        }
        var samples: [ClockOffset.Sample] = []
        var unsupported = false
        for k in 0..<samplesPerSync {
            let seq = Int.random(in: 1..<Int(Int32.max)) &+ k
            let sent = TraceClock.now(clock)
            guard p.send(Array("T \(seq)\n".utf8)) else { return }
            let deadline = ContinuousClock.now + .seconds(2)
            var answer: (remote: Int64?, received: Int64)?
            while answer == nil, ContinuousClock.now < deadline, !stopping.load(ordering: .relaxed) {
                answer = shared.withLock { $0.replies.removeValue(forKey: seq) }
                if answer == nil { usleep(50) }
            }
            guard let answer else { break }
            guard let remote = answer.remote else {
                unsupported = true
                break
            }
            samples.append(ClockOffset.Sample(sent: sent, remote: remote, received: answer.received))
            usleep(5_000)
        }
        if let best = ClockOffset.best(samples) {
            shared.withLock { s in
                s.offset = best.offset
                s.status.offset = best.offset
                s.status.uncertainty = best.uncertainty
            }
        } else if unsupported {
            setStatus { $0.reason = "clock \(spec.traceClock) has no reading on the host: no offset" }
        }
    }

    /// Copies the local binary to a temporary file on the host (`--remote-binary`); its path there.
    private func copy(_ local: String) -> Result<String, ConnectFailure> {
        let p: PipedProcess
        do {
            p = try PipedProcess(spec.copyArguments(), stdinFile: local)
        } catch {
            return .failure(ConnectFailure(error.description))
        }
        p.closeInput()
        let out = Self.readAll(p.output), err = Self.readAll(p.errors)
        let status = p.wait(seconds: 120) ?? -1
        let path = out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard status == 0, path.hasPrefix("/tmp/tracetui-bin.") else {
            let said = err.split(separator: "\n").last.map(String.init) ?? "status \(status)"
            return .failure(ConnectFailure("cannot copy tracetui there: \(Self.reason(exit: status, messages: [said], wasRunning: false, summary: nil))"))
        }
        return .success(path)
    }

    static func readAll(_ fd: Int32) -> String {
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A failure in the user's words: unreachable, no tracetui, sudo refused, dropped, from ssh's exit status
    /// (255 is ssh's own failure) and the last lines the host or ssh said.
    static func reason(exit: Int32, messages: [String], wasRunning: Bool, summary: String?) -> String {
        let said = messages.last(where: { !$0.hasPrefix("Warning: Permanently added") }) ?? ""
        let all = messages.joined(separator: "\n")
        if wasRunning {
            return "connection dropped" + (said.isEmpty ? " (status \(exit))" : ": " + said)
        }
        if all.contains("sudo:") && (all.contains("password") || all.contains("not allowed") || all.contains("not in the sudoers")) {
            return "sudo refused: " + said
        }
        if all.contains("sudo: command not found") || all.contains("sudo: not found") { return "no sudo on the host" }
        if exit == 127 || all.contains("command not found") || all.contains("No such file") {
            return "no tracetui on the host" + (said.isEmpty ? "" : " (\(said))")
        }
        if exit == 255 { return "unreachable: " + (said.isEmpty ? "ssh failed" : said) }
        return "exited with status \(exit)" + (said.isEmpty ? "" : ": " + said)
    }
}

struct ConnectFailure: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
