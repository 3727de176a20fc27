import Foundation
import Glibc
import Synchronization
import TraceModel

/// One host's live capture over ssh: runs `tracetui record -o -` there (`RemoteSpec`), queues its text lines for
/// the capture actor, keeps the host's clock offset (`ClockOffset`, measured over the same connection), and
/// reconnects with back-off when the connection fails; every failure is said in `status`.
///
/// Three threads per connection: the supervisor (connect, clock queries, back-off), the stdout reader (text
/// into `LiveBlock`s, cut at line ends) and the stderr reader (clock answers, the remote's messages).
public final class RemoteCapture: @unchecked Sendable {
    // Mutable state lives in `shared` (a lock) and in atomics; `process` is set by the supervisor only.
    public let spec: RemoteSpec
    public var name: String { spec.host }
    /// Seconds between two clock measurements while connected (the "every minute").
    public var syncInterval: Double = 60
    /// Round trips per measurement; the shortest wins.
    public var samplesPerSync = 8
    /// Back-off after a failure: doubles from `firstRetry` up to `lastRetry` seconds.
    public var firstRetry = 1.0
    public var lastRetry = 30.0
    /// Text queued and not yet taken, at most: past it lines are dropped and counted (a viewer too slow).
    static let queueLimit = 256 << 20
    static let blockSize = 4 << 20

    struct Shared {
        var status: HostStatus
        /// The text and the gaps, in the order they go into the store.
        var stream = HostStream()
        /// The host's /proc samples that came with its text (`ProcStream`), not yet taken.
        var samples: [ProcSample] = []
        var samplePageSize = 4096
        /// Samples whose lines could not be read back, all connections.
        var unreadableSamples = 0
        var droppedLines = 0
        var offset: Int64 = 0
        /// The first clock measurement of this connection is done (or cannot be made): text may go out.
        var released = false
        var finished = false
        var ready = false
        var messages: [String] = []
        var remoteSummary: String?
        var replies: [Int: (remote: Int64?, received: Int64)] = [:]
    }
    let shared: Mutex<Shared>
    let stopping = Atomic<Bool>(false)
    /// Readers of the current connection still running (stdout and stderr).
    let openReaders = Atomic<Int>(0)
    let localClock: clockid_t?
    var process: PipedProcess?

    public init(_ spec: RemoteSpec) {
        self.spec = spec
        localClock = TraceClock.clockID(spec.traceClock)
        shared = Mutex(Shared(status: HostStatus(name: spec.host)))
    }

    public func start() {
        let thread = Thread { [self] in supervise() }
        thread.name = "tracetui-host"
        thread.start()
    }

