import Foundation
import Testing

/// A failure of the end-to-end harness itself (missing binary, a timeout), with everything needed to diagnose it.
struct E2EError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String, at location: SourceLocation? = nil) {
        if let location {
            description = "\(location.fileName):\(location.line): \(message)"
        } else {
            description = message
        }
    }
}
