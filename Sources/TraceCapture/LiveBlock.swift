import Glibc
import Synchronization
import TraceModel

/// A fixed-size block of bytes that live events are written into as text lines, then parsed in place.
///
/// Only appended to, never moved or rewritten: rows parsed from the part already published keep pointing
/// at the same bytes while the writer goes on filling the rest.
public final class LiveBlock: ByteStorage, @unchecked Sendable {
    // The writer (the capture actor) only writes past `published`; readers only read below it.
    let base: UnsafeMutableRawPointer
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = capacity
        base = calloc(1, capacity)!
    }

    /// A block whose pages are already mapped: the thread that makes it pays the page faults (a fifth of
    /// the reader's time when it wrote into fresh pages), not the reader that fills it.
    init(prefaulted capacity: Int) {
        self.capacity = capacity
        var p: UnsafeMutableRawPointer?
        guard posix_memalign(&p, 4096, capacity) == 0, let p else {
            base = calloc(1, capacity)!
            return
        }
        base = p
        // MADV_POPULATE_WRITE (Linux 5.14): map every page writable without writing it; else write it.
        if madvise(p, capacity, 23) != 0 { memset(p, 0, capacity) }
    }

    /// A block holding a copy of `text` (a test's feed of saved lines).
    public convenience init(copying text: [UInt8]) {
        self.init(capacity: max(1, text.count))
        text.withUnsafeBytes { if let from = $0.baseAddress { base.copyMemory(from: from, byteCount: $0.count) } }
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: capacity) }

    deinit { free(base) }
}

/// Blocks made ready by another thread for the reader to take when its block is full.
final class SpareBlocks: Sendable {
    private let blocks = Mutex<[LiveBlock]>([])

    func take() -> LiveBlock? { blocks.withLock { $0.popLast() } }

    /// Makes blocks until `count` are ready (called by the capture loop between batches).
    func fill(upTo count: Int, capacity: Int) {
        while blocks.withLock({ $0.count }) < count {
            let block = LiveBlock(prefaulted: capacity)
            blocks.withLock { $0.append(block) }
        }
    }
}
