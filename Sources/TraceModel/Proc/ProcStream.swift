/// /proc samples carried inside a text event stream (`record -o -` to a viewer over ssh): a sample is its
/// sidecar text (`ProcSidecar`, header first) with each line prefixed by `#tracetui-proc `, ended by the line
/// `#tracetui-proc end`.
///
/// ```
/// #tracetui-proc tracetui-proc 1 pagesize=4096
/// #tracetui-proc T 81234000000 1765000000000000000
/// #tracetui-proc c -1 …
/// #tracetui-proc end
/// ```
/// The viewer's reader takes these lines out of the text before it is parsed. A line that starts with `#` is a
/// comment to the ftrace parser, so a viewer older than the remote keeps them as comment lines, and a viewer
/// newer than the remote simply gets no samples.
public enum ProcStream {
    public static let prefix: [UInt8] = Array("#tracetui-proc ".utf8)
    static let end: [UInt8] = Array("end".utf8)
    /// A sample's text at most: past it the lines are dropped and the sample counted unreadable.
    static let sampleLimit = 1 << 20

    /// One sample's lines, `shift` nanoseconds added to its monotonic time (a test's fake clock offset moves the
    /// samples as it moves the events).
    public static func encode(_ sample: ProcSample, pageSize: Int, shift: Int64 = 0) -> [UInt8] {
        var s = sample
        s.monotonic &+= shift
        if s.bpf != nil { s.bpf?.monotonic = s.monotonic }
        let text = ProcSidecar.header(pageSize: pageSize) + ProcSidecar.encode(s) + "end\n"
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 11 / 10)
        var lineStart = true
        for b in text.utf8 {
            if lineStart { out += prefix }
            out.append(b)
            lineStart = b == 0x0A
        }
        return out
    }

    /// Puts a stream's proc lines back together into samples.
    public struct Collector: Sendable {
        private var text: [UInt8] = []
        private var overflow = false
        /// Samples whose lines could not be read back (cut, malformed, too long), since the last `takeUnreadable`.
        public private(set) var unreadable = 0
        /// The page size the remote said (its memory counters are in pages).
        public private(set) var pageSize = 4096

        public init() {}

        /// The samples found unreadable since the last call.
        public mutating func takeUnreadable() -> Int {
            defer { unreadable = 0 }
            return unreadable
        }

        /// Takes one proc line (without the prefix and the newline); the sample when the line ends one.
        public mutating func add(line: UnsafeRawBufferPointer) -> ProcSample? {
            if line.elementsEqual(ProcStream.end) {
                defer {
                    text.removeAll(keepingCapacity: true)
                    overflow = false
                }
                guard !overflow, let decoded = text.withUnsafeBytes({ ProcSidecar.decode($0) }),
                      decoded.samples.count == 1 else {
                    unreadable += 1
                    return nil
                }
                pageSize = decoded.pageSize
                return decoded.samples[0]
            }
            if text.count + line.count >= ProcStream.sampleLimit {
                overflow = true
                return nil
            }
            text += line
            text.append(0x0A)
            return nil
        }
    }
}
