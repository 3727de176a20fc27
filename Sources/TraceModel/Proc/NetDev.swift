/// One interface of `/proc/net/dev`: cumulative receive and transmit counters.
public struct NetCounters: Sendable, Equatable {
    public var name: String
    public var rxBytes: UInt64 = 0, rxPackets: UInt64 = 0, rxErrors: UInt64 = 0, rxDrops: UInt64 = 0
    public var txBytes: UInt64 = 0, txPackets: UInt64 = 0, txErrors: UInt64 = 0, txDrops: UInt64 = 0

    public init(name: String) { self.name = name }

    public var fields: [UInt64] {
        get { [rxBytes, rxPackets, rxErrors, rxDrops, txBytes, txPackets, txErrors, txDrops] }
        set {
            let v = newValue + Array(repeating: 0, count: max(0, 8 - newValue.count))
            (rxBytes, rxPackets, rxErrors, rxDrops, txBytes, txPackets, txErrors, txDrops) =
                (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
        }
    }
}

/// `/proc/net/dev`: every interface, in file order.
public enum NetDev {
    public static func parse(_ text: ProcText) -> [NetCounters] {
        var out: [NetCounters] = []
        // `eth0: 123 …` and, with long counters, `eth0:123 …`: the colon separates the name.
        text.forEachLine(separators: 0x3A) { t in
            guard t.count >= 17, let rxBytes = text.uint(t[1]) else { return }  // the two header lines fail here
            var n = NetCounters(name: text.string(t[0]))
            let v = t[1...16].map { text.uint($0) ?? 0 }
            n.fields = [rxBytes, v[1], v[2], v[3], v[8], v[9], v[10], v[11]]
            out.append(n)
        }
        return out
    }

    /// The loopback interface: dstat's `net/total` leaves it out.
    public static func isLoopback(_ name: String) -> Bool { name == "lo" }
}
