import ArgumentParser
import Foundation
import Glibc
import Synchronization
import Terminal
import TraceCapture
import TraceModel

/// `tracetui record -o -`: ftrace text to stdout as it is read, for a pipe or an ssh channel (`--host`).
///
/// Every drain is written at once (no buffering beyond the ring buffers' 10 ms tick). It ends on SIGINT, SIGTERM,
/// SIGHUP, a closed stdout (EPIPE: SIGPIPE is ignored so the write says it) and, with `--clock-queries`, the end
/// of stdin (the viewer's ssh went away); every way out stops tracing and removes the instance.
struct RecordStream {
    let capture: CaptureFlags
    let duration: Double?
    /// Answer clock queries on stdin (`ClockResponder`); the viewer's transport asks for it.
    let clockQueries: Bool

    func run() async throws {
        guard capture.sampling == nil else {
            throw ValidationFailure("-o - streams tracepoint text only; sampling (--sample, -F, perf events) needs a file")
        }
        let root = try LiveSetup.tracefsRoot()
        let signals = StopSignals.install()
        signal(SIGPIPE, SIG_IGN)
        CrashGuard.install()
        CrashGuard.addCleanup(ActiveInstances.emergencyCleanup)
        let options = capture.options
        // A viewer on the other end (--clock-queries): this machine's /proc samples go along in the text, once a
        // second, for its system panes (`ProcStream`) — the first taken before tracing starts and one more after
        // it stops, so that the samples' intervals cover every event.
        let samples = clockQueries ? SampleQueue() : nil
        let sampler = samples.map { _ in ProcSampler(interval: .seconds(1)) }
        if let samples { sampler?.start { samples.add($0) } }
        defer { sampler?.stop() }
        for _ in 0..<1000 where samples?.isEmpty == true { usleep(1000) }
        let instance = try LiveSetup.start(root: root, options: options)
        defer { instance.destroy() }
        let responder = clockQueries
            ? ClockResponder(traceClock: options.clock, fakeOffset: ClockResponder.environmentOffset) : nil
        responder?.start {}
        let reader: any LiveReader
        do {
            reader = capture.text ? try TextPipeReader(instance: instance)
                                  : RawEventReader(instance: instance, pretty: capture.pretty, recycle: true)
        } catch {
            throw ValidationFailure(error.description)
        }
        responder?.sayReady(instance.name)
        let started = Date()
        var written = 0
        var broken = false
        let shift = responder?.fakeOffset ?? 0
        func write(_ ranges: [RawEventReader.TextRange]) {
            for r in ranges where !broken {
                if shift != 0 {
                    let moved = TimestampShift.shift(r.bytes, by: shift)
                    moved.withUnsafeBytes { broken = !Self.writeAll($0) }
                } else {
                    broken = !Self.writeAll(r.bytes)
                }
                written += r.bytes.count
            }
        }
        let duration = self.duration
        func shouldStop() -> Bool {
            broken || signals.isRaised || (responder?.hungUp ?? false)
                || duration.map { Date().timeIntervalSince(started) >= $0 } ?? false
        }
        // Between two writes of events, from this task only: a sample's lines never split an event line.
        func writeSamples() {
            guard let samples, !broken else { return }
            for sample in samples.takeAll() {
                let lines = ProcStream.encode(sample, pageSize: ProcReader.pageSize, shift: shift)
                lines.withUnsafeBytes { broken = !Self.writeAll($0) }
            }
        }
        while !shouldStop() {
            writeSamples()
            write(reader.drain { partial in
                write(partial)
                return shouldStop()
            })
            if shouldStop() { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        instance.stopTracing()
        write(reader.drain { partial in
            write(partial)
            return true
        })
        if let samples {
            sampler?.stop()
            samples.add(ProcReader(root: "/proc").read())
            writeSamples()
        }
        let losses = instance.kernelLosses()
        reader.close()
        instance.destroy()
        let why = broken ? " (stdout closed)" : responder?.hungUp == true ? " (stdin closed)"
            : signals.signalName.map { " (\($0))" } ?? ""
        let lost = max(losses.overrun + losses.dropped, reader.missed)
        // write(2), not FileHandle: stderr may be a closed pipe by now (the connection dropped), and
        // FileHandle traps on EPIPE.
        let said = Array(("tracetui: \(reader.events) events (\(written) bytes) written to stdout, "
            + "\(lost) lost; \(instance.name) removed\(why)\n").utf8)
        said.withUnsafeBytes { _ = Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// False when stdout is gone (EPIPE) or refuses the bytes.
    static func writeAll(_ b: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < b.count {
            let n = Glibc.write(1, b.baseAddress! + done, b.count - done)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}

/// Samples from the sampler's task, taken by the writing loop.
final class SampleQueue: Sendable {
    private let samples = Mutex<[ProcSample]>([])
    func add(_ s: ProcSample) { samples.withLock { $0.append(s) } }
    var isEmpty: Bool { samples.withLock { $0.isEmpty } }
    func takeAll() -> [ProcSample] { samples.withLock { q in defer { q.removeAll() }; return q } }
}
