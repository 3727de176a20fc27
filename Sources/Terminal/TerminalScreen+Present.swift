import CNcurses
import Glibc
import Screen

extension TerminalScreen {
    /// Shows the canvas, sending the terminal only the cells that changed since the last canvas shown, in one
    /// write (`FrameEncoder`). Nothing at all is written when nothing changed.
    ///
    /// ncurses still owns the terminal's modes, the keys and the screen's size, but no longer draws: its own
    /// picture of the screen stays blank. When the picture must start over (the first frame, a resize, Ctrl-L,
    /// a canvas of another size than the screen) ncurses clears the screen and is in step again; otherwise it
    /// has nothing to refresh, so reading keys never redraws behind the encoder's back.
    public func present(_ canvas: Canvas) {
        guard isOpen else { return }
        let sameSize = canvas.width == width && canvas.height == height
        var base = previous
        if base == nil || !sameSize || base!.width != canvas.width || base!.height != canvas.height {
            clearok(tui_curscr(), true)
            wrefresh(tui_stdscr())
            base = nil
        }
        frame.removeAll(keepingCapacity: true)
        encoder.encode(canvas, over: base, columns: min(canvas.width, width), rows: min(canvas.height, height),
                       cursorVisible: &isCursorVisible, into: &frame)
        // A canvas of another size is drawn from scratch again next time (over a cleared screen).
        previous = sameSize ? canvas : nil
        guard !frame.isEmpty else { return }
        fflush(outputFile)
        frame.withUnsafeBytes { writeAll($0) }
        presented += 1
    }

    /// Forgets what the terminal shows: the next `present` clears it and repaints every cell (Ctrl-L).
    public func invalidate() {
        guard isOpen else { return }
        previous = nil
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var done = 0
        while done < bytes.count {
            let n = write(outputFD, bytes.baseAddress! + done, bytes.count - done)
            if n > 0 {
                done += n
            } else if n < 0, errno == EINTR {
                continue
            } else if n < 0, errno == EAGAIN {
                var pfd = pollfd(fd: outputFD, events: Int16(POLLOUT), revents: 0)
                _ = poll(&pfd, 1, 100)
            } else {
                return   // the terminal is gone (EIO after a hangup): nothing to show it
            }
        }
    }

    func setCursorVisible(_ visible: Bool) {
        guard visible != isCursorVisible else { return }
        isCursorVisible = visible
        curs_set(visible ? 1 : 0)
    }
}
