import Screen
import TraceModel

/// The whole screen's state and its router: the focused view, the prompt, the overlays and the status bar.
/// Takes `AppEvent`s and returns `Effect`s (it does no I/O and starts no task); lays out and draws into a
/// Canvas. Knows nothing of ncurses. Commands go to the focused view first and bubble up here.
public struct TraceApp: Sendable {
    public enum Mode: Equatable, Sendable {
        case browsing
        case prompt(PromptKind, LineEditor)
        /// The key list, scrolled down by `scroll` lines.
        case help(scroll: Int)
        /// The `x` menu, its highlighted format.
        case exportMenu(selected: Int)
        /// Live: the event picker.
        case picker(EventPicker)
    }

    /// The Enter panel: closed, under the list, or over the whole screen (scrollable).
    public enum Detail: Equatable, Sendable {
        case closed, panel
        case fullScreen(scroll: Int)
    }

    public enum PromptKind: String, Sendable {
        case search = "/"
        case filter = "filter: "
        case time = "jump to time: "
        case save = "save to: "
    }

    public internal(set) var mode: Mode = .browsing
    public internal(set) var stream = StreamView()
    /// The call tree, built the first time it is shown (only function_graph traces have one).
    var tree: CallTreeView?
    /// An A–B range whose call tree a job is building.
    var pendingTree: Range<Int>?
    /// The snapshot's `callTreeVersion` the tree view was last given.
    private var treeVersion = 0
    public internal(set) var focus: KeyContext = .stream
    public internal(set) var detail = Detail.closed
    public internal(set) var message: String?
    /// When the message goes (3 s after it was said).
    var messageExpiry: Duration?
    private var searchOrigin = 0
    public let keymap: Keymap
    var snapshot: TraceSnapshot
    /// Rows a page moves, from the last layout (the list's height less its header).
    var pageHeight = 23
    /// The loop's time at the event being handled (views never read a clock).
    public internal(set) var now: Duration = .zero
    /// Effects asked for while handling the current event.
    var pending: [Effect] = []
    /// Live: the view stays where it is while the capture goes on (space); otherwise it follows the tail.
    public internal(set) var paused = false
    private var evictedSeen = 0
    /// Live `w`: a save is being written (a second waits for it).
    var saving = false
    /// What the last finished save said, repeated after the screen closes.
    public internal(set) var lastSaved: String?
    /// /proc samples of the session (a replayed sidecar, or a live sampler's history); key 5 shows them.
    public var system: ProcHistory?
    public internal(set) var panes = SystemPanesView()
    /// Key 0: the focused view and the system panes on one screen (below it, or beside it when wide).
    public internal(set) var dashboard = false
    /// Where the panes were opened from, to go back to with 5, Tab or Esc.
    private var focusBeforePanes = KeyContext.stream
    /// The hotspot table and the flame graph, built the first time one is shown (after loading).
    var hotspots: HotspotView?
    var flame: FlameView?
    var hotspotSource: HotspotSource?
    /// Live: the snapshot generation the hotspot table and flame graph were last built from.
    var hotspotGeneration = -1
    /// A pane asked for while loading (`2`/Tab, `3`, `4`): it opens when the file is in.
    var paneRequested: KeyContext?
    /// Panes whose first data a job is building.
    var openRequested: Set<KeyContext> = []
    /// `3` / `4` being built off the UI thread (`HotspotJob`): the panes whose data is on its way.
    var panesBuilding: Set<KeyContext> = []
    /// The open job in flight builds the source; a second pane waits for it rather than building it again.
    var sourceBuilding = false
    var jobGeneration = 0
    /// Live: a rebuild of the hotspot table is running, when it started, and when the next may start.
    var refreshing = false
    var refreshStarted: Duration = .zero
    var nextRefresh: Duration = .zero

    public init(snapshot: TraceSnapshot, keymap: Keymap = .standard) {
        self.snapshot = snapshot
        self.keymap = keymap
    }

    public var store: EventStore { snapshot.store }
    public var isLive: Bool { snapshot.live != nil }

