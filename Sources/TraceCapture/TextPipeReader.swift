import Glibc
import TraceModel

/// The fallback reader (`--text`): the instance's `trace_pipe`, formatted by the kernel (~3 µs a line, and
/// it loses events under load where the raw reader does not), read without blocking into `LiveBlock`s.
///
/// Reads `<instance>/trace_pipe`.
public final class TextPipeReader: LiveReader, @unchecked Sendable {
    // Used by the capture actor only.
    private let fd: Int32
    private var block = LiveBlock(capacity: RawEventReader.blockSize)
    private var used = 0
    private var lineStart = 0
    public private(set) var events = 0
    /// The kernel reports its losses inline (`[LOST N EVENTS]`), counted by the parser.
    public var missed: Int { 0 }

    public convenience init(instance: TraceInstance) throws(CaptureError) {
        try self.init(path: instance.dir + "/trace_pipe")
    }

    /// Any trace_pipe (`--printk` reads the top-level one).
    public init(path: String) throws(CaptureError) {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError("cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    /// Must run before the instance is removed (an open trace_pipe keeps it busy).
    public func close() { Glibc.close(fd) }

    /// Whole lines read since the last call.
    public func drain(progress: (([RawEventReader.TextRange]) -> Bool)?) -> [RawEventReader.TextRange] {
        var out: [RawEventReader.TextRange] = []
        while true {
            if block.capacity - used < 1 << 16 {
                // Carry the unfinished line into a new block.
                let next = LiveBlock(capacity: RawEventReader.blockSize)
                let partial = used - lineStart
                memcpy(next.base, block.base + lineStart, partial)
                block = next
                used = partial
                lineStart = 0
            }
            let n = read(fd, block.base + used, block.capacity - used)
            if n <= 0 { break }
            used += n
            let bytes = UnsafeRawBufferPointer(start: block.base, count: used)
            var end = used
            while end > lineStart, bytes[end - 1] != 0x0A { end -= 1 }
            if end > lineStart {
                out.append(RawEventReader.TextRange(block: block, range: lineStart..<end))
                events += bytes[lineStart..<end].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                lineStart = end
            }
        }
        return out
    }
}
