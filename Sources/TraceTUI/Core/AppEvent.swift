import Screen
import TraceModel

/// Everything that reaches the app from outside: a key, a newer capture snapshot, /proc samples, a timer that
/// came due, and what a background job built or a side effect did. The run loop hands them to
/// `TraceApp.handle(_:at:)` one at a time; nothing else changes the app's state.
public enum AppEvent: Sendable {
    case key(Key)
    /// The capture published a newer store (loading progress, live events).
    case snapshot(TraceSnapshot)
    /// The /proc samples of the session grew (the system panes).
    case system(ProcHistory)
    /// A deadline the app asked for (`nextDeadline`) passed.
    case tick
    /// The hotspot table, a regrouped table, callchains, the flame graph, or live, the table rebuilt from a
    /// newer store: built off the UI thread.
    case hotspots(HotspotJobResult)
    /// The call tree of an A–B range.
    case treeBuilt(CallTree, rows: Range<Int>)
    /// An export being written: bytes so far.
    case exportProgress(bytes: Int)
    /// An export ended: where it went, or why it failed.
    case exportFinished(path: String?, records: Int, error: String?)
    /// A save ended; what to tell the user.
    case saved(String)
    /// The latency view's report, measured off the UI thread.
    case latency(LatencyJobResult)
    /// A line for the status bar from whoever runs the app.
    case notice(String)
    /// The timeline, built off the UI thread (`7`, a task pinned).
    case timelineBuilt(Timeline)
    /// The A–B panel's sums, built off the UI thread.
    case timelineAggregate(RangeAggregate)
}
