import CTracefs
import Glibc

/// Gathers what a trace.dat header holds from tracefs and /proc, for the events a recording holds.
///
/// Reads `<root>/events/header_page`, `header_event`, `events/<system>/<event>/format`, `printk_formats`,
/// `saved_cmdlines`, `<instance>/trace_clock`, `<instance>/per_cpu/cpuN/stats` and `/proc/kallsyms`.
enum TraceDatSources {
    /// The layout for pages of `pageSize` bytes holding the events `seenIDs` (plus the instance's enabled events
    /// and ftrace's own, which trace-cmd always stores).
    static func layout(instance: TraceInstance, pageSize: Int, seenIDs: [Int], cpuCount: Int)
        -> (layout: TraceDatLayout, cpuCount: Int) {
        layout(root: instance.root, instanceDir: instance.dir, events: wantedEvents(instance: instance, seenIDs: seenIDs),
               pageSize: pageSize, cpuCount: cpuCount)
    }

    /// The layout for the formats of `events` (system, name), read from `root`; the clock and per-CPU stats from
    /// `instanceDir` where it still is; `cmdlines` (`pid comm` lines) in place of the kernel's saved_cmdlines.
    static func layout(root: String, instanceDir: String, events: [(String, String)], pageSize: Int, cpuCount: Int,
                       cmdlines: [UInt8]? = nil) -> (layout: TraceDatLayout, cpuCount: Int) {
        var layout = TraceDatLayout(pageSize: pageSize)
        func bytes(_ path: String) -> [UInt8] { Array((Tracefs.read(path) ?? "").utf8) }
        layout.headerPage = bytes(root + "/events/header_page")
        layout.headerEvent = bytes(root + "/events/header_event")
        // Known paths only, no listing; under the shared lock all the same, as a probe's removal elsewhere must
        // not race with reading its files (`TracefsLock`).
        TracefsLock.shared {
            var bySystem: [String: [[UInt8]]] = [:]
            var order: [String] = []
            for (system, name) in events {
                let format = bytes(root + "/events/\(system)/\(name)/format")
                guard !format.isEmpty else { continue }
                if system == "ftrace" {
                    layout.ftraceFormats.append(format)
                    continue
                }
                if bySystem[system] == nil { order.append(system) }
                bySystem[system, default: []].append(format)
            }
            layout.systems = order.map { ($0, bySystem[$0] ?? []) }
            layout.printkFormats = bytes(root + "/printk_formats")
            layout.cmdlines = cmdlines ?? bytes(root + "/saved_cmdlines")
        }
        layout.kallsyms = bytes("/proc/kallsyms")
        var stats: [(TraceDatLayout.Option, [UInt8])] = []
        for cpu in 0..<cpuCount {
            if let text = Tracefs.read(instanceDir + "/per_cpu/cpu\(cpu)/stats") {
                stats.append((.cpuStat, TraceDatLayout.string("CPU: \(cpu)\n" + text)))
            }
        }
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        layout.options = [(.cpuCount, TraceDatLayout.uint32(cpuCount))] + stats + [
            (.traceClock, TraceDatLayout.string(Tracefs.read(instanceDir + "/trace_clock") ?? "[local]\n")),
            (.uname, TraceDatLayout.string("\(field(name.sysname)) \(field(name.nodename)) \(field(name.release)) \(field(name.version)) \(field(name.machine))")),
            (.version, TraceDatLayout.string("tracetui")),
        ]
        return (layout, cpuCount)
    }

    /// (system, event) of every event that occurs, is enabled, or is ftrace's own; in id order.
    static func wantedEvents(instance: TraceInstance, seenIDs: [Int]) -> [(String, String)] {
        guard let tep = instance.tep, let list = tep_list_events(tep, TEP_EVENT_SORT_ID) else { return [] }
        let enabled = Set(instance.enabledEvents())
        let seen = Set(seenIDs)
        var out: [(String, String)] = []
        var k = 0
        while let event = list[k] {
            k += 1
            let e = event.pointee
            guard let systemC = e.system, let nameC = e.name else { continue }
            let system = String(cString: systemC), name = String(cString: nameC)
            if system == "ftrace" || seen.contains(Int(e.id)) || enabled.contains(system + ":" + name) {
                out.append((system, name))
            }
        }
        return out
    }
}
