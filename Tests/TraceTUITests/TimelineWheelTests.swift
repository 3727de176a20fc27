import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The mouse wheel over the timeline zooms where the mouse is: the time under the wheel's column stays under it.
@Suite("Timeline wheel")
struct TimelineWheelTests {
    /// The time at a screen column of the lanes.
    static func time(_ view: TimelineView, screenColumn x: Int) -> Int64 {
        view.from + Int64(x - view.lanesX) * view.cellWidth
    }

    @Test func theWheelZoomsAroundTheTimeUnderTheMouse() async throws {
        var app = await TimelineScreenTests.app()
        _ = app.draw(width: 80, height: 24)
        let before = try #require(app.timeline)
        #expect(before.lanesX == 12 && before.cursor == before.timeline.start)
        let x = before.lanesX + 34
        let t = Self.time(before, screenColumn: x)
        _ = app.handle(.wheelUp(column: x))
        _ = app.draw(width: 80, height: 24)
        var view = try #require(app.timeline)
        #expect(view.cellWidth == before.cellWidth / 2)
        // The same time under the same column, now half as wide, and the cursor (every view's) there.
        #expect(Self.time(view, screenColumn: x) == t)
        #expect(view.cursor == t && view.cursorColumn == 34)
        let row = try #require(app.stream.selectedRow(app.store))
        #expect(app.store.timestamp(row) >= t)
        // Twice more in, once out: still that time under the mouse.
        _ = app.handle(.wheelUp(column: x))
        _ = app.handle(.wheelUp(column: x))
        _ = app.handle(.wheelDown(column: x))
        _ = app.draw(width: 80, height: 24)
        view = try #require(app.timeline)
        #expect(view.cellWidth == before.cellWidth / 2 / 2 / 2 * 2)
        #expect(Self.time(view, screenColumn: x) == t)
    }

    @Test func theWheelElsewhereThanTheCursorMovesTheZoomThere() async throws {
        var app = await TimelineScreenTests.app()
        _ = app.draw(width: 80, height: 24)
        let before = try #require(app.timeline)
        // Around the cursor (column 0) the first time stays first; under the mouse at column 60, time 60 stays.
        _ = app.handle(.wheelUp(column: before.lanesX + 60))
        _ = app.draw(width: 80, height: 24)
        let view = try #require(app.timeline)
        #expect(view.from > before.from)
        #expect(Self.time(view, screenColumn: view.lanesX + 60) == Self.time(before, screenColumn: before.lanesX + 60))
    }

    @Test func overTheLabelsTheWheelTakesTheFirstColumnAndWithoutAColumnTheCursor() async throws {
        var app = await TimelineScreenTests.app([.char("7"), .char("l"), .char("l")])
        _ = app.draw(width: 80, height: 24)
        let before = try #require(app.timeline)
        let cursor = before.cursor
        // No column known (a terminal that does not say): around the cursor, as the + key.
        _ = app.handle(.wheelUp())
        #expect(app.timeline?.cursor == cursor)
        #expect(app.timeline?.cellWidth == before.cellWidth / 2)
        _ = app.handle(.wheelDown(column: 3))
        _ = app.draw(width: 80, height: 24)
        let view = try #require(app.timeline)
        #expect(view.cursor == Self.time(try #require(app.timeline), screenColumn: view.lanesX))
    }

    @Test func theWheelStillScrollsTheStream() async throws {
        var app = Fixtures.app(TimelineScreenTests.trace)
        _ = app.draw(width: 80, height: 24)
        _ = app.handle(.wheelDown(column: 40))
        #expect(app.stream.cursor == 3)
        _ = app.handle(.wheelUp(column: 40))
        #expect(app.stream.cursor == 0)
    }
}
