import TraceModel

/// Live, the reader keeps the latency passes' typed values only once the latency view has been opened: keeping them
/// costs it a few percent of its CPU, wasted in a session that never looks. Rows read before are measured from their
/// text, with the same answers.
extension TraceApp {
    /// Asks for the typed values the first time the latency view exists in a live session (once a live snapshot has
    /// come, should `6` be pressed before it): `Effect.keepLatencyFields`, at most once a session.
    mutating func askTypedCaptureOnce() {
        guard isLive, latency != nil, !latencyState.typedCaptureAsked else { return }
        latencyState.typedCaptureAsked = true
        emit(.keepLatencyFields)
    }
}
