import Foundation
import Glibc
import Synchronization

/// Drains the kernel's ring buffers on a thread of its own, into text blocks queued for the capture actor.
///
/// The kernel loses events only when a per-CPU buffer fills before it is read, so reading must never wait on
/// anything slower: parsing, publishing and drawing happen elsewhere, on the text already queued. With the
/// reader on the capture actor, every 50 ms of text was parsed inside the iteration while the buffers filled
/// (4 % lost at 850 k events/s on 2 cores); here the reader only formats, and runs at a higher priority
/// than the parser and the UI (nice -10, when allowed) so that the scheduler gives it the CPU first.
final class DrainThread: LiveTextSource, @unchecked Sendable {
    // `reader` is used by the thread only, from `start` until `finished`; then by the caller (close).
    private let reader: any LiveReader
    private let interval: Duration
    private struct Queue {
        var ranges: [RawEventReader.TextRange] = []
        var bytes = 0
        var events = 0
        var missed = 0
        /// Lines not queued because the parse fell too far behind.
        var dropped = 0
        var finished = false
        /// CLOCK_MONOTONIC (ns) when the last pass that emptied the buffers began (0: none yet).
        var caughtUp: Int64 = 0
    }
    /// Text waiting for the parse, at most: past it (a machine too busy to parse as fast as the reader reads)
    /// new text is dropped and counted as lost rather than growing memory without bound.
    static let queueLimit = 512 << 20
    /// A pass that read less than this finds the machine quiet (about five thousand events). At the rate that
    /// lets a pass find less, the next, at most 80 ms away, finds at most twice as much: a small part of the
    /// 8 MB per-CPU buffers. (At 64 KB a quiet desktop's ~10 k events/s crossed it every other pass, and the
    /// reader and the parser woke every 10 ms instead of 80.)
    static let quietBytes = 512 << 10
    /// The longest pause between passes on a quiet machine.
    static let slowest: Duration = .milliseconds(80)
    private let queue = Mutex(Queue())
    private let stopping = Atomic<Bool>(false)

    init(reader: any LiveReader, interval: Duration = .milliseconds(10)) {
        self.reader = reader
        self.interval = interval
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tracetui-drain"
        thread.start()
    }

    /// Asks the thread to end after one more pass over what the buffers still hold.
    public func stop() { stopping.store(true, ordering: .relaxed) }

    /// Called by the capture loop between batches: the reader's next blocks get their pages here, on the
    /// loop's thread, instead of in the middle of a drain.
    public func prepare() {
        (reader as? RawEventReader)?.spares.fill(upTo: 2, capacity: RawEventReader.blockSize)
    }

    public func take() -> LiveTextBatch {
        queue.withLock { q in
            defer {
                q.ranges.removeAll(keepingCapacity: true)
                q.bytes = 0
            }
            var batch = LiveTextBatch(ranges: q.ranges, events: q.events, missed: q.missed + q.dropped, finished: q.finished)
            batch.caughtUp = q.caughtUp
            return batch
        }
    }

    /// `caughtUp`: these ranges end a pass that emptied the buffers and began then (set with them, in one lock,
    /// so that no one sees the time before the text).
    private func push(_ ranges: [RawEventReader.TextRange], caughtUp: Int64? = nil) {
        let events = reader.events, missed = reader.missed
        let size = ranges.reduce(0) { $0 + $1.range.count }
        let full = queue.withLock { q in
            q.events = events
            q.missed = missed
            if let caughtUp { q.caughtUp = caughtUp }
            guard q.bytes + size <= Self.queueLimit else { return true }
            q.ranges += ranges
            q.bytes += size
            return false
        }
        if full {
            // Rows the reader decoded (kept records have no newline), else lines.
            let lines = ranges.reduce(0) { $0 + ($1.decoded?.count ?? $1.bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }) }
            queue.withLock { $0.dropped += lines }
        }
    }

    private func run() {
        // On Linux, who = 0 is the calling thread alone. Raising priority needs root; a refusal leaves the
        // thread at the process's priority.
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)
        // A quiet machine is read less often: each pass that finds little doubles the pause (up to
        // `slowest`), and one that finds much goes back to `interval`; a buffer cannot fill in one long pause
        // at the rate that let a pass find little.
        var pause = interval
        while !stopping.load(ordering: .relaxed) {
            // Under a load that refills the buffers as fast as they drain one pass does not end by itself:
            // its text is queued every tick.
            var bytes = 0
            let passStart = Int64(clamping: PerfSampler.now())
            let ranges = reader.drain { [self] partial in
                bytes += partial.reduce(0) { $0 + $1.range.count }
                push(partial)
                return stopping.load(ordering: .relaxed)
            }
            bytes += ranges.reduce(0) { $0 + $1.range.count }
            let complete = reader.lastPassComplete
            push(ranges, caughtUp: stopping.load(ordering: .relaxed) || !complete ? nil : passStart)
            pause = bytes < Self.quietBytes ? min(pause * 2, Self.slowest) : interval
            var want = timespec(tv_sec: Int(pause.components.seconds),
                                tv_nsec: Int(pause.components.attoseconds / 1_000_000_000))
            var left = timespec()
            while nanosleep(&want, &left) != 0, errno == EINTR { want = left }
        }
        // What is still in the ring buffers when the capture stops belongs to it (one tick at most).
        push(reader.drain { [self] partial in
            push(partial)
            return true
        })
        queue.withLock { $0.finished = true }
    }
}

/// Where the capture loop takes live text from: whole ftrace lines in blocks, queued by a reader that does not
/// wait for the loop (`DrainThread`), or a test's feed.
public protocol LiveTextSource: AnyObject, Sendable {
    func start()
    /// Asks the source to finish: `take` then reports `finished` once the last text is queued.
    func stop()
    /// The text queued since the last call, with the running counts.
    func take() -> LiveTextBatch
    /// Work the loop can do for the source between batches, off the reader's thread.
    func prepare()
}

extension LiveTextSource {
    public func prepare() {}
}

/// Text a live source queued, and its counts so far.
public struct LiveTextBatch: Sendable {
    public var ranges: [RawEventReader.TextRange]
    /// Events read from the kernel since the start, and those it said were lost (`missed_events`).
    public var events: Int
    public var missed: Int
    /// The source has stopped and everything it read is in this or an earlier batch.
    public var finished: Bool
    /// CLOCK_MONOTONIC (ns) when the last pass that emptied the buffers began: no record older is still to come
    /// (0: not known). Lets samples merge by time on the `mono` trace clock.
    public var caughtUp: Int64 = 0

    public init(ranges: [RawEventReader.TextRange], events: Int, missed: Int, finished: Bool) {
        self.ranges = ranges
        self.events = events
        self.missed = missed
        self.finished = finished
    }
}
