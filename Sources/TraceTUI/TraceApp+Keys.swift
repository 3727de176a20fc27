import Screen
import TraceModel

/// A key: an open overlay (help, the export menu, the event picker, a prompt) takes it first; otherwise the
/// keymap turns it into a command for the focused view and the app.
extension TraceApp {
    mutating func handleKey(_ key: Key) {
        switch mode {
        case .help(let scroll):
            // Moving keys scroll a list taller than the screen; any other key closes it.
            switch keymap.command(for: key, in: focus) {
            case .lineDown?: mode = .help(scroll: scroll + 1)
            case .lineUp?: mode = .help(scroll: max(0, scroll - 1))
            case .pageDown?, .halfPageDown?: mode = .help(scroll: scroll + max(1, pageHeight - 2))
            case .pageUp?, .halfPageUp?: mode = .help(scroll: max(0, scroll - max(1, pageHeight - 2)))
            default: mode = .browsing
            }
            return
        case .exportMenu(let selected):
            handleExportMenu(key, selected: selected)
            return
        case .picker(var picker):
            let live = snapshot.live ?? LiveStatus()
            switch picker.apply(key, available: live.availableEvents, enabled: Set(live.enabledEvents),
                                pageHeight: pageHeight) {
            case .closed: mode = .browsing
            case .editing: mode = .picker(picker)
            case .toggle(let name, let on):
                emit(.setEvent(name: name, enabled: on))
                mode = .picker(picker)
            }
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
        if key == .wheelUp || key == .wheelDown {
            for _ in 0..<3 { _ = stream.handle(key == .wheelUp ? .lineUp : .lineDown, store: store, pageHeight: pageHeight) }
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
}
