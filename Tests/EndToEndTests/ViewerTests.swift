import Foundation
import Testing

extension EndToEnd {
    /// The viewer as a user sees it: columns, status bar, moving, searching, filtering, panels.
    @Suite("Viewer", .enabled(if: Tmux.isAvailable, "tmux not installed: the viewer tests need it"))
    struct Viewer {
        @Test func replayShowsColumnsFileNameCountAndFirstEvent() async throws {
            // Given a 120x40 terminal
            let session = try TmuxSession()
            defer { session.close() }
            // When the 26,222-event sample is replayed
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            let screen = try await session.waitFor("1/26,222")

            // Then the header names the five columns, in order
            let titles = ["TIME", "CPU", "TASK-PID", "EVENT", "DETAILS"]
            let offsets = titles.map { screen.header.range(of: $0)?.lowerBound }
            #expect(offsets.allSatisfy { $0 != nil }, "header: \(screen.header)")
            #expect(offsets.compactMap { $0 } == offsets.compactMap { $0 }.sorted(), "header: \(screen.header)")
            // and the status bar shows the file and the position
            #expect(screen.status.contains(Samples.syscallsName), "status: \(screen.status)")
            #expect(screen.position?.index == 1 && screen.position?.total == 26_222, "status: \(screen.status)")
            // and the first row is the first event of the file
            let first = try #require(screen.eventRows.first)
            #expect(first.contains("1720.071781") && first.contains("bash-15638")
                    && first.contains("sys_enter_openat"), "first row: \(first)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func aRecordedTraceOpensWithTheSamplesRecordedBesideIt() async throws {
            let directory = try Fixture.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let trace = directory + "/rec.txt"
            try """
                        bash-100   [000] .....   10.000001: sched_wakeup: comm=a pid=1 prio=120 target_cpu=000
                        bash-100   [000] .....   10.000009: sched_wakeup: comm=a pid=3 prio=120 target_cpu=000

            """.write(toFile: trace, atomically: true, encoding: .utf8)
            try """
            spin 4242/4242 [001] 10.000004: 10101010 cpu-clock:
            \t    55555555a100 tt_spin_leaf+0x10 (/usr/bin/tracetui-spin)

            """.write(toFile: trace + ".perf", atomically: true, encoding: .utf8)
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", trace)
            let screen = try await session.waitFor("1/3")
            #expect(screen.status.contains("rec.txt + rec.txt.perf"), "status: \(screen.status)")
            #expect(screen.text.contains("cpu-clock"), "the sample's row")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func movingKeysChangeThePosition() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")

            // j three times: the fourth event
            try session.send("j", "j", "j")
            try await session.waitFor("4/26,222")

            // G: the last event, whose row is on screen
            try session.send("G")
            var screen = try await session.waitFor("26,222/26,222")
            #expect(screen.eventRows.last?.contains("1720.509787") == true, "last row: \(screen.eventRows.last ?? "")")

            // g: back to the first
            try session.send("g")
            screen = try await session.waitUntil("position 1/…") { $0.position?.index == 1 }
            #expect(screen.eventRows.first?.contains("1720.071781") == true)

            // PgDn: about one screenful of event rows further (the header and status bar take two rows)
            let pageRows = session.height - 2
            try session.send("NPage")
            screen = try await session.waitUntil("PgDn to move") { ($0.position?.index ?? 1) != 1 }
            let firstPage = (screen.position?.index ?? 1) - 1
            #expect((pageRows - 2)...pageRows ~= firstPage, "PgDn moved \(firstPage) rows on a \(pageRows)-row page")
            // and the next PgDn moves the same distance again
            let before = screen.position?.index ?? 0
            try session.send("NPage")
            screen = try await session.waitUntil("second PgDn to move") { ($0.position?.index ?? before) != before }
            #expect((screen.position?.index ?? 0) - before == firstPage, "status: \(screen.status)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func searchSelectsMatchingRowsAndNextMovesForward() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")

            // When searching for sched_switch
            try session.send("/")
            try session.type("sched_switch")
            try session.send("Enter")
            var screen = try await session.waitFor("matches", styled: true)
            // Then the selected row is a sched_switch and the status counts matches
            let firstMatch = try #require(screen.selectedRow, "highlighted rows: \(screen.highlightedRows)\n\(screen)")
            #expect(firstMatch.contains("sched_switch"), "selected: \(firstMatch)")
            let firstIndex = try #require(screen.position?.index)
            #expect(firstIndex > 1, "status: \(screen.status)")

            // When pressing n, a later sched_switch is selected
            try session.send("n")
            screen = try await session.waitUntil("n to move the selection", styled: true) {
                ($0.position?.index ?? firstIndex) != firstIndex
            }
            let nextIndex = try #require(screen.position?.index)
            #expect(nextIndex > firstIndex, "n went from \(firstIndex) to \(nextIndex)")
            let nextMatch = try #require(screen.selectedRow, "highlighted rows: \(screen.highlightedRows)\n\(screen)")
            #expect(nextMatch.contains("sched_switch"), "selected: \(nextMatch)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func filterShowsOnlyMatchingEventsAndEscClearsIt() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")

            // When filtering on a field of the event
            try session.send("f")
            try session.type("event == sched_switch && prev_pid == 15638")
            try session.send("Enter")
            var screen = try await session.waitUntil("the filter to apply") { $0.position.map { $0.total < 26_222 } ?? false }
            // Then every row is a sched_switch away from pid 15638, and the status says a filter is on
            #expect(!screen.eventRows.isEmpty)
            for row in screen.eventRows {
                #expect(row.contains("sched_switch") && row.contains("prev_pid=15638 "), "row: \(row)")
            }
            #expect(screen.status.contains("filter:"), "status: \(screen.status)")

            // When Esc clears it, all events are back
            try session.send("Escape")
            screen = try await session.waitUntil("the filter to clear") { $0.position?.total == 26_222 }
            #expect(!screen.status.contains("filter:"), "status: \(screen.status)")

            // When filtering on a column: every row is on CPU 1, and there are as many as `stat` counts
            try session.send("f")
            try session.type("cpu == 1")
            try session.send("Enter")
            screen = try await session.waitUntil("the cpu filter to apply") { $0.position.map { $0.total < 26_222 } ?? false }
            #expect(screen.position?.total == 8_698, "status: \(screen.status)")
            for row in screen.eventRows {
                let cpu = row.split(separator: " ").dropFirst().first
                #expect(cpu == "1", "row: \(row)")
            }
            try session.send("Escape")
            try await session.waitUntil("the filter to clear") { $0.position?.total == 26_222 }

            // When the filter is incomplete, it says so
            try session.send("f")
            try session.type("event ==")
            try session.send("Enter")
            screen = try await session.waitFor("bad filter")
            #expect(screen.position?.total == 26_222, "status: \(screen.status)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func badFilterMessageShowsWhileASearchIsActive() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")
            // Given an active search (the status bar then carries `/sched_switch 1/1730 matches`)
            try session.send("/")
            try session.type("sched_switch")
            try session.send("Enter")
            try await session.waitFor("matches")
            // When an incomplete filter is entered
            try session.send("f")
            try session.type("event ==")
            try session.send("Enter")
            let screen = try await session.waitUntil("the filter prompt to close") { !$0.status.hasPrefix("filter:") }
            try await Task.sleep(for: .milliseconds(300))
            let settled = try session.screen()
            // Then the user is told why nothing happened
            #expect(settled.status.contains("bad filter"), "status: \(settled.status) (was: \(screen.status))")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func helpOverlayListsKeysAndAnyKeyClosesIt() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")

            try session.send("?")
            // The whole overlay, not a frame caught half drawn (seen on a loaded machine)
            var screen = try await session.waitUntil("the help overlay with its keys") {
                $0.contains("tracetui keys") && $0.contains("next match")
            }
            #expect(screen.contains("search"))

            try session.send("x")
            screen = try await session.waitUntil("the help to close") { !$0.contains("tracetui keys") }
            #expect(screen.header.contains("TIME"))
            #expect(screen.position?.index == 1, "status: \(screen.status)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func helpOverlayOnA80x24TerminalShowsHowToQuit() async throws {
            let session = try TmuxSession(width: 80, height: 24)
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")

            try session.send("?")
            let screen = try await session.waitFor("tracetui keys")
            // A list taller than the screen says so and scrolls with j / PgDn.
            #expect(screen.contains("more"), "help:\n\(screen)")
            try session.send("NPage")
            try session.send("NPage")
            let scrolled = try await session.waitFor("quit")
            #expect(scrolled.contains("tracetui keys"), "j/PgDn scroll the help instead of closing it")
            try session.send("x")
            try await session.waitUntil("the help to close") { !$0.contains("tracetui keys") }
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func enterOnASchedSwitchShowsItsFieldsAndFlags() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.syscalls))
            try await session.waitFor("1/26,222")
            try session.send("/")
            try session.type("sched_switch")
            try session.send("Enter")
            let listed = try await session.waitFor("matches", styled: true)
            let selected = try #require(listed.selectedRow)
            let time = try #require(selected.split(separator: " ").first.map(String.init))

