/// The increase of a cumulative counter between two reads, never negative.
///
/// A counter that went down either wrapped (32-bit counters of some network drivers, read on a 64-bit
/// field) or was reset (a CPU that went offline and came back, a device or interface removed and re-added).
/// Only a value in the upper half of the 32-bit range is taken to have wrapped — a reset counter that was
/// small would otherwise read as a 4 GB burst; anything else counts as no change.
public func counterDelta(_ old: UInt64, _ new: UInt64) -> UInt64 {
    if new >= old { return new - old }
    if old <= UInt64(UInt32.max), old > UInt64(UInt32.max / 2) { return (UInt64(UInt32.max) - old) + new + 1 }
    return 0
}
