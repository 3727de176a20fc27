import TraceModel

/// `print` for text that holds names from a trace: control characters escaped (`SafeText`), so a comm set to an
/// escape sequence shows as `\x1b]52;…` instead of acting on the terminal. Every non-UI command prints through it.
func printSafe(_ text: String, terminator: String = "\n") {
    print(SafeText.terminal(text), terminator: terminator)
}
