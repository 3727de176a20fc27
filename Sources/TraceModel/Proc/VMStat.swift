/// The few `/proc/vmstat` counters the panes show: faults, swap and paging in pages.
public struct VMStat: Sendable, Equatable {
    public var pageFaults: UInt64 = 0, majorFaults: UInt64 = 0
    public var swapIn: UInt64 = 0, swapOut: UInt64 = 0
    public var pageIn: UInt64 = 0, pageOut: UInt64 = 0

    public init() {}

    public var fields: [UInt64] {
        get { [pageFaults, majorFaults, swapIn, swapOut, pageIn, pageOut] }
        set {
            let v = newValue + Array(repeating: 0, count: max(0, 6 - newValue.count))
            (pageFaults, majorFaults, swapIn, swapOut, pageIn, pageOut) = (v[0], v[1], v[2], v[3], v[4], v[5])
        }
    }

    public static func parse(_ text: ProcText) -> VMStat {
        var s = VMStat()
        text.forEachLine { t in
            guard t.count >= 2, text.token(t[0], hasPrefix: "p"), let v = text.uint(t[1]) else { return }
            let k = t[0]
            if text.token(k, is: "pgfault") { s.pageFaults = v }
            else if text.token(k, is: "pgmajfault") { s.majorFaults = v }
            else if text.token(k, is: "pswpin") { s.swapIn = v }
            else if text.token(k, is: "pswpout") { s.swapOut = v }
            else if text.token(k, is: "pgpgin") { s.pageIn = v }
            else if text.token(k, is: "pgpgout") { s.pageOut = v }
        }
        return s
    }
}
