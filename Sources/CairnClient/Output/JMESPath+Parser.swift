import Foundation

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
