/// Bytes that rows point into: a mapped file, a buffer read from a pipe, or a test's array.
///
/// Rows keep offsets instead of copies, so the text of a trace is stored once, in its original form.
public protocol ByteStorage: AnyObject, Sendable {
    var bytes: UnsafeRawBufferPointer { get }

    /// Called once a range has been parsed: from then on its bytes are read only for the rows on screen.
    /// A mapped file hands those pages back (they come back from the page cache when read again).
    func doneParsing(_ range: Range<Int>)
}

extension ByteStorage {
    public func doneParsing(_ range: Range<Int>) {}
}

/// Bytes copied into memory this object owns: for tests, stdin and live buffers.
public final class OwnedBytes: ByteStorage, @unchecked Sendable {
    // Written once in init, never mutated: safe to share.
    private let buffer: UnsafeMutableRawBufferPointer

    public init(_ source: some Collection<UInt8>) {
        buffer = .allocate(byteCount: max(1, source.count), alignment: 16)
        count = source.count
        // Arrays and other contiguous sources in one memcpy: the generic copy below reads byte by byte through
        // the collection's subscript, which under the fuzzer's sanitizers took half of each small input's time.
        let copied: Bool? = source.withContiguousStorageIfAvailable { from in
            if let base = from.baseAddress, !from.isEmpty {
                buffer.baseAddress!.copyMemory(from: base, byteCount: from.count)
            }
            return true
        }
        if copied == nil { _ = buffer.initializeMemory(as: UInt8.self, from: source) }
    }

    /// One memcpy: the generic initializer above walks its source byte by byte when called from another module
    /// (measured: most of the time of reading perf script's output went there).
    public init(copying source: UnsafeRawBufferPointer) {
        buffer = .allocate(byteCount: max(1, source.count), alignment: 16)
        if let from = source.baseAddress, source.count > 0 {
            buffer.baseAddress!.copyMemory(from: from, byteCount: source.count)
        }
        count = source.count
    }

    private let count: Int

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    deinit { buffer.deallocate() }
}
