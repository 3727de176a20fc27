/// What one line of ftrace text turned out to be, with byte offsets into that line.
struct ParsedLine {
    enum Kind: UInt8 {
        case blank, header, decoration, bufferStarted, lost, stackFrame, stackHeader, event, unparsed
    }

    var kind: Kind = .unparsed
    var commStart = 0
    var commEnd = 0
    var pid: Int32 = -1
    var tgid: Int32 = -1
    var cpu: Int32 = -1
    var flags: UInt16 = EventFlags.absent
    var timestamp: Int64 = 0
    var hasTimestamp = false
    var clock: TimestampClock = .seconds
    var payloadStart = 0
    var name = EventName.text
    /// The layouts with a `timestamp: payload` leave naming to the piece parser, which caches it.
    var nameDeferred = false
    /// For lost lines: how many events the kernel dropped.
    var lostCount: Int64 = 0
    /// The event was recovered from the end of a line whose start another line overwrote (a slow
    /// `trace_pipe` reader): counted as torn.
    var tornPrefix = false

    init() {}
    init(kind: Kind) { self.kind = kind }
}

/// How an event's name is found: bytes of the line, possibly with a prefix, or a fixed name.
struct EventName {
    enum Form: Int64 {
        case plain = 0
        case sysEnter = 1
        case sysExit = 2
        case fixed = 3
    }

    var form: Form
    var start: Int
    var end: Int
    var fixed: FixedEventName

    static func bytes(_ form: Form, _ start: Int, _ end: Int) -> EventName {
        EventName(form: form, start: start, end: end, fixed: .text)
    }

    static func named(_ f: FixedEventName) -> EventName {
        EventName(form: .fixed, start: 0, end: 0, fixed: f)
    }

    static let text = named(.text)
}

/// Names given to lines whose text does not spell out an event name.
enum FixedEventName: Int64, CaseIterable {
    case text, function, contextSwitch, wakeup, funcgraphEntry, funcgraphExit, funcgraphIRQ, print, tracer

    var string: String {
        switch self {
        case .text: return "text"
        case .function: return "function"
        case .contextSwitch: return "context_switch"
        case .wakeup: return "wakeup"
        case .funcgraphEntry: return "funcgraph_entry"
        case .funcgraphExit: return "funcgraph_exit"
        case .funcgraphIRQ: return "funcgraph_irq"
        case .print: return "print"
        case .tracer: return "tracer"  // replaced by the tracer's own name when one is known
        }
    }
}

/// The unit of a trace's timestamps, as its `trace_clock` printed them.
public enum TimestampClock: UInt8, Sendable {
    /// `sec.usec` (local, global, mono, boot…): stored as nanoseconds.
    case seconds
    /// Integers (`counter`, `x86-tsc`, `uptime` jiffies): stored raw, unit unknown.
    case counter
    /// The latency format's microseconds since the trace began: stored as nanoseconds.
    case relativeMicroseconds
}
