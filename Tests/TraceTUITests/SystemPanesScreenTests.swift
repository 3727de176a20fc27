import Screen
import Testing
import TraceModel
@testable import TraceTUI

/// The system panes drawn from a known history (see `SystemFixtures`: each interval is 0.5 s, CPU0 spends
/// 20 of 50 ticks in user, CPU1 21, both 10 in system and 5 in iowait).
@Suite("System panes")
struct SystemPanesScreenTests {
    static func render(_ view: SystemPanesView = SystemPanesView(), history: ProcHistory? = SystemFixtures.history(),
                       at index: Int? = 2, width: Int = 100, height: Int = 14) -> Canvas {
        var canvas = Canvas(width: width, height: height)
        view.render(history, at: index, into: &canvas, in: canvas.bounds)
        return canvas
    }

    @Test func panesAtNormalSize() {
        let c = Self.render()
        let expected = """
             System at 1720.500000  sample 3/4  interval 0.50s
             CPU [|||||||||||||######***      61%] usr 41 sys 20 wai 10 irq 0 stl 0                          ▅▅
               0 [||||||||||#####***    60%]    1 [|||||||||||#####**    62%]
             Mem [|||||||||||#**********2.8G/8.0G] free 2.0G avail 5.0G buff 256M cache 3.0G dirty 1.0M  no swap
             ctxt 2000/s  intr 800/s  forks 0/s  procs 3 run 0 blk  load 1.52 0.87 0.40  faults 0/s (0 major)  s
             DISK       read   writ    r/s    w/s  util   await  history
             nvme0n1   2048K  4096K     20     40   20%  0.20ms  ██
             NET        recv   send   rx/s   tx/s  errs   drops  history
             lo            0      0      0      0     0       0  ▁▁
             eth0      1953K   977K   2000   1600     0       0  ██
            """
        #expect(c.text.hasPrefix(expected), "\n\(c.text)")
    }

    @Test func barsAreColouredByKindOfTime() {
        let c = Self.render()
        let roles = c.roles(ofRow: 1)
        let row = Array(c.row(1).unicodeScalars)
        for (k, ch) in row.enumerated() {
            switch ch {
            case "|" where k > 4 && k < 40: #expect(roles[k] == .meterUser)
            case "#": #expect(roles[k] == .meterSystem)
            case "*": #expect(roles[k] == .meterWait)
            case "▅": #expect(roles[k] == .sparkline)
            default: break
            }
        }
        #expect(roles[0] == .header && c.roles(ofRow: 0).allSatisfy { $0 == .header })
    }

    @Test func tinyScreenShowsTheTopAndNeverDrawsOutside() {
        let c = Self.render(width: 20, height: 6)
        #expect(c.row(0) == " System at 1720.5000")
        #expect(c.row(1).hasPrefix(" CPU ["))
        #expect(c.row(2).hasPrefix("   0 ["))
    }

    @Test func aBigMachineGetsNarrowBarsAndAMoreMarker() {
        let c = Self.render(history: SystemFixtures.history(cpus: 128), width: 120, height: 30)
        // 128 CPUs in at most 10 rows: 13 columns of 9 cells would be too narrow, so 12 columns of 10
        let cpuRows = (2..<12).map { c.row($0) }
        #expect(cpuRows[0].hasPrefix("   0 ["), "\(c.text)")
        #expect(cpuRows[1].hasPrefix("   1 ["))
        #expect(cpuRows[0].contains("  10 ["), "the second column starts at CPU 10: \(cpuRows[0])")
        #expect(cpuRows[9].hasSuffix("  +9 more  "), "\(cpuRows[9])")
        #expect(c.row(12).hasPrefix(" Mem ["))
    }

    @Test func tableModeScrollsLikeDstatWithTheCursorsRowSelected() {
        var view = SystemPanesView()
        view.toggleMode()
        let c = Self.render(view, at: 3)
        #expect(c.row(0).hasPrefix("  time    --total-cpu-usage-- -dsk/total- -net/total- ---paging-- ---system--"))
        #expect(c.row(1).hasPrefix("--------- usr sys idl wai stl| read  writ| recv  send|   in   out|  int   csw"))
        // One row per interval: samples 1, 2, 3 (sample 0 only starts the first interval)
        #expect(c.row(2).hasPrefix(" 11:06:40  41  20  29  10   0|2048K 4096K|1953K  977K|    0     0|  800  2000 "))
        #expect(c.row(4).hasPrefix(" 11:06:41  41  20  29  10   0|"), "\(c.text)")
        #expect(c.row(5).trimmingCharacters(in: .whitespaces).isEmpty)
        #expect(c.roles(ofRow: 4).allSatisfy { $0 == .selected })
        #expect(!c.roles(ofRow: 3).contains(.selected))
    }

    @Test func longDeviceNamesAreCutWithAnEllipsisAndColumnsStayAligned() {
        let samples = (0..<3).map { k -> ProcSample in
            var s = SystemFixtures.sample(k)
            var d = DiskCounters(name: "a-very-long-device-mapper-name01")
            d.fields = s.disks[0].fields
            s.disks.append(d)
            return s
        }
        let c = Self.render(history: ProcHistory(samples), at: 2)
        let rows = (0..<c.height).map { c.row($0) }
        let long = try? #require(rows.first { $0.contains("a-very-long-dev…") })
        let short = try? #require(rows.first { $0.hasPrefix(" nvme0n1 ") })
        #expect(long?.firstRange(of: "2048K")?.lowerBound.utf16Offset(in: long ?? "")
                == short?.firstRange(of: "2048K")?.lowerBound.utf16Offset(in: short ?? ""), "\(c.text)")
    }

    @Test func tinyTableMode() {
        var view = SystemPanesView()
        view.toggleMode()
        let c = Self.render(view, at: 3, width: 20, height: 6)
        #expect(c.row(0) == "  time    --total-cp")
        #expect(c.row(4).hasPrefix(" 11:06:41  41  20  2"), "\(c.text)")
        #expect(c.roles(ofRow: 4).allSatisfy { $0 == .selected })
    }

    @Test func placeholdersSayWhyThereIsNothing() {
        let none = Self.render(history: nil, at: nil)
        #expect(none.row(0).contains("no /proc samples for this trace"))
        #expect(none.row(1).contains("tracetui dstat --output TRACE.proc"))
        let one = Self.render(history: SystemFixtures.history(samples: 1), at: 0)
        #expect(one.row(0).contains("waiting for a second sample"))
        let outside = Self.render(at: nil)
        #expect(outside.row(0).contains("no interval ends at the cursor's time"))
        #expect(outside.row(1).contains("samples cover 1719.500000 – 1721.000000"))
    }
}

extension String {
    fileprivate func trimmingCharacters(in _: Whitespace) -> String { String(drop { $0 == " " }) }
    fileprivate enum Whitespace { case whitespaces }
}
