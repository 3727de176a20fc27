import Foundation

/// One capture of the tmux pane, read the way a user reads tracetui's screen: a header row, event rows, and a
/// status bar on the last line.
struct ScreenText: CustomStringConvertible {
    /// The plain text, one element per terminal row (trailing spaces trimmed by tmux).
    let lines: [String]
    /// The same rows with their SGR escape sequences (`capture-pane -e`), when captured.
    let styledLines: [String]?

    init(plain: String, styled: String? = nil) {
        lines = Self.rows(plain)
        styledLines = styled.map(Self.rows)
    }

    private static func rows(_ text: String) -> [String] {
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if rows.last == "" { rows.removeLast() }
        return rows
    }

    var text: String { lines.joined(separator: "\n") }
    var description: String { text }

    func contains(_ needle: String) -> Bool { text.contains(needle) }

    /// The first row: tracetui's column header while the viewer runs.
    var header: String { lines.first ?? "" }

    /// The last row: tracetui's status bar (file, position, search, filter, messages).
    var status: String { lines.last ?? "" }

    /// The rows between the header and the status bar that hold something.
    var eventRows: [String] {
        guard lines.count > 2 else { return [] }
        return lines[1..<(lines.count - 1)].filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    /// `n/total` from the status bar: the selected event's number and how many events are shown.
    var position: (index: Int, total: Int)? {
        guard let match = status.firstMatch(of: #/(\d[\d,]*)/(\d[\d,]*)/#),
            let index = Int(match.output.1.replacingOccurrences(of: ",", with: "")),
            let total = Int(match.output.2.replacingOccurrences(of: ",", with: ""))
        else { return nil }
        return (index, total)
    }

    /// Lines of the form `PREFIX<word>` (e.g. `TTY:icanon`), giving the words.
    func words(after prefix: String) -> [String] {
        lines.compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(prefix) else { return nil }
            let word = String(trimmed.dropFirst(prefix.count))
            return word.allSatisfy { $0.isLetter || $0 == "-" || $0.isNumber } && !word.isEmpty ? word : nil
        }
    }

    /// The exit status a shell printed as a line `EXIT=<n>`, if it is on screen.
    var exitStatus: Int? {
        for line in lines.reversed() {
            if let match = line.trimmingCharacters(in: .whitespaces).wholeMatch(of: #/EXIT=(\d+)/#) {
                return Int(match.output.1)
            }
        }
        return nil
    }

    /// The event rows drawn with a background colour (or reverse video): the selection. Needs a styled capture.
    var highlightedRows: [String] {
        guard let styledLines, styledLines.count > 2 else { return [] }
        return styledLines[1..<(styledLines.count - 1)]
            .filter(Self.setsBackground)
            .map(Self.stripEscapes)
    }

    /// The selected event row, when exactly one row is highlighted.
    var selectedRow: String? {
        let rows = highlightedRows
        return rows.count == 1 ? rows[0] : nil
    }

    static func stripEscapes(_ line: String) -> String {
        line.replacing(#/\x{1B}\[[0-9;:]*[A-Za-z]/#, with: "")
    }

    /// Whether an SGR sequence in `line` selects a non-default background: `48;…`, `40`–`47`, `100`–`107`, or
    /// reverse video (`7`).
    static func setsBackground(_ line: String) -> Bool {
        for match in line.matches(of: #/\x{1B}\[([0-9;]*)m/#) {
            let parameters = match.output.1.split(separator: ";").compactMap { Int($0) }
            var index = 0
            while index < parameters.count {
                switch parameters[index] {
                case 48, 7, 40...47, 100...107: return true
                case 38: index += parameters.dropFirst(index + 1).first == 2 ? 4 : 2  // skip a foreground colour
                default: break
                }
                index += 1
            }
        }
        return false
    }
}
