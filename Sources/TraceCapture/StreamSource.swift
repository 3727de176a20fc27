import Glibc
import TraceModel

/// A trace that is not a regular file — a FIFO, `/dev/stdin`, `/dev/zero` — read incrementally, in blocks that end
/// at a line's end, so that memory stays bounded however long the input runs; a writer that pauses for 50 ms
/// has its whole lines handed on at once, so a viewer shows a slow pipe as it is written.
///
/// A line longer than `maxLineBytes` (16 MB; no trace line comes near it, `/dev/zero` is one endless line) is cut
/// there and counted in `cutLines`; the rest of it reads as further lines, which the parsers keep as unparsed.
///
/// Reads `<path>`.
public final class StreamSource: @unchecked Sendable {
    // Used by one reader at a time (the parse loop), never shared between threads at once.
    public static let maxLineBytes = 16 << 20
    public let path: String
    private let fd: Int32
    private var pending: [UInt8] = []
    /// Where the last line end in `pending` is: found as bytes arrive, so a long line is scanned once.
    private var lastNewline: Int?
    private var ended = false
    /// Lines cut at `maxLineBytes`.
    public private(set) var cutLines = 0
    /// Bytes read from the stream so far.
    public private(set) var bytesRead = 0

    public init(path: String) throws(CaptureError) {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CaptureError(MappedFile.openFailure(path, errno)) }
    }

    deinit { close(fd) }

    /// The first `count` bytes (fewer at the end of the input, or when a slow writer has sent whole lines and
    /// nothing more for a moment), kept for the first block: what tells the format.
    public func probe(_ count: Int) throws(CaptureError) -> [UInt8] {
        while pending.count < count, !ended {
            if lastNewline != nil, !readable(within: 200) { break }
            try fill(count - pending.count)
        }
        return Array(pending.prefix(count))
    }

    /// Whether a read would find bytes (or the end) within `milliseconds`: a slow writer's whole lines are
    /// handed on rather than held until a block fills.
    private func readable(within milliseconds: Int32) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, milliseconds)
            if n < 0, errno == EINTR { continue }
            return n != 0
        }
    }

    /// Everything, refused past `limit` bytes (formats read whole: Chrome JSON, folded stacks, compressed input).
    public func readAll(limit: Int) throws(CaptureError) -> [UInt8] {
        while !ended {
            try fill(1 << 20)
            if pending.count > limit {
                throw CaptureError("\(path): a stream of this format is read whole, and it passed \(limit >> 20) MB "
                    + "(--memory-mb); save it to a file first")
            }
        }
        defer { pending = [] }
        return pending
    }

    /// The next block of about `size` bytes ending at a line's end (or a cut), nil at the end of the input.
    public func next(size: Int) throws(CaptureError) -> OwnedBytes? {
        while true {
            // Whole lines go on when the block is full, at the end, or when the writer pauses (a live pipe).
            if let end = lastNewline, pending.count >= size || ended || !readable(within: 50) {
                return take(end + 1)
            }
            if lastNewline == nil, pending.count >= Self.maxLineBytes {
                // No line end in 16 MB: cut the line, keep the rest as the next one.
                cutLines += 1
                var block = Array(pending[0..<Self.maxLineBytes])
                block.append(0x0A)
                pending.removeFirst(Self.maxLineBytes)
                lastNewline = pending.lastIndex(of: 0x0A)
                return OwnedBytes(block)
            }
            if ended {
                guard !pending.isEmpty else { return nil }
                return take(pending.count)
            }
            // Without a line end yet, read on towards the cut in large steps.
            let target = lastNewline == nil ? Self.maxLineBytes : size
            try fill(max(1 << 16, target - pending.count))
        }
    }

    private func take(_ n: Int) -> OwnedBytes {
        let block = OwnedBytes(pending[0..<n])
        pending.removeFirst(n)
        lastNewline = lastNewline.flatMap { $0 - n >= 0 ? $0 - n : nil }
        return block
    }

    private func fill(_ want: Int) throws(CaptureError) {
        let start = pending.count
        let n = max(want, 1 << 16)
        pending.append(contentsOf: repeatElement(0, count: n))
        var got = 0
        while true {
            got = pending.withUnsafeMutableBytes { read(fd, $0.baseAddress! + start, n) }
            if got < 0, errno == EINTR { continue }
            break
        }
        if got < 0 {
            pending.removeLast(n)
            throw CaptureError("cannot read \(path): \(MappedFile.reason(errno))")
        }
        pending.removeLast(n - got)
        bytesRead += got
        if let k = pending[start...].lastIndex(of: 0x0A) { lastNewline = k }
        if got == 0 { ended = true }
    }
}
