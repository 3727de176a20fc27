import CNcurses
import Glibc
import Screen

extension TerminalScreen {
    /// Waits up to `timeoutMilliseconds` for input (0: just polls; negative: waits for a key).
    /// Returns nil on timeout, for mouse events other than the wheel, for keys without a `Key`, and after close().
    ///
    /// Esc arrives as `.escape` 25 ms after it is pressed (ESCDELAY); Alt+x arrives as `.escape` then `.char("x")`.
    /// KEY_RESIZE arrives as `.resize` once ncurses has resized itself: `width` and `height` are already new.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        guard isOpen else { return nil }
        let window = tui_stdscr()
        wtimeout(window, timeoutMilliseconds)
        var input: wint_t = 0
        switch wget_wch(window, &input) {
        case KEY_CODE_YES:
            let code = Int32(bitPattern: input)
            return code == KEY_MOUSE ? readWheel() : Key(ncursesKeyCode: code)
        case OK:
            return Key(ncursesCharacter: input)
        default:
            return nil
        }
    }

    private func readWheel() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        if event.bstate & TUI_BUTTON4_PRESSED != 0 { return .wheelUp }
        if event.bstate & TUI_BUTTON5_PRESSED != 0 { return .wheelDown }
        return nil
    }
}
