import Foundation
import Screen
import Testing
@testable import TraceTUI

@Suite("Keymap")
struct KeymapTests {
    @Test func noKeyIsBoundTwice() {
        var seen: [Key: Command] = [:]
        for b in Keymap.standard.bindings {
            for k in b.keys {
                #expect(seen[k] == nil, "\(k.label) is bound to \(seen[k]?.rawValue ?? "") and \(b.command)")
                seen[k] = b.command
            }
        }
    }

    @Test func readmeKeyTableMatchesTheKeymap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains(Keymap.standard.markdownTable),
                "README's key table is stale: regenerate it with `tracetui keys`")
    }

    @Test func lineEditorEditsLikeLess() {
        var e = LineEditor()
        #expect(e.apply(.char("a")) == .editing)
        _ = e.apply(.char("c"))
        _ = e.apply(.left)
        _ = e.apply(.char("b"))
        #expect(e.text == "abc")
        _ = e.apply(.backspace)
        #expect(e.text == "ac")
        #expect(e.apply(.enter) == .submitted)
        var empty = LineEditor()
        #expect(empty.apply(.backspace) == .cancelled)
        #expect(empty.apply(.escape) == .cancelled)
    }
}
