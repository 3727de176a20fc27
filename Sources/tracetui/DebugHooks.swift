import Foundation
import TraceModel

/// Hooks the end-to-end tests use in debug builds only.
enum DebugHooks {
    /// With TRACETUI_TEST_CRASH set, the first snapshot with events crashes the process (an index out of
    /// range), so a test can check that a real crash leaves the terminal usable.
    static func crashing(_ snapshot: @escaping @autoclosure () -> TraceSnapshot) -> () -> TraceSnapshot {
        #if DEBUG
        if ProcessInfo.processInfo.environment["TRACETUI_TEST_CRASH"] != nil {
            return {
                let s = snapshot()
                if s.store.count > 0 { _ = [Int]()[1] }
                return s
            }
        }
        #endif
        return snapshot
    }
}
