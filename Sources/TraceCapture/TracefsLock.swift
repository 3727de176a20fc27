import Glibc

/// A machine-wide lock around what a kernel bug makes dangerous to do at the same time: on kernel 6.18,
/// removing a dynamic event (a probe in `dynamic_events` / `uprobe_events`) while another process lists an
/// `events/` directory (getdents in eventfs — `tracefs_local_events`, `tracefs_event_enable` with a pattern,
/// `trace-cmd list`, `ls events/`) dereferences NULL in `eventfs_iterate` and leaves tracefs stuck until a
/// reboot. Listers take it shared, probe creation and removal exclusive; scripts take it with
/// `flock -s /run/lock/tracetui-tracefs.lock CMD`.
///
/// Waits are bounded: after `timeout` the caller goes on without the lock (a stuck holder must not stop a
/// capture from starting or ending; the lock only narrows the window for processes that take it).
///
/// Locks `/run/lock/tracetui-tracefs.lock` with flock(2).
public enum TracefsLock {
    public static let path = "/run/lock/tracetui-tracefs.lock"
    public static let timeoutSeconds = 10.0

    /// Runs `body` with the lock held shared (listing or reading `events/`, enabling events).
    public static func shared<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let fd = acquire(LOCK_SH)
        defer { release(fd) }
        return try body()
    }

    /// Runs `body` with the lock held alone (adding or removing probes).
    public static func exclusive<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let fd = acquire(LOCK_EX)
        defer { release(fd) }
        return try body()
    }

    /// The locked descriptor, or -1 when the file cannot be opened (not root) or the wait timed out.
    /// A descriptor of its own each time: flock(2) locks belong to the open file, so the capture actor and the
    /// UI thread of one process exclude each other as two processes would.
    static func acquire(_ operation: Int32) -> Int32 {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return -1 }
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutSeconds * 1000))
        while flock(fd, operation | LOCK_NB) != 0 {
            if errno != EWOULDBLOCK && errno != EINTR || ContinuousClock.now >= deadline {
                close(fd)
                return -1
            }
            usleep(5_000)
        }
        return fd
    }

    static func release(_ fd: Int32) {
        if fd >= 0 { close(fd) }
    }
}
