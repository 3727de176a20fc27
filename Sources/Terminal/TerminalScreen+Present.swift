import CNcurses
import Glibc
import Screen

extension TerminalScreen {
    /// Draws the whole canvas (erase is not needed: every cell is written), grouping runs of cells with the
    /// same role on a row into one attribute change + mvaddstr, then honours `canvas.cursor` and refreshes.
    ///
    /// A canvas of another size than the screen (a frame drawn just before a resize) is clipped, and the
    /// screen is erased first so that nothing of the previous frame stays outside it.
    public func present(_ canvas: Canvas) {
        guard isOpen else { return }
        let window = tui_stdscr()
        let columns = min(canvas.width, width)
        let rows = min(canvas.height, height)
        if canvas.width != width || canvas.height != height {
            werase(window)
        }
        for y in 0..<rows {
            drawRow(y, of: canvas, columns: columns)
        }
        if let cursor = canvas.cursor, (0..<columns).contains(cursor.x), (0..<rows).contains(cursor.y) {
            setCursorVisible(true)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursorVisible(false)
        }
        wrefresh(window)
    }

    private func drawRow(_ y: Int, of canvas: Canvas, columns: Int) {
        var run = ""
        var runStart = 0
        var runRole = Role.normal
        var x = 0
        while x < columns {
            let cell = canvas[x, y]
            let (text, taken) = glyph(at: x, y: y, of: canvas, columns: columns)
            if cell.role != runRole || run.isEmpty {
                flush(run, x: runStart, y: y, role: runRole)
                run = ""
                runStart = x
                runRole = cell.role
            }
            run.unicodeScalars.append(contentsOf: text.unicodeScalars)
            x += taken
        }
        // The bottom-right cell makes addstr return ERR (the cursor cannot wrap without scrolling),
        // but ncurses has stored the character by then, so the result is ignored.
        flush(run, x: runStart, y: y, role: runRole)
    }

    private func flush(_ run: String, x: Int, y: Int, role: Role) {
        guard !run.isEmpty else { return }
        let window = tui_stdscr()
        let pen = pens[role]
        wattr_set(window, pen.attributes, pen.pair, nil)
        mvwaddstr(window, Int32(y), Int32(x), run)
    }

    /// What to write for the cell at `x` and how many columns it covers, such that the terminal's cursor
    /// lands exactly where the canvas expects. The canvas measures with `TextWidth`, ncurses with the C
    /// library's `wcwidth`; where they disagree (or the locale cannot show the scalar at all) a padded or
    /// `?` stand-in keeps every later column of the row in place.
    private func glyph(at x: Int, y: Int, of canvas: Canvas, columns: Int) -> (String, Int) {
        let cell = canvas[x, y]
        // A continuation cell reached here lost its wide left half (overdrawn by a narrow scalar).
        if cell.isContinuation { return (" ", 1) }
        let scalar = cell.scalar
        // Wide only with its continuation cell: a wide scalar set straight into a cell gets one column.
        let isWide = TextWidth.of(scalar) == 2 && x + 1 < canvas.width && canvas[x + 1, y].isContinuation
        if isWide && x + 1 >= columns { return (" ", 1) }   // clipped at the right edge
        let wanted = isWide ? 2 : 1
        let shown = Self.terminalWidth(of: scalar)
        if shown == wanted { return (String(scalar), wanted) }
        if shown == 1 { return (String(scalar) + " ", 2) }   // wanted 2
        let standIn = Self.asciiStandIns[scalar] ?? "?"
        return (wanted == 2 ? standIn + " " : standIn, wanted)
    }

    /// In a locale without UTF-8 (LANG unset, LANG=C) the canvas' borders and markers would all turn
    /// into `?`; these keep boxes and separators readable.
    private static let asciiStandIns: [Unicode.Scalar: String] = [
        "─": "-", "━": "-", "│": "|", "┃": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "├": "+", "┤": "+",
        "┬": "+", "┴": "+", "┼": "+", "·": ".", "•": "*", "…": ".", "▲": "^", "▼": "v", "▶": ">", "◀": "<",
        "█": "#", "▒": "#", "░": ".",
    ]

    /// Columns the terminal gives a scalar, as ncurses will count them; -1 for what it cannot print.
    private static func terminalWidth(of scalar: Unicode.Scalar) -> Int {
        if (0x20..<0x7F).contains(scalar.value) { return 1 }
        return Int(tui_wcwidth(scalar.value))
    }

    func setCursorVisible(_ visible: Bool) {
        guard visible != isCursorVisible else { return }
        isCursorVisible = visible
        curs_set(visible ? 1 : 0)
    }
}
