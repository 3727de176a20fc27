import Synchronization

/// Whether the live reader keeps the latency passes' typed values (`latency_fields.h`): off until the viewer's
/// latency view first opens, then on for the rows read from then on. Keeping them costs the reader a few percent
/// of its CPU, wasted in a session that never opens the view; rows read while it was off are measured from their
/// text, with the same answers (`LatencyCaptureSwitchTests`).
///
/// The UI thread turns it on while the reader's thread drains: an `Atomic` here, not a write into the C sink (which
/// the reader's thread reads and writes with no lock, between records). The reader loads it before each drain and
/// at each tick (every 4096 records) and copies it into the sink's plain `int`, so `tt_lat_note` reads a field of
/// its own thread's and the atomic load is paid a few times a second, not per record. Nothing else is published
/// through it (the typed values are made and read on the reader's side), so the load needs no stronger order than
/// acquiring the store's.
public final class LatencyCaptureSwitch: Sendable {
    private let on: Atomic<Bool>

    public init(on: Bool = false) {
        self.on = Atomic(on)
    }

    /// From then on the reader keeps the typed values (at its next drain or tick). Idempotent.
    public func turnOn() {
        on.store(true, ordering: .releasing)
    }

    public var isOn: Bool { on.load(ordering: .acquiring) }
}
