/// One remote host of a live capture, for the status bar: its state, its clock offset and what went wrong.
public struct HostStatus: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case connecting
        case running
        /// Failed or dropped; `retryIn` seconds until the next attempt (nil: no more attempts).
        case failed(retryIn: Int?)
        case stopped
    }

    public var name: String
    public var state: State = .connecting
    /// The host's clock minus the viewer's, in ns (subtracted from its events), and half the round trip of the
    /// sample it came from: the true offset lies within ± that.
    public var offset: Int64?
    public var uncertainty: Int64?
    /// Rows received from the host.
    public var rows = 0
    /// Why it failed, in one line (the remote's or ssh's own words where it said any).
    public var reason: String?
    /// Connections lost while running (each leaves a gap row on the host).
    public var drops = 0
    /// /proc samples from the host that could not be read back (cut or malformed lines; its panes say so).
    public var unreadableSamples = 0

    public init(name: String) { self.name = name }

    /// `+12.3µs ±45µs`: the offset and its uncertainty, as the status bar shows them.
    public var offsetText: String? {
        guard let offset, let uncertainty else { return nil }
        return (offset >= 0 ? "+" : "−") + Self.short(abs(offset)) + " ±" + Self.short(uncertainty)
    }

    static func short(_ ns: Int64) -> String {
        if ns < 10_000 { return "\(ns / 1000).\(ns % 1000 / 100)µs" }
        if ns < 10_000_000 { return "\(ns / 1000)µs" }
        if ns < 10_000_000_000 { return "\(ns / 1_000_000)ms" }
        return "\(ns / 1_000_000_000)s"
    }
}
