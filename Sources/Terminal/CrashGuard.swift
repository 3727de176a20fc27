import CNcurses
import Glibc
import Synchronization

/// Restores the terminal if the process crashes: endwin() then re-raise to the previous handler
/// (Swift's backtracer), for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP (and SIGQUIT, which
/// Ctrl-\ sends in cbreak mode and which would otherwise also leave the terminal raw).
public enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGQUIT]
    private static let isInstalled = Atomic<Bool>(false)

    /// Something that must happen even when the process crashes (a live capture removing its instance).
    /// Must be async-signal-safe; at most a few.
    public static func addCleanup(_ f: @escaping @convention(c) () -> Void) {
        let i = cleanupCount.add(1, ordering: .relaxed).oldValue
        if i < cleanups.count { cleanups[i] = f }
    }
    private static let cleanupCount = Atomic<Int>(0)

    /// Installs the handlers once; later calls do nothing (a second install would record the guard
    /// itself as the previous handler and loop on a crash).
    public static func install() {
        guard !isInstalled.exchange(true, ordering: .relaxed) else { return }
        for number in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = restoreTerminalAndChain
            // SA_ONSTACK: a stack overflow can only be handled on the alternate stack Swift's runtime set up.
            action.sa_flags = SA_SIGINFO | SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, previousActions + Int(number))
        }
    }
}

/// The handlers found at install time, indexed by signal number. A raw buffer rather than a Swift array:
/// the signal handler reads it, and must not go through exclusivity checks or reference counting.
nonisolated(unsafe) private let previousActions: UnsafeMutablePointer<sigaction> = {
    let count = Int(CrashGuard.signals.max()! + 1)
    let buffer = UnsafeMutablePointer<sigaction>.allocate(capacity: count)
    buffer.initialize(repeating: sigaction(), count: count)
    return buffer
}()

/// Crash-time cleanups, a fixed array the handler reads without locks.
nonisolated(unsafe) private var cleanups: [(@convention(c) () -> Void)?] = Array(repeating: nil, count: 4)

/// Not async-signal-safe (endwin writes through stdio), which is acceptable as the last thing a crashing
/// process does: a terminal left without echo is worse than the small risk.
private func restoreTerminalAndChain(
    _ number: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?
) {
    endwin()
    for f in cleanups { f?() }
    // A fault the kernel raised (si_code > 0) happens again when this handler returns: put Swift's
    // backtracer back and let it see the real fault. (Calling it from here cuts its backtrace short and
    // leaves its helper process behind.)
    if let info, info.pointee.si_code > 0 {
        var previous = previousActions[Int(number)]
        sigaction(number, &previous, nil)
        return
    }
    // Sent by kill, raise or abort: there is no fault to explain; die of the signal as sent.
    signal(number, SIG_DFL)
    raise(number)
}
