import CNcurses
import Screen

/// How ncurses draws one role: attributes plus a colour pair number.
struct Pen: Equatable {
    var attributes: attr_t
    var pair: Int16

    static let plain = Pen(attributes: TUI_A_NORMAL, pair: 0)
}

/// Every role's pen, and the colour pairs they need, worked out without touching ncurses.
struct PenTable {
    /// One `init_pair` call: pair number, foreground, background (-1 is the terminal's default).
    struct PairDefinition: Equatable {
        var pair: Int16
        var foreground: Int16
        var background: Int16
    }

    private struct ColorKey: Hashable {
        var foreground: Int16
        var background: Int16
        init(_ foreground: Int16, _ background: Int16) {
            self.foreground = foreground
            self.background = background
        }
    }

    private(set) var pens: [Role: Pen] = [:]
    private(set) var pairs: [PairDefinition] = []

    /// - Parameters:
    ///   - colorCount: `COLORS`, 0 without colour. Below 8 only attributes are used: a 2-colour terminal
    ///     cannot show a theme's colours, and guessing would make text unreadable.
    ///   - pairLimit: `COLOR_PAIRS`; roles beyond it keep their attributes and lose their colours.
    ///   - defaultColors: whether `use_default_colors()` worked, i.e. whether -1 means "the terminal's own".
    init(theme: Theme, colorCount: Int, pairLimit: Int, defaultColors: Bool) {
        // Pair 0 is fixed by ncurses: the terminal's defaults, or white on black without use_default_colors.
        let pairZero = defaultColors
            ? PairDefinition(pair: 0, foreground: -1, background: -1)
            : PairDefinition(pair: 0, foreground: Int16(COLOR_WHITE), background: Int16(COLOR_BLACK))
        var pairNumbers: [ColorKey: Int16] = [ColorKey(pairZero.foreground, pairZero.background): 0]

        func number(_ color: TerminalColor, orDefault fallback: Int16) -> Int16 {
            switch color.reduced(toPalette: colorCount) {
            case .indexed(let n): return Int16(n)
            case .default: return fallback
            }
        }

        for role in Role.allCases {
            let style = theme.style(for: role)
            var pen = Pen(attributes: Self.attributes(style.attributes), pair: 0)
            if colorCount >= 8 {
                let key = ColorKey(number(style.foreground, orDefault: pairZero.foreground),
                                   number(style.background, orDefault: pairZero.background))
                if let existing = pairNumbers[key] {
                    pen.pair = existing
                } else if pairNumbers.count < pairLimit, pairNumbers.count <= Int(Int16.max) {
                    let new = Int16(pairNumbers.count)
                    pairNumbers[key] = new
                    pairs.append(PairDefinition(pair: new, foreground: key.foreground, background: key.background))
                    pen.pair = new
                }
            }
            pens[role] = pen
        }
    }

    subscript(role: Role) -> Pen {
        pens[role] ?? .plain
    }

    static func attributes(_ attributes: TextAttributes) -> attr_t {
        var result = TUI_A_NORMAL
        if attributes.contains(.bold) { result |= TUI_A_BOLD }
        if attributes.contains(.dim) { result |= TUI_A_DIM }
        if attributes.contains(.reverse) { result |= TUI_A_REVERSE }
        if attributes.contains(.underline) { result |= TUI_A_UNDERLINE }
        if attributes.contains(.italic) { result |= TUI_A_ITALIC }
        return result
    }
}
