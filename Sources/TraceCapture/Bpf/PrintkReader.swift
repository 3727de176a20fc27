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

    public func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange] {
        let own = inner.drain(progress: progress)
        let printk = pipe.drain(progress: nil)
        guard !printk.isEmpty else { return own }
        let a = own.flatMap { PrintkMerge.lines(Array($0.bytes)) }
        var b = printk.flatMap { PrintkMerge.lines(Array($0.bytes)) }
        if let namer { b = b.map(namer.name) }
        printkLines += b.count
        let merged = PrintkMerge.merge(a, b)
        let block = LiveBlock(copying: merged)
        return [RawEventReader.TextRange(block: block, range: 0..<merged.count)]
    }
}
