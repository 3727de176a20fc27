/// A row filter typed by the user: `event == sched_switch && next_prio < 100`, `comm =~ ^kworker`,
/// `cpu == 1`, `pid != 0`, over the common columns and the event's own fields (KernelShark's filters).
///
/// Grammar: `expr := and ('||' and)*`, `and := unary ('&&' unary)*`, `unary := '!' unary | '(' expr ')' |
/// comparison | word`, `comparison := name op value`, `op := == != < <= > >= =~ !~`. A bare word means
/// `event == word`, or `event =~ word` when it holds `*`.
public indirect enum FilterExpression: Sendable, Equatable {
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)
    case compare(field: String, op: FilterOperator, value: String)

    public static func parse(_ text: String) throws(FilterSyntaxError) -> FilterExpression {
        var parser = FilterParser(tokens: try FilterLexer.tokens(text))
        let e = try parser.expression()
        if let extra = parser.peek {
            throw FilterSyntaxError("unexpected `\(extra.text)`")
        }
        return e
    }
}

/// A comparison operator of the filter language.
public enum FilterOperator: String, Sendable, CaseIterable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case matches = "=~", notMatches = "!~"
}

/// Why a filter expression was rejected, in words a user can fix.
public struct FilterSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

struct FilterToken: Equatable {
    enum Kind { case word, op, and, or, not, open, close }
    var kind: Kind
    var text: String
}

enum FilterLexer {
    static func tokens(_ text: String) throws(FilterSyntaxError) -> [FilterToken] {
        var out: [FilterToken] = []
        let s = Array(text.unicodeScalars)
        var i = 0
        func isOpChar(_ c: Unicode.Scalar) -> Bool { "=!<>~&|()".unicodeScalars.contains(c) }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" {
                i += 1
                continue
            }
            let two = i + 1 < s.count ? String(String.UnicodeScalarView([c, s[i + 1]])) : String(c)
            switch two {
            case "&&": out.append(FilterToken(kind: .and, text: two)); i += 2; continue
            case "||": out.append(FilterToken(kind: .or, text: two)); i += 2; continue
            case "==", "!=", "<=", ">=", "=~", "!~": out.append(FilterToken(kind: .op, text: two)); i += 2; continue
            default: break
            }
            switch c {
            case "(": out.append(FilterToken(kind: .open, text: "(")); i += 1
            case ")": out.append(FilterToken(kind: .close, text: ")")); i += 1
            case "<", ">": out.append(FilterToken(kind: .op, text: String(c))); i += 1
            case "=": out.append(FilterToken(kind: .op, text: "==")); i += 1
            case "!": out.append(FilterToken(kind: .not, text: "!")); i += 1
            case "\"", "'":
                var j = i + 1
                var word = String.UnicodeScalarView()
                while j < s.count, s[j] != c {
                    word.append(s[j])
                    j += 1
                }
                guard j < s.count else { throw FilterSyntaxError("unterminated quote") }
                out.append(FilterToken(kind: .word, text: String(word)))
                i = j + 1
            default:
                var word = String.UnicodeScalarView()
                // A regex may hold ( ) | ; it runs to the next space after `=~`.
                let afterMatchOp = out.last.map { $0.kind == .op && ($0.text == "=~" || $0.text == "!~") } ?? false
                while i < s.count, s[i] != " ", s[i] != "\t" {
                    if !afterMatchOp, isOpChar(s[i]) { break }
                    word.append(s[i])
                    i += 1
                }
                // A lone `&`, `|` or `~` starts no token: without this the lexer stood still on it for ever.
                guard !word.isEmpty else { throw FilterSyntaxError("unexpected `\(c)`") }
                out.append(FilterToken(kind: .word, text: String(word)))
            }
        }
        return out
    }
}

struct FilterParser {
    var tokens: [FilterToken]
    var position = 0
    /// How deep `(` and `!` nest: the parser recurses once per level, so a typed or pasted `((((…` is refused
    /// before it can overflow the stack.
    var depth = 0
    static let maxDepth = 200

    var peek: FilterToken? { position < tokens.count ? tokens[position] : nil }

    mutating func next() -> FilterToken? {
        defer { position += 1 }
        return peek
    }

    mutating func expression() throws(FilterSyntaxError) -> FilterExpression {
        var left = try conjunction()
        while peek?.kind == .or {
            position += 1
            left = .or(left, try conjunction())
        }
        return left
    }

    mutating func conjunction() throws(FilterSyntaxError) -> FilterExpression {
        var left = try unary()
        while peek?.kind == .and {
            position += 1
            left = .and(left, try unary())
        }
        return left
    }

    mutating func unary() throws(FilterSyntaxError) -> FilterExpression {
        guard let t = next() else { throw FilterSyntaxError("expression ends too early") }
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw FilterSyntaxError("nested over \(Self.maxDepth) deep") }
        switch t.kind {
        case .not:
            return .not(try unary())
        case .open:
            let e = try expression()
            guard next()?.kind == .close else { throw FilterSyntaxError("missing `)`") }
            return e
        case .word:
            if let op = peek, op.kind == .op {
                position += 1
                guard let v = next(), v.kind == .word else {
                    throw FilterSyntaxError("`\(t.text) \(op.text)` needs a value")
                }
                guard let fop = FilterOperator(rawValue: op.text) else {
                    throw FilterSyntaxError("unknown operator `\(op.text)`")
                }
                return .compare(field: t.text, op: fop, value: v.text)
            }
            if t.text.contains("*") {
                let pattern = "^" + t.text.replacingAll("*", with: ".*") + "$"
                return .compare(field: "event", op: .matches, value: pattern)
            }
            return .compare(field: "event", op: .equal, value: t.text)
        default:
            throw FilterSyntaxError("unexpected `\(t.text)`")
        }
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
