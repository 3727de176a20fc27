import Screen
import TraceModel

/// A key: an open overlay (help, the export menu, the event picker, a prompt) takes it first; otherwise the
/// keymap turns it into a command for the focused view and the app.
extension TraceApp {
    mutating func handleKey(_ key: Key) {
        switch mode {
        case .help(var view):
            if overlay(&view, key) { mode = .help(view) }
            return
        case .exportMenu(var view):
            let open = overlay(&view, key)
            mode = open ? .exportMenu(view) : .browsing
            if !open, let choice = view.chosen { requestExport(choice) }
            return
        case .picker(var view):
            if overlay(&view, key) { mode = .picker(view) }
            return
        case .panel(var view):
            if overlay(&view, key) { mode = .panel(view) }
            return
        case .prompt(let kind, var editor):
            let outcome = editor.apply(key)
            switch outcome {
            case .editing:
                mode = .prompt(kind, editor)
                if kind == .search, focus == .stream {
                    _ = stream.setSearch(editor.text, from: searchOrigin, store: store)
                }
            case .cancelled:
                mode = .browsing
                if kind == .search, focus == .stream { stream.moveCursor(to: searchOrigin, store) }
            case .submitted:
                mode = .browsing
                submit(kind, editor.text)
            }
            return
        case .browsing:
            break
        }
        if key == .resize { return }
        if timelinePickerTakes(key) { return }
        if focus == .timeline, let wheel = key.wheel {
            // The wheel zooms the timeline where the mouse is (the cursor goes there), else around the cursor.
            if let column = wheel.column { timeline?.placeCursor(atScreenColumn: column) }
            run(wheel.up ? .zoom : .zoomOut)
            return
        }
        if let wheel = key.wheel {
            for _ in 0..<3 { _ = stream.handle(wheel.up ? .lineUp : .lineDown, store: store, pageHeight: pageHeight) }
            return
        }
        guard let command = keymap.command(for: key, in: focus, live: isLive) else { return }
        run(command)
        // Moving away from the tail stops following it; End follows again.
        if isLive, focus == .stream {
            switch command {
            case .lineUp, .pageUp, .halfPageUp, .top, .search, .searchNext, .searchPrevious, .jumpToTime,
                 .jumpToMarker, .toggleDetail:
                paused = true
            case .bottom:
                paused = false
            default:
                break
            }
        }
    }

    /// An open overlay takes the key: first as a key (letters, Enter, Esc), else as the keymap's command.
    /// Returns whether the overlay stays open; closed, the app is back to browsing.
    private mutating func overlay(_ view: inout some TraceView, _ key: Key) -> Bool {
        let ctx = viewContext
        var outcome = view.handleKey(key, ctx)
        if outcome.isUnhandled {
            guard let command = keymap.command(for: key, in: focus) else { return true }
            outcome = view.handle(command, ctx)
        }
        switch outcome {
        case .close:
            mode = .browsing
            return false
        case .emit(let effect): emit(effect)
        case .message(let text): say(text)
        case .showRows(let rows):
            mode = .browsing
            showInStream(rows)
            return false
        case .handled, .unhandled: break
        }
        return true
    }
}
