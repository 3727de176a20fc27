import Foundation
import Screen
import Testing

/// Whole screens kept as text files in `Goldens/`: a canvas is compared with its file whole, every row with its
/// trailing spaces, plus a line of each row's roles, so a change of colour shows as much as a change of text.
/// `TRACETUI_RECORD_GOLDENS=1 swift test --filter Golden` rewrites the files from what the views draw now.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Goldens")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["TRACETUI_RECORD_GOLDENS"] != nil }

    /// The canvas as the golden file holds it: a ruler, each row between bars, then the roles of each row as
    /// letters (a legend at the end names them).
    static func text(of canvas: Canvas) -> String {
        var letters: [Role: Character] = [:]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var out = "\(canvas.width)x\(canvas.height)\n"
        for y in 0..<canvas.height { out += "|" + canvas.row(y) + "|\n" }
        out += "roles:\n"
        for y in 0..<canvas.height {
            var line = ""
            for role in canvas.roles(ofRow: y) {
                if letters[role] == nil { letters[role] = alphabet[letters.count % alphabet.count] }
                line.append(letters[role]!)
            }
            out += line + "\n"
        }
        let legend = letters.sorted { $0.value < $1.value }.map { "\($0.value)=\($0.key.rawValue)" }
        return out + "legend: " + legend.joined(separator: " ") + "\n"
    }

    /// Compares the canvas with `Goldens/NAME.txt` (or writes it when recording).
    static func check(_ canvas: Canvas, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let file = directory.appendingPathComponent(name + ".txt")
        let actual = text(of: canvas)
        if isRecording {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no golden \(file.path): record it with TRACETUI_RECORD_GOLDENS=1", sourceLocation: sourceLocation)
            return
        }
        guard expected != actual else { return }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
        Issue.record("""
            \(name) differs from its golden at line \(line + 1):
              golden: \(line < e.count ? String(e[line]) : "(end)")
              drawn:  \(line < a.count ? String(a[line]) : "(end)")
            whole screen drawn:
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}
