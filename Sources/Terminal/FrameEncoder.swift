import Screen

/// Turns the difference between two canvases into the bytes a terminal needs: for each row that changed, one
/// cursor move to its first changed cell, then its cells up to the last changed one, with a pen change
/// wherever the role changes. Pure: the escape sequences come in `TerminalCodes`, so tests drive it with
/// plain ANSI and read the bytes back.
///
/// Why not ncurses' own update: ncurses sends a frame in many small writes (one per run of a colour, ~80 a
/// frame for a scrolling stream), each waking the terminal emulator, and compares every cell again in
/// `doupdate` after `present` already knows what changed. The encoder leaves in one write per frame.
struct FrameEncoder {
    var codes: TerminalCodes

    /// Appends to `out` what turns a screen showing `previous` (nil: a blank screen) into `canvas`, ending
    /// with the attributes reset and the cursor placed or hidden as the canvas asks. `cursorVisible` is what
    /// the terminal was last told; it is updated. Writes nothing when nothing changed.
    func encode(_ canvas: Canvas, over previous: Canvas?, columns: Int, rows: Int, cursorVisible: inout Bool,
                into out: inout [UInt8]) {
        let start = out.count
        var pen: Role? = nil   // nil: what `reset` leaves (no attributes, the terminal's colours)
        for y in 0..<min(canvas.height, rows) {
            let span: ClosedRange<Int>
            if let previous {
                guard let changed = Self.changedSpan(y, canvas, previous) else { continue }
                span = changed
            } else if codes.pens[.normal] == nil {
                // A cleared screen only needs what is not a plain space (when plain is the terminal's own look).
                guard let drawn = Self.drawnSpan(y, canvas) else { continue }
                span = drawn
            } else {
                span = 0...(canvas.width - 1)
            }
            var last = min(span.upperBound, columns - 1)
            // A terminal that wraps at once when its last cell is written would scroll the whole screen.
            if codes.wrapsAtLastCell && y == rows - 1 && last == columns - 1 { last -= 1 }
            guard span.lowerBound <= last else { continue }
            out += codes.moveTo(y, span.lowerBound)
            var x = span.lowerBound
            while x <= last {
                let cell = canvas[x, y]
                if cell.role != pen, !(pen == nil && cell.role == .normal && codes.pens[.normal] == nil) {
                    out += codes.reset
                    out += codes.pens[cell.role] ?? []
                    pen = cell.role
                }
                x += appendGlyph(at: x, y: y, of: canvas, columns: columns, into: &out)
            }
        }
        let cursorMoved = previous?.cursor?.x != canvas.cursor?.x || previous?.cursor?.y != canvas.cursor?.y
        guard out.count > start || cursorMoved || previous == nil else { return }
        if pen != nil { out += codes.reset }
        if let cursor = canvas.cursor, (0..<min(columns, canvas.width)).contains(cursor.x),
           (0..<min(rows, canvas.height)).contains(cursor.y) {
            out += codes.moveTo(cursor.y, cursor.x)
            if !cursorVisible {
                out += codes.showCursor
                cursorVisible = true
            }
        } else if cursorVisible {
            out += codes.hideCursor
            cursorVisible = false
        }
    }

    /// The columns of row `y` from the first to the last cell that differ, widened over wide characters.
    static func changedSpan(_ y: Int, _ a: Canvas, _ b: Canvas) -> ClosedRange<Int>? {
        let w = a.width
        var first = -1
        for x in 0..<w where a[x, y] != b[x, y] {
            first = x
            break
        }
        guard first >= 0 else { return nil }
        var last = first
        var x = w - 1
        while x > first {
            if a[x, y] != b[x, y] {
                last = x
                break
            }
            x -= 1
        }
        // A change in either half of a wide character redraws both.
        if first > 0, a[first, y].isContinuation || b[first, y].isContinuation { first -= 1 }
        if last + 1 < w, a[last + 1, y].isContinuation || b[last + 1, y].isContinuation { last += 1 }
        return first...last
    }

