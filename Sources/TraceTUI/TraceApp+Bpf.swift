/// `8`: the BPF pane, a mode of the system panes (it follows the stream's cursor the same way).
extension TraceApp {
    mutating func toggleBpfPane() {
        if focus == .system, panes.mode == .bpf {
            panes.mode = .panes
            run(.showSystemPanes)
            return
        }
        if focus != .system { run(.showSystemPanes) }
        panes.mode = .bpf
    }
}

extension TraceApp {
    /// `--bpf OBJ` refused (a bad object, the verifier, an attach): the reason in a scrollable panel.
    public mutating func showBpfRefusal(_ text: String) {
        mode = .panel(TextPanelView(title: "BPF object not loaded", text: text))
    }
}
