import Foundation

/// The JMESPath (https://jmespath.org/specification.html) that people pass to `--query`:
/// identifiers (bare and "quoted"), sub-expressions `a.b`, index `[0]` / `[-1]`, slices `[a:b:c]`,
/// projections `[*]`, `*`, `[]` (flatten), filters `[?Size > `100` && Key != 'x']`, multi-select
/// lists `[a, b]` and hashes `{k: a}`, pipes `|`, `@`, `!`, `&&`, `||`, literals (`raw`, `json`),
/// and the common functions (length, contains, starts_with, ends_with, keys, values, sort, sort_by,
/// max, min, max_by, min_by, sum, avg, reverse, join, to_string, to_number, type, not_null).
///
/// Hand-written because no package available to this build implements JMESPath for Swift; the
/// parser is a port of the Pratt parser of the reference implementation (jmespath.py), so
/// precedence and projection semantics (a projection's right side applies to every element,
/// nulls are dropped) follow the spec.
public struct JMESPath: Sendable {
    indirect enum Node: Sendable {
        case current
        case field(String)
        case subexpression(Node, Node)
        case index(Int)
        case slice(Int?, Int?, Int?)
        case projection(Node, Node)
        case valueProjection(Node, Node)
        case filterProjection(Node, Node, Node)
        case flatten(Node)
        case comparator(String, Node, Node)
        case and(Node, Node)
        case or(Node, Node)
        case not(Node)
        case literal(JSONValue)
        case multiList([Node])
        case multiHash([(String, Node)])
        case pipe(Node, Node)
        case function(String, [Node])
        case expref(Node)
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    let root: Node
    public let expression: String

    public init(_ expression: String) throws {
        self.expression = expression
        var p = Parser(tokens: try Lexer.tokenize(expression), expression: expression)
        root = try p.parse()
    }

    public func search(_ value: JSONValue) throws -> JSONValue {
        try Self.eval(root, value)
    }
}

// MARK: - Lexer

extension JMESPath {
    enum Token: Equatable {
        case identifier(String), quoted(String), number(Int), literal(JSONValue)
        case dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen
        case comma, colon, pipe, or, and, not, current, expref
        case cmp(String)
        case eof

        var bindingPower: Int {
            switch self {
            case .pipe: return 1
            case .or: return 2
            case .and: return 3
            case .cmp: return 5
            case .flatten: return 9
            case .star: return 20
            case .filter: return 21
            case .dot: return 40
            case .not: return 45
            case .lbrace: return 50
            case .lbracket: return 55
            case .lparen: return 60
            default: return 0
            }
        }
    }

