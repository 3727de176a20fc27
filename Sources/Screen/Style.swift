/// A terminal colour: the terminal's default, one of the 256 indexed colours.
public enum TerminalColor: Sendable, Hashable {
    case `default`
    case indexed(UInt8)

    /// The 16 ANSI names a theme file may use instead of numbers.
    public static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "brightblack": 8, "gray": 8, "grey": 8, "brightred": 9, "brightgreen": 10, "brightyellow": 11,
        "brightblue": 12, "brightmagenta": 13, "brightcyan": 14, "brightwhite": 15,
    ]

    /// The closest colour a terminal with `colors` colours can show (8, 16 or 256).
    public func reduced(toPalette colors: Int) -> TerminalColor {
        guard case .indexed(let n) = self else { return self }
        if colors >= 256 || (colors >= 16 && n < 16) || n < 8 { return self }
        if n < 16 { return .indexed(n - 8) }
        return .indexed(Self.nearestBasic(n, allowBright: colors >= 16))
    }

    private static func nearestBasic(_ n: UInt8, allowBright: Bool) -> UInt8 {
        let (r, g, b) = rgb(of: n)
        let basics: [(UInt8, (Int, Int, Int))] = [
            (0, (0, 0, 0)), (1, (205, 0, 0)), (2, (0, 205, 0)), (3, (205, 205, 0)),
            (4, (0, 0, 238)), (5, (205, 0, 205)), (6, (0, 205, 205)), (7, (229, 229, 229)),
        ] + (allowBright ? [
            (8, (127, 127, 127)), (9, (255, 0, 0)), (10, (0, 255, 0)), (11, (255, 255, 0)),
            (12, (92, 92, 255)), (13, (255, 0, 255)), (14, (0, 255, 255)), (15, (255, 255, 255)),
        ] : [])
        var best: UInt8 = 7
        var bestDistance = Int.max
        for (index, c) in basics {
            let d = (c.0 - r) * (c.0 - r) + (c.1 - g) * (c.1 - g) + (c.2 - b) * (c.2 - b)
            if d < bestDistance { bestDistance = d; best = index }
        }
        return best
    }

    /// The xterm palette's RGB for an index of the 6×6×6 cube or the grey ramp.
    static func rgb(of n: UInt8) -> (Int, Int, Int) {
        if n >= 232 {
            let v = 8 + Int(n - 232) * 10
            return (v, v, v)
        }
        let i = Int(n) - 16
        let steps = [0, 95, 135, 175, 215, 255]
        return (steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }
}

/// Text attributes, combinable.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let reverse = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
    public static let italic = TextAttributes(rawValue: 16)
}

/// How one role looks: foreground, background and attributes.
public struct Style: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default,
                attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()
}
