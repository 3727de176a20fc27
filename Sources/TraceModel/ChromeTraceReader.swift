/// Reads Chrome trace-event JSON into ftrace-style text lines.
public enum ChromeTraceReader {
    public static func ftraceText(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] { [] }
}