    enum Lexer {
        static func tokenize(_ s: String) throws -> [Token] {
            let c = Array(s.unicodeScalars)
            var i = 0
            var out: [Token] = []
            func peek(_ k: Int = 1) -> Unicode.Scalar? { i + k < c.count ? c[i + k] : nil }
            while i < c.count {
                let ch = c[i]
                switch ch {
                case " ", "\t", "\n", "\r": i += 1
                case ".": out.append(.dot); i += 1
                case "*": out.append(.star); i += 1
                case ",": out.append(.comma); i += 1
                case ":": out.append(.colon); i += 1
                case "{": out.append(.lbrace); i += 1
                case "}": out.append(.rbrace); i += 1
                case "(": out.append(.lparen); i += 1
                case ")": out.append(.rparen); i += 1
                case "]": out.append(.rbracket); i += 1
                case "@": out.append(.current); i += 1
                case "[":
                    if peek() == "]" { out.append(.flatten); i += 2 }
                    else if peek() == "?" { out.append(.filter); i += 2 }
                    else { out.append(.lbracket); i += 1 }
                case "|":
                    if peek() == "|" { out.append(.or); i += 2 } else { out.append(.pipe); i += 1 }
                case "&":
                    if peek() == "&" { out.append(.and); i += 2 } else { out.append(.expref); i += 1 }
                case "!":
                    if peek() == "=" { out.append(.cmp("!=")); i += 2 } else { out.append(.not); i += 1 }
                case "=":
                    guard peek() == "=" else { throw ParseError(description: "Unknown token '=' (did you mean '=='?)") }
                    out.append(.cmp("==")); i += 2
                case "<", ">":
                    if peek() == "=" { out.append(.cmp(String(ch) + "=")); i += 2 } else { out.append(.cmp(String(ch))); i += 1 }
                case "'":
                    i += 1
                    var str = ""
                    while i < c.count, c[i] != "'" {
                        if c[i] == "\\", peek() == "'" { str.unicodeScalars.append("'"); i += 2; continue }
                        str.unicodeScalars.append(c[i]); i += 1
                    }
                    guard i < c.count else { throw ParseError(description: "Unterminated raw string literal") }
                    i += 1
                    out.append(.literal(.string(str)))
                case "`":
                    i += 1
                    var str = ""
                    while i < c.count, c[i] != "`" {
                        if c[i] == "\\", peek() == "`" { str.unicodeScalars.append("`"); i += 2; continue }
                        str.unicodeScalars.append(c[i]); i += 1
                    }
                    guard i < c.count else { throw ParseError(description: "Unterminated JSON literal") }
                    i += 1
                    if let v = try? JSONValue.parse(str) { out.append(.literal(v)) }
                    else if let v = try? JSONValue.parse("\"\(str.trimmingCharacters(in: .whitespaces))\"") {
                        out.append(.literal(v))  // legacy: `foo` means the string "foo"
                    } else { throw ParseError(description: "Invalid JSON literal: \(str)") }
                case "\"":
                    var j = i + 1
                    var raw = "\""
                    while j < c.count, c[j] != "\"" {
                        if c[j] == "\\", j + 1 < c.count { raw.unicodeScalars.append(c[j]); j += 1 }
                        raw.unicodeScalars.append(c[j]); j += 1
                    }
                    guard j < c.count else { throw ParseError(description: "Unterminated quoted identifier") }
                    raw += "\""
                    guard case .string(let name) = try JSONValue.parse(raw) else { throw ParseError(description: "Bad identifier") }
                    out.append(.quoted(name))
                    i = j + 1
                case "-", "0"..."9":
                    var j = i + 1
                    while j < c.count, ("0"..."9").contains(c[j]) { j += 1 }
                    let text = String(String.UnicodeScalarView(c[i..<j]))
                    guard let n = Int(text) else { throw ParseError(description: "Invalid number \(text)") }
                    out.append(.number(n))
                    i = j
                default:
                    if ch == "_" || ch.properties.isAlphabetic && ch.isASCII {
                        var j = i + 1
                        while j < c.count, c[j] == "_" || (c[j].isASCII && (c[j].properties.isAlphabetic || ("0"..."9").contains(c[j]))) { j += 1 }
                        out.append(.identifier(String(String.UnicodeScalarView(c[i..<j]))))
                        i = j
                    } else {
                        throw ParseError(description: "Unknown token '\(ch)'")
                    }
                }
            }
            out.append(.eof)
            return out
        }
    }
}

// MARK: - Parser (Pratt, as jmespath.py)

extension JMESPath {
    struct Parser {
        var tokens: [Token]
        let expression: String
        var pos = 0

        var current: Token { tokens[pos] }
        func lookahead(_ n: Int) -> Token { pos + n < tokens.count ? tokens[pos + n] : .eof }

        mutating func advance() { if pos < tokens.count - 1 { pos += 1 } }

        func error(_ m: String) -> ParseError {
            ParseError(description: "Bad jmespath expression: \(m):\n\(expression)")
        }

        mutating func match(_ t: Token) throws {
            guard current == t else { throw error("Expecting \(t), got: \(current)") }
            advance()
        }

        mutating func parse() throws -> Node {
            let n = try expression(0)
            guard current == .eof else { throw error("Unexpected token: \(current)") }
            return n
        }

        mutating func expression(_ bp: Int) throws -> Node {
            let tok = current
            advance()
            var left = try nud(tok)
            while bp < current.bindingPower {
                let t = current
                advance()
                left = try led(t, left)
            }
            return left
        }

