import Foundation
import Testing
@testable import Screen

@Suite("Themes")
struct ThemeTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Themes")

    static var themeFiles: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: themesDirectory.path)) ?? [])
            .filter { $0.hasSuffix(".theme") }.sorted()
    }

    @Test func atLeastThreeThemesShip() {
        #expect(Set(Self.themeFiles).isSuperset(of: ["dark.theme", "light.theme", "mono.theme"]))
    }

    @Test(arguments: themeFiles)
    func everyShippedThemeParses(_ file: String) throws {
        let text = try String(contentsOf: Self.themesDirectory.appendingPathComponent(file), encoding: .utf8)
        let theme = try Theme.parse(text, name: file)
        #expect(theme.styles[.normal] != nil)
    }

    @Test func colourThemesStyleEveryRole() throws {
        for file in ["dark.theme", "light.theme", "ansi16.theme"] {
            let text = try String(contentsOf: Self.themesDirectory.appendingPathComponent(file), encoding: .utf8)
            let theme = try Theme.parse(text, name: file)
            for role in Role.allCases { #expect(theme.styles[role] != nil, "\(file) has no \(role.rawValue)") }
        }
    }

    @Test func parsesColoursAndAttributes() throws {
        let theme = try Theme.parse("selected = 231 on blue bold reverse # comment\nevent.sched = brightcyan\n", name: "t")
        #expect(theme.style(for: .selected) == Style(foreground: .indexed(231), background: .indexed(4),
                                                     attributes: [.bold, .reverse]))
        #expect(theme.style(for: .eventSched).foreground == .indexed(14))
        #expect(theme.style(for: .eventIRQ) == theme.style(for: .normal), "missing roles fall back to normal")
    }

    @Test func errorsNameTheLine() {
        #expect(throws: ThemeError(line: 2, message: "unknown colour `purplish`")) {
            _ = try Theme.parse("normal = default\nheader = purplish\n", name: "t")
        }
        #expect(throws: ThemeError.self) { _ = try Theme.parse("no.such.role = red\n", name: "t") }
    }

    @Test func noColorKeepsAttributesOnly() throws {
        let theme = try Theme.parse("selected = 231 on 31 bold\nheader = red\n", name: "t").withoutColors()
        #expect(theme.style(for: .selected) == Style(attributes: [.bold]))
        #expect(theme.style(for: .status).attributes.contains(.reverse))
    }

    @Test func coloursReduceToSmallerPalettes() {
        #expect(TerminalColor.indexed(196).reduced(toPalette: 256) == .indexed(196))
        #expect(TerminalColor.indexed(196).reduced(toPalette: 8) == .indexed(1))
        #expect(TerminalColor.indexed(21).reduced(toPalette: 8) == .indexed(4))
        #expect(TerminalColor.indexed(12).reduced(toPalette: 8) == .indexed(4))
        #expect(TerminalColor.indexed(12).reduced(toPalette: 16) == .indexed(12))
        #expect(TerminalColor.indexed(231).reduced(toPalette: 16) == .indexed(15))
        #expect(TerminalColor.indexed(255).reduced(toPalette: 16) == .indexed(7))
        #expect(TerminalColor.default.reduced(toPalette: 8) == .default)
    }
}

@Suite("Canvas")
struct CanvasTests {
    @Test func clipsAtTheEdgeAndAtALimit() {
        var c = Canvas(width: 6, height: 2)
        let end = c.put("abcdefgh", x: 2, y: 0, role: .header)
        #expect(end == 6)
        c.put("xyz", x: -1, y: 1, role: .normal, limit: 2)
        #expect(c.text == "  abcd\nyz")
        #expect(c[2, 0].role == .header)
    }

    @Test func wideCharactersTakeTwoCellsAndNeverSplit() {
        var c = Canvas(width: 5, height: 1)
        c.put("日本語", x: 0, y: 0, role: .normal)
        #expect(c.row(0) == "日本 ")
        #expect(c[1, 0].isContinuation)
    }

    @Test func controlCharactersCannotReachTheTerminal() {
        var c = Canvas(width: 8, height: 1)
        c.put("a\u{1B}[2Jb", x: 0, y: 0, role: .normal)
        #expect(c.row(0) == "a·[2Jb  ")
    }

    @Test func boxesAndRestyling() {
        var c = Canvas(width: 10, height: 3)
        c.box(c.bounds, title: "hi")
        #expect(c.text == "┌─ hi ───┐\n│        │\n└────────┘")
        c.restyle(Rect(x: 0, y: 1, width: 10, height: 1), role: .selected)
        #expect(c.roles(ofRow: 1).allSatisfy { $0 == .selected })
        #expect(c[0, 0].role == .border)
    }
}
