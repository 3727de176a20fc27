extension EventStore {
    /// Whether any row carries a stack (perf samples, `<stack trace>` blocks, folded lines): what decides, before
    /// any table is built, that the hotspots would be samples rather than event counts.
    public var hasStacks: Bool { chunks.contains { !$0.stacks.rows.isEmpty } }
}
