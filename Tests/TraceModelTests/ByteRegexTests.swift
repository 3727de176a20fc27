import Testing
@testable import TraceModel

@Suite("Linear-time regex")
struct ByteRegexTests {
    static let patterns = [
        "^kworker", "kworker$", "sched_.*", "^sched_(switch|wakeup)$", "a|b|c", "\\d+", "[0-9]{3}", "x{2,}", "ab?c",
        "[^a-z ]", "\\bpid\\b", "\\Bid", "(?:ab)+c", "^$", "\\.", "[a\\-z]", "\\w+=\\S+", "^.{5}$", "(a|ab)(c|bcd)(d*)",
        "(?i)KWORKER", "é.", "[α-ω]+", "\\s", "a{0}b", "(a*)*b", "a.c", "^\\x41", "a{,2}",
    ]
    static let subjects = [
        "", "kworker/u4:2", "bash kworker", "sched_switch", "sched_wakeup_new", "abc", "ac", "pid=12 prev_pid=3",
        "12", "1234", "xx", "x", "ababc", "éa", "αβγ", "a\tb", "hello", "a-z", "abcd", "ABC", "b", "]", "a{,2}", "A",
    ]

    /// Where Swift's backtracking Regex agrees on the answer, ours must give the same one.
    @Test func agreesWithSwiftRegexOnCommonPatterns() throws {
        for p in Self.patterns {
            let ours = try ByteRegex(p)
            let theirs = try Regex(p)
            for s in Self.subjects {
                #expect(ours.matches(s) == s.contains(theirs), "pattern \(p) on \(s.debugDescription)")
            }
        }
    }

    /// Given the patterns of issue 14 that froze the viewer, when matched over long lines, then each answer comes
    /// within seconds even in a debug build (a backtracking engine takes exponential time in the line's length).
    @Test func catastrophicPatternsFinish() throws {
        let line = String(repeating: "a", count: 1_000) + "!"
        let clock = ContinuousClock()
        for p in ["(.*.*)*@", "(a+)+b", "(a|a)*c", "(a*)*$x", "((a{1,10}){1,10}){1,10}z"] {
            let re = try ByteRegex(p)
            let took = clock.measure { #expect(!re.matches(line), "\(p)") }
            #expect(took < .seconds(5), "\(p) took \(took)")
        }
    }

    @Test(arguments: ["(", "a)", "[a", "*a", "a*****", "\\", "a{5,2}", "a{1001}", "(?<x>a)", "\\q",
                      String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200),
                      "((a{100}){100}){100}"])
    func refusesBadOrHugePatterns(_ p: String) {
        #expect(throws: RegexError.self) { _ = try ByteRegex(p) }
    }

    @Test func invalidUTF8IsACharacterOnlyDotAndNegatedClassesMatch() throws {
        let bytes: [UInt8] = [0x61, 0xFF, 0x62]
        func m(_ p: String) throws -> Bool { try bytes.withUnsafeBytes { try ByteRegex(p).firstMatch(in: $0) } }
        #expect(try m("a.b"))
        #expect(try m("a[^x]b"))
        #expect(try !m("a\\wb"))
        #expect(try !m("ab"))
    }

    @Test func filterRegexUsesTheLinearEngineAndKeepsItsSyntax() throws {
        #expect(throws: FilterSyntaxError.self) { _ = try FilterExpression.parse("comm =~ (").compiled() }
        let deep = String(repeating: "(", count: 5000) + "cpu == 1" + String(repeating: ")", count: 5000)
        #expect(throws: FilterSyntaxError.self) { _ = try FilterExpression.parse(deep) }
        // A lone `&` (found by the fuzzer) hung the lexer: it is a syntax error now.
        for text in ["event == sched_switch &&_switch &o < 100", "a & b", "a | b", "~x"] {
            #expect(throws: FilterSyntaxError.self) { _ = try FilterExpression.parse(text) }
        }
        let nots = String(repeating: "!", count: 100_000) + "x"
        #expect(throws: FilterSyntaxError.self) { _ = try FilterExpression.parse(nots) }
    }

    /// Given a filter job over a store, when the check says cancelled, then it stops and answers nil.
    @Test func filteringAStoreIsCancellable() throws {
        let line = "  bash-1 [000] d..2.  1.000001: sched_switch: prev_comm=" + String(repeating: "a", count: 2000) + "\n"
        let store = EventStore(parsing: OwnedBytes(Array(String(repeating: line, count: 1000).utf8)))
        var m = try RowMatcher(try FilterExpression.parse("line =~ \"(a+)+b\""), store: store)
        var asked = 0
        #expect(m.matchingRows(0..<store.count) { asked += 1; return asked > 2 } == nil)
        #expect(asked == 3)
        var all = try RowMatcher(try FilterExpression.parse("line =~ sched"), store: store)
        #expect(all.matchingRows(0..<store.count) { false }?.count == 1000)
    }
}

extension FilterExpression {
    /// Compiled against an empty store: what the viewer does when a filter is typed.
    func compiled() throws -> RowMatcher { try RowMatcher(self, store: EventStore()) }
}
