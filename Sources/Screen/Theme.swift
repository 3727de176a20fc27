/// Maps every role to a style; read from a plain-text theme file.
///
/// Format, one role a line: `role = FG [on BG] [bold] [dim] [reverse] [underline] [italic]`.
/// Colours are `default`, one of the 16 ANSI names, or an index 0–255. `#` starts a comment.
/// A role a theme leaves out falls back to `normal`.
public struct Theme: Sendable {
    public var name: String
    public private(set) var styles: [Role: Style]

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    public func style(for role: Role) -> Style {
        styles[role] ?? styles[.normal] ?? .plain
    }

    /// A theme of attributes only, used for `NO_COLOR` and when no theme file can be found.
    public static let monochrome: Theme = {
        var s: [Role: Style] = [:]
        for role in Role.allCases { s[role] = .plain }
        s[.header] = Style(attributes: [.bold, .underline])
        s[.status] = Style(attributes: [.reverse])
        s[.statusAccent] = Style(attributes: [.reverse, .bold])
        s[.selected] = Style(attributes: [.reverse])
        s[.dim] = Style(attributes: [.dim])
        s[.unparsed] = Style(attributes: [.dim])
        s[.searchMatch] = Style(attributes: [.underline, .bold])
        s[.marker] = Style(attributes: [.bold])
        s[.error] = Style(attributes: [.bold])
        s[.helpKey] = Style(attributes: [.bold])
        s[.detailKey] = Style(attributes: [.bold])
        s[.eventLost] = Style(attributes: [.bold])
        s[.progress] = Style(attributes: [.reverse])
        return Theme(name: "mono", styles: s)
    }()

    /// The same theme with every colour removed (attributes kept): what `NO_COLOR` asks for.
    public func withoutColors() -> Theme {
        var s = styles
        for (role, style) in s { s[role] = Style(attributes: style.attributes) }
        if s[.selected]?.attributes.isEmpty ?? true { s[.selected] = Style(attributes: [.reverse]) }
        if s[.status]?.attributes.isEmpty ?? true { s[.status] = Style(attributes: [.reverse]) }
        return Theme(name: name, styles: s)
    }

    /// Parses a theme file's text; errors name the line.
    public static func parse(_ text: String, name: String) throws(ThemeError) -> Theme {
        var styles: [Role: Style] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: " \t") }
            guard parts.count == 2, let role = Role(rawValue: parts[0]) else {
                throw ThemeError(line: number + 1, message: "expected `role = colours`, got `\(trimmed)`")
            }
            styles[role] = try parseStyle(parts[1], line: number + 1)
        }
        if styles[.normal] == nil { styles[.normal] = .plain }
        return Theme(name: name, styles: styles)
    }

    private static func parseStyle(_ spec: String, line: Int) throws(ThemeError) -> Style {
        var style = Style()
        var words = spec.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }[...]
        var sawForeground = false
        while let word = words.popFirst() {
            switch word {
            case "bold": style.attributes.insert(.bold)
            case "dim": style.attributes.insert(.dim)
            case "reverse": style.attributes.insert(.reverse)
            case "underline": style.attributes.insert(.underline)
            case "italic": style.attributes.insert(.italic)
            case "on":
                guard let bg = words.popFirst() else {
                    throw ThemeError(line: line, message: "`on` needs a colour")
                }
                style.background = try parseColor(bg, line: line)
            default:
                guard !sawForeground else { throw ThemeError(line: line, message: "unknown word `\(word)`") }
                style.foreground = try parseColor(word, line: line)
                sawForeground = true
            }
        }
        return style
    }

    private static func parseColor(_ word: String, line: Int) throws(ThemeError) -> TerminalColor {
        if word == "default" { return .default }
        if let n = TerminalColor.names[word] { return .indexed(n) }
        if let n = UInt8(word) { return .indexed(n) }
        throw ThemeError(line: line, message: "unknown colour `\(word)`")
    }
}

/// A theme file that could not be read, with the line at fault.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var start = startIndex, end = endIndex
        while start < end, chars.contains(self[start]) { start = index(after: start) }
        while end > start, chars.contains(self[index(before: end)]) { end = index(before: end) }
        return String(self[start..<end])
    }
}