    /// The columns of row `y` from the first to the last cell that is not a plain space.
    static func drawnSpan(_ y: Int, _ canvas: Canvas) -> ClosedRange<Int>? {
        let blank = Cell()
        var first = -1
        for x in 0..<canvas.width where canvas[x, y] != blank {
            first = x
            break
        }
        guard first >= 0 else { return nil }
        var last = canvas.width - 1
        while last > first, canvas[last, y] == blank { last -= 1 }
        return first...last
    }

    /// Appends the bytes for the cell at `x` and returns how many columns they cover, such that the terminal's
    /// cursor lands exactly where the canvas expects. The canvas measures with `TextWidth`, the terminal with
    /// the C library's `wcwidth`; where they disagree (or the locale cannot show the scalar at all) a padded or
    /// ASCII stand-in keeps every later column of the row in place.
    private func appendGlyph(at x: Int, y: Int, of canvas: Canvas, columns: Int, into out: inout [UInt8]) -> Int {
        let cell = canvas[x, y]
        // A continuation cell reached here lost its wide left half (overdrawn by a narrow scalar).
        if cell.isContinuation {
            out.append(0x20)
            return 1
        }
        let scalar = cell.scalar
        if scalar.value >= 0x20 && scalar.value < 0x7F {
            out.append(UInt8(scalar.value))
            return 1
        }
        // Wide only with its continuation cell: a wide scalar set straight into a cell gets one column.
        let isWide = TextWidth.of(scalar) == 2 && x + 1 < canvas.width && canvas[x + 1, y].isContinuation
        if isWide && x + 1 >= columns {   // clipped at the right edge
            out.append(0x20)
            return 1
        }
        let wanted = isWide ? 2 : 1
        let shown = codes.utf8 ? codes.width(scalar) : -1
        if shown == wanted {
            Self.appendUTF8(scalar, to: &out)
        } else if shown == 1 {   // wanted 2
            Self.appendUTF8(scalar, to: &out)
            out.append(0x20)
        } else {
            out.append(UInt8(Self.asciiStandIns[scalar]?.value ?? 0x3F))
            if wanted == 2 { out.append(0x20) }
        }
        return wanted
    }

    static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        let v = scalar.value
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// In a locale without UTF-8 (LANG unset, LANG=C) the canvas' borders and markers would all turn
    /// into `?`; these keep boxes and separators readable.
    static let asciiStandIns: [Unicode.Scalar: Unicode.Scalar] = [
        "─": "-", "━": "-", "│": "|", "┃": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
        "┬": "+", "┴": "+", "┼": "+", "·": ".", "•": "*", "…": ".", "▲": "^", "▼": "v", "▶": ">", "◀": "<",
        "█": "#", "▒": "#", "░": ".",
    ]
}

/// The escape sequences a frame is made of, for one terminal.
struct TerminalCodes {
    /// The cursor to row, column (0-based).
    var moveTo: (Int, Int) -> [UInt8]
    /// What sets each role's attributes and colours, sent after `reset`; nil for a role that is all defaults.
    var pens: [Role: [UInt8]]
    /// Attributes and colours back to the terminal's own.
    var reset: [UInt8]
    var showCursor: [UInt8]
    var hideCursor: [UInt8]
    /// Writing the bottom-right cell scrolls the screen (auto margins without the xterm "eat newline" glitch).
    var wrapsAtLastCell: Bool
    /// Whether the locale's encoding is UTF-8; without it only ASCII and stand-ins are sent.
    var utf8: Bool
    /// Columns the terminal gives a scalar (wcwidth); -1 for what it cannot print.
    var width: (Unicode.Scalar) -> Int

    /// Plain ANSI/VT100, as xterm understands it: for tests.
    static func ansi(pens: [Role: [UInt8]] = [:]) -> TerminalCodes {
        TerminalCodes(
            moveTo: { y, x in Array("\u{1B}[\(y + 1);\(x + 1)H".utf8) },
            pens: pens, reset: Array("\u{1B}[m".utf8), showCursor: Array("\u{1B}[?25h".utf8),
            hideCursor: Array("\u{1B}[?25l".utf8), wrapsAtLastCell: false, utf8: true,
            width: { TextWidth.of($0) })
    }
}
