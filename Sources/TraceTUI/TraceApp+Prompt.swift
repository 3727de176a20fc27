import Screen
import TraceModel

/// What a prompt's text does once Enter submits it: search, filter, jump to a time, save.
extension TraceApp {
    mutating func submit(_ kind: PromptKind, _ text: String) {
        switch kind {
        case .search where focus == .hotspots:
            hotspots?.setSymbolFilter(text)
        case .search where focus == .flame:
            if case .message(let m) = flame?.setSearch(text) ?? .handled { say(m) }
        case .search where focus == .tree:
            if text.isEmpty { return }
            if case .message(let m) = tree?.find(text) ?? .handled { say(m) }
        case .search:
            if text.isEmpty { return }
            if stream.search == nil || !stream.setSearch(text, from: searchOrigin, store: store) {
                if !text.isEmpty { say("pattern not found: \(text)") }
            }
        case .filter:
            do {
                try stream.setFilter(text, store: store)
                let unknown = stream.unknownFilterFields(store)
                if !unknown.isEmpty {
                    say("filter: \(text) — no event has " + unknown.map { "field \($0)" }.joined(separator: ", "))
                } else if stream.isFiltering {
                    say("filter: \(text)")
                }
            } catch {
                say("bad filter: \(error.description)")
            }
        case .save:
            guard !text.isEmpty else { return }
            guard !saving else {
                say("still saving the previous file")
                return
            }
            saving = true
            say("saving \(text)…")
            emit(.save(path: text, store: store))
        case .time:
            let clock = store.summary.clock
            var target: Int64?
            if text.hasPrefix("+"), let first = store.summary.firstTimestamp,
               let delta = TimeFormat.parseTimestamp(String(text.dropFirst()), clock: clock) {
                target = first + delta
            } else {
                target = TimeFormat.parseTimestamp(text, clock: clock)
            }
            guard let target else {
                say("not a time: \(text) (seconds like 1720.5, or +0.25 from the start)")
                return
            }
            stream.jump(toTimestamp: target, store: store)
        }
    }
}
