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

    /// Appends up to `limit` decompressed bytes to `out`; false once the input is used up.
    public func read(into out: inout [UInt8], limit: Int) throws(CaptureError) -> Bool {
        guard !finished else { return false }
        let start = out.count
        out.reserveCapacity(start + limit)
        var produced = 0
        var failure: CaptureError?
        // Grown by the decoder writing into spare capacity: no zero-fill of the buffer first.
        out.append(contentsOf: repeatElement(0, count: limit))
        out.withUnsafeMutableBytes { buffer in
            let dst = buffer.baseAddress! + start
            do throws(CaptureError) {
                produced = try format == .gzip ? inflateSome(dst, limit) : zstdSome(dst, limit)
            } catch {
                failure = error
            }
        }
        out.removeLast(limit - produced)
        if let failure { throw failure }
        return !(finished && produced == 0)
    }

    private func inflateSome(_ dst: UnsafeMutableRawPointer, _ limit: Int) throws(CaptureError) -> Int {
        var produced = 0
        while produced < limit, consumed < input.count {
            let inCount = min(input.count - consumed, Int(UInt32.max / 2))
            zstream.next_in = UnsafeMutablePointer(mutating: (input.baseAddress! + consumed).assumingMemoryBound(to: Bytef.self))
            zstream.avail_in = uInt(inCount)
            zstream.next_out = (dst + produced).assumingMemoryBound(to: Bytef.self)
            zstream.avail_out = uInt(limit - produced)
            let rc = inflate(&zstream, Z_NO_FLUSH)
            consumed += inCount - Int(zstream.avail_in)
            produced = limit - Int(zstream.avail_out)
            if rc == Z_STREAM_END {
                // Another member may follow (`cat a.gz b.gz`); trailing zero padding is not one.
                if consumed < input.count, input[consumed] == 0x1F {
                    inflateReset(&zstream)
                    continue
                }
                consumed = input.count
                break
            }
            if rc == Z_BUF_ERROR, zstream.avail_in == 0 { break }
            guard rc == Z_OK || rc == Z_BUF_ERROR else {
                throw CaptureError("corrupt gzip data at byte \(consumed)")
            }
        }
        if consumed >= input.count { finished = true }
        if finished, produced == 0, zstream.total_out == 0 { throw CaptureError("empty or truncated gzip data") }
        return produced
    }

    private func zstdSome(_ dst: UnsafeMutableRawPointer, _ limit: Int) throws(CaptureError) -> Int {
        var outBuf = ZSTD_outBuffer(dst: dst, size: limit, pos: 0)
        while outBuf.pos < limit, consumed < input.count {
            var inBuf = ZSTD_inBuffer(src: input.baseAddress! + consumed, size: input.count - consumed, pos: 0)
            let rc = ZSTD_decompressStream(dstream, &outBuf, &inBuf)
            consumed += inBuf.pos
            if ZSTD_isError(rc) != 0 {
                throw CaptureError("corrupt zstd data at byte \(consumed): \(String(cString: ZSTD_getErrorName(rc)))")
            }
            if inBuf.pos == 0, outBuf.pos == 0 { break }
        }
        // Output still buffered inside the decoder is flushed by later calls with no new input.
        if consumed >= input.count, outBuf.pos < limit {
            var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            let before = outBuf.pos
            let rc = ZSTD_decompressStream(dstream, &outBuf, &empty)
            if ZSTD_isError(rc) == 0, outBuf.pos == before { finished = true }
        }
        return outBuf.pos
    }
}
