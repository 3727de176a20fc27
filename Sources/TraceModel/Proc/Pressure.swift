/// One `/proc/pressure/{cpu,memory,io}` file: the share of time tasks stalled (avg in hundredths of a
/// percent, total in microseconds). `full` is nil where the kernel has no such line (cpu before 5.13).
public struct Pressure: Sendable, Equatable {
    public struct Line: Sendable, Equatable {
        public var avg10 = 0, avg60 = 0, avg300 = 0
        public var totalMicroseconds: UInt64 = 0
        public init() {}
    }
    public var some = Line()
    public var full: Line?

    public init() {}

    public static func parse(_ text: ProcText) -> Pressure {
        var p = Pressure()
        // `some avg10=0.00 avg60=0.00 avg300=0.00 total=0`
        text.forEachLine(separators: 0x3D) { t in
            guard t.count >= 9 else { return }
            var l = Line()
            l.avg10 = text.hundredths(t[2]) ?? 0
            l.avg60 = text.hundredths(t[4]) ?? 0
            l.avg300 = text.hundredths(t[6]) ?? 0
            l.totalMicroseconds = text.uint(t[8]) ?? 0
            if text.token(t[0], is: "some") { p.some = l } else if text.token(t[0], is: "full") { p.full = l }
        }
        return p
    }
}
