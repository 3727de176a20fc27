import Foundation

/// The `tmux` executable: whether it is installed, and running one command against it.
enum Tmux {
    /// The first `tmux` on `PATH`, if any.
    static let path: String? = {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static var isAvailable: Bool { path != nil }

    /// Runs `tmux arguments…` and returns its standard output; a non-zero exit throws with tmux's stderr.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        guard let path else { throw E2EError("tmux is not installed") }
        let outcome = try ChildProcess.run(path, arguments)
        guard outcome.status == 0 else {
            throw E2EError("`tmux \(arguments.joined(separator: " "))` failed (\(outcome.status)): "
                + String(decoding: outcome.stderr, as: UTF8.self))
        }
        return String(decoding: outcome.stdout, as: UTF8.self)
    }
}
