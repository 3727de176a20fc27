import Testing

/// The end-to-end suites: the real `.build/debug/tracetui`, driven in tmux as a user would.
///
/// `.serialized` applies to every nested suite: the tests start real processes and share the CPU of a small CI
/// machine, and running them one at a time keeps timeouts meaningful.
@Suite(.serialized)
struct EndToEnd {}
