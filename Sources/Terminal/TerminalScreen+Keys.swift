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

    /// Sleeps in poll(2) on the terminal and the wake pipe until a key, a wake-up or the timeout; then reads
    /// every key already typed. Keys ncurses buffered earlier (the rest of a paste) are returned at once.
    public func waitForKeys(timeout: Duration?) -> [Key] {
        guard isOpen else { return [] }
        var keys: [Key] = []
        while let key = readKey(timeoutMilliseconds: 0) { keys.append(key) }
        if !keys.isEmpty { return keys }
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakePipe.readFD, events: Int16(POLLIN), revents: 0)]
        var milliseconds: Int32 = -1
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            // Rounded up: waking a little early would only loop back into a 0 ms wait.
            let ms = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            milliseconds = Int32(clamping: max(0, ms))
        }
        _ = poll(&fds, 2, milliseconds)
        wakePipe.drain()
        while let key = readKey(timeoutMilliseconds: 0) { keys.append(key) }
        return keys
    }

    private func readWheel() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        if event.bstate & TUI_BUTTON4_PRESSED != 0 { return .wheelUp(column: Int(event.x)) }
        if event.bstate & TUI_BUTTON5_PRESSED != 0 { return .wheelDown(column: Int(event.x)) }
        return nil
    }
}
