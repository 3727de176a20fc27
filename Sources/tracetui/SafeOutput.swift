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

/// The `--allow-truncated` flag of the commands that read a trace.
struct TruncationFlag: ParsableArguments {
    @Flag(help: "Read a truncated or corrupt .gz / .zst up to the fault (with a warning) instead of failing.")
    var allowTruncated = false
}
