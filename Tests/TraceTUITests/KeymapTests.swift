import Foundation
import Screen
import Testing
@testable import TraceTUI

@Suite("Keymap")
struct KeymapTests {
    @Test func noKeyIsBoundTwiceWhereItApplies() {
        for context in [KeyContext.stream, .tree, .system] {
            var seen: [Key: Command] = [:]
            for b in Keymap.standard.bindings where b.context == context || b.context == .global {
                for k in b.keys where b.context == context || !Keymap.standard.bindings.contains(where: {
                    $0.context == context && $0.keys.contains(k)
                }) {
                    #expect(seen[k] == nil, "\(k.label) is bound to \(seen[k]?.rawValue ?? "") and \(b.command)")
                    seen[k] = b.command
                }
            }
        }
    }

    @Test func theFocusedViewsBindingWinsOverTheGlobalOne() {
        #expect(Keymap.standard.command(for: .enter, in: .stream) == .toggleDetail)
        #expect(Keymap.standard.command(for: .enter, in: .tree) == .toggleNode)
        #expect(Keymap.standard.command(for: .char(" "), in: .stream) == .pageDown)
        #expect(Keymap.standard.command(for: .char("q"), in: .tree) == .quit)
        #expect(Keymap.standard.command(for: .char("f"), in: .tree) == nil)
    }

    /// The key table of the docs (docs/keys.md, linked from the README) is the keymap's own.
    @Test func docsKeyTableMatchesTheKeymap() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let keys = try String(contentsOf: root.appendingPathComponent("docs/keys.md"), encoding: .utf8)
        #expect(keys.contains(Keymap.standard.markdownTable),
                "docs/keys.md's key table is stale: regenerate it with `tracetui keys`")
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
