import CTracefs
import Glibc
import Synchronization
import TraceModel

/// Drains an instance's per-CPU raw ring buffers (descriptors opened once, `tt_cpu_reader`), writes each record as
/// an ftrace text line into `LiveBlock`s, and parses the new lines into pieces the store appends —
/// so live rows are the same rows replay makes, and the bytes are a plain ftrace log when saved.
///
/// Reads `<instance>/per_cpu/cpuN/trace_pipe_raw`.
/// What the capture loop reads from: new whole lines of ftrace text, and counts.
public protocol LiveReader: AnyObject {
    /// Whole new lines since the last call. Under a load that refills the buffers as fast as they drain,
    /// `progress` receives the text so far every `RawEventReader.tickInterval`, and returns true to stop
    /// (at most the rest of one ring-buffer page per CPU is then dropped, as the capture ends).
    func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange]
    var events: Int { get }
    var missed: Int { get }
    /// Releases what keeps the instance busy (open files), before it is removed.
    func close()
}

extension LiveReader {
    public func drain() -> [RawEventReader.TextRange] { drain(progress: nil) }
}

public final class RawEventReader: LiveReader, @unchecked Sendable {
    // Used by the capture actor only.
    static let blockSize = 8 << 20
    static let reserve = 256 << 10
    private let instance: TraceInstance
    /// On the heap: the C iteration holds its address while the flush callback swaps blocks under it.
    private let sink: UnsafeMutablePointer<tt_sink> = {
        let p = UnsafeMutablePointer<tt_sink>.allocate(capacity: 1)
        p.initialize(to: tt_sink())
        return p
    }()
    private var block: LiveBlock
    /// The per-CPU descriptors and page buffers, open from `init` to `close` (nil after).
    private let cpus = Mutex<UnsafeMutablePointer<tt_cpu_reader>?>(nil)
    private var parsedEnd = 0
    private var ranges: [TextRange] = []
    public private(set) var events = 0
    public private(set) var missed = 0

    /// Blocks the caller is done with (`recycle`): reused instead of faulting in 8 MB of new pages each time.
    private let recycle: Bool
    public static let tickInterval: Duration = .milliseconds(50)
    private var progress: (([TextRange]) -> Bool)?
    private var lastTick = ContinuousClock.now
    private var spent: [LiveBlock] = []
    /// Blocks another thread prepared (`prepare`), taken when the current one is full.
    let spares = SpareBlocks()
    private var pool: [LiveBlock] = []

    /// `recycle`: the caller consumes each drain's text before the next drain (record writes it out),
    /// so full blocks can be written over again. The viewer keeps them (its rows point into them).
    public init(instance: TraceInstance, pretty: Bool = false, recycle: Bool = false) {
        self.instance = instance
        self.recycle = recycle
        block = LiveBlock(capacity: Self.blockSize)
        tt_sink_init(sink)
        sink.pointee.tep = instance.tep
        sink.pointee.reserve = Self.reserve
        tt_sink_prepare(sink)
        sink.pointee.pretty = pretty ? 1 : 0
        sink.pointee.flush = { context in
            Unmanaged<RawEventReader>.fromOpaque(context!).takeUnretainedValue().blockFull()
        }
        sink.pointee.tick = { context in
            Unmanaged<RawEventReader>.fromOpaque(context!).takeUnretainedValue().tick() ? 1 : 0
        }
        attach()
        cpus.withLock { $0 = tt_cpu_reader_open(instance.tep, instance.handle) }
    }

    deinit {
        close()
        tt_sink_destroy(sink)
        sink.deallocate()
    }

    private func attach() {
        sink.pointee.buf = block.base.assumingMemoryBound(to: CChar.self)
        sink.pointee.cap = block.capacity
        sink.pointee.len = 0
        parsedEnd = 0
    }

    /// New text: whole lines in a block.
    public struct TextRange: Sendable {
        public var block: LiveBlock
        public var range: Range<Int>
        public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: block.bytes[range]) }

        public init(block: LiveBlock, range: Range<Int>) {
            self.block = block
            self.range = range
        }
    }

    /// Closes the per-CPU files; a drain still running on another thread finishes first (the lock).
    public func close() {
        cpus.withLock { reader in
            tt_cpu_reader_close(reader)
            reader = nil
        }
    }

    /// Reads everything the kernel has now; returns the new text in order (empty when nothing came).
    public func drain(progress: (([TextRange]) -> Bool)?) -> [TextRange] {
        if recycle {
            pool += spent
            spent.removeAll()
        }
        sink.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        lastTick = ContinuousClock.now
        withoutActuallyEscaping(progress ?? { _ in false }) { handler in
            // Without a `progress` the text stays for the return (a tick would hand it to nobody).
            self.progress = progress == nil ? nil : handler
            cpus.withLock { reader in
                if let reader { _ = tt_drain(reader, sink) }
            }
            self.progress = nil
        }
        parsePending()
        events = Int(sink.pointee.events)
        missed = Int(sink.pointee.missed)
        defer { ranges.removeAll(keepingCapacity: true) }
        return ranges
    }

    private func parsePending() {
        guard sink.pointee.len > parsedEnd else { return }
        ranges.append(TextRange(block: block, range: parsedEnd..<sink.pointee.len))
        parsedEnd = sink.pointee.len
    }

    /// Called from inside the iteration every few thousand records.
    private func tick() -> Bool {
        let now = ContinuousClock.now
        guard now - lastTick >= Self.tickInterval, let progress else { return false }
        lastTick = now
        parsePending()
        let text = ranges
        ranges.removeAll(keepingCapacity: true)
        events = Int(sink.pointee.events)
        missed = Int(sink.pointee.missed)
        if recycle {
            // The caller is done with these once `progress` returns.
            defer {
                pool += spent
                spent.removeAll()
            }
            return progress(text)
        }
        return progress(text)
    }

    /// Called from inside the iteration when the block is nearly full: parse it, move to a new one.
    private func blockFull() {
        parsePending()
        if recycle { spent.append(block) }
        block = pool.popLast() ?? spares.take() ?? LiveBlock(capacity: Self.blockSize)
        attach()
    }
}
