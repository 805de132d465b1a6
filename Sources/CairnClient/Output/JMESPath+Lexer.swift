import Foundation

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
