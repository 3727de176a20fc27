import CZlib
import CZstd
import TraceModel

/// Inflates a gzip or zstd input a block at a time, in memory: no temporary file, and the first block is ready
/// long before the whole input is read.
///
/// Concatenated gzip members and zstd frames (what `cat a.gz b.gz` and `zstd -T0` write) are read through.
public final class StreamDecompressor {
    private let input: UnsafeRawBufferPointer
    private let format: InputFormat
    private var zstream = z_stream()
    private var dstream: OpaquePointer?
    private var consumed = 0
    private var finished = false

    public init(_ input: UnsafeRawBufferPointer, format: InputFormat) throws(CaptureError) {
        self.input = input
        self.format = format
        switch format {
        case .gzip:
            guard tracetui_inflate_init_gzip(&zstream) == Z_OK else { throw CaptureError("cannot start gzip decoding") }
        case .zstd:
            guard let d = ZSTD_createDStream() else { throw CaptureError("cannot start zstd decoding") }
            ZSTD_initDStream(d)
            dstream = d
        default:
            throw CaptureError("not a compressed input: \(format.rawValue)")
        }
    }

    deinit {
        if format == .gzip { inflateEnd(&zstream) }
        if let dstream { ZSTD_freeDStream(dstream) }
    }

    /// Compressed bytes read so far (for progress).
    public var bytesConsumed: Int { consumed }

    /// With `allowTruncated`, a truncated or corrupt input ends the text where it stops (the reason kept in
    /// `truncation`) instead of failing: `zcat` prints what it inflated, then "unexpected end of file".
    public var allowTruncated = false
    /// Why the input ended early, when `allowTruncated` let it.
    public private(set) var truncation: String?
    /// The error that stopped decoding, raised once the text before it has been handed out.
    private var stopped: CaptureError?
    /// gzip: inside a member whose end has not been read. zstd: the decoder's last hint (0: at a frame's end).
    private var memberOpen = false
    private var zstdHint = 0

    /// Appends up to `limit` decompressed bytes to `out`; false once the input is used up. A truncated or corrupt
    /// input throws, with its offset, after the text before the fault has been returned.
    public func read(into out: inout [UInt8], limit: Int) throws(CaptureError) -> Bool {
        if stopped == nil, finished { return false }
        let start = out.count
        var produced = 0
        if stopped == nil {
            out.reserveCapacity(start + limit)
            // Grown by the decoder writing into spare capacity: no zero-fill of the buffer first.
            out.append(contentsOf: repeatElement(0, count: limit))
            out.withUnsafeMutableBytes { buffer in
                let dst = buffer.baseAddress! + start
                produced = format == .gzip ? inflateSome(dst, limit) : zstdSome(dst, limit)
            }
            out.removeLast(limit - produced)
        }
        if produced > 0 { return true }
        if let stopped {
            finished = true
            self.stopped = nil
            guard allowTruncated else { throw stopped }
            truncation = stopped.description
            return false
        }
        return !finished
    }

    private func inflateSome(_ dst: UnsafeMutableRawPointer, _ limit: Int) -> Int {
        var produced = 0
        // Past the last input byte the decoder is still asked for what it holds, until it says the member ended.
        while produced < limit, consumed < input.count || memberOpen {
            let inCount = min(input.count - consumed, Int(UInt32.max / 2))
            zstream.next_in = UnsafeMutablePointer(mutating: (input.baseAddress! + consumed).assumingMemoryBound(to: Bytef.self))
            zstream.avail_in = uInt(inCount)
            zstream.next_out = (dst + produced).assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = uInt(limit - produced)
            memberOpen = true
            let rc = inflate(&zstream, Z_NO_FLUSH)
            consumed += inCount - Int(zstream.avail_in)
            produced = limit - Int(zstream.avail_out)
            if rc == Z_STREAM_END {
                memberOpen = false
                // Another member may follow (`cat a.gz b.gz`); trailing zero padding is not one.
                if consumed < input.count, input[consumed] == 0x1F {
                    inflateReset(&zstream)
                    continue
                }
                consumed = input.count
                break
            }
            if rc == Z_BUF_ERROR, zstream.avail_in == 0, consumed >= input.count {
                stopped = CaptureError("truncated gzip data: the input ends at byte \(input.count) inside a compressed "
                    + "member (\(zstream.total_out) bytes inflated)")
                break
            }
            guard rc == Z_OK || rc == Z_BUF_ERROR else {
                stopped = CaptureError("corrupt gzip data at byte \(consumed)")
                break
            }
        }
        if consumed >= input.count, !memberOpen { finished = true }
        if finished, produced == 0, zstream.total_out == 0, stopped == nil {
            stopped = CaptureError("empty or truncated gzip data")
        }
        return produced
    }

    private func zstdSome(_ dst: UnsafeMutableRawPointer, _ limit: Int) -> Int {
        var outBuf = ZSTD_outBuffer(dst: dst, size: limit, pos: 0)
        while outBuf.pos < limit, consumed < input.count {
            let startPos = outBuf.pos
            var inBuf = ZSTD_inBuffer(src: input.baseAddress! + consumed, size: input.count - consumed, pos: 0)
            let rc = ZSTD_decompressStream(dstream, &outBuf, &inBuf)
            consumed += inBuf.pos
            if ZSTD_isError(rc) != 0 {
                stopped = CaptureError("corrupt zstd data at byte \(consumed): \(String(cString: ZSTD_getErrorName(rc)))")
                return outBuf.pos
            }
            // The hint of a call that moved: 0 once a frame ended. A call with nothing to do after a frame's end
            // hints at the next frame's header instead, which is no truncation.
            if inBuf.pos > 0 || outBuf.pos > startPos { zstdHint = rc }
            if inBuf.pos == 0, outBuf.pos == 0 { break }
        }
        // Output still buffered inside the decoder is flushed by later calls with no new input.
        if consumed >= input.count, outBuf.pos < limit {
            var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            let before = outBuf.pos
            let rc = ZSTD_decompressStream(dstream, &outBuf, &empty)
            if ZSTD_isError(rc) == 0, outBuf.pos > before { zstdHint = rc }
            if ZSTD_isError(rc) == 0, outBuf.pos == before {
                finished = true
                // A frame not ended: the decoder still expects input.
                if zstdHint != 0 {
                    stopped = CaptureError("truncated zstd data: the input ends at byte \(input.count) inside a frame")
                }
            }
        }
        return outBuf.pos
    }
}
