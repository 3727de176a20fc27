/// A named colour role: views say what a cell *is*, themes say how it looks.
public enum Role: String, CaseIterable, Sendable, Hashable {
    case normal
    case header
    case status
    case statusAccent = "status.accent"
    case selected
    case dim
    case unparsed
    case time
    case cpu
    case task
    case marker
    case searchMatch = "search.match"
    case prompt
    case error
    case help
    case helpKey = "help.key"
    case border
    case progress
    case overhead
    case detailKey = "detail.key"
    case eventSched = "event.sched"
    case eventIRQ = "event.irq"
    case eventSyscall = "event.syscall"
    case eventTimer = "event.timer"
    case eventFunction = "event.function"
    case eventGraph = "event.graph"
    case eventPrint = "event.print"
    case eventMemory = "event.memory"
    case eventBlock = "event.block"
    case eventLost = "event.lost"
    case eventOther = "event.other"
    // The system panes' meters: CPU time by kind, memory by use, history sparklines.
    case meterUser = "meter.user"
    case meterSystem = "meter.system"
    case meterWait = "meter.wait"
    case meterIRQ = "meter.irq"
    case meterSteal = "meter.steal"
    case meterCache = "meter.cache"
    case sparkline
    // The timeline's task colours: a task keeps one (by pid) on every lane and at every zoom.
    case lane0 = "lane.0", lane1 = "lane.1", lane2 = "lane.2", lane3 = "lane.3"
    case lane4 = "lane.4", lane5 = "lane.5", lane6 = "lane.6", lane7 = "lane.7"

    /// The roles tasks are coloured with, in order.
    public static let lanePalette: [Role] = [.lane0, .lane1, .lane2, .lane3, .lane4, .lane5, .lane6, .lane7]
}
