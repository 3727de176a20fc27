import Testing
@testable import TraceModel

// trace-cmd report text: its header lines and the raw function_graph fields (`report -R`, or a trace
// recorded without symbols). The figures below come from `python3 Tests/derive-trace-cmd-raw-graph.py
// FILE` (independent of the project's code): calls 113, closed 86, total_ns 113109, open 27, functions 67.
@Suite("trace-cmd report text")
struct TraceCmdReportTests {
    @Test("cpus=N, version = N and CPU N is empty are header lines, cpus=N sets the CPU count")
    func headerLinesAreRead() throws {
        let summary = try SampleFiles.summary(of: "trace-cmd-report/trappy-doc-trace-thermal-cpu-empty.txt")
        #expect(summary.cpus == 6)
        #expect(summary.unparsed == 0)
    }

    @Test("A header-like line inside the text is still unparsed when it is not exactly the header form")
    func nearHeaderLinesStayUnparsed() {
        var store = EventStore()
        let text = "cpus=8 extra\nversion = six\nCPU 2 is empty now\n"
        store.append(PieceParser().parse(OwnedBytes(Array(text.utf8)), range: 0..<text.utf8.count))
        #expect(store.summary.unparsed == 3)
        #expect(store.summary.cpus == nil)
    }

    @Test("Raw funcgraph_entry / funcgraph_exit fields build the call tree with rettime − calltime")
    func rawFunctionGraphBuildsTree() throws {
        let tree = try CallTreeSamples.tree("trace-cmd-report/tracecompass-trace-func-graph-funcgraph_entry-exit-raw.txt")
        #expect(tree.count == 113)
        let open = (0..<tree.count).filter { tree.flags[$0].contains(.unfinished) }
        #expect(open.count == 27)
        let closedTotal = (0..<tree.count).filter { !tree.flags[$0].contains(.unfinished) }
            .reduce(Int64(0)) { $0 + tree.total[$1] }
        #expect(closedTotal == 113109)
        #expect(Set((0..<tree.count).map { tree.name($0) }).count == 67)
        #expect(tree.name(Int(tree.roots[0])) == "0xffffffffba5ddc00")
    }
}

/// What libtraceevent prints for function_graph records of a trace.dat from the kernel's own formats.
@Suite("function_graph in the kernel's print format")
struct KernelGraphFormatTests {
    @Test func arrowsOpenAndCloseCallsWithHexTimes() {
        let text = """
                 sh-100   [000] .....  10.000000100: funcgraph_entry: --> do_sys_open (0)
                 sh-100   [000] .....  10.000000200: funcgraph_entry: --> getname (1)
                 sh-100   [000] .....  10.000000900: funcgraph_exit: <-- getname (1) (start: 2540be464  end: 2540be6bc) over: 0
                 sh-100   [000] .....  10.000001500: funcgraph_exit: <-- do_sys_open (0) (start: 2540be400  end: 2540be7dc) over: 0

        """
        let tree = CallTreeSamples.tree(text: text)
        #expect(tree.count == 2)
        #expect(tree.name(0) == "do_sys_open")
        #expect(tree.total[0] == 0x2540be7dc - 0x2540be400)
        #expect(tree.name(1) == "getname")
        #expect(tree.parent[1] == 0)
        #expect(tree.total[1] == 0x2540be6bc - 0x2540be464)
    }
}
