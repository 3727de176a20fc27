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
