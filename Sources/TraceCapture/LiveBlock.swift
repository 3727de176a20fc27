import Glibc
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

    /// A block holding a copy of `text` (a test's feed of saved lines).
    public convenience init(copying text: [UInt8]) {
        self.init(capacity: max(1, text.count))
        text.withUnsafeBytes { if let from = $0.baseAddress { base.copyMemory(from: from, byteCount: $0.count) } }
    }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: capacity) }

    deinit { free(base) }
}
