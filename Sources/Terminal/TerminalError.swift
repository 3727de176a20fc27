/// Why the terminal could not be opened (not a tty, unknown TERM) — a one-line message for the user.
public struct TerminalError: Error, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
