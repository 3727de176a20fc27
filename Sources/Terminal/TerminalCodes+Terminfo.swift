import CNcurses
import Screen

extension TerminalCodes {
    /// The sequences of the terminal ncurses set up (its terminfo entry), with every role's pen.
    @MainActor
    static func terminfo(pens table: PenTable, colorCount: Int, defaultColors: Bool) -> TerminalCodes {
        func string(_ name: String) -> [UInt8] {
            guard let p = tigetstr(name), Int(bitPattern: p) != -1 else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self),
                                             count: strlen(p)))
        }
        func bytes(_ p: UnsafePointer<CChar>?) -> [UInt8] {
            guard let p else { return [] }
            return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self),
                                             count: strlen(p)))
        }
        let setForeground = tigetstr("setaf"), setBackground = tigetstr("setab"), cup = tigetstr("cup")
        var reset = string("sgr0")
        // SGR 0 resets the colours too; a terminal whose sgr0 is something else also gets "original pair".
        let ansiReset = reset.starts(with: [0x1B, 0x5B, 0x6D]) || reset.suffix(3) == [0x1B, 0x5B, 0x6D]
            || reset.suffix(4) == [0x1B, 0x5B, 0x30, 0x6D]
        if !ansiReset { reset += string("op") }
        let colors: [Int16: (Int16, Int16)] = Dictionary(
            table.pairs.map { ($0.pair, ($0.foreground, $0.background)) }, uniquingKeysWith: { a, _ in a })
        var pens: [Role: [UInt8]] = [:]
        for role in Role.allCases {
            let pen = table[role]
            var out: [UInt8] = []
            if pen.attributes & TUI_A_BOLD != 0 { out += string("bold") }
            if pen.attributes & TUI_A_DIM != 0 { out += string("dim") }
            if pen.attributes & TUI_A_REVERSE != 0 { out += string("rev") }
            if pen.attributes & TUI_A_UNDERLINE != 0 { out += string("smul") }
            if pen.attributes & TUI_A_ITALIC != 0 { out += string("sitm") }
            if colorCount >= 8 {
                // Pair 0 is the terminal's own colours, or white on black where -1 cannot mean that.
                let (fg, bg) = colors[pen.pair] ?? (defaultColors ? (-1, -1) : (Int16(COLOR_WHITE), Int16(COLOR_BLACK)))
                if fg >= 0 { out += bytes(tui_tiparm1(setForeground, Int32(fg))) }
                if bg >= 0 { out += bytes(tui_tiparm1(setBackground, Int32(bg))) }
            }
            if !out.isEmpty { pens[role] = out }
        }
        return TerminalCodes(
            moveTo: { y, x in bytes(tui_tiparm2(cup, Int32(y), Int32(x))) },
            pens: pens, reset: reset, showCursor: string("cnorm"), hideCursor: string("civis"),
            wrapsAtLastCell: tigetflag("am") == 1 && tigetflag("xenl") != 1,
            utf8: tui_codeset_is_utf8() != 0,
            width: { scalar in
                if (0x20..<0x7F).contains(scalar.value) { return 1 }
                return Int(tui_wcwidth(scalar.value))
            })
    }
}
