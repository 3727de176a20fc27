import TraceModel

/// The call tree of a trace from several hosts follows a stream filter that tests only the host
/// (`host == web1`), as the hotspots do: it holds that host's calls alone. Any other filter, or none, leaves the
/// tree of every host.
extension TraceApp {
    /// The hosts the stream's filter keeps, when it tests nothing but the host (nil: every host).
    var treeHosts: Set<UInt16>? {
        guard stream.isFiltering, let filter = stream.filterText else { return nil }
        return HotspotSource.hostsNamed(by: filter, in: store)
    }

    /// Live: the open tree takes the calls that arrived since — the capture's tree of every host, or, scoped to
    /// some hosts, their calls rebuilt from the store while the tree is on screen.
    mutating func refreshLiveTree(_ calls: CallTree) {
        guard let scope = tree?.hostScope else {
            tree?.refresh(with: calls)
            return
        }
        guard focus == .tree else { return }
        tree?.refresh(with: CallTree(store: snapshot.store, hosts: scope))
    }
}
