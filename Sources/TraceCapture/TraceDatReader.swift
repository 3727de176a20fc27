import CTraceCmd
import TraceModel

/// Reads trace-cmd's `trace.dat` at `<path>` through libtracecmd: every record of every buffer, in time order,
/// with its fields decoded by libtraceevent from the formats stored in the file, as ftrace text lines that the
/// one text parser reads into the store.
enum TraceDatReader {
    static func text(path: String) throws(CaptureError) -> ByteStorage {
        tracetui_dat_quiet()
        var out = tracetui_dat_text()
        var error = [CChar](repeating: 0, count: 512)
        let rc = error.withUnsafeMutableBufferPointer { tracetui_dat_read(path, &out, $0.baseAddress, $0.count) }
        guard rc == 0 else {
            throw CaptureError(String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return MallocBytes(out)
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