    /// Ends the capture: the remote's stdin is closed (it stops, removes its instance, says what it wrote),
    /// then ssh is waited for, terminated, killed, in that order. Returns once all its text is queued.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        while !shared.withLock({ $0.finished }) { usleep(5_000) }
    }

    /// Asks the capture to stop without waiting (several hosts stop at once; `stop` then waits for each).
    public func requestStop() { stopping.store(true, ordering: .relaxed) }

    public var status: HostStatus { shared.withLock { $0.status } }

    /// What the host's last run said on exit (`tracetui: N events … written to stdout, M lost; … removed`).
    public var remoteSummary: String? { shared.withLock { $0.remoteSummary } }

    /// The text and gaps queued since the last take, in order, and the offset to apply to the text. Empty until
    /// the connection's first clock measurement is done: no event goes out on the wrong time.
    public func take() -> HostBatch {
        shared.withLock { s in
            guard s.released || s.finished else {
                return HostBatch(items: [], offset: s.offset, finished: false, dropped: s.droppedLines)
            }
            var batch = HostBatch(items: s.stream.takeAll(), offset: s.offset, finished: s.finished,
                                  dropped: s.droppedLines)
            batch.samples = s.samples
            batch.pageSize = s.samplePageSize
            batch.unreadableSamples = s.unreadableSamples
            s.samples.removeAll(keepingCapacity: true)
            return batch
        }
    }

    // MARK: - readers

    /// Reads the remote's stdout into blocks, queueing whole lines as they arrive.
    func readOutput(_ fd: Int32) {
        defer {
            close(fd)
            openReaders.subtract(1, ordering: .relaxed)
        }
        var block = LiveBlock(capacity: Self.blockSize)
        var used = 0, lineStart = 0
        var samples = ProcStream.Collector()
        while true {
            if block.capacity - used < 64 << 10 {
                // A new block starts with the line the old one could not finish.
                let next = LiveBlock(capacity: Self.blockSize)
                let tail = used - lineStart
                if tail > 0 { next.base.copyMemory(from: block.base + lineStart, byteCount: min(tail, next.capacity)) }
                block = next
                used = min(tail, next.capacity - (64 << 10))
                lineStart = 0
            }
            let n = read(fd, block.base + used, block.capacity - used)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            let p = block.base.assumingMemoryBound(to: UInt8.self)
            var k = used + n - 1
            while k >= used, p[k] != 0x0A { k -= 1 }
            used += n
            if k >= used - n {
                pushLines(block, lineStart..<(k + 1), samples: &samples)
                lineStart = k + 1
            }
        }
        if lineStart < used { push(RawEventReader.TextRange(block: block, range: lineStart..<used)) }
        endOfOutput()
    }

    /// Queues whole lines of text, the /proc sample lines among them (`#tracetui-proc …`) taken out and read back
    /// into samples. Found by looking for `#` (memchr) and checking it starts a line: a scan far cheaper than the
    /// parse the text gets after.
    func pushLines(_ block: LiveBlock, _ range: Range<Int>, samples: inout ProcStream.Collector) {
        let p = block.base.assumingMemoryBound(to: UInt8.self)
        let prefix = ProcStream.prefix
        var textStart = range.lowerBound
        var at = range.lowerBound
        while at < range.upperBound, let hit = memchr(p + at, 0x23, range.upperBound - at) {
            let h = hit.assumingMemoryBound(to: UInt8.self) - p
            at = h + 1
            guard h == range.lowerBound || p[h - 1] == 0x0A, h + prefix.count <= range.upperBound,
                  memcmp(p + h, prefix, prefix.count) == 0 else { continue }
            let nl = memchr(p + h, 0x0A, range.upperBound - h).map { $0.assumingMemoryBound(to: UInt8.self) - p }
                ?? range.upperBound
            if h > textStart { push(RawEventReader.TextRange(block: block, range: textStart..<h)) }
            let line = UnsafeRawBufferPointer(start: p + h + prefix.count, count: nl - h - prefix.count)
            if let sample = samples.add(line: line) {
                let pageSize = samples.pageSize
                shared.withLock { s in
                    s.samples.append(sample)
                    s.samplePageSize = pageSize
                    if s.samples.count > 600 { s.samples.removeFirst() }
                }
            }
            textStart = min(nl + 1, range.upperBound)
            at = textStart
        }
        if samples.unreadable > 0 {
            let n = samples.takeUnreadable()
            shared.withLock { $0.unreadableSamples += n }
        }
        if textStart < range.upperBound { push(RawEventReader.TextRange(block: block, range: textStart..<range.upperBound)) }
    }

    /// The connection's stdout ended: a drop of it is marked here, after its last line, not before.
    func endOfOutput() { shared.withLock { $0.stream.endOfOutput() } }

    /// The supervisor's word that the running connection dropped: a gap once its output has ended.
    func noteDrop() {
        shared.withLock { s in
            s.stream.connectionDropped()
            s.status.drops += 1
        }
    }

    func push(_ r: RawEventReader.TextRange) {
        let full = shared.withLock { s in
            guard s.stream.bytes + r.range.count <= Self.queueLimit else { return true }
            s.stream.append(r)
            return false
        }
        if full {
            let lines = r.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            shared.withLock { $0.droppedLines += lines }
        }
    }

    /// Reads the remote's stderr: clock answers (timed as they arrive), the ready line, anything else kept as
    /// the host's last words (the reason shown when it fails).
    func readErrors(_ fd: Int32) {
        defer {
            close(fd)
            openReaders.subtract(1, ordering: .relaxed)
        }
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var line: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            // The answer's arrival, read before anything else is done with it.
            let received = localClock.map(TraceClock.now) ?? 0
            for k in 0..<n {
                if buffer[k] == 0x0A {
                    handleError(String(decoding: line, as: UTF8.self), received: received)
                    line.removeAll(keepingCapacity: true)
                } else if line.count < 4096 {
                    line.append(buffer[k])
                }
            }
        }
        if !line.isEmpty { handleError(String(decoding: line, as: UTF8.self), received: 0) }
    }

    private func handleError(_ line: String, received: Int64) {
        let words = line.split(separator: " ")
        if words.first == "#tracetui-clock", words.count == 3, let seq = Int(words[1]) {
            let remote = Int64(words[2])
            shared.withLock { $0.replies[seq] = (remote, received) }
        } else if words.first == "#tracetui-ready" {
            shared.withLock { $0.ready = true }
        } else if line.hasPrefix("tracetui: "), line.contains("written to stdout") {
            shared.withLock { $0.remoteSummary = line }
        } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            shared.withLock { s in
                s.messages.append(line)
                if s.messages.count > 6 { s.messages.removeFirst() }
            }
        }
    }
}

/// One take from a host: its text and gaps in order, and the clock offset to subtract from its times.
public struct HostBatch: Sendable {
    public enum Item: Sendable {
        case text(RawEventReader.TextRange)
        /// A connection dropped here: every line it sent is before.
        case gap
    }
    public var items: [Item]
    public var offset: Int64
    /// The host's /proc samples that came since, on its own clock (`offset` puts them on the viewer's).
    public var samples: [ProcSample] = []
    public var pageSize = 4096
    /// Samples that could not be read back (running count).
    public var unreadableSamples = 0
    /// The capture has ended and this is the last of its text.
    public var finished: Bool
    /// Lines dropped because the viewer fell too far behind (running count).
    public var dropped: Int
}
