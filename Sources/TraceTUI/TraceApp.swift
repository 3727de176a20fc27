import Screen
import TraceModel

/// The whole screen's state and its router: the focused view, the prompt, the overlays and the status bar.
/// Takes `AppEvent`s and returns `Effect`s (it does no I/O and starts no task); lays out and draws into a
/// Canvas. Knows nothing of ncurses. Commands go to the focused view first and bubble up here.
public struct TraceApp: Sendable {
    public enum Mode: Equatable, Sendable {
        case browsing
        case prompt(PromptKind, LineEditor)
        /// The key list.
        case help(HelpView)
        /// The `x` menu.
        case exportMenu(ExportMenuView)
        /// Live: the event picker.
        case picker(EventPicker)
        /// A scrollable text panel (`--bpf`: why the object was not loaded).
        case panel(TextPanelView)
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
    /// An A–B range up to this many rows has its tree built at once (a few ms); a larger one in the background.
    var treeRowsInline = 200_000
    /// An export is being written in the background (until `.exportFinished`).
    public internal(set) var exporting = false
    /// The snapshot's `callTreeVersion` the tree view was last given.
    var treeVersion = 0
    public internal(set) var focus: KeyContext = .stream
    /// The Enter panel, in front of the stream.
    public internal(set) var detail = DetailView()
    public internal(set) var message: String?
    /// When the message goes (3 s after it was said).
    var messageExpiry: Duration?
    var searchOrigin = 0
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
    var evictedSeen = 0
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
    /// Runs objdump for `a` in the hotspot view (the capture layer's; nil: annotate says it cannot).
    public var disassembler: Disassemble?
    /// Looks up source lines and function sizes for the hotspot table's srcline / symbol_size keys (`LeafTable`).
    public var leafResolver: ResolveLeaves?
    /// Key 7, built off the UI thread the first time it is shown (`TraceApp+Timeline`).
    var timeline: TimelineView?
    /// Pids whose state lanes the timeline shows (`--task`, `p`, the picker), kept before it is first built.
    var timelinePins: [Int32] = []
    var flame: FlameView?
    /// Key 6, and what its measuring jobs need between them (`TraceApp+Latency`).
    var latency: LatencyView?
    var latencyState = LatencyJobState()
    var hotspotSource: HotspotSource?
    /// The stream's A–B range and filter the hotspot source was built for (TraceApp+HotspotScope).
    var hotspotScope = HotspotScope()
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
        case .tick:
            // A filter or search over many rows goes on a slice per tick, keys answered between slices.
            if stream.isScanning(store) { stream.update(store, generation: snapshot.generation) }
        case .hotspots(let result): adopt(result)
        case .treeBuilt(let calls, let rows): treeBuilt(calls, rows: rows)
        case .exportProgress(let bytes): say("exporting… \(StatusBar.byteCount(bytes)) written (keys work meanwhile)")
        case .exportFinished(let path, let records, let error): exportFinished(path: path, records: records, error: error)
        case .saved(let said):
            saving = false
            lastSaved = said
            say(said)
        case .notice(let text): say(text)
        case .latency(let result): adoptLatency(result)
        case .timelineBuilt(let built): timelineBuilt(built)
        case .timelineAggregate(let sums): timeline?.aggregate = sums
        }
        if let expiry = messageExpiry, self.now >= expiry {
            message = nil
            messageExpiry = nil
        }
        followHotspotScope()
        panes.filterHosts = treeHosts
        requestDashboardHotspots()
        collectHotspotJobs()
        refreshHotspotsIfDue()
        refreshLatencyIfDue()
        defer { pending.removeAll() }
        return pending
    }

    /// A key, as `handle(.key(key))`.
    public mutating func handle(_ key: Key) -> [Effect] { handle(.key(key)) }

    /// The earliest time the app wants a `.tick`: a message to take down, a live table to rebuild.
    public func nextDeadline() -> Duration? {
        var due = messageExpiry
        if let r = refreshDueAt { due = min(due ?? r, r) }
        if let r = latencyDueAt { due = min(due ?? r, r) }
        if stream.isScanning(store) { due = now }
        return due
    }

    mutating func emit(_ effect: Effect) { pending.append(effect) }

    /// Runs a command as if its key was pressed.
    public mutating func perform(_ command: Command) -> [Effect] {
        run(command)
        collectHotspotJobs()
        refreshLatencyIfDue()
        defer { pending.removeAll() }
        return pending
    }

    /// A command goes to the focused view first; what it leaves (`.unhandled`) is the app's.
    mutating func run(_ command: Command) {
        switch dispatch(command) {
        case .handled where focus == .timeline:
            timelineMoved()
            return
        case .handled, .close: return
        case .message(let text):
            say(text)
            return
        case .emit(let effect):
            emit(effect)
            return
        case .showRows(let rows):
            showInStream(rows)
            return
        case .unhandled: break
        }
        switch command {
        case .quit:
            emit(.quit)
        case .help:
            mode = .help(HelpView(context: focus, live: isLive))
        case .export:
            mode = .exportMenu(ExportMenuView(hotspots: exportsHotspots, scope: exportScope))
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
        case .showLatency:
            open(.latency)
        case .showTimeline:
            openTimeline()
        case .showBpf:
            toggleBpfPane()
        case .showInStream where focus == .timeline:
            timelineShowInStream()
        case .pinTask where focus == .stream:
            timelinePinFromStream()
        case .setMarkerA where focus == .timeline, .setMarkerB where focus == .timeline, .aggregateRange:
            timelineMarkers(command)
        case .showInStream:
            guard let row = hotspots?.firstStoreRow() else {
                say("no line in the stream for this entry")
                break
            }
            focus = .stream
            stream.jump(toStoreRow: row, store)
        case .printReport:
            requestPrintReport()
        case .annotate:
            requestAnnotate()
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
            if stream.isFiltering {
                try? stream.setFilter(nil, store: store)
                say("filter cleared")
            } else if stream.search != nil {
                _ = stream.setSearch("", from: stream.cursor, store: store)
            } else {
                stream.highlight = nil
            }
        case .redraw:
            emit(.repaint)
        default:
            break
        }
    }

    /// The focused view's answer to a command.
    private mutating func dispatch(_ command: Command) -> ViewOutcome {
        let ctx = viewContext
        switch focus {
        case .stream, .global, .live:
            // The detail panel sits in front of the stream.
            let outcome = detail.handle(command, ctx)
            return outcome.isUnhandled ? stream.handle(command, ctx) : outcome
        case .tree: return tree?.handle(command, ctx) ?? .unhandled
        case .hotspots: return hotspots?.handle(command, ctx) ?? .unhandled
        case .flame: return flame?.handle(command, ctx) ?? .unhandled
        case .latency: return latency?.handle(command, ctx) ?? .unhandled
        case .timeline: return timeline?.handle(command, ctx) ?? .unhandled
        case .system:
            // The panes follow the stream's cursor: what they leave (moving, searching) moves it.
            let outcome = panes.handle(command, ctx)
            return outcome.isUnhandled ? stream.handle(command, ctx) : outcome
        }
    }

    /// A message in the status bar, for three seconds.
    mutating func say(_ text: String) {
        message = text
        messageExpiry = now + .seconds(3)
    }
}
