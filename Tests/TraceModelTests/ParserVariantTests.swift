import Testing
@testable import TraceModel

/// One line of each layout the kernel prints, parsed into the store's columns.
@Suite("Ftrace line layouts")
struct ParserVariantTests {
    func store(_ text: String) -> EventStore {
        let storage = OwnedBytes(Array(text.utf8))
        let header = TraceHeaderScan.scan(storage.bytes)
        var store = EventStore()
        store.append(PieceParser(tracer: header.tracer).parse(storage, range: 0..<storage.bytes.count))
        return store
    }

    @Test func defaultLayoutWithFiveFlagCharacters() throws {
        let s = store("            bash-15638   [000] d..2.  1720.642138: sched_switch: prev_comm=bash prev_pid=15638 ==> next_pid=12691\n")
        let r = s.row(0)
        #expect(s.eventNames[Int(r.event)] == "sched_switch")
        #expect(s.taskLabel(r.task) == "bash-15638")
        #expect(r.cpu == 0)
        #expect(r.timestamp == 1_720_642_138_000)
        #expect(r.flags.irqsOff == "d")
        #expect(r.flags.preemptDepth == 2)
        #expect(s.payloadText(0) == "prev_comm=bash prev_pid=15638 ==> next_pid=12691")
    }

    @Test func taskNamesWithSpacesDashesAndSlashesKeepThePidAfterTheLastDash() {
        let s = store("""
             Web Content-2711  [003] d... 26186.336632: sched_waking: comm=Timer pid=2745
         snapshot-test-2-2229  [002] d..2  1000.000001: sched_switch: x=1
        kworker/u4:2-events_unbound-87 [001] ..... 1.000002: workqueue_execute_start: work
         -qos.overcommit-12692 [000] ..... 1720.642700: sys_read -> 0x0
                   <...>-1447  [001] 1038282.286885: myprobe: (do_sys_open+0x0/0xd6) dfd=ffffff9c

        """)
        #expect(s.count == 5)
        #expect(s.taskLabel(s.row(0).task) == "Web Content-2711")
        #expect(s.taskLabel(s.row(1).task) == "snapshot-test-2-2229")
        #expect(s.taskNames[Int(s.row(2).task)] == "kworker/u4:2-events_unbound")
        #expect(s.taskPIDs[Int(s.row(2).task)] == 87)
        #expect(s.taskNames[Int(s.row(3).task)] == "-qos.overcommit")
        #expect(s.taskLabel(s.row(4).task) == "<...>-1447")
        #expect(!s.row(4).flags.isPresent)
        #expect(s.summary.unparsed == 0)
    }

    @Test func aTaskNamedWithABracketedNumberKeepsTheRealCpuColumn() {
        let s = store("""
                   x [1]-4242  [001] d..2.  10.000001: sched_switch: prev_comm=x [1] prev_pid=4242
              job [7] (x)-77   (   77) [000] .....  10.000002: sys_enter_read: fd=3

        """)
        #expect(s.count == 2)
        #expect(s.summary.unparsed == 0)
        #expect(s.taskLabel(s.row(0).task) == "x [1]-4242")
        #expect(s.row(0).cpu == 1)
        #expect(s.taskNames[Int(s.row(1).task)] == "job [7] (x)")
        #expect(s.taskTGIDs[Int(s.row(1).task)] == 77)
        #expect(s.row(1).cpu == 0)
    }

    @Test func lazyReschedFlagsAsTheKernelPrintsThem() {
        let s = store("""
                bash-1  [000] .l...  1.000001: a: x=1
                bash-1  [000] Db...  1.000002: b: x=1
                bash-1  [000] bB...  1.000003: c: x=1

        """)
        #expect(s.count == 3)
        #expect(s.row(0).flags.needResched == "l")
        #expect(s.row(1).flags.irqsOff == "D")
        #expect(s.row(1).flags.needResched == "b")
        #expect(s.row(2).flags.irqsOff == "b")
        #expect(s.row(2).flags.needResched == "B")
    }

    @Test func recordTgidColumn() {
        let s = store("""
        com.google.android.youtube-23071 (23071) [002] d..5 214168.479892: sched_wakeup: comm=Binder:549_4 pid=2029
                  <idle>-0     (-----) [001] d..3 214168.479898: sched_switch: prev_comm=swapper/1

        """)
        #expect(s.taskTGIDs[Int(s.row(0).task)] == 23071)
        #expect(s.taskTGIDs[Int(s.row(1).task)] == -1)
        #expect(s.taskLabel(s.row(1).task) == "<idle>-0")
    }

    @Test func latencyFormatLines() {
        let s = store("""
              ps-6143    2d...    0us!: trace_hardirqs_off <-__lock_task_sighand
              ps-6143    2d..1  259us+: trace_hardirqs_on <-_raw_spin_unlock_irqrestore
              bash-1234  1d..2. 16232us : sched_switch: prev_comm=bash

        """)
        #expect(s.count == 3)
        #expect(s.summary.clock == .relativeMicroseconds)
        #expect(s.row(1).timestamp == 259_000)
        #expect(s.eventNames[Int(s.row(0).event)] == "function")
        #expect(s.eventNames[Int(s.row(2).event)] == "sched_switch")
        #expect(s.row(2).cpu == 1)
    }

