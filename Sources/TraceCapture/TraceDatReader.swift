import TraceModel

/// Reads trace-cmd's `trace.dat` through libtracecmd.
enum TraceDatReader {
    static func text(path: String) throws(CaptureError) -> OwnedBytes {
        throw CaptureError("trace.dat is not supported yet")
    }
}
