import Foundation
import Screen

/// Finds and reads a theme: a path, or a name looked up in the Themes folders near the executable,
/// `$TRACETUI_THEMES`, and the current directory. `NO_COLOR` strips the colours.
enum ThemeLoader {
    static func load(_ nameOrPath: String) throws -> Theme {
        var theme = try find(nameOrPath)
        if let noColor = ProcessInfo.processInfo.environment["NO_COLOR"], !noColor.isEmpty {
            theme = theme.withoutColors()
        }
        return theme
    }

    private static func find(_ nameOrPath: String) throws -> Theme {
        let fm = FileManager.default
        if nameOrPath.contains("/") {
            guard let text = try? String(contentsOfFile: nameOrPath, encoding: .utf8) else {
                throw ValidationFailure("cannot read theme file \(nameOrPath)")
            }
            return try parse(text, name: nameOrPath)
        }
        for dir in searchDirectories() {
            let path = dir + "/" + nameOrPath + ".theme"
            if fm.fileExists(atPath: path), let text = try? String(contentsOfFile: path, encoding: .utf8) {
                return try parse(text, name: nameOrPath)
            }
        }
        if nameOrPath == "mono" || nameOrPath == "dark" { return .monochrome }
        throw ValidationFailure("no theme named \(nameOrPath) (looked in \(searchDirectories().joined(separator: ", ")))")
    }

    private static func parse(_ text: String, name: String) throws -> Theme {
        do {
            return try Theme.parse(text, name: name)
        } catch {
            throw ValidationFailure("theme \(name): \(error.description)")
        }
    }

    static func searchDirectories() -> [String] {
        var dirs: [String] = []
        if let env = ProcessInfo.processInfo.environment["TRACETUI_THEMES"] { dirs.append(env) }
        // From the executable up: finds <repo>/Themes for `swift run` and `.build/…/tracetui`, and
        // PREFIX/share/tracetui/themes for PREFIX/bin/tracetui (found on PATH, where argv[0] is a bare name).
        var dir = InstalledFiles.executableDirectory
        for _ in 0..<6 {
            dirs.append(dir.appendingPathComponent("Themes").path)
            dirs.append(dir.appendingPathComponent("share/tracetui/themes").path)
            dir = dir.deletingLastPathComponent()
        }
        dirs.append(FileManager.default.currentDirectoryPath + "/Themes")
        return dirs
    }
}
