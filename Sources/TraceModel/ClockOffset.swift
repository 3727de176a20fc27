/// A host's clock offset from request/response round trips, NTP's way: each sample brackets the host's clock
/// reading between the viewer's send and receive times; the sample with the smallest round trip bounds the
/// offset most tightly, and wins.
public struct ClockOffset: Sendable, Equatable {
    /// The host's clock minus the viewer's, in ns.
    public var offset: Int64
    /// Half the winning round trip: the true offset lies within ± this (whatever the path's asymmetry).
    public var uncertainty: Int64

    public init(offset: Int64, uncertainty: Int64) {
        self.offset = offset
        self.uncertainty = uncertainty
    }

    /// One round trip: sent at `sent` and answered at `received` on the viewer's clock; `remote` is what the
    /// host's clock read in between.
    public struct Sample: Sendable, Equatable {
        public var sent: Int64
        public var remote: Int64
        public var received: Int64

        public init(sent: Int64, remote: Int64, received: Int64) {
            self.sent = sent
            self.remote = remote
            self.received = received
        }

        public var roundTrip: Int64 { received - sent }
    }

    /// The estimate of the sample with the smallest round trip (nil without a usable sample).
    public static func best(_ samples: [Sample]) -> ClockOffset? {
        guard let s = samples.filter({ $0.roundTrip >= 0 }).min(by: { $0.roundTrip < $1.roundTrip }) else { return nil }
        let mid = s.sent + s.roundTrip / 2
        return ClockOffset(offset: s.remote - mid, uncertainty: (s.roundTrip + 1) / 2)
    }
}