        mutating func nud(_ t: Token) throws -> Node {
            switch t {
            case .literal(let v): return .literal(v)
            case .identifier(let s), .quoted(let s): return .field(s)
            case .current: return .current
            case .star:
                let rhs: Node = current == .rbracket ? .current : try projectionRHS(Token.star.bindingPower)
                return .valueProjection(.current, rhs)
            case .filter: return try filter(left: .current)
            case .lbrace: return try multiHash()
            case .lparen:
                let e = try expression(0)
                try match(.rparen)
                return e
            case .flatten:
                return .projection(.flatten(.current), try projectionRHS(Token.flatten.bindingPower))
            case .not: return .not(try expression(Token.not.bindingPower))
            case .expref: return .expref(try expression(Token.expref.bindingPower))
            case .lbracket:
                if case .number = current { return try indexOrSlice(left: .current) }
                if current == .colon { return try indexOrSlice(left: .current) }
                if current == .star, lookahead(1) == .rbracket {
                    advance(); advance()
                    return .projection(.current, try projectionRHS(Token.star.bindingPower))
                }
                return try multiList()
            case .eof: throw error("Unexpected end of expression")
            default: throw error("Unexpected token: \(t)")
            }
        }

        mutating func led(_ t: Token, _ left: Node) throws -> Node {
            switch t {
            case .dot:
                if current != .star {
                    return .subexpression(left, try dotRHS(Token.dot.bindingPower))
                }
                advance()
                return .valueProjection(left, try projectionRHS(Token.dot.bindingPower))
            case .pipe: return .pipe(left, try expression(Token.pipe.bindingPower))
            case .or: return .or(left, try expression(Token.or.bindingPower))
            case .and: return .and(left, try expression(Token.and.bindingPower))
            case .cmp(let op): return .comparator(op, left, try expression(t.bindingPower))
            case .flatten: return .projection(.flatten(left), try projectionRHS(Token.flatten.bindingPower))
            case .filter: return try filter(left: left)
            case .lparen:
                guard case .field(let name) = left else { throw error("Invalid function name") }
                var args: [Node] = []
                while current != .rparen {
                    args.append(try expression(0))
                    if current == .comma { try match(.comma) }
                }
                try match(.rparen)
                return .function(name, args)
            case .lbracket:
                if case .number = current { return try indexOrSlice(left: left) }
                if current == .colon { return try indexOrSlice(left: left) }
                try match(.star)
                try match(.rbracket)
                return .projection(left, try projectionRHS(Token.star.bindingPower))
            default: throw error("Unexpected token: \(t)")
            }
        }

        mutating func filter(left: Node) throws -> Node {
            let cond = try expression(0)
            try match(.rbracket)
            let rhs: Node = current == .flatten ? .current : try projectionRHS(Token.filter.bindingPower)
            return .filterProjection(left, rhs, cond)
        }

        mutating func indexOrSlice(left: Node) throws -> Node {
            var parts: [Int?] = [nil, nil, nil]
            var idx = 0
            var sawColon = false
            while current != .rbracket {
                if case .number(let n) = current {
                    parts[idx] = n; advance()
                } else if current == .colon {
                    sawColon = true; idx += 1; advance()
                    guard idx < 3 else { throw error("Too many colons in slice") }
                } else {
                    throw error("Unexpected token in index: \(current)")
                }
            }
            try match(.rbracket)
            if !sawColon {
                let node: Node = .index(parts[0] ?? 0)
                if case .current = left { return node }
                return .subexpression(left, node)
            }
            return .projection(.subexpression(left, .slice(parts[0], parts[1], parts[2])),
                               try projectionRHS(Token.star.bindingPower))
        }

        mutating func multiList() throws -> Node {
            var items: [Node] = []
            while true {
                items.append(try expression(0))
                if current == .rbracket { break }
                try match(.comma)
            }
            try match(.rbracket)
            return .multiList(items)
        }

        mutating func multiHash() throws -> Node {
            var pairs: [(String, Node)] = []
            while true {
                let key: String
                switch current {
                case .identifier(let s), .quoted(let s): key = s
                default: throw error("Expecting an identifier as a multi-select hash key")
                }
                advance()
                try match(.colon)
                pairs.append((key, try expression(0)))
                if current == .rbrace { break }
                try match(.comma)
            }
            try match(.rbrace)
            return .multiHash(pairs)
        }

        mutating func projectionRHS(_ bp: Int) throws -> Node {
            if current.bindingPower < 10 { return .current }
            switch current {
            case .lbracket, .filter: return try expression(bp)
            case .dot:
                advance()
                return try dotRHS(bp)
            default: throw error("Syntax error after projection: \(current)")
            }
        }

