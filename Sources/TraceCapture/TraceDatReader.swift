import CTraceDat
import Foundation
import TraceModel

/// Reads trace-cmd's `trace.dat` at `<path>` through libtracecmd: every record of every buffer, in time order,
/// with its fields decoded by libtraceevent from the formats stored in the file, as ftrace text lines that the
/// one text parser reads into the store.
enum TraceDatReader {
    /// The whole file's text at once.
    static func text(path: String) throws(CaptureError) -> ByteStorage {
        tracetui_dat_quiet()
        var out = tracetui_dat_text()
        try read(path, &out)
        return MallocBytes(out)
    }

    /// The text in blocks (the first small, for the first screen), decoded on a thread of its own while the
    /// caller parses the blocks already made.
    static func blocks(path: String, firstSize: Int = 1 << 20, size: Int = 8 << 20) -> AsyncThrowingStream<OwnedBytes, Error> {
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
                    sink.emit(UnsafeRawBufferPointer(start: bytes, count: length))
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

/// Receives blocks of text from the decoding thread and passes copies on to the stream.
final class BlockSink: @unchecked Sendable {
    // Used only from the decoding thread.
    private let continuation: AsyncThrowingStream<OwnedBytes, Error>.Continuation

    init(_ continuation: AsyncThrowingStream<OwnedBytes, Error>.Continuation) {
        self.continuation = continuation
    }

    func emit(_ bytes: UnsafeRawBufferPointer) {
        continuation.yield(OwnedBytes(bytes))
    }
}

/// The text libtracecmd's records were printed into, owned until released: rows point into it.
final class MallocBytes: ByteStorage, @unchecked Sendable {
    // Filled once by the C reader, never written after: safe to share.
    private var text: tracetui_dat_text

    init(_ text: tracetui_dat_text) { self.text = text }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: text.bytes, count: text.length) }

    var records: UInt64 { UInt64(text.records) }

    deinit { tracetui_dat_free(&text) }
}
