import Foundation

/// Where the package, the built `tracetui` binary and the shared sample traces are.
///
/// The package root is found from this file's own path (`<root>/Tests/EndToEndTests/Support/Fixture.swift`), so
/// the tests work from any working directory. Samples live in `<root>/../shared/samples` unless
/// `TRACETUI_SAMPLES` names another directory.
enum Fixture {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // EndToEndTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .standardizedFileURL

    static var binaryPath: String {
        packageRoot.appendingPathComponent(".build/debug/tracetui").path
    }

    static var samplesDirectory: String {
        if let override = ProcessInfo.processInfo.environment["TRACETUI_SAMPLES"], !override.isEmpty {
            return override
        }
        return packageRoot.appendingPathComponent("../shared/samples").standardizedFileURL.path
    }

    /// The debug binary, which CI builds with `swift build` before `swift test`. A missing binary is a failure,
    /// never a skip: a green run must mean the real binary was driven.
    static func binary() throws -> String {
        let path = binaryPath
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw E2EError("tracetui binary not found at \(path): run `swift build` before `swift test`")
        }
        return path
    }

    /// A sample trace by its path under the samples directory, e.g. `events/…-syscalls.txt`.
    static func sample(_ relativePath: String) throws -> String {
        let path = (samplesDirectory as NSString).appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: path) else {
            throw E2EError("sample trace not found at \(path) (set TRACETUI_SAMPLES to the samples directory)")
        }
        return path
    }

    /// A fresh empty directory under the system temporary directory, for pid files and scripts.
    static func temporaryDirectory() throws -> String {
        let path = (NSTemporaryDirectory() as NSString)
            .appendingPathComponent("tracetui-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Quotes a word for a POSIX shell: `it's` → `'it'\''s'`.
func shellQuoted(_ word: String) -> String {
    "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