            try session.send("Enter")
            let screen = try await session.waitFor("event details")
            #expect(screen.contains("prev_comm"))
            #expect(screen.contains("flags"))
            #expect(screen.contains(time), "the panel should show the selected event's time \(time)")

            try session.send("Escape")
            try await session.waitUntil("the panel to close") { !$0.contains("event details") }
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func enterShowsTheAttachedStackTrace() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.stacks))
            try await session.waitFor("1/66")

            try session.send("Enter")
            // the event's three frames, in the file's order (waited for: a capture can catch the panel half drawn)
            let frames = ["=> syscall_enter_from_user_mode", "=> do_syscall_64", "=> entry_SYSCALL_64_after_hwframe"]
            let screen = try await session.waitUntil("the panel with its stack") { screen in
                screen.contains("event details") && frames.allSatisfy { frame in screen.lines.contains { $0.contains(frame) } }
            }
            #expect(screen.contains("stack"))
            let rows = frames.map { frame in screen.lines.firstIndex { $0.contains(frame) } }
            #expect(rows.allSatisfy { $0 != nil }, "panel:\n\(screen)")
            #expect(rows.compactMap { $0 } == rows.compactMap { $0 }.sorted(), "panel:\n\(screen)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func stackTraceIsReachableOnA80x24Terminal() async throws {
            let session = try TmuxSession(width: 80, height: 24)
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.stacks))
            try await session.waitFor("1/66")

            try session.send("Enter")
            try await session.waitFor("event details")
            // A second Enter shows the panel over the whole screen, scrollable with j/k.
            try session.send("Enter")
            let screen = try await session.waitFor("j/k scroll")
            #expect(screen.contains("=> syscall_enter_from_user_mode"), "panel:\n\(screen)")
            #expect(screen.contains("=> do_syscall_64"), "panel:\n\(screen)")
            #expect(screen.contains("=> entry_SYSCALL_64_after_hwframe"), "panel:\n\(screen)")
            try await session.quitAndExpectRestoredTerminal()
        }

        @Test func lostEventsAreCountedAndShownAsRows() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("replay", try Fixture.sample(Samples.lostEvents))
            let screen = try await session.waitFor("lost 97,052")
            #expect(screen.position?.index == 1, "status: \(screen.status)")

            try session.send("/")
            try session.type("LOST")
            try session.send("Enter")
            let found = try await session.waitFor("matches", styled: true)
            let selected = try #require(found.selectedRow, "highlighted rows: \(found.highlightedRows)\n\(found)")
            #expect(selected.contains("[LOST"), "selected: \(selected)")
            try await session.quitAndExpectRestoredTerminal()
        }

        /// The demo opens on the dashboard: the stream with the recording's events and, below it, the system
        /// panes fed by its /proc sidecar; its CPU samples fill the hotspot table (`3`).
        @Test func demoOpensTheBundledRecordingOnTheDashboard() async throws {
            let session = try TmuxSession()
            defer { session.close() }
            try session.launch("demo")
            // A debug build on a busy machine takes seconds to read the recording and its samples.
            let screen = try await session.waitUntil("the loaded dashboard with its hotspots", timeout: .seconds(90)) {
                $0.contains("sched_switch") && $0.contains("Shared Object")
            }
            #expect(screen.status.contains("demo-trace.txt.zst"), "status: \(screen.status)")
            #expect(screen.header.contains("EVENT"))
            #expect(screen.contains("System at"), "the system panes from the /proc sidecar:\n\(screen)")
            #expect(screen.contains("Mem"), "the memory pane:\n\(screen)")
            #expect(screen.contains("swift-frontend") && screen.contains("Children"),
                    "the hotspot table of the recording's CPU samples:\n\(screen)")
            #expect(!screen.status.contains("unparsed"), "the samples are read as samples: \(screen.status)")
            try await session.quitAndExpectRestoredTerminal()
        }
    }
}
