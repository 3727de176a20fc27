import Foundation
import Testing

extension EndToEnd {
    /// The README's picture is tracetui's own first screen: `tracetui demo --screenshot` regenerates it, and it must
    /// equal the committed file, so the docs show what a user sees today (`TRACETUI_RECORD_GOLDENS=1` rewrites it;
    /// review the picture).
    @Suite("Screenshot")
    struct Screenshot {
        static let committed = Fixture.packageRoot.appendingPathComponent("docs/images/demo.svg").path

        @Test func theReadmePictureIsTheDemosFirstScreen() throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let fresh = directory + "/demo.svg"
            let result = try CommandResult.run(
                "/usr/bin/env", ["-u", "NO_COLOR", try Fixture.binary(), "demo", "--theme", "dark",
                                 "--screenshot", fresh, "--size", "120x40"],
                timeout: .seconds(120))
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let svg = try String(contentsOfFile: fresh, encoding: .utf8)
            // The first screen of the dashboard: the stream, the system panes, the recording's name.
            for text in ["sched_switch", "System at", "Mem", "demo-trace.txt.zst"] {
                #expect(svg.contains(text), "the screenshot lacks \(text)")
            }
            if ProcessInfo.processInfo.environment["TRACETUI_RECORD_GOLDENS"] == "1" {
                try svg.write(toFile: Self.committed, atomically: true, encoding: .utf8)
            }
            let old = try String(contentsOfFile: Self.committed, encoding: .utf8)
            #expect(old == svg, "docs/images/demo.svg is stale: rerun with TRACETUI_RECORD_GOLDENS=1 and review it")
        }
    }
}
