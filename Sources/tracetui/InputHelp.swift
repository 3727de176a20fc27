/// The sentence every command that reads traces puts in its `--help` (and so in the man page): which formats it
/// reads. One string, so that a new reader is named everywhere at once; a test checks it names every
/// `InputFormat`.
enum InputHelp {
    static let formats = "Reads ftrace text (the trace file, trace_pipe, function_graph), trace-cmd report text, trace.dat, "
        + "perf script text, perf.data (through perf script), Chrome trace-event JSON, uftrace replay text, "
        + "uftrace.data directories and folded stacks, any of them compressed as .gz or .zst; the format is told "
        + "from the first bytes, not from the name."
}
