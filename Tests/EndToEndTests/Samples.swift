/// The sample traces the end-to-end tests open, by path under the samples directory.
enum Samples {
    /// 26,222 events on 2 CPUs (17,524 on CPU 0, 8,698 on CPU 1); first event 1720.071781, last 1720.509787.
    static let syscalls = "events/tracetui-vm-6.18-default-5char-syscalls.txt"
    static let syscallsName = "tracetui-vm-6.18-default-5char-syscalls.txt"
    /// 66 rows; every syscall event carries a `<stack trace>` block.
    static let stacks = "events/jhyunleehi-lk-ftrace.log-syscalls-stacktrace-cpu-buffer-started.txt"
    /// trace_pipe output with 22 `CPU:N [LOST N EVENTS]` lines, 97,052 events lost in all.
    static let lostEvents = "events/tracetui-vm-6.18-trace_pipe-lost-events.txt"
}

extension Samples {
    /// 1,362 function_graph lines of vfs_read under funcgraph-abstime; the trace starts inside calls.
    static let graph = "function_graph/perf-tools-funcgraph-header-abstime-vfs_read.txt"
}