    /// Handles one event at the loop's time `now` and returns what it asks the world to do.
    public mutating func handle(_ event: AppEvent, at now: Duration? = nil) -> [Effect] {
        if let now { self.now = now }
        switch event {
        case .key(let key): handleKey(key)
        case .snapshot(let s): update(s)
        case .system(let history): system = history
        case .tick: break
        case .hotspots(let result): adopt(result)
        case .hotspotsRefreshed(let refresh): apply(refresh)
        case .treeBuilt(let calls, let rows): treeBuilt(calls, rows: rows)
        case .exportProgress(let bytes): say("exporting… \(StatusBar.byteCount(bytes)) written (keys work meanwhile)")
        case .exportFinished(let path, let records, let error): exportFinished(path: path, records: records, error: error)
        case .saved(let said):
            saving = false
            lastSaved = said
            say(said)
        case .notice(let text): say(text)
        }
        if let expiry = messageExpiry, self.now >= expiry {
            message = nil
            messageExpiry = nil
        }
        collectHotspotJobs()
        refreshHotspotsIfDue()
        defer { pending.removeAll() }
        return pending
    }

    /// A key, as `handle(.key(key))`.
    public mutating func handle(_ key: Key) -> [Effect] { handle(.key(key)) }

    /// The earliest time the app wants a `.tick`: a message to take down, a live table to rebuild.
    public func nextDeadline() -> Duration? {
        var due = messageExpiry
        if let r = refreshDueAt { due = min(due ?? r, r) }
        return due
    }

    mutating func emit(_ effect: Effect) { pending.append(effect) }

    /// Takes the newest snapshot: new rows for the stream (filter and search go on over them), the live tree.
    mutating func update(_ newSnapshot: TraceSnapshot) {
        snapshot = newSnapshot
        if newSnapshot.store.evictedRows != evictedSeen {
            stream.storeEvicted(newSnapshot.store.evictedRows - evictedSeen, store: newSnapshot.store)
            evictedSeen = newSnapshot.store.evictedRows
        }
        stream.update(newSnapshot.store, generation: newSnapshot.generation)
        // Live: the calls that arrived since go into the open tree (not into an A–B range's tree).
        if newSnapshot.callTreeVersion != treeVersion {
            treeVersion = newSnapshot.callTreeVersion
            if isLive, tree?.rowRange == nil, let calls = newSnapshot.callTree { tree?.refresh(with: calls) }
        }
        if isLive, !paused, focus == .stream, mode == .browsing, detail == .closed {
            stream.moveCursor(to: stream.visibleCount(newSnapshot.store) - 1, newSnapshot.store)
        }
        if let pane = paneRequested, newSnapshot.progress.finished {
            paneRequested = nil
            open(pane)
        }
    }

