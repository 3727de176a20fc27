import Foundation

/// What a finished command printed and how it exited.
struct CommandResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Runs `executable` with `arguments`, stdin from /dev/null, and waits at most `timeout` for it to exit.
    static func run(_ executable: String, _ arguments: [String], timeout: Duration = .seconds(10)) throws
        -> CommandResult
    {
        let outcome = try ChildProcess.run(executable, arguments, timeout: timeout)
        return CommandResult(
            status: outcome.status,
            stdout: String(decoding: outcome.stdout, as: UTF8.self),
            stderr: String(decoding: outcome.stderr, as: UTF8.self))
    }
}
