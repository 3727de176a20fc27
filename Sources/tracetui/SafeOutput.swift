import ArgumentParser
import TraceModel

/// `print` for text that holds names from a trace: control characters escaped (`SafeText`), so a comm set to an
/// escape sequence shows as `\x1b]52;…` instead of acting on the terminal. Every non-UI command prints through it.
func printSafe(_ text: String, terminator: String = "\n") {
    print(SafeText.terminal(text), terminator: terminator)
}

import Foundation
import TraceCapture

extension TraceInput {
    /// `--allow-truncated`: a truncated or corrupt .gz / .zst gives what was read, with a warning on stderr.
    func allowingTruncation(_ allow: Bool) -> TraceInput {
        var input = self
        if allow {
            input.onTruncated = { message in
                FileHandle.standardError.write(Data(SafeText.terminal("tracetui: warning: \(message)\n").utf8))
            }
        }
        return input
    }
}

/// How the commands that read a trace treat hard inputs: `--allow-truncated`, `--memory-mb`.
struct InputFlags: ParsableArguments {
    @Flag(help: "Read a truncated or corrupt .gz / .zst up to the fault (with a warning) instead of failing.")
    var allowTruncated = false

    @Option(help: "The most memory, in MB, a FIFO or device input may hold (rows kept, or a format read whole).")
    var memoryMb = 1024

    /// The input at `path`, with these flags applied.
    func open(_ path: String, populate: Bool = false) throws(CaptureError) -> TraceInput {
        try TraceInput(path: path, populate: populate, memoryLimitMB: memoryMb).allowingTruncation(allowTruncated)
    }
}