        mutating func dotRHS(_ bp: Int) throws -> Node {
            switch current {
            case .identifier, .quoted, .star: return try expression(bp)
            case .lbracket: advance(); return try multiList()
            case .lbrace: advance(); return try multiHash()
            default: throw error("Expecting identifier, '*', '[' or '{' after '.', got: \(current)")
            }
        }
    }
}

// MARK: - Evaluation

extension JMESPath {
    struct EvalError: Error, CustomStringConvertible { var description: String }

    static func eval(_ node: Node, _ v: JSONValue) throws -> JSONValue {
        switch node {
        case .current: return v
        case .field(let name): return v[name] ?? .null
        case .subexpression(let l, let r): return try eval(r, try eval(l, v))
        case .index(let i):
            guard case .array(let a) = v else { return .null }
            let k = i < 0 ? a.count + i : i
            return k >= 0 && k < a.count ? a[k] : .null
        case .slice(let start, let stop, let step):
            guard case .array(let a) = v else { return .null }
            return .array(slice(a, start, stop, step ?? 1))
        case .projection(let l, let r):
            guard case .array(let a) = try eval(l, v) else { return .null }
            return .array(try a.compactMap { let x = try eval(r, $0); return x == .null ? nil : x })
        case .valueProjection(let l, let r):
            guard case .object(let o) = try eval(l, v) else { return .null }
            return .array(try o.entries.compactMap { let x = try eval(r, $0.value); return x == .null ? nil : x })
        case .filterProjection(let l, let r, let cond):
            guard case .array(let a) = try eval(l, v) else { return .null }
            var out: [JSONValue] = []
            for el in a where try eval(cond, el).isTruthy {
                let x = try eval(r, el)
                if x != .null { out.append(x) }
            }
            return .array(out)
        case .flatten(let inner):
            guard case .array(let a) = try eval(inner, v) else { return .null }
            var out: [JSONValue] = []
            for el in a { if case .array(let sub) = el { out += sub } else { out.append(el) } }
            return .array(out)
        case .comparator(let op, let l, let r):
            return compare(op, try eval(l, v), try eval(r, v))
        case .and(let l, let r):
            let a = try eval(l, v)
            return a.isTruthy ? try eval(r, v) : a
        case .or(let l, let r):
            let a = try eval(l, v)
            return a.isTruthy ? a : try eval(r, v)
        case .not(let e): return .bool(!(try eval(e, v)).isTruthy)
        case .literal(let x): return x
        case .multiList(let items):
            if v == .null { return .null }
            return .array(try items.map { try eval($0, v) })
        case .multiHash(let pairs):
            if v == .null { return .null }
            var o = JSONObject()
            for (k, n) in pairs { o[k] = try eval(n, v) }
            return .object(o)
        case .pipe(let l, let r): return try eval(r, try eval(l, v))
        case .expref: return .null
        case .function(let name, let args): return try call(name, args, v)
        }
    }

    static func slice(_ a: [JSONValue], _ start: Int?, _ stop: Int?, _ step: Int) -> [JSONValue] {
        let n = a.count
        guard step != 0 else { return [] }
        func clamp(_ x: Int?, _ def: Int) -> Int {
            guard var x else { return def }
            if x < 0 { x += n; if x < 0 { x = step < 0 ? -1 : 0 } }
            else if x >= n { x = step < 0 ? n - 1 : n }
            return x
        }
        var out: [JSONValue] = []
        var i = clamp(start, step > 0 ? 0 : n - 1)
        let end = clamp(stop, step > 0 ? n : -1)
        while step > 0 ? i < end : i > end { out.append(a[i]); i += step }
        return out
    }

    static func number(_ v: JSONValue) -> Double? {
        switch v { case .int(let i): return Double(i); case .double(let d): return d; default: return nil }
    }

