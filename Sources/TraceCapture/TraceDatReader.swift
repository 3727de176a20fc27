import CTraceDat
import Foundation
import TraceModel

/// Reads trace-cmd's `trace.dat` at `<path>` through libtracecmd: every record of every buffer, in time order,
/// its fields laid out by the formats stored in the file and written as ftrace text lines by a printf-free
/// formatter (`CTraceDat`), which the one text parser reads into the store.
enum TraceDatReader {
    /// The text in blocks (the first small, for the first screen), decoded on a thread of its own while the
    /// caller parses the blocks already made.
    static func blocks(path: String, firstSize: Int = 1 << 20, size: Int = 8 << 20) -> AsyncThrowingStream<MallocBlock, Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingNewest(Int.max)) { continuation in
            let sink = BlockSink(continuation)
            let thread = Thread {
                tracetui_dat_quiet()
                var out = tracetui_dat_text()
                out.block = firstSize
                out.next_block = size
                out.context = Unmanaged.passUnretained(sink).toOpaque()
                out.emit = { context, bytes, length in
                    guard let context, let bytes else { return }
                    let sink = Unmanaged<BlockSink>.fromOpaque(context).takeUnretainedValue()
                    sink.emit(MallocBlock(UnsafeMutableRawPointer(mutating: bytes), count: length))
                }
                do {
                    try read(path, &out)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
                tracetui_dat_free(&out)
                _ = sink
            }
            thread.start()
        }
    }

    private static func read(_ path: String, _ out: inout tracetui_dat_text) throws(CaptureError) {
        var error = [CChar](repeating: 0, count: 512)
        let rc = error.withUnsafeMutableBufferPointer { tracetui_dat_read(path, &out, $0.baseAddress, $0.count) }
        guard rc == 0 else {
            throw CaptureError(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }
}

/// Receives blocks of text from the decoding thread and passes them on to the stream.
final class BlockSink: @unchecked Sendable {
    // Used only from the decoding thread.
    private let continuation: AsyncThrowingStream<MallocBlock, Error>.Continuation

    init(_ continuation: AsyncThrowingStream<MallocBlock, Error>.Continuation) {
        self.continuation = continuation
    }

    func emit(_ block: MallocBlock) {
        continuation.yield(block)
    }
}

/// A block of text the C decoder allocated and handed over (rows point into it): freed with the last row.
final class MallocBlock: ByteStorage, @unchecked Sendable {
    // Written by the decoder before it is handed over, never after: safe to share.
    private let base: UnsafeMutableRawPointer
    private let count: Int

    init(_ base: UnsafeMutableRawPointer, count: Int) {
        self.base = base
        self.count = count
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    deinit { free(base) }
}
