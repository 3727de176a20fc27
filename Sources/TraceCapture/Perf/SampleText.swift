import TraceModel

/// Turns a sampler's records into `perf script` text, in time order across the CPUs' rings: the records
/// are ordered first (`PerfRecordQueue`), mapping and comm records update the symbolizer, each sample is
/// symbolized and written.
public final class SampleText: @unchecked Sendable {
    // Unchecked: used by the sampling task only (one drain at a time), which owns the sampler and symbolizer.
    public let sampler: PerfSampler
    public let symbolizer: Symbolizer
    private var queue = PerfRecordQueue()
    public private(set) var samplesWritten = 0

    public init(sampler: PerfSampler, symbolizer: Symbolizer = Symbolizer()) {
        self.sampler = sampler
        self.symbolizer = symbolizer
    }

    /// Reads the rings and returns the text of the samples no newer than the drain's start (the newer wait
    /// for the next drain, which may find older records in rings read later); `final` takes them all.
    public func drain(final: Bool = false) -> [UInt8] {
        let cutoff = PerfSampler.now()
        sampler.drain(into: &queue)
        let records = final ? queue.takeAll() : queue.take(upTo: cutoff)
        return Self.text(of: records, symbolizer: symbolizer, event: sampler.options.event.name, written: &samplesWritten)
    }

    /// One drain's samples as text, where each starts and its time (ns), and the time the rings were read up to
    /// (`cutoff`: no later drain brings an older sample): what merging them with tracepoints by time needs.
    public func drainTimed(final: Bool = false) -> (text: [UInt8], starts: [(offset: Int, time: UInt64)], cutoff: UInt64) {
        let cutoff = PerfSampler.now()
        sampler.drain(into: &queue)
        let records = final ? queue.takeAll() : queue.take(upTo: cutoff)
        var starts: [(offset: Int, time: UInt64)]? = []
        let text = Self.text(of: records, symbolizer: symbolizer, event: sampler.options.event.name,
                             written: &samplesWritten, starts: &starts)
        return (text, starts ?? [], final ? UInt64.max : cutoff)
    }

    /// Records in time order → text (the symbolizer follows the non-sample records as they come).
    public static func text(of records: [PerfRecord], symbolizer: Symbolizer, event: String, written: inout Int) -> [UInt8] {
        var starts: [(offset: Int, time: UInt64)]? = nil
        return text(of: records, symbolizer: symbolizer, event: event, written: &written, starts: &starts)
    }

    static func text(of records: [PerfRecord], symbolizer: Symbolizer, event: String, written: inout Int,
                     starts: inout [(offset: Int, time: UInt64)]?) -> [UInt8] {
        var out: [UInt8] = []
        for r in records {
            guard r.kind == .sample else {
                symbolizer.note(r)
                continue
            }
            if out.isEmpty { out.reserveCapacity(records.count * 400) }
            starts?.append((out.count, r.time))
            PerfScriptWriter.appendSample(to: &out, comm: symbolizer.comm(pid: r.pid, tid: r.tid), pid: r.pid,
                                          tid: r.tid, cpu: r.cpu, timeNanoseconds: r.time, period: r.period,
                                          event: event, frames: symbolizer.frames(of: r))
            written += 1
        }
        return out
    }
}

/// The bytes of one drain's samples as perf script text, parsed in place into the store: its chunks are
/// told apart from the ftrace lines' when saving.
public final class SampleTextBlock: ByteStorage, @unchecked Sendable {
    // Written once in init, never mutated: safe to share.
    private let buffer: UnsafeMutableRawBufferPointer
    private let count: Int

    public init(_ source: [UInt8]) {
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 16)
        source.withUnsafeBytes { if let s = $0.baseAddress { b.baseAddress!.copyMemory(from: s, byteCount: $0.count) } }
        buffer = b
        count = source.count
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    deinit { buffer.deallocate() }
}
