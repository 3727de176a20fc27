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
    /// False when the last drain left a record it could not yet place in time order.
    var lastPassComplete: Bool { get }
    /// Whether a drain hands over every record the kernel has: false for a reader that leaves a page still being
    /// written for a later pass.
    var readsEverything: Bool { get }
}

extension LiveReader {
    public func drain() -> [RawEventReader.TextRange] { drain(progress: nil) }
    public var lastPassComplete: Bool { true }
    public var readsEverything: Bool { true }
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
    /// The kernel's event names by id, when the records' columns are kept (`DecodedRows`).
    private var typeNames: EventTypeNames?
    /// Makes the lines of the records kept as bytes (`keepRecords`).
    private var kept: KeptRecordFormatter?
    private var ranges: [TextRange] = []
    /// Whether the sink keeps the latency passes' typed values (nil: always), copied into it by this thread.
    private let typedCapture: LatencyCaptureSwitch?
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
    /// `keepRecords` (the viewer, when nothing reads its blocks as text): records go into the blocks as bytes and
    /// their rows' lines are made when read (`KeptLines`); the ranges are then only for `LiveFeed`.
    /// `typedCapture`: when the latency passes' typed values are kept (the live viewer: once its latency view opens);
    /// nil keeps them from the start.
    public init(instance: TraceInstance, pretty: Bool = false, recycle: Bool = false, keepRecords: Bool = false,
                typedCapture: LatencyCaptureSwitch? = nil) {
        self.instance = instance
        self.recycle = recycle
        self.typedCapture = typedCapture
        block = LiveBlock(capacity: Self.blockSize)
        tt_sink_init(sink)
        sink.pointee.tep = instance.tep
        sink.pointee.reserve = Self.reserve
        tt_sink_prepare(sink)
        sink.pointee.pretty = pretty ? 1 : 0
        // The viewer's rows come from the records' columns; `record` only writes the text.
        if !recycle, !pretty {
            sink.pointee.keep_rows = 1
            typeNames = Self.typeNames(instance.tep)
            if keepRecords, let formatter = KeptRecordFormatter(tep: instance.tep, root: instance.root, instanceDir: instance.dir) {
                kept = formatter
                sink.pointee.kept = UnsafePointer(formatter.types)
            }
        }
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
        /// The columns of the records the text was formatted from, when the reader kept them.
        public var decoded: DecodedRows?
        public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: block.bytes[range]) }

        public init(block: LiveBlock, range: Range<Int>, decoded: DecodedRows? = nil) {
            self.block = block
            self.range = range
            self.decoded = decoded
        }

        /// The part of the text in `part` (whole lines), with its rows' columns.
        public func slice(_ part: Range<Int>) -> TextRange {
            TextRange(block: block, range: part, decoded: decoded?.rows(in: part))
        }
    }

    /// Closes the per-CPU files; a drain still running on another thread finishes first (the lock).
    public func close() {
        cpus.withLock { reader in
            tt_cpu_reader_close(reader)
            reader = nil
        }
    }

    /// False when the last drain left a record it could not yet place in time order (`tt_cpu_reader.pending`):
    /// it had not read every CPU up to a time after it began.
    public private(set) var lastPassComplete = true
    /// Whether a drain now reads every page, the one still being written too (tracing has stopped).
    public var readsEverything: Bool { instance.tracingStopped }

    /// Reads everything the kernel has now; returns the new text in order (empty when nothing came).
    public func drain(progress: (([TextRange]) -> Bool)?) -> [TextRange] {
        if recycle {
            pool += spent
            spent.removeAll()
        }
        sink.pointee.context = Unmanaged.passUnretained(self).toOpaque()
        followTypedCapture()
        lastTick = ContinuousClock.now
        withoutActuallyEscaping(progress ?? { _ in false }) { handler in
            // Without a `progress` the text stays for the return (a tick would hand it to nobody).
            self.progress = progress == nil ? nil : handler
            cpus.withLock { reader in
                if let reader {
                    reader.pointee.final = instance.tracingStopped ? 1 : 0
                    _ = tt_drain(reader, sink)
                    lastPassComplete = reader.pointee.pending == 0
                }
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
        ranges.append(TextRange(block: block, range: parsedEnd..<sink.pointee.len, decoded: takeRows()))
        parsedEnd = sink.pointee.len
    }

    /// The columns the sink kept since the last call (nil when it keeps none, or ran out of memory for them:
    /// the text is then parsed).
    private func takeRows() -> DecodedRows? {
        guard let typeNames else { return nil }
        defer {
            sink.pointee.rows.count = 0
            sink.pointee.rows.failed = 0
            sink.pointee.lat.count = 0
            sink.pointee.lat.failed = 0
        }
        guard sink.pointee.rows.failed == 0 else { return nil }
        let rows = sink.pointee.rows
        let n = rows.count
        var out = DecodedRows(names: typeNames, kept: kept)
        func copy<T>(_ p: UnsafeMutablePointer<T>?) -> [T] {
            guard let p, n > 0 else { return [] }
            return Array(UnsafeBufferPointer(start: p, count: n))
        }
        out.offsets = copy(rows.offset)
        out.timestamps = copy(rows.ts)
        out.pids = copy(rows.pid)
        out.events = copy(rows.event)
        out.cpus = copy(rows.cpu)
        out.flags = copy(rows.flags)
        out.payloads = copy(rows.payload)
        out.commLengths = copy(rows.comm_len)
        out.typed = Self.typed(sink.pointee.lat)
        return out
    }

    /// Every event type's name by id (`DecodedRows.names`).
    private static func typeNames(_ tep: OpaquePointer?) -> EventTypeNames {
        var names: [[UInt8]] = []
        if let tep {
            for k in 0..<max(0, Int(tep_get_events_count(tep))) {
                guard let event = tep_get_event(tep, Int32(k)) else { continue }
                let id = Int(event.pointee.id)
                if id >= 0, id < Int(UInt16.max) {
                    if id >= names.count { names += Array(repeating: [], count: id + 1 - names.count) }
                    if let name = event.pointee.name { names[id] = Array(String(cString: name).utf8) }
                }
            }
        }
        return EventTypeNames(names)
    }

    /// On this reader's thread, between records: the switch's state into the sink (`LatencyCaptureSwitch`).
    /// With a switch, a reader that keeps records as bytes keeps no typed values even once it is on: the passes
    /// take them from each record as they read it (`EventChunk.latencyValues`), where keeping them here
    /// (noted in C, copied out, carried row by row into the pieces' columns) cost the viewer a quarter of its CPU.
    private func followTypedCapture() {
        let on = typedCapture.map { kept == nil && $0.isOn } ?? true
        sink.pointee.lat.on = on ? 1 : 0
    }

    /// Called from inside the iteration every few thousand records.
    private func tick() -> Bool {
        followTypedCapture()
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
