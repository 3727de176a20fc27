import Foundation

/// Where the files tracetui ships beside its binary are: `PREFIX/share/tracetui/…` once installed (the .deb,
/// `packaging/install.sh`), SwiftPM's resource bundle next to the binary after `swift build`.
///
/// Found from the binary's own path (`/proc/self/exe`), not from `argv[0]`, which is a bare `tracetui` when the
/// shell found it on `PATH`. SwiftPM's `Bundle.module` is not used: it stops the program when its bundle is not
/// at the build path, which is what an installed binary sees.
enum InstalledFiles {
    /// The directory of the running binary, symlinks resolved.
    static var executableDirectory: URL {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// `PREFIX/share/tracetui` for a binary in `PREFIX/bin`.
    static var shareDirectory: URL {
        executableDirectory.deletingLastPathComponent().appendingPathComponent("share/tracetui")
    }

    /// The bundled demo recording: the installed copy, else the one SwiftPM copied beside the binary.
    static func demoTrace() -> String? {
        let name = "demo/" + Demo.fileName
        let candidates = [
            ProcessInfo.processInfo.environment["TRACETUI_DATA"].map { URL(fileURLWithPath: $0).appendingPathComponent(name) },
            shareDirectory.appendingPathComponent(name),
            executableDirectory.appendingPathComponent("tracetui_tracetui.resources").appendingPathComponent(name),
        ]
        return candidates.compactMap { $0?.path }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
