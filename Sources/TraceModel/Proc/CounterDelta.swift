/// The increase of a cumulative counter between two reads, never negative.
///
/// A counter that went down either wrapped (32-bit counters of some network drivers, read on a 64-bit
/// field) or was reset (a CPU that went offline and came back, a device removed and re-added). A wrap of a
/// value that fits 32 bits is unwrapped; anything else counts as no change rather than a huge or negative rate.
public func counterDelta(_ old: UInt64, _ new: UInt64) -> UInt64 {
    if new >= old { return new - old }
    if old <= UInt64(UInt32.max) { return (UInt64(UInt32.max) - old) + new + 1 }
    return 0
}