    static func compare(_ op: String, _ a: JSONValue, _ b: JSONValue) -> JSONValue {
        switch op {
        case "==": return .bool(equal(a, b))
        case "!=": return .bool(!equal(a, b))
        default:
            guard let x = number(a), let y = number(b) else { return .null }
            switch op {
            case "<": return .bool(x < y)
            case "<=": return .bool(x <= y)
            case ">": return .bool(x > y)
            default: return .bool(x >= y)
            }
        }
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        return a == b
    }

    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    static func call(_ name: String, _ args: [Node], _ v: JSONValue) throws -> JSONValue {
        func arg(_ i: Int) throws -> JSONValue {
            guard i < args.count else { throw EvalError(description: "Invalid number of arguments for \(name)()") }
            return try eval(args[i], v)
        }
        func keyFn(_ i: Int) throws -> Node {
            guard i < args.count, case .expref(let n) = args[i] else { throw EvalError(description: "\(name)() expects an &expression") }
            return n
        }
        func less(_ x: JSONValue, _ y: JSONValue) -> Bool {
            if let a = number(x), let b = number(y) { return a < b }
            if case .string(let a) = x, case .string(let b) = y { return a < b }
            return false
        }
        switch name {
        case "length":
            switch try arg(0) {
            case .string(let s): return .int(Int64(s.unicodeScalars.count))
            case .array(let a): return .int(Int64(a.count))
            case .object(let o): return .int(Int64(o.count))
            default: throw EvalError(description: "length() expects a string, array or object")
            }
        case "contains":
            let subject = try arg(0), needle = try arg(1)
            if case .string(let s) = subject, case .string(let n) = needle { return .bool(s.contains(n)) }
            if case .array(let a) = subject { return .bool(a.contains { equal($0, needle) }) }
            return .bool(false)
        case "starts_with", "ends_with":
            guard case .string(let s) = try arg(0), case .string(let p) = try arg(1) else { return .null }
            return .bool(name == "starts_with" ? s.hasPrefix(p) : s.hasSuffix(p))
        case "keys":
            guard case .object(let o) = try arg(0) else { return .null }
            return .array(o.keys.map { .string($0) })
        case "values":
            guard case .object(let o) = try arg(0) else { return .null }
            return .array(o.entries.map(\.value))
        case "sort":
            guard case .array(let a) = try arg(0) else { return .null }
            return .array(a.sorted(by: less))
        case "reverse":
            switch try arg(0) {
            case .array(let a): return .array(a.reversed())
            case .string(let s): return .string(String(s.reversed()))
            default: return .null
            }
        case "sort_by", "max_by", "min_by":
            guard case .array(let a) = try arg(0) else { return .null }
            let fn = try keyFn(1)
            let keyed = try a.map { (try eval(fn, $0), $0) }
            let sorted = keyed.sorted { less($0.0, $1.0) }
            if name == "sort_by" { return .array(sorted.map(\.1)) }
            return (name == "max_by" ? sorted.last?.1 : sorted.first?.1) ?? .null
        case "max", "min":
            guard case .array(let a) = try arg(0), !a.isEmpty else { return .null }
            let s = a.sorted(by: less)
            return name == "max" ? s.last! : s.first!
        case "sum", "avg":
            guard case .array(let a) = try arg(0) else { return .null }
            let nums = a.compactMap(number)
            if name == "avg" { return nums.isEmpty ? .null : .double(nums.reduce(0, +) / Double(nums.count)) }
            if a.allSatisfy({ if case .int = $0 { return true }; return false }) {
                return .int(a.reduce(Int64(0)) { if case .int(let i) = $1 { return $0 + i }; return $0 })
            }
            return .double(nums.reduce(0, +))
        case "join":
            guard case .string(let sep) = try arg(0), case .array(let a) = try arg(1) else { return .null }
            return .string(a.compactMap(\.stringValue).joined(separator: sep))
        case "to_string":
            let x = try arg(0)
            if case .string = x { return x }
            return .string(x.serialized(indent: nil).replacingOccurrences(of: ", ", with: ",").replacingOccurrences(of: ": ", with: ":"))
        case "to_number":
            let x = try arg(0)
            if number(x) != nil { return x }
            if case .string(let s) = x { if let i = Int64(s) { return .int(i) }; if let d = Double(s) { return .double(d) } }
            return .null
        case "type": return .string(typeName(try arg(0)))
        case "not_null":
            for i in args.indices { let x = try arg(i); if x != .null { return x } }
            return .null
        case "abs":
            switch try arg(0) { case .int(let i): return .int(abs(i)); case .double(let d): return .double(abs(d)); default: return .null }
        default:
            throw EvalError(description: "Unknown function: \(name)()")
        }
    }
}
