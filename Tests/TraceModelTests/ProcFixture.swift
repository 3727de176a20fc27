import Foundation
import TraceModel

/// The captured and generated /proc files under `Tests/ProcFixtures` (see `Tests/make-proc-fixtures.py`).
enum ProcFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ProcFixtures")

    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(path)))
    }

    static func parse<R>(_ path: String, _ parser: (ProcText) -> R) throws -> R {
        try bytes(path).withProcText(parser)
    }

}
