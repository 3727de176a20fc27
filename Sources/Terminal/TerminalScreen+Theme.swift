import CNcurses
import Screen

extension TerminalScreen {
    /// Maps every Role's Style to a colour pair + attributes, reducing colours with
    /// TerminalColor.reduced(toPalette: colorCount); .default -> -1. Attributes map to A_BOLD etc.
    /// With colorCount < 8 or no colours: attributes only.
    public func setTheme(_ theme: Theme) {
        guard isOpen else { return }
        // Without colours, withoutColors() gives the status bar and selection reverse video, which a colour
        // theme does not need but a monochrome screen does to show them at all.
        let shown = colorCount >= 8 ? theme : theme.withoutColors()
        pens = PenTable(theme: shown, colorCount: colorCount, pairLimit: Int(tui_color_pairs()),
                        defaultColors: hasDefaultColors)
        for definition in pens.pairs {
            init_pair(definition.pair, definition.foreground, definition.background)
        }
        encoder = FrameEncoder(codes: .terminfo(pens: pens, colorCount: colorCount, defaultColors: hasDefaultColors))
        // Every cell in its new colours.
        previous = nil
    }
}
