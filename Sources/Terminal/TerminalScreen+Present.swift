import CNcurses
import Glibc
import Screen

extension TerminalScreen {
    /// Shows the canvas, sending ncurses only the cells that changed since the last canvas shown: rows that
    /// are the same are skipped, and a changed row is redrawn from its first to its last differing cell, runs
    /// of one role at a time, as wide-character strings built in a buffer kept between frames (no `String`
    /// per row). Nothing at all is written, and `doupdate` is not called, when nothing changed.
    ///
    /// A canvas of another size than the screen (a frame drawn just before a resize) is clipped, and the
    /// screen is erased first so that nothing of the previous frame stays outside it.
    public func present(_ canvas: Canvas) {
        guard isOpen else { return }
        let window = tui_stdscr()
        let columns = min(canvas.width, width)
        let rows = min(canvas.height, height)
        var comparable = previous.map { $0.width == canvas.width && $0.height == canvas.height } ?? false
        if canvas.width != width || canvas.height != height || previous == nil {
            werase(window)
            comparable = false
        }
        var changed = !comparable
        for y in 0..<rows {
            if comparable {
                guard let span = Self.changedSpan(y, canvas, previous!) else { continue }
                drawRow(y, of: canvas, from: span.lowerBound, through: min(span.upperBound, columns - 1), columns: columns)
            } else {
                drawRow(y, of: canvas, from: 0, through: columns - 1, columns: columns)
            }
            changed = true
        }
        let cursorMoved = previous?.cursor?.x != canvas.cursor?.x || previous?.cursor?.y != canvas.cursor?.y
        previous = canvas
        guard changed || cursorMoved else { return }
        if let cursor = canvas.cursor, (0..<columns).contains(cursor.x), (0..<rows).contains(cursor.y) {
            setCursorVisible(true)
            wmove(window, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursorVisible(false)
        }
        wrefresh(window)
        presented += 1
    }

    /// Forgets what the terminal shows: the next `present` repaints every cell (Ctrl-L clears first).
    public func invalidate() {
        guard isOpen else { return }
        previous = nil
        clearok(tui_curscr(), true)
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

    private func drawRow(_ y: Int, of canvas: Canvas, from start: Int, through end: Int, columns: Int) {
        guard start <= end else { return }
        run.removeAll(keepingCapacity: true)
        var runStart = start
        var runRole = canvas[start, y].role
        var x = start
        while x <= end {
            let cell = canvas[x, y]
            if cell.role != runRole {
                flush(x: runStart, y: y, role: runRole)
                runStart = x
                runRole = cell.role
            }
            x += appendGlyph(at: x, y: y, of: canvas, columns: columns)
        }
        // The bottom-right cell makes addstr return ERR (the cursor cannot wrap without scrolling),
        // but ncurses has stored the character by then, so the result is ignored.
        flush(x: runStart, y: y, role: runRole)
    }

    private func flush(x: Int, y: Int, role: Role) {
        guard !run.isEmpty else { return }
        let window = tui_stdscr()
        let pen = pens[role]
        wattr_set(window, pen.attributes, pen.pair, nil)
        let count = Int32(run.count)
        run.withUnsafeBufferPointer { _ = mvwaddnwstr(window, Int32(y), Int32(x), $0.baseAddress, count) }
        run.removeAll(keepingCapacity: true)
    }

    /// Appends what to write for the cell at `x` and returns how many columns it covers, such that the
    /// terminal's cursor lands exactly where the canvas expects. The canvas measures with `TextWidth`, ncurses
    /// with the C library's `wcwidth`; where they disagree (or the locale cannot show the scalar at all) a
    /// padded or `?` stand-in keeps every later column of the row in place.
    private func appendGlyph(at x: Int, y: Int, of canvas: Canvas, columns: Int) -> Int {
        let cell = canvas[x, y]
        // A continuation cell reached here lost its wide left half (overdrawn by a narrow scalar).
        if cell.isContinuation {
            run.append(0x20)
            return 1
        }
        let scalar = cell.scalar
        // Wide only with its continuation cell: a wide scalar set straight into a cell gets one column.
        let isWide = TextWidth.of(scalar) == 2 && x + 1 < canvas.width && canvas[x + 1, y].isContinuation
        if isWide && x + 1 >= columns {   // clipped at the right edge
            run.append(0x20)
            return 1
        }
        let wanted = isWide ? 2 : 1
        let shown = Self.terminalWidth(of: scalar)
        if shown == wanted {
            run.append(wchar_t(bitPattern: scalar.value))
        } else if shown == 1 {   // wanted 2
            run.append(wchar_t(bitPattern: scalar.value))
            run.append(0x20)
        } else {
            let standIn = Self.asciiStandIns[scalar] ?? "?"
            run.append(wchar_t(standIn.value))
            if wanted == 2 { run.append(0x20) }
        }
        return wanted
    }

    /// In a locale without UTF-8 (LANG unset, LANG=C) the canvas' borders and markers would all turn
    /// into `?`; these keep boxes and separators readable.
    private static let asciiStandIns: [Unicode.Scalar: Unicode.Scalar] = [
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
