import ArgumentParser
import Foundation
import Terminal
import TraceCapture
import TraceModel

/// `tracetui record -o FILE [flags] [-- COMMAND ARGS]`: capture without a UI, like `trace-cmd record`.
struct Record: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture to an ftrace text file, or a trace-cmd trace.dat (-o NAME.dat), without the UI (until COMMAND exits, or Ctrl-C).")

    @Option(name: [.customShort("o"), .long], help: "The file to write: NAME.dat a trace.dat (the kernel's pages, as trace-cmd record writes), else ftrace text; - streams text to stdout; with --host, a directory (a file per host and hosts.index).")
    var output: String

    @OptionGroup var capture: CaptureFlags

    @Option(help: "Stop after this many seconds.")
    var duration: Double?

    @Flag(help: "When the disk fills up, keep what was written up to the last whole line (else nothing is kept).")
    var keepPartial = false

    @Argument(parsing: .postTerminator, help: "A command to run and trace (with its children).")
    var command: [String] = []

    @OptionGroup var hosts: HostFlags

    @Flag(help: .hidden) var clockQueries = false

    func run() async throws {
        if !hosts.isEmpty {
            guard command.isEmpty else { throw ValidationFailure("--host does not run a command on the hosts; give -p PID") }
            return try await RecordHosts(capture: capture, hosts: hosts, directory: output, duration: duration).run()
        }
        if output == "-" {
            guard command.isEmpty else { throw ValidationFailure("-o - does not run a command; give -p PID") }
            return try await RecordStream(capture: capture, duration: duration, clockQueries: clockQueries).run()
        }
        try capture.validateSampling()
        let tracing = capture.wantsTracepoints
        let root = tracing ? try LiveSetup.tracefsRoot() : ""
        let signals = StopSignals.install()
        CrashGuard.install()
        CrashGuard.addCleanup(ActiveInstances.emergencyCleanup)
        var options = capture.options
        var sampling = capture.sampling
        // The command starts stopped-by-pipe: traced from its first instruction once its pid is known.
        var child: HeldChild?
        if !command.isEmpty {
            do { child = try HeldChild(command) } catch { throw ValidationFailure(error.description) }
            options.pids.append(child!.pid)
            sampling?.pids.append(child!.pid)
        }
        let sampleText = try sampling.map(LiveSetup.startSampling)
        let instance = tracing ? try LiveSetup.start(root: root, options: options) : nil
        defer { instance?.destroy() }
        // /proc samples beside the events, saved as OUTPUT.proc for the system panes of a replay.
        let procHistory = ProcHistoryBox(limit: 24 * 3600)
        let sampler = ProcSampler()
        sampler.start { procHistory.append($0) }
        defer { sampler.stop() }
        // Events go to OUTPUT; samples too when they are all there is, else beside it in OUTPUT.perf.
        let samplePath = tracing ? output + ".perf" : output
        // Written beside the targets and renamed into place at the end: a full disk leaves no file cut mid-line
        // (unless --keep-partial asks for what fits).
        // `.dat`: the ring-buffer pages as read, in a trace.dat written at the end (`TraceDatRecorder`).
        let dat = tracing && output.hasSuffix(".dat")
        let file = tracing && !dat ? try Self.create(output) : nil
        let sampleFile = sampleText != nil ? try Self.create(samplePath) : nil
        sampleText?.sampler.enable()
        child?.release()
        var reader: (any LiveReader)?
        if let instance {
            do {
                if dat {
                    reader = try TraceDatRecorder(instance: instance, directory: Self.directory(of: output))
                } else {
                    reader = capture.text ? try TextPipeReader(instance: instance)
                                          : RawEventReader(instance: instance, pretty: capture.pretty, recycle: true)
                }
            } catch {
                throw ValidationFailure(error.description)
            }
        }
        let started = Date()
        var written = 0
        var failure: ValidationFailure?
        var diskFull = false
        func writeBytes(_ b: UnsafeRawBufferPointer, to file: AtomicFile?) {
            guard let file, failure == nil else { return }
            file.write(b)
            if file.failure != 0 {
                diskFull = file.failure == ENOSPC || file.failure == EDQUOT
                failure = ValidationFailure("cannot write \(file.path): \(String(cString: strerror(file.failure)))")
            }
        }
        func write(_ ranges: [RawEventReader.TextRange]) {
            for r in ranges where failure == nil {
                writeBytes(r.bytes, to: file)
                written += r.bytes.count
            }
        }
        func writeSamples(final: Bool) {
            guard let sampleText else { return }
            let text = sampleText.drain(final: final)
            text.withUnsafeBytes { writeBytes($0, to: sampleFile) }
        }
        // On a write error: with --keep-partial and a full disk, the whole lines written so far are saved and
        // counted; otherwise nothing is left behind.
        func finishAfterFailure(_ failure: ValidationFailure) throws -> Never {
            instance?.stopTracing()
            if let child, !child.hasExited() { child.terminate() }
            guard keepPartial, diskFull else {
                file?.abandon()
                sampleFile?.abandon()
                throw ValidationFailure(failure.description + (diskFull ? " (nothing kept; --keep-partial keeps the whole lines written)" : ""))
            }
            var said: [String] = []
            for f in [file, sampleFile].compactMap({ $0 }) {
                try f.truncate(to: f.wholeLinesEnd)
                try f.commit()
                said.append("\(f.wholeLines) lines (\(f.wholeLinesEnd) bytes) kept in \(f.path)")
            }
            throw ValidationFailure(failure.description + ": " + said.joined(separator: ", "))
        }
        let duration = self.duration
        func timeIsUp() -> Bool { duration.map { Date().timeIntervalSince(started) >= $0 } ?? false }
        func drain() throws {
            // Under a load the buffers refill as fast as they drain: write and check for a stop every 50 ms.
            if let reader {
                write(reader.drain { partial in
                    write(partial)
                    return failure != nil || signals.isRaised || timeIsUp()
                })
            }
            writeSamples(final: false)
            if let datError = (reader as? TraceDatRecorder)?.writeError, datError != 0, failure == nil {
                diskFull = datError == ENOSPC || datError == EDQUOT
                failure = ValidationFailure("cannot write beside \(output): \(String(cString: strerror(datError)))")
            }
            if let failure { try finishAfterFailure(failure) }
        }
        while !signals.isRaised {
            try drain()
            if let child, child.hasExited() { break }
            if timeIsUp() { break }
            // Samples alone wake up less often: their rings hold seconds, tracefs's fill in milliseconds.
            try await Task.sleep(for: .milliseconds(reader == nil ? 50 : 10))
        }
        // What is left, for at most one more tick; nothing more is recorded.
        instance?.stopTracing()
        if let reader {
            write(reader.drain { partial in
                write(partial)
                return true
            })
        }
        writeSamples(final: true)
        if let failure { try finishAfterFailure(failure) }
        do {
            if let recorder = reader as? TraceDatRecorder {
                try recorder.finish(to: output)
                written = recorder.pages * recorder.pageSize
            }
            try file?.commit()
            try sampleFile?.commit()
        } catch {
            throw ValidationFailure(error.description)
        }
        sampleText?.sampler.close()
        let losses = instance?.kernelLosses()
        reader?.close()
        instance?.destroy()
        sampler.stop()
        if !procHistory.current.history.isEmpty {
            _ = try? ProcSidecarFile.save(procHistory.current.history, forTrace: tracing ? output : samplePath)
        }
        if let reader, let losses {
            let lost = max(losses.overrun + losses.dropped, reader.missed)
            FileHandle.standardError.write(Data("tracetui: \(reader.events) events (\(written) bytes) written to \(output), \(lost) lost\n".utf8))
        }
        if let sampleText {
            FileHandle.standardError.write(Data("tracetui: \(sampleText.samplesWritten) samples written to \(samplePath) (perf script text), \(sampleText.sampler.lost) lost\n".utf8))
        }
        if let child, !child.hasExited() { child.terminate() }
    }

    private static func directory(of path: String) -> String {
        path.lastIndex(of: "/").map { String(path[..<$0]) }.map { $0.isEmpty ? "/" : $0 } ?? "."
    }

    private static func create(_ path: String) throws -> AtomicFile {
        do { return try AtomicFile(path: path, countLines: true) } catch { throw ValidationFailure(error.description) }
    }
}
