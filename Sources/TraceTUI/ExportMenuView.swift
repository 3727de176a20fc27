import Screen

/// The `x` overlay as a view: the formats, one line each, moved through with the moving keys; Enter or a
/// format's letter chooses (`chosen`, which the app turns into an export), Esc cancels.
public struct ExportMenuView: TraceView, Equatable, Sendable {
    public static var keyContext: KeyContext { .global }
    let choices: [ExportMenu.Choice]
    /// What the export covers, said in the menu.
    let scope: String
    let hotspots: Bool
    private(set) var selected = 0
    /// The format picked, once it is.
    private(set) var chosen: ExportMenu.Choice?

    init(hotspots: Bool, scope: String) {
        self.hotspots = hotspots
        self.scope = scope
        choices = ExportMenu.choices(hotspots: hotspots)
    }

    public mutating func handleKey(_ key: Key, _ ctx: ViewContext) -> ViewOutcome {
        switch key {
        case .escape: return .close
        case .enter:
            chosen = choices[selected]
            return .close
        case .char(let c):
            guard let choice = choices.first(where: { $0.key == c }) else { return .unhandled }
            chosen = choice
            return .close
        default:
            return .unhandled
        }
    }

    /// Moving is the keymap's, as in the help; it wraps around.
    public mutating func handle(_ command: Command, _ ctx: ViewContext) -> ViewOutcome {
        switch command {
        case .lineUp: selected = (selected + choices.count - 1) % choices.count
        case .lineDown: selected = (selected + 1) % choices.count
        default: break
        }
        return .handled
    }

    public mutating func layout(in rect: Rect, _ ctx: ViewContext) {}

    public func render(into canvas: inout Canvas, in rect: Rect, _ ctx: ViewContext) {
        ExportMenu.render(selected: selected, scope: scope, hotspots: hotspots, into: &canvas, in: rect)
    }

    public func status(_ ctx: ViewContext, width: Int) -> StatusLine { StatusLine([(" export", .statusAccent)]) }
}
