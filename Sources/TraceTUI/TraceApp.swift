import Screen
import TraceModel

/// The whole screen's state: the stream view, the prompt, the overlays, and the status bar.
/// Takes keys, returns whether to go on; draws a snapshot into a Canvas. Knows nothing of ncurses.
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

    public private(set) var mode: Mode = .browsing
    public private(set) var stream = StreamView()
    /// The call tree, built the first time it is shown (only function_graph traces have one).
    private var tree: CallTreeView?
    /// The snapshot's `callTreeVersion` the tree view was last given.
    private var treeVersion = 0
    public private(set) var focus: KeyContext = .stream
    public private(set) var detail = Detail.closed
    public private(set) var message: String?
    private var messageFrames = 0
    private var searchOrigin = 0
    public let keymap: Keymap
    private(set) var snapshot: TraceSnapshot
    private var lastHeight = 24
    /// Live: the view stays where it is while the capture goes on (space); otherwise it follows the tail.
    public private(set) var paused = false
    /// A file name the user asked to save to (`w`), for the caller (which owns files) to take.
    private var saveRequest: String?
    private var evictedSeen = 0
    /// Events the picker turned on or off, for the caller to apply to the capture.
    private var eventToggles: [(String, Bool)] = []
    /// /proc samples of the session (a replayed sidecar, or a live sampler's history); key 5 shows them.
    public var system: ProcHistory?
    public private(set) var panes = SystemPanesView()
    /// Key 0: the focused view and the system panes on one screen (below it, or beside it when wide).
    public private(set) var dashboard = false
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
    /// `3` / `4` being built off the UI thread (`HotspotJob`): the panes whose data is on its way.
    private var panesBuilding: Set<KeyContext> = []
    /// The open job in flight builds the source; a second pane waits for it rather than building it again.
    private var sourceBuilding = false
    private var jobGeneration = 0
    /// Jobs for the caller to run (`takeBackgroundJobs`).
    private var outbox: [HotspotJob] = []
    /// An export chosen from the `x` menu, waiting for the executable to write it.
    private var pendingExport: ExportRequest?

    public init(snapshot: TraceSnapshot, keymap: Keymap = .standard) {
        self.snapshot = snapshot
        self.keymap = keymap
    }

    public var store: EventStore { snapshot.store }
    public var isLive: Bool { snapshot.live != nil }

    /// The path `w` asked for, once.
    public mutating func takeSaveRequest() -> String? {
        defer { saveRequest = nil }
        return saveRequest
    }

    /// The picker's toggles since the last call, in order.
    public mutating func takeEventToggles() -> [(String, Bool)] {
        defer { eventToggles.removeAll() }
        return eventToggles
    }

    /// A message from the caller (e.g. where a file was saved).
    public mutating func notify(_ text: String) { say(text) }

    /// Takes the newest snapshot and does one frame's slice of background work (filter, search).
    public mutating func update(_ newSnapshot: TraceSnapshot) {
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
        if messageFrames > 0 {
            messageFrames -= 1
            if messageFrames == 0 { message = nil }
        }
    }

    public enum Next: Equatable { case `continue`, quit }

    /// The live keys the hotspot table and flame graph leave to the app (save, pause, the event picker).
    static let liveCommands: Set<Command> = [.save, .togglePause, .pickEvents]

    public mutating func handle(_ key: Key) -> Next {
        switch mode {
        case .help(let scroll):
            // Moving keys scroll a list taller than the screen; any other key closes it.
            switch keymap.command(for: key, in: focus) {
            case .lineDown?: mode = .help(scroll: scroll + 1)
            case .lineUp?: mode = .help(scroll: max(0, scroll - 1))
            case .pageDown?, .halfPageDown?: mode = .help(scroll: scroll + max(1, lastHeight - 2))
            case .pageUp?, .halfPageUp?: mode = .help(scroll: max(0, scroll - max(1, lastHeight - 2)))
            default: mode = .browsing
            }
            return .continue
        case .exportMenu(let selected):
            handleExportMenu(key, selected: selected)
            return .continue
        case .picker(var picker):
            let live = snapshot.live ?? LiveStatus()
            switch picker.apply(key, available: live.availableEvents, enabled: Set(live.enabledEvents),
                                pageHeight: lastHeight) {
            case .closed: mode = .browsing
            case .editing: mode = .picker(picker)
            case .toggle(let name, let on):
                eventToggles.append((name, on))
                mode = .picker(picker)
            }
            return .continue
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
            return .continue
        case .browsing:
            break
        }
        if key == .resize { return .continue }
        if key == .wheelUp || key == .wheelDown {
            for _ in 0..<3 { _ = stream.handle(key == .wheelUp ? .lineUp : .lineDown, store: store, pageHeight: lastHeight) }
            return .continue
        }
        guard let command = keymap.command(for: key, in: focus, live: isLive) else { return .continue }
        let next = perform(command)
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
        return next
    }

    public mutating func perform(_ command: Command) -> Next {
        switch command {
        case .quit:
            return .quit
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
        case .togglePanesTable:
            panes.toggleMode()
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
        case _ where (focus == .hotspots || focus == .flame) && !Self.liveCommands.contains(command):
            let outcome = focus == .hotspots ? hotspots?.handle(command, pageHeight: lastHeight) ?? .unhandled
                                             : flame?.handle(command) ?? .unhandled
            if case .message(let text) = outcome { say(text) }
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
        case .clearFilter where focus == .tree:
            _ = tree?.handle(.clearFilter, pageHeight: lastHeight)
        case .clearFilter:
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
        case .lineDown, .lineUp, .pageDown, .pageUp, .halfPageDown, .halfPageUp:
            if case .fullScreen(let scroll) = detail, focus == .stream {
                let page = max(1, lastHeight - 2)
                let step = [Command.lineDown: 1, .lineUp: -1, .pageDown: page, .pageUp: -page,
                            .halfPageDown: page / 2, .halfPageUp: -page / 2][command] ?? 0
                detail = .fullScreen(scroll: max(0, scroll + step))
            } else if focus == .system {
                // The panes follow the stream's cursor: moving moves it.
                _ = stream.handle(command, store: store, pageHeight: lastHeight)
            } else {
                let outcome = focus == .tree
                    ? tree?.handle(command, pageHeight: lastHeight) ?? .unhandled
                    : stream.handle(command, store: store, pageHeight: lastHeight)
                if case .message(let text) = outcome { say(text) }
            }
        case .redraw:
            break
        default:
            let outcome = focus == .tree
                ? tree?.handle(command, pageHeight: lastHeight) ?? .unhandled
                : stream.handle(command, store: store, pageHeight: lastHeight)
            if case .message(let text) = outcome { say(text) }
        }
        return .continue
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
            if focus != .system { _ = perform(.showSystemPanes) }
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

    private mutating func requestOpen(_ pane: KeyContext) {
        if hotspotSource == nil { sourceBuilding = true }
        jobGeneration += 1
        outbox.append(HotspotJob(generation: jobGeneration,
                                 work: .open(store: store, callTree: snapshot.callTree, source: hotspotSource, pane: pane)))
    }

    // MARK: - background work

    /// Work to run off the UI thread (`HotspotJob.run`), handed out once; give each result to `adopt`.
    public mutating func takeBackgroundJobs() -> [HotspotJob] {
        var jobs = outbox
        outbox.removeAll()
        jobs += hotspots?.takeJobs() ?? []
        return jobs
    }

    /// Whether the hotspot table, the flame graph or a callchain is being built.
    public var isBuildingInBackground: Bool { !panesBuilding.isEmpty || hotspots?.isBuilding == true }

    /// Takes what a background job built: a pane's data (shown if the pane is still focused), a table, callchains.
    public mutating func adopt(_ result: HotspotJobResult) {
        guard case .opened(let source, let table, let tree) = result.value else {
            hotspots?.adopt(result)
            return
        }
        if hotspotSource == nil { hotspotSource = source }
        sourceBuilding = false
        if let table, hotspots == nil {
            hotspots = HotspotView(source: hotspotSource ?? source, table: table)
            panesBuilding.remove(.hotspots)
        }
        if let tree, flame == nil {
            panesBuilding.remove(.flame)
            if tree.count > 1 {
                flame = FlameView(tree: tree)
            } else if focus == .flame {
                focus = .stream
                say("no stacks or function_graph calls in this trace")
            }
        } else if table == nil, flame == nil, panesBuilding.contains(.flame), (hotspotSource ?? source).kind == .events {
            panesBuilding.remove(.flame)
            if focus == .flame {
                focus = .stream
                say("no stacks or function_graph calls in this trace")
            }
        }
        // A pane that waited for the source asks for its own data now.
        for pane in [KeyContext.hotspots, .flame] where panesBuilding.contains(pane) {
            let waiting = pane == .hotspots ? hotspots == nil : flame == nil
            if waiting, !outbox.contains(where: { if case .open(_, _, _, let p) = $0.work { return p == pane } else { return false } }) {
                requestOpen(pane)
            }
        }
    }

    /// Runs every background job here and adopts its result, until none is left: for tests and the
    /// benchmark, which have no background task to run them.
    public mutating func finishBackgroundJobs() async {
        while true {
            let jobs = takeBackgroundJobs()
            if jobs.isEmpty { return }
            for job in jobs { adopt(await job.run()) }
        }
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
                // A large range's tree takes seconds: the caller builds it off this thread (`takeTreeRequest`).
                guard treeRequest?.range != range else { return }
                treeRequest = TreeRequest(range: range, taken: false)
                say("building the call tree of rows \(range.lowerBound + 1)–\(range.upperBound) (A–B)…")
                return
            }
            tree = CallTreeView(store: store, prebuilt: snapshot.callTree, rows: range)
        }
        showTree()
    }

    /// An A–B range up to this many rows has its tree built at once (a few ms); a larger one in the background.
    var treeRowsInline = 200_000

    private struct TreeRequest: Sendable {
        var range: Range<Int>
        var taken: Bool
    }

    /// An A–B call tree asked for and not built yet.
    private var treeRequest: TreeRequest?

    /// The A–B range whose call tree the caller should build off the UI thread (once), then hand to `treeBuilt`.
    public mutating func takeTreeRequest() -> Range<Int>? {
        guard let r = treeRequest, !r.taken else { return nil }
        treeRequest?.taken = true
        return r.range
    }

    /// A tree built in the background: shown if the markers still give that range.
    public mutating func treeBuilt(_ calls: CallTree, rows: Range<Int>) {
        guard treeRequest?.range == rows else { return }
        treeRequest = nil
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
            if !text.isEmpty { saveRequest = text }
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
    private var exportsHotspots: Bool { focus == .hotspots && hotspots != nil }

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
        pendingExport = ExportRequest(format: format, rows: exportRange,
                                      filter: stream.isFiltering ? stream.filterText : nil,
                                      sourceName: snapshot.source)
        if choice.table == .hotspots, let h = hotspots {
            pendingExport = ExportRequest(format: .csv, table: .hotspots, hotspots: h.table, sourceName: snapshot.source)
        }
        exporting = true
        say("exporting…")
    }

    /// An export is being written in the background (until `exportFinished`).
    public private(set) var exporting = false

    /// How far the background export is, in the status bar (the keys keep working meanwhile).
    public mutating func exportProgress(bytes: Int) {
        say("exporting… \(StatusBar.byteCount(bytes)) written (keys work meanwhile)")
    }

    /// The export the user chose, once: the executable writes it and calls `exportFinished`.
    public mutating func takeExportRequest() -> ExportRequest? {
        defer { pendingExport = nil }
        return pendingExport
    }

    /// Shows where the export went, or why it failed, in the status bar.
    public mutating func exportFinished(path: String?, records: Int, error: String?) {
        exporting = false
        if let error {
            say("export failed: \(error)")
        } else if let path {
            say("exported \(records) records to \(path)")
        }
    }

    /// The trace's call tree as the snapshot has it (nil while loading or without function_graph lines).
    public var callTree: CallTree? { snapshot.callTree }

    private mutating func say(_ text: String) {
        message = text
        messageFrames = 90
    }

    // MARK: - drawing

    public mutating func render(into canvas: inout Canvas) {
        let bounds = canvas.bounds
        guard bounds.width > 0, bounds.height > 0 else { return }
        canvas.fill(bounds, role: .normal)
        let (screenRect, statusRect) = bounds.splitBottom(1)
        var main = screenRect
        var panesRect: Rect?
        if dashboard, focus != .system, screenRect.height >= 12 {
            if screenRect.width >= 160 {
                let split = screenRect.splitRight(min(90, screenRect.width * 2 / 5))
                (main, panesRect) = (split.rest, split.right)
            } else {
                let split = screenRect.splitBottom(min(16, screenRect.height / 2))
                (main, panesRect) = (split.rest, split.bottom)
            }
        }
        var listRect = main
        var detailRect: Rect?
        var detailScroll = 0
        // The panel's lines, taken apart once per frame: they size the panel and fill it.
        let detailLines = detail != .closed && focus == .stream
            ? stream.selectedRow(store).map { DetailPanel.lines(for: $0, store: store) } : nil
        if case .fullScreen(let scroll) = detail, detailLines != nil {
            listRect = Rect(x: main.x, y: main.y, width: main.width, height: 0)
            detailRect = main
            detailScroll = scroll
        } else if detail == .panel, main.height >= 8, let lines = detailLines {
            // As tall as the event needs, leaving at least a third of the screen to the list.
            let wanted = lines.count + 2
            let split = main.splitBottom(min(max(main.height / 2, wanted), main.height * 2 / 3))
            listRect = split.rest
            detailRect = split.bottom
        }
        lastHeight = max(1, listRect.height - 1)
        stream.scrollToCursor(height: lastHeight)
        if focus == .system || panesRect != nil {
            let (index, note) = systemSampleIndex()
            panes.render(system, at: index, note: note, into: &canvas, in: panesRect ?? main)
        }
        switch focus {
        case .system: break
        case .tree where tree != nil: tree?.render(into: &canvas, in: main)
        case .hotspots where hotspots != nil: hotspots?.render(into: &canvas, in: main)
        case .flame where flame != nil: flame?.render(into: &canvas, in: main)
        case .hotspots, .flame: renderBuilding(into: &canvas, in: main)
        default: stream.render(into: &canvas, in: listRect, store: store)
        }
        if let detailRect, let detailLines {
            let maxScroll = DetailPanel.render(detailLines, scroll: detailScroll, fullScreen: detailRect == main,
                                               into: &canvas, in: detailRect)
            if case .fullScreen(let scroll) = detail, scroll > maxScroll { detail = .fullScreen(scroll: maxScroll) }
        }
        switch mode {
        case .prompt(let kind, let editor):
            canvas.fill(statusRect, role: .prompt)
            canvas.put(kind.rawValue + editor.text, x: 0, y: statusRect.y, role: .prompt)
            canvas.cursor = (min(bounds.width - 1, kind.rawValue.count + editor.cursor), statusRect.y)
        default:
            if focus == .tree, let tree {
                StatusBar.render(snapshot: snapshot, tree: tree, message: message, into: &canvas, in: statusRect)
            } else if focus == .hotspots, let hotspots {
                StatusBar.draw(hotspots.status() + StatusBar.captureParts(snapshot, paused: paused), message: message,
                               idle: " Tab stream  ? help ", into: &canvas, in: statusRect)
            } else if focus == .flame, let flame {
                StatusBar.draw(flame.status() + StatusBar.captureParts(snapshot, paused: paused), message: message, idle: " Tab stream  ? help ", into: &canvas,
                               in: statusRect)
            } else if focus == .hotspots || focus == .flame {
                StatusBar.draw([(focus == .hotspots ? " hotspots" : " flame graph", .statusAccent), (" building…", .statusAccent)],
                               message: message, idle: " Tab stream  ? help ", into: &canvas, in: statusRect)
            } else {
                StatusBar.render(snapshot: snapshot, stream: stream, message: message, paused: paused, into: &canvas, in: statusRect)
            }
        }
        if case .exportMenu(let selected) = mode {
            ExportMenu.render(selected: selected, scope: exportScope, hotspots: exportsHotspots, into: &canvas, in: main)
        }
        if case .picker(var picker) = mode, let live = snapshot.live {
            let enabled = Set(live.enabledEvents)
            picker.settle(enabled: enabled)
            picker.render(available: live.availableEvents, enabled: enabled, into: &canvas, in: main)
            mode = .picker(picker)
        }
        if case .help(let scroll) = mode {
            let maxScroll = HelpOverlay.render(keymap: keymap, context: focus, live: isLive, scroll: scroll, into: &canvas, in: main)
            if scroll > maxScroll { mode = .help(scroll: maxScroll) }
        }
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
