/// A failure a user can act on, said in one line (no stack trace, no errno numbers alone).
public struct CaptureError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
