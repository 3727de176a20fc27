import Testing
@testable import TraceModel

/// uftrace's own output, as its manual pages show it (namhyung/uftrace, GPL-2.0: `doc/uftrace-replay.md` @
/// 06ee8d6a770dfa569ac259a06badfc48f79dd66b and `doc/uftrace-dump.md` @ 00e7333af1cab3f9f7d4e969466f72d99d9df60f,
/// the example blocks with their four-space indentation removed). No uftrace samples are in ../shared/samples.
@Suite("uftrace output from its manual")
struct UftraceDocOutputTests {
    static func store(_ text: String) -> EventStore {
        let storage = OwnedBytes(Array(text.utf8))
        var store = EventStore()
        store.append(PieceParser().parse(storage, range: 0..<storage.bytes.count))
        return store
    }

    static func calls(_ tree: CallTree) -> [String: Int] {
        Dictionary((0..<tree.count).map { (tree.name($0), $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `uftrace ./abc` (uftrace-replay.md, FILTERS).
    static let replay = """
    # DURATION    TID     FUNCTION
     138.494 us [ 1234] | __cxa_atexit();
                [ 1234] | main() {
                [ 1234] |   a() {
                [ 1234] |     b() {
       3.880 us [ 1234] |       c();
       5.475 us [ 1234] |     } /* b */
       6.448 us [ 1234] |   } /* a */
       8.631 us [ 1234] | } /* main */

    """

    @Test func replayTextGivesTheCallsAndDurations() throws {
        let store = Self.store(Self.replay)
        #expect(store.summary.unparsed == 0)
        let tree = CallTree(store: store)
        #expect(tree.count == 5)
        let byName = Self.calls(tree)
        let main = try #require(byName["main"]), a = try #require(byName["a"])
        let b = try #require(byName["b"]), c = try #require(byName["c"])
        #expect(tree.total[try #require(byName["__cxa_atexit"])] == 138_494)
        #expect([tree.total[main], tree.total[a], tree.total[b], tree.total[c]] == [8_631, 6_448, 5_475, 3_880])
        #expect(tree.parent[c] == Int32(b) && tree.parent[b] == Int32(a) && tree.parent[a] == Int32(main))
        #expect(tree.selfTime(main) == 8_631 - 6_448)
    }

    /// `uftrace replay -r 502716.387320101~502716.387322389` (uftrace-replay.md): a TIMESTAMP column, a range
    /// that starts inside a call (indented lines with no opening line).
    static let replayWithTimestamps = """
    #     TIMESTAMP      DURATION    TID     FUNCTION
    502716.387320101   0.289 us [ 6126] |   fgets();
    502716.387320584            [ 6126] |   get_values_from() {
    502716.387320709   0.245 us [ 6126] |     strdup();
    502716.387321172   0.144 us [ 6126] |     strsep();
    502716.387321542   0.223 us [ 6126] |     atoi();
    502716.387321983   0.239 us [ 6126] |     atoi();
    502716.387322389   1.805 us [ 6126] |   } /* get_values_from */

    """

    @Test func replayTextWithTimestampsKeepsTheirTimes() throws {
        let store = Self.store(Self.replayWithTimestamps)
        #expect(store.summary.unparsed == 0)
        #expect(store.timestamp(0) == 502_716_387_320_101)
        let tree = CallTree(store: store)
        let byName = Self.calls(tree)
        let values = try #require(byName["get_values_from"])
        #expect(tree.total[values] == 1_805)
        #expect(tree.children(of: values).map { tree.name(Int($0)) } == ["strdup", "strsep", "atoi", "atoi"])
        #expect(tree.selfTime(values) == 1_805 - 245 - 144 - 223 - 239)
    }

    /// `uftrace dump --chrome -F main` (uftrace-dump.md): B/E events with a pid and no tid, µs timestamps, and a
    /// `metadata` object after the events.
    static let chrome = """
    {"traceEvents":[
    {"ts":105430415353,"ph":"B","pid":23043,"name":"main"},
    {"ts":105430415353,"ph":"B","pid":23043,"name":"a"},
    {"ts":105430415354,"ph":"B","pid":23043,"name":"b"},
    {"ts":105430415354,"ph":"B","pid":23043,"name":"c"},
    {"ts":105430415354,"ph":"B","pid":23043,"name":"getpid"},
    {"ts":105430415355,"ph":"E","pid":23043,"name":"getpid"},
    {"ts":105430415355,"ph":"E","pid":23043,"name":"c"},
    {"ts":105430415355,"ph":"E","pid":23043,"name":"b"},
    {"ts":105430415355,"ph":"E","pid":23043,"name":"a"},
    {"ts":105430415356,"ph":"E","pid":23043,"name":"main"}
    ], "metadata": {
    "command_line":"uftrace record abc ",
    "recorded_time":"Tue May 24 19:44:54 2016"
    } }

    """

    @Test func dumpChromeOutputNestsTheCalls() throws {
        #expect(InputFormat.detect(Array(Self.chrome.utf8)) == .chromeJSON)
        let text = try Array(Self.chrome.utf8).withUnsafeBytes { try ChromeTraceReader.ftraceText($0) }
        let store = Self.store(String(decoding: text, as: UTF8.self))
        let tree = CallTree(store: store)
        #expect(tree.count == 5)
        let byName = Self.calls(tree)
        let main = try #require(byName["main"]), a = try #require(byName["a"])
        let c = try #require(byName["c"]), getpid = try #require(byName["getpid"])
        #expect(tree.total[main] == 3_000)
        #expect(tree.total[a] == 2_000)
        #expect(tree.total[getpid] == 1_000)
        #expect(tree.parent[getpid] == Int32(c))
        #expect(tree.parent[a] == Int32(main))
        #expect(store.timestamp(0) == 105_430_415_353_000)
    }
}
