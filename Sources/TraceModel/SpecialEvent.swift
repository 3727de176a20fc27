/// Event ids reserved in every name table for rows that are not trace events.
public enum SpecialEvent: UInt16, CaseIterable, Sendable {
    case unparsed = 0
    case lost = 1
    case bufferStarted = 2

    public var name: String {
        switch self {
        case .unparsed: return "(unparsed)"
        case .lost: return "(lost events)"
        case .bufferStarted: return "(cpu buffer started)"
        }
    }

    /// The interner key's extra for these names: outside every parsed form.
    static let internForm: Int64 = 100

    /// True for ids that name a real trace event.
    public static func isEvent(_ id: UInt16) -> Bool { id >= 3 }
}
