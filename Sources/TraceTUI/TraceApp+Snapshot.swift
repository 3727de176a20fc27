import Screen
import TraceModel

/// What the app takes from the capture (a newer snapshot) and what it hands its views (their context).
extension TraceApp {
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
            if isLive, tree?.rowRange == nil, let calls = newSnapshot.callTree { refreshLiveTree(calls) }
        }
        if isLive, !paused, focus == .stream, mode == .browsing, !detail.isOpen {
            stream.moveCursor(to: stream.visibleCount(newSnapshot.store) - 1, newSnapshot.store)
        }
        timelineSnapshot()
        if let pane = paneRequested, newSnapshot.progress.finished {
            paneRequested = nil
            open(pane)
        }
    }

    /// What the views are given: the data and the screen as the app sees it.
    var viewContext: ViewContext {
        let sample = systemSampleIndex()
        return ViewContext(snapshot: snapshot, pageHeight: pageHeight, isLive: isLive, paused: paused, system: system,
                           systemSample: (sample.0, sample.1), keymap: keymap, focus: focus,
                           cursorRow: stream.selectedRow(store))
    }
}
