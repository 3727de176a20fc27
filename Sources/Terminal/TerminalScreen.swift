import CNcurses
import Glibc
import Screen

/// The ncurses screen: presents Canvases, reads keys. Main thread only.
///
/// ncurses keeps its state in process globals and is not thread-safe, hence `@MainActor`.
/// Open it after `StopSignals.install()`, so that ncurses finds SIGINT and SIGTERM ignored and leaves them alone.
@MainActor
public final class TerminalScreen: TerminalDevice {
    /// Whether -1 means "the terminal's own colour" in `init_pair` (`use_default_colors` worked).
    let hasDefaultColors: Bool
    /// Set by `close()`; afterwards drawing and reading do nothing, because any curses call would
    /// silently switch the terminal back into curses mode.
    private(set) var isOpen = true
    var pens = PenTable(theme: .monochrome, colorCount: 0, pairLimit: 0, defaultColors: false)
    /// What `curs_set` was last told, so that it is called only on changes.
    var isCursorVisible = false

    /// `COLORS` after start_color, 0 when the terminal has no colour.
    public let colorCount: Int
    /// The canvas last shown: `present` sends only what differs from it (nil: repaint everything).
    var previous: Canvas?
    /// The bytes of the frame being sent, kept between frames so drawing allocates nothing.
    var frame: [UInt8] = []
    /// Turns canvases into this terminal's escape sequences (set with the theme).
    var encoder = FrameEncoder(codes: .ansi())
    /// Where frames are written; ncurses writes to the same terminal through `outputFile` (flushed first).
    let outputFD: Int32
    let outputFile: UnsafeMutablePointer<FILE>
    /// Frames that changed something on the terminal (for tests and the benchmark).
    public internal(set) var presented = 0
    /// Wakes `waitForKeys` from other threads, and on SIGWINCH.
    let wakePipe: WakePipe
    public nonisolated let waker: Waker

    /// The terminal's input, which `waitForKeys` polls beside the wake pipe.
    let inputFD: Int32

    private init(colorCount: Int, hasDefaultColors: Bool, inputFD: Int32, outputFD: Int32,
                 outputFile: UnsafeMutablePointer<FILE>) {
        self.inputFD = inputFD
        self.outputFD = outputFD
        self.outputFile = outputFile
        self.colorCount = colorCount
        self.hasDefaultColors = hasDefaultColors
        let pipe = WakePipe()
        wakePipe = pipe
        waker = Waker { pipe.wake() }
    }

    /// Checks isatty(0) && isatty(1) (else throws "tracetui needs a terminal…"), setlocale(LC_ALL, ""),
    /// newterm(getenv("TERM"), …) (nil -> throws "unknown terminal type '…'", never exit(1)), cbreak, noecho,
    /// keypad, curs_set(0), set_escdelay(25), start_color + use_default_colors when has_colors(), mouse wheel
    /// reporting when `mouse` is true (mousemask with BUTTON4_PRESSED|BUTTON5_PRESSED, mouseinterval(0)).
    public static func open(theme: Theme, mouse: Bool = true, input: Int32 = 0, output: Int32 = 1) throws -> TerminalScreen {
        // Without a tty on both ends ncurses "succeeds" and the app spins invisibly; say so instead.
        guard isatty(input) == 1, isatty(output) == 1 else {
            throw TerminalError("tracetui needs a terminal: stdin and stdout must be a tty")
        }
        // Before newterm: ncurses picks UTF-8 output from the locale, and mvaddstr then renders wide text.
        setlocale(LC_ALL, "")
        guard let term = getenv("TERM").map({ String(cString: $0) }), !term.isEmpty else {
            throw TerminalError("TERM is not set, so tracetui cannot tell how to drive this terminal")
        }
        // newterm rather than initscr: initscr calls exit(1) on an unknown TERM. The FILEs are never
        // closed: fclose would close fds 0 and 1 under the rest of the program.
        guard let outputFile = fdopen(output, "w"), let inputFile = fdopen(input, "r") else {
            throw TerminalError("tracetui cannot use the terminal: \(String(cString: strerror(errno)))")
        }
        // Fully buffered: what ncurses itself sends (modes, a clear) leaves in one write.
        setvbuf(outputFile, nil, _IOFBF, 1 << 16)
        guard newterm(term, outputFile, inputFile) != nil else {
            throw TerminalError("unknown terminal type '\(term)' (check TERM, or install ncurses-term)")
        }
        // ncurses accepts TERM=dumb and friends, then draws every row onto one line.
        let moveCursor = tigetstr("cup")
        guard let moveCursor, Int(bitPattern: moveCursor) != -1 else {
            endwin()
            throw TerminalError("terminal type '\(term)' cannot move the cursor, which tracetui needs")
        }
        let window = tui_stdscr()
        cbreak()
        noecho()
        keypad(window, true)
        // No typeahead check during an update: ncurses would poll the input and flush its output in small writes
        // every few rows (a hundred system calls a frame); the run loop reads keys itself between frames.
        typeahead(-1)
        curs_set(0)
        // Esc alone waits this long for the rest of an escape sequence; ncurses' default of 1 s feels broken.
        _ = tui_set_escdelay(25)

        var colorCount = 0
        var hasDefaultColors = false
        if has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == OK
            colorCount = Int(tui_colors())
        }
        if mouse {
            // Only the wheel: asking for clicks too would take text selection away from the terminal.
            mousemask(TUI_BUTTON4_PRESSED | TUI_BUTTON5_PRESSED, nil)
            mouseinterval(0)
        }
        let screen = TerminalScreen(colorCount: colorCount, hasDefaultColors: hasDefaultColors, inputFD: input,
                                    outputFD: output, outputFile: outputFile)
        screen.setTheme(theme)
        // ncurses notes a resize in its SIGWINCH handler and reports it at the next read; chained, the signal
        // also ends a wait, so a resize redraws at once rather than at the next key.
        ResizeSignal.chain(to: screen.wakePipe)
        return screen
    }

    /// Columns of the screen; already the new size when readKey returns `.resize`.
    public var width: Int { Int(getmaxx(tui_stdscr())) }
    /// Rows of the screen.
    public var height: Int { Int(getmaxy(tui_stdscr())) }

    /// endwin(); idempotent; also restores the cursor. Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        curs_set(1)
        endwin()
    }
}
