/// `/proc/loadavg`: load averages (in hundredths) and the run queue.
public struct LoadAvg: Sendable, Equatable {
    public var one = 0, five = 0, fifteen = 0
    public var running: UInt64 = 0, total: UInt64 = 0

    public init() {}

    public static func parse(_ text: ProcText) -> LoadAvg {
        var l = LoadAvg()
        text.forEachLine(separators: 0x2F) { t in
            guard t.count >= 3 else { return }
            l.one = text.hundredths(t[0]) ?? 0
            l.five = text.hundredths(t[1]) ?? 0
            l.fifteen = text.hundredths(t[2]) ?? 0
            if t.count >= 5 {
                l.running = text.uint(t[3]) ?? 0
                l.total = text.uint(t[4]) ?? 0
            }
        }
        return l
    }
}
