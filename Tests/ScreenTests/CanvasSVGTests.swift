import Testing
@testable import Screen

@Suite("Canvas as SVG")
struct CanvasSVGTests {
    static let theme = Theme(name: "t", styles: [
        .normal: Style(),
        .status: Style(foreground: .indexed(252), background: .indexed(24)),
        .selected: Style(foreground: .indexed(1), attributes: [.reverse, .bold]),
    ])

    @Test func drawsEachRunOfAStyleInTheThemesColours() {
        // Given a row with plain text, a status run and a reversed run
        var canvas = Canvas(width: 12, height: 2)
        canvas.put("ab", x: 0, y: 0, role: .normal)
        canvas.put("<&>", x: 3, y: 0, role: .status)
        canvas.put("rev", x: 0, y: 1, role: .selected)
        // When it is written as SVG
        let svg = CanvasSVG.render(canvas, theme: Self.theme)
        // Then the status run has its xterm-256 background (24 = #005f87) at column 3, its text escaped
        #expect(svg.contains("<rect x=\"25.2\" y=\"0\" width=\"25.2\" height=\"17\" fill=\"#005f87\"/>"), "\(svg)")
        #expect(svg.contains("<tspan x=\"25.2\" fill=\"#d0d0d0\">&lt;&amp;&gt;</tspan>"), "\(svg)")
        // and reverse swaps the colours: ANSI red (#cd0000) becomes the background, bold stays
        #expect(svg.contains("fill=\"#cd0000\"/>"), "\(svg)")
        #expect(svg.contains("<tspan x=\"0\" fill=\"#1c1c1c\" font-weight=\"bold\">rev</tspan>"), "\(svg)")
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100.8\" height=\"34\""))
    }

    @Test func theCubeAndTheGreyRampAreXtermsColours() {
        #expect(CanvasSVG.hex(.indexed(16)) == "#000000")
        #expect(CanvasSVG.hex(.indexed(214)) == "#ffaf00")
        #expect(CanvasSVG.hex(.indexed(244)) == "#808080")
        #expect(CanvasSVG.hex(.default) == nil)
    }
}