    @Test func integerTimestampsOfCounterClocksAreKeptRaw() {
        let s = store("           bash-1 [000] .... 123456789012: sched_switch: a=1\n")
        #expect(s.summary.clock == .counter)
        #expect(s.row(0).timestamp == 123_456_789_012)
        #expect(TimeFormat.timestamp(s.row(0).timestamp, clock: .counter) == "123456789012")
    }

    @Test func syscallEventsAreNamedAsTracefsNamesThem() {
        let s = store("""
                    bash-15638   [000] .....  1720.071781: sys_openat(dfd: 0xffffff9c, filename: 0x558dd248f030, flags: 0x241, mode: 0x1b6)
                    bash-15638   [000] .....  1720.071982: sys_openat -> 0x3

        """)
        #expect(s.summary.byEvent == ["sys_enter_openat": 1, "sys_exit_openat": 1])
        #expect(EventFields.parse(s.payloadText(0)).first?.key == "dfd")
        #expect(EventFields.parse(s.payloadText(1)).first?.value == "0x3")
    }

    @Test func stackTracesAttachToTheEventAbove() {
        let s = store("""
                    bash-84700   [000] .... 24913.120041: sys_clone(clone_flags: 1200011, newsp: 0)
                    bash-84700   [000] .... 24913.120051: <stack trace>
         => syscall_enter_from_user_mode
         => do_syscall_64

        """)
        #expect(s.count == 1)
        #expect(s.stack(0) == ["syscall_enter_from_user_mode", "do_syscall_64"])
        #expect(s.summary.stackBlocks == 1)
    }

    @Test func lostEventsAndBufferMarkersAreRowsButNotEvents() {
        let s = store("""
        CPU:2 [LOST 11745 EVENTS]
        ##### CPU 3 buffer started ####
                    bash-2044  [002] .... 10594.481032: _raw_spin_lock_irqsave <-get_page_from_freelist
        [LOST 5 EVENTS]

        """)
        #expect(s.count == 4)
        #expect(s.summary.events == 1)
        #expect(s.summary.lostEvents == 11750)
        #expect(s.summary.bufferStartedMarkers == 1)
        #expect(s.row(0).event == SpecialEvent.lost.rawValue)
        #expect(s.row(0).cpu == 2)
        #expect(s.row(1).event == SpecialEvent.bufferStarted.rawValue)
    }

    @Test func overwrittenEventsFromTheHeaderCountAsLost() {
        let s = store("""
        # tracer: nop
        #
        # entries-in-buffer/entries-written: 69657/223807   #P:2
        #
                  bash-1 [000] .... 1.000000: sched_switch: a=1

        """)
        #expect(s.summary.tracer == "nop")
        #expect(s.summary.cpus == 2)
        #expect(s.summary.overwritten == 223807 - 69657)
        #expect(s.summary.lostEvents == 223807 - 69657)
    }

    @Test func windowsLineEndsAndAMissingFinalNewline() {
        let s = store("           bash-1 [000] .... 1.000000: sched_switch: a=1\r\n           bash-1 [001] .... 1.000001: sched_wakeup: b=2")
        #expect(s.count == 2)
        #expect(s.payloadText(0) == "a=1")
        #expect(s.summary.byCPU == [0: 1, 1: 1])
        #expect(s.summary.lastTimestamp == 1_000_001_000)
    }

    @Test func unparsedLinesAreKeptAndCounted() {
        let s = store("hello world\n           bash-1 [000] .... 1.000000: sched_switch: a=1\n[...]\n")
        #expect(s.count == 3)
        #expect(s.summary.unparsed == 2)
        #expect(s.row(0).event == SpecialEvent.unparsed.rawValue)
        #expect(s.lineText(2) == "[...]")
        #expect(s.row(2).timestamp == 1_000_000_000, "an unparsed row sorts at the time of the row before it")
    }

    @Test func invalidUTF8ShowsAsReplacementCharacters() {
        var bytes = Array("           bash-1 [000] .... 1.000000: print: ".utf8)
        bytes += [0xFF, 0xFE, 0x41, 0x0A]
        let storage = OwnedBytes(bytes)
        var s = EventStore()
        s.append(PieceParser().parse(storage, range: 0..<bytes.count))
        #expect(s.payloadText(0) == "\u{FFFD}\u{FFFD}A")
    }

    @Test func sevenCharacterFlagsOfRTKernels() {
        let s = store("       cc1-87882   [005] dNLh1..   548.771082: irq_noise: local_timer:236 start 548.771077442\n")
        let f = s.row(0).flags
        #expect(f.irqsOff == "d")
        #expect(f.needResched == "N")
        #expect(f.context == "h")
        #expect(f.preemptDepth == 1)
    }
}
