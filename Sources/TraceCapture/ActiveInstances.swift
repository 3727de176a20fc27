import Glibc
import Synchronization

/// The instance directory of the running capture, kept where a crash handler can reach it without
/// allocating: the last thing a dying process does is turn the instance off and remove it.
public enum ActiveInstances {
    private static let capacity = 4096
    nonisolated(unsafe) private static let path: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    nonisolated(unsafe) private static let onFile: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: capacity)
        p.initialize(repeating: 0, count: capacity)
        return p
    }()
    private static let lock = Mutex(())

    static func register(dir: String) {
        lock.withLock { _ in
            _ = path
            copy(dir, into: path)
            copy(dir + "/tracing_on", into: onFile)
        }
    }

    static func unregister(dir: String) {
        lock.withLock { _ in path[0] = 0 }
    }

    private static func copy(_ s: String, into p: UnsafeMutablePointer<CChar>) {
        let bytes = Array(s.utf8.prefix(capacity - 1))
        for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
        p[bytes.count] = 0
    }

    /// Async-signal-safe: open, write, close, rmdir only. For crash handlers.
    public static let emergencyCleanup: @convention(c) () -> Void = {
        guard ActiveInstances.path[0] != 0 else { return }
        let fd = open(ActiveInstances.onFile, O_WRONLY)
        if fd >= 0 {
            _ = Glibc.write(fd, "0", 1)
            close(fd)
        }
        rmdir(ActiveInstances.path)
    }
}
