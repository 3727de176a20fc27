import Glibc
import TraceModel

/// `--printk`: the instance's reader plus the top-level `trace_pipe`, where `bpf_printk` / `bpf_trace_printk` and
/// `trace_printk` write (an instance never sees them). Reading the top-level pipe consumes it: whoever else reads
/// it (`bpftool prog tracelog`, `cat trace_pipe`) loses what this reads, which is why it is never on by default.
///
/// Reads `<tracefs>/trace_pipe`. A batch with printk lines is merged by time into one new block (`PrintkMerge`).
public final class PrintkReader: LiveReader, @unchecked Sendable {
    private let inner: any LiveReader
    private let pipe: TextPipeReader
    public private(set) var printkLines = 0
    /// What the status bar says while it reads (the first of the live warnings).
    public static let statusNote = "--printk: reading the shared top-level trace buffer (consumes it)"

    /// `--bpf`: names the object's programs' lines (`PrintkNamer`).
    private let namer: PrintkNamer?

    public init(wrapping inner: any LiveReader, tracefs root: String, namer: PrintkNamer? = nil) throws(CaptureError) {
        self.inner = inner
        self.namer = namer.flatMap { $0.isEmpty ? nil : $0 }
        pipe = try TextPipeReader(path: root + "/trace_pipe")
    }

    public var events: Int { inner.events + pipe.events }
    public var missed: Int { inner.missed }

    public func close() {
        pipe.close()
        inner.close()
    }

    /// Printk lines read but not yet placed: their instance events may still be in a page the reader has not read.
    private var held: [ArraySlice<UInt8>] = []
    /// How many of `held` came before this drain (the rest came in it).
    private var heldBefore = 0
    /// The newest time the instance's lines have reached (ns).
    private var reached: Int64 = .min

    public var lastPassComplete: Bool { inner.lastPassComplete }

    /// The pipe is read before the instance: a printk line is then older than the instance's drain, which holds its
    /// event once the reader has read every CPU (`lastPassComplete`). A line newer than the instance's newest waits
    /// for that (the program and the instance hang on the same tracepoint, but the reader takes a page still being
    /// written only once a pass: CI saw five printk lines come a drain ahead of their own events).
    public func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange] {
        heldBefore = held.count
        var fresh = pipe.drain(progress: nil).flatMap { PrintkMerge.lines(Array($0.bytes)) }
        if let namer { fresh = fresh.map(namer.name) }
        printkLines += fresh.count
        held += fresh
        let own = inner.drain(progress: progress.map { handler in
            { [self] partial in handler(place(partial, settled: false)) }
        })
        return place(own, settled: inner.lastPassComplete, final: inner.readsEverything)
    }

    /// The instance's text with the held printk lines it has reached merged in; `settled`: the lines from before
    /// this drain go out whatever their time; `final`: all of them do.
    private func place(_ own: [RawEventReader.TextRange], settled: Bool, final: Bool = false) -> [RawEventReader.TextRange] {
        if let newest = Self.newestTime(own) { reached = max(reached, newest) }
        var release = 0
        var previous = true
        for (k, line) in held.enumerated() {
            let ready: Bool
            if final || (settled && k < heldBefore) { ready = true }
            else if let t = PrintkMerge.timestamp(line) { ready = t <= reached }
            else { ready = previous }
            guard ready else { break }
            previous = ready
            release = k + 1
        }
        guard release > 0 else { return own }
        // Only a drain that places printk lines splits the instance's text into lines.
        let a = own.flatMap { PrintkMerge.lines(Array($0.bytes)) }
        let b = Array(held[..<release])
        held.removeFirst(release)
        heldBefore = max(0, heldBefore - release)
        let merged = PrintkMerge.merge(a, b)
        let block = LiveBlock(copying: merged)
        return [RawEventReader.TextRange(block: block, range: 0..<merged.count)]
    }

    /// The time of the text's last line that has one, read from the end (lines are in time order).
    private static func newestTime(_ ranges: [RawEventReader.TextRange]) -> Int64? {
        for r in ranges.reversed() {
            let bytes = r.bytes
            var end = bytes.count
            while end > 0 {
                var start = end - 1
                while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
                if let t = PrintkMerge.timestamp(bytes[start..<end]) { return t }
                end = start
            }
        }
        return nil
    }
}
