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