    private mutating func handleKey(_ key: Key) {
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

    /// Runs a command as if its key was pressed.
    public mutating func perform(_ command: Command) -> [Effect] {
        run(command)
        collectHotspotJobs()
        defer { pending.removeAll() }
        return pending
    }

    /// A command goes to the focused view first; what it leaves (`.unhandled`) is the app's.
    mutating func run(_ command: Command) {
        if takenBeforeTheView(command) { return }
        switch dispatch(command) {
        case .handled: return
        case .message(let text):
            say(text)
            return
        case .unhandled: break
        }
        switch command {
        case .quit:
            emit(.quit)
        case .help:
            mode = .help(scroll: 0)
        case .export:
            mode = .exportMenu(selected: 0)
        case .search:
            searchOrigin = stream.cursor
            mode = .prompt(.search, LineEditor())
        case .showSystemPanes:
            if focus == .system {
                focus = focusBeforePanes
            } else {
                focusBeforePanes = focus
                focus = .system
            }
        case .toggleDashboard:
            dashboard.toggle()
            if dashboard, focus == .system { focus = focusBeforePanes }
        case .nextPane where focus == .system, .clearFilter where focus == .system:
            focus = .stream
        case .nextPane:
            switchPane()
        case .showStream:
            open(.stream)
        case .showCallTree:
            open(.tree)
        case .showHotspots:
            open(.hotspots)
        case .showFlame:
            open(.flame)
        case .showInStream:
            guard let row = hotspots?.firstStoreRow() else {
                say("no line in the stream for this entry")
                break
            }
            focus = .stream
            stream.jump(toStoreRow: row, store)
        case .showInTree:
            guard hotspotSource?.kind == .durations, let row = hotspots?.firstStoreRow() else {
                say("the call tree shows function_graph calls: this trace has none")
                break
            }
            focus = .stream
            stream.jump(toStoreRow: row, store)
            switchPane()
        case .filter:
            mode = .prompt(.filter, LineEditor(text: stream.filterText ?? ""))
        case .jumpToTime:
            mode = .prompt(.time, LineEditor())
        case .togglePause:
            paused.toggle()
            if !paused { stream.moveCursor(to: stream.visibleCount(store) - 1, store) }
            say(paused ? "view paused: the capture goes on (space follows again)" : "following the newest events")
        case .save:
            // Samples alone are saved as perf script text.
            let onlySamples = snapshot.sampling?.standalone == true
            mode = .prompt(.save, LineEditor(text: onlySamples ? "tracetui-perf.txt" : "tracetui-live.txt"))
        case .pickEvents:
            mode = .picker(EventPicker())
        case .clearFilter where focus == .stream:
            if detail != .closed {
                detail = .closed
            } else if stream.isFiltering {
                try? stream.setFilter(nil, store: store)
                say("filter cleared")
            } else if stream.search != nil {
                _ = stream.setSearch("", from: stream.cursor, store: store)
            } else {
                stream.highlight = nil
            }
        case .toggleDetail:
            switch detail {
            case .closed: detail = .panel
            case .panel: detail = .fullScreen(scroll: 0)
            case .fullScreen: detail = .closed
            }
        case .redraw:
            emit(.repaint)
        default:
            break
        }
    }

    /// Moving keys while the detail panel covers the stream: they scroll the panel.
    private mutating func takenBeforeTheView(_ command: Command) -> Bool {
        guard [.lineDown, .lineUp, .pageDown, .pageUp, .halfPageDown, .halfPageUp].contains(command) else { return false }
        if case .fullScreen(let scroll) = detail, focus == .stream {
            let page = max(1, pageHeight - 2)
            let step = [Command.lineDown: 1, .lineUp: -1, .pageDown: page, .pageUp: -page,
                        .halfPageDown: page / 2, .halfPageUp: -page / 2][command] ?? 0
            detail = .fullScreen(scroll: max(0, scroll + step))
            return true
        }
        return false
    }

    /// The focused view's answer to a command.
    private mutating func dispatch(_ command: Command) -> ViewOutcome {
        let ctx = viewContext
        switch focus {
        case .stream, .global, .live: return stream.handle(command, ctx)
        case .tree: return tree?.handle(command, ctx) ?? .unhandled
        case .hotspots: return hotspots?.handle(command, ctx) ?? .unhandled
        case .flame: return flame?.handle(command, ctx) ?? .unhandled
        case .system:
            // The panes follow the stream's cursor: what they leave (moving, searching) moves it.
            let outcome = panes.handle(command, ctx)
            return outcome == .unhandled ? stream.handle(command, ctx) : outcome
        }
    }

    /// What the views are given: the data and the screen as the app sees it.
    var viewContext: ViewContext {
        let sample = systemSampleIndex()
        return ViewContext(snapshot: snapshot, pageHeight: pageHeight, isLive: isLive, paused: paused, system: system,
                           systemSample: (sample.0, sample.1))
    }

    /// `3` / `4`: the hotspot table or the flame graph, built from the whole trace once it has loaded.
    private mutating func open(_ pane: KeyContext) {
        guard snapshot.progress.finished else {
            // Asking again while waiting changes the user's mind.
            if paneRequested == pane {
                paneRequested = nil
                message = nil
            } else {
                paneRequested = pane
                say("the \(pane.place) opens when the file has loaded")
            }
            return
        }
        switch pane {
        case .stream:
            if focus == .tree { switchPane() }
            focus = .stream
            return
        case .tree:
            if focus != .tree {
                focus = .stream
                switchPane()
            }
            return
        case .system:
            if focus != .system { run(.showSystemPanes) }
            return
        case .live:
            return
        case .global, .hotspots, .flame:
            break
        }
        if isLive {
            // Live, the table is built off the UI thread (`hotspotRefreshRequest`): open now, filled in a moment.
            detail = .closed
            focus = pane
            return
        }
        detail = .closed
        focus = pane
        let built = pane == .hotspots ? hotspots != nil : flame != nil
        if pane == .flame, flame == nil, hotspotSource != nil, !panesBuilding.contains(.flame), hotspotSource?.kind == .events {
            focus = .stream
            say("no stacks or function_graph calls in this trace")
            return
        }
        guard !built, !panesBuilding.contains(pane) else { return }
        panesBuilding.insert(pane)
        // The source is built once: a pane asked for while it is on its way waits for it.
        if hotspotSource == nil, sourceBuilding { return }
        requestOpen(pane)
    }

    /// Tab: between the stream and the call tree, carrying the time cursor across.
    private mutating func switchPane() {
        if focus == .hotspots || focus == .flame {
            focus = .stream
            return
        }
        if focus == .tree {
            focus = .stream
            if let t = tree, let node = t.selectedNode, let row = t.model.firstRow(node) {
                stream.jump(toStoreRow: row, store)
                stream.highlight = row...Int(t.model.calls.lastRow[node])
            }
            return
        }
        guard snapshot.progress.finished else {
            open(.tree)
            return
        }
        // Markers A and B limit the tree to the calls between them.
        var range: Range<Int>?
        if let a = stream.markerA, let b = stream.markerB { range = min(a, b)..<(max(a, b) + 1) }
        if tree == nil || tree?.rowRange != range {
            if let range, range.count > treeRowsInline {
                // A large range's tree takes seconds: a job builds it off this thread.
                guard pendingTree != range else { return }
                pendingTree = range
                let store = self.store
                emit(.run(Job(key: "tree") { _ in .treeBuilt(CallTree(store: store, rows: range), rows: range) }))
                say("building the call tree of rows \(range.lowerBound + 1)–\(range.upperBound) (A–B)…")
                return
            }
            tree = CallTreeView(store: store, prebuilt: snapshot.callTree, rows: range)
        }
        showTree()
    }

    /// An A–B range up to this many rows has its tree built at once (a few ms); a larger one in the background.
    var treeRowsInline = 200_000

    /// A tree built in the background: shown if the markers still give that range.
    mutating func treeBuilt(_ calls: CallTree, rows: Range<Int>) {
        guard pendingTree == rows else { return }
        pendingTree = nil
        var range: Range<Int>?
        if let a = stream.markerA, let b = stream.markerB { range = min(a, b)..<(max(a, b) + 1) }
        guard range == rows else { return }
        message = nil
        tree = CallTreeView(calls: calls, rows: rows)
        showTree()
    }

    private mutating func showTree() {
        guard let t = tree, !t.isEmpty else {
            say("no function_graph calls in this trace")
            return
        }
        focus = .tree
        if let row = stream.selectedRow(store) { tree?.select(storeRow: row) }
    }

    private mutating func submit(_ kind: PromptKind, _ text: String) {
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
                if stream.isFiltering { say("filter: \(text)") }
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

    // MARK: - export

    private mutating func handleExportMenu(_ key: Key, selected: Int) {
        let choices = ExportMenu.choices(hotspots: exportsHotspots)
        let count = choices.count
        // Moving is the keymap's, as in the help; the menu's own letters pick a format.
        switch keymap.command(for: key, in: focus) {
        case .lineUp?:
            mode = .exportMenu(selected: (selected + count - 1) % count)
            return
        case .lineDown?:
            mode = .exportMenu(selected: (selected + 1) % count)
            return
        default:
            break
        }
        switch key {
        case .escape:
            mode = .browsing
        case .enter:
            requestExport(choices[selected])
        case .char(let c):
            if let choice = choices.first(where: { $0.key == c }) { requestExport(choice) }
        default:
            break
        }
    }

    /// What the export covers, said in the menu: the whole trace, or the filter and the A–B range.
    /// The hotspot view is focused and built: `x` offers its table as CSV first.
    var exportsHotspots: Bool { focus == .hotspots && hotspots != nil }

    var exportScope: String {
        if exportsHotspots, let h = hotspots {
            let shown = "the hotspot table (\(StatusBar.grouped(h.table.order.count)) entries"
            return shown + (h.filter.isEmpty ? ")" : ", \(h.filter.description))") + " or the whole trace"
        }
        var parts: [String] = []
        if let text = stream.filterText, stream.isFiltering { parts.append("filter \(text)") }
        if let range = exportRange { parts.append("rows \(range.lowerBound + 1)–\(range.upperBound) (A–B)") }
        return parts.isEmpty ? "the whole trace" : parts.joined(separator: ", ")
    }

    private var exportRange: Range<Int>? {
        guard let a = stream.markerA, let b = stream.markerB else { return nil }
        return min(a, b)..<(max(a, b) + 1)
    }

    private mutating func requestExport(_ choice: ExportMenu.Choice) {
        let format = choice.format
        mode = .browsing
        guard snapshot.progress.finished else {
            say("the file is still loading: export when it has loaded")
            return
        }
        guard !exporting else {
            say("an export is still being written: wait for it")
            return
        }
        var request = ExportRequest(format: format, rows: exportRange,
                                    filter: stream.isFiltering ? stream.filterText : nil,
                                    sourceName: snapshot.source)
        if choice.table == .hotspots, let h = hotspots {
            request = ExportRequest(format: .csv, table: .hotspots, hotspots: h.table, sourceName: snapshot.source)
        }
        emit(.export(request, store: store, tree: snapshot.callTree))
        exporting = true
        say("exporting…")
    }

    /// An export is being written in the background (until `exportFinished`).
    public internal(set) var exporting = false

    /// Shows where the export went, or why it failed, in the status bar.
    mutating func exportFinished(path: String?, records: Int, error: String?) {
        exporting = false
        if let error {
            say("export failed: \(error)")
        } else if let path {
            say("exported \(records) records to \(path)")
        }
    }

    /// The trace's call tree as the snapshot has it (nil while loading or without function_graph lines).
    public var callTree: CallTree? { snapshot.callTree }

    /// A message in the status bar, for three seconds.
    mutating func say(_ text: String) {
        message = text
        messageExpiry = now + .seconds(3)
    }
}

extension TraceApp {
    /// What `3` / `4` show while their data is built off the UI thread.
    func renderBuilding(into canvas: inout Canvas, in rect: Rect) {
        guard rect.height > 0 else { return }
        canvas.fill(rect, role: .normal)
        let what = focus == .hotspots ? "the hotspot table" : "the flame graph"
        canvas.put(" building \(what) of \(StatusBar.grouped(store.count)) lines…", x: rect.x, y: rect.y, role: .dim,
                   limit: rect.maxX)
    }

    /// The sample whose interval holds the stream cursor's time; the newest one when there is no event yet
    /// (a live session that has only sampled so far).
    func systemSampleIndex() -> (Int?, String?) {
        guard let system, !system.isEmpty else { return (nil, nil) }
        guard let row = stream.selectedRow(store) else { return (system.count - 1, "newest sample") }
        // Live, the newest events are newer than the last sample: the panes show how busy the machine is now.
        if isLive, !paused { return (system.count - 1, "newest sample") }
        guard store.summary.clock == .seconds else { return (nil, "the trace's clock is not in seconds") }
        let t = store.timestamp(row)
        // A sample covers the interval that ends at it: the first sample at or after the cursor.
        guard let before = system.index(atOrBefore: t) else { return (nil, "cursor before the first sample") }
        if system.samples[before].monotonic == t { return (before, nil) }
        guard before + 1 < system.count else {
            return isLive ? (system.count - 1, "newest sample") : (nil, "cursor after the last sample")
        }
        return (before + 1, nil)
    }
}
