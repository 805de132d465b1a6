import Foundation
import Yams

/// One `cairn s3api <operation> ...` command line, parsed as the aws CLI parses it: global
/// options anywhere, `--name value` / `--name=value`, `--flag` / `--no-flag` for booleans,
/// `file://` / `fileb://` parameter files, JSON or shorthand (`a=1,b=2`) for structures.
public struct ParsedCommand: Sendable {
    public var operationName: String
    public var operation: S3Model.Operation
    public var globals = GlobalOptions()
    /// Parameters by model member name, from the command line only.
    public var params = JSONObject()
    public var bodyPath: String?
    public var outfile: String?
    public var skeleton: String?
    public var cliInputJSON: String?
    public var cliInputYAML: String?
    public var autoPrompt = false
    public var maxItems: Int?
    public var startingToken: String?
    public var pageSize: Int?
}

/// `--help` on an operation: the synopsis goes to stdout, exit 0.
public struct HelpRequest: Error, Sendable {
    public var text: String
}

public enum CommandLineParser {
    static let globalValueOptions: Set<String> = ["--endpoint-url", "--region", "--profile", "--output", "--query", "--color",
                                                  "--ca-bundle", "--cli-read-timeout", "--cli-connect-timeout", "--cli-binary-format"]
    static let globalFlags: Set<String> = ["--no-verify-ssl", "--debug", "--no-paginate", "--no-sign-request", "--no-cli-pager", "--no-cli-auto-prompt"]

    /// The operation's streaming blob member that the aws CLI takes as a file path.
    static func isBodyFile(_ op: S3Model.Operation, _ m: S3Model.Member) -> Bool {
        m.name == S3Model.shared.streamingBlob(of: op.input)?.name
    }

    /// Operations whose output streams to a file: the aws CLI adds a positional `outfile` and
    /// then offers neither `--cli-input-json` nor `--generate-cli-skeleton`.
    static func hasOutfile(_ op: S3Model.Operation) -> Bool {
        S3Model.shared.streamingBlob(of: op.output) != nil || S3Model.shared.payloadMember(of: op.output)?.eventstream == true
    }

    public static func parse(_ argv: [String]) throws -> ParsedCommand {
        var args = argv
        var globals = GlobalOptions()
        // Pull global options out wherever they are.
        var rest: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            let (name, inline) = split(a)
            if globalValueOptions.contains(name) {
                let v: String
                if let inline { v = inline } else {
                    guard i + 1 < args.count else { throw UsageError("argument \(name): expected one argument") }
                    v = args[i + 1]; i += 1
                }
                switch name {
                case "--endpoint-url": globals.endpointURL = v
                case "--region": globals.region = v
                case "--profile": globals.profile = v
                case "--output":
                    guard OutputFormat(rawValue: v) != nil else {
                        throw UsageError("argument --output: Invalid choice, valid choices are:\n\njson                                     | text                                    \ntable                                   ")
                    }
                    globals.output = v
                case "--query": globals.query = v
                case "--ca-bundle": globals.caBundle = v
                case "--cli-connect-timeout", "--cli-read-timeout":
                    guard let t = Double(v) else { throw UsageError("argument \(name): invalid int value: '\(v)'") }
                    if name == "--cli-connect-timeout" { globals.connectTimeout = t } else { globals.readTimeout = t }
                default: break
                }
            } else if globalFlags.contains(a) {
                switch a {
                case "--no-verify-ssl": globals.noVerifySSL = true
                case "--debug": globals.debug = true
                case "--no-paginate": globals.noPaginate = true
                case "--no-sign-request": globals.noSignRequest = true
                default: break
                }
            } else {
                rest.append(a)
            }
            i += 1
        }
        args = rest
        guard let opCLI = args.first, !opCLI.hasPrefix("-") else {
            throw UsageError("the following arguments are required: operation")
        }
        guard let (opName, op) = S3Model.shared.operation(cli: opCLI) else {
            throw UsageError("argument operation: Invalid choice, valid choices are:\n\n" + S3Model.shared.cliNames.joined(separator: "\n"))
        }
        if args.contains("--help") || args.contains("-h") || args.dropFirst().first == "help" {
            throw HelpRequest(text: synopsis(opName, op))
        }
        var cmd = ParsedCommand(operationName: opName, operation: op, globals: globals)
        let members = op.input.map { S3Model.shared.shape($0).members ?? [] } ?? []
        var byCLI: [String: S3Model.Member] = [:]
        for m in members { byCLI[m.cli] = m }
        var positionals: [String] = []
        var unknown: [String] = []
        i = 1
        func value(_ name: String, _ inline: String?) throws -> String {
            if let inline { return inline }
            guard i + 1 < args.count, !(args[i + 1].hasPrefix("--") && args[i + 1].count > 2) else {
                throw UsageError("argument \(name): expected one argument")
            }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            let (name, inline) = split(a)
            if !a.hasPrefix("--") {
                positionals.append(a)
                i += 1
                continue
            }
            switch name {
            case let n where hasOutfile(op) && ["--generate-cli-skeleton", "--cli-input-json", "--cli-input-yaml"].contains(n):
                unknown.append(a)
                if inline == nil, i + 1 < args.count, !args[i + 1].hasPrefix("--") { i += 1; unknown.append(args[i]) }
            case "--generate-cli-skeleton":
                if let inline { cmd.skeleton = inline }
                else if i + 1 < args.count, ["input", "output", "yaml-input"].contains(args[i + 1]) { cmd.skeleton = args[i + 1]; i += 1 }
                else { cmd.skeleton = "input" }
                guard ["input", "output", "yaml-input"].contains(cmd.skeleton!) else {
                    throw UsageError("argument --generate-cli-skeleton: Invalid choice, valid choices are:\n\ninput                                    | output                                  \nyaml-input")
                }
            case "--cli-input-json": cmd.cliInputJSON = try value(name, inline)
            case "--cli-input-yaml": cmd.cliInputYAML = try value(name, inline)
            case "--cli-auto-prompt": cmd.autoPrompt = true
            case "--max-items" where op.paginator != nil:
                let v = try value(name, inline)
                guard let n = Int(v) else { throw UsageError("argument --max-items: invalid int value: '\(v)'") }
                cmd.maxItems = n
            case "--page-size" where op.paginator != nil:
                let v = try value(name, inline)
                guard let n = Int(v) else { throw UsageError("argument --page-size: invalid int value: '\(v)'") }
                cmd.pageSize = n
            case "--starting-token" where op.paginator != nil: cmd.startingToken = try value(name, inline)
            default:
                let bare = String(name.dropFirst(2))
                if let m = byCLI[bare] {
                    let shape = S3Model.shared.shape(m.shape)
                    if shape.type == "boolean" && inline == nil {
                        cmd.params[m.name] = .bool(true)
                    } else if isBodyFile(op, m) {
                        cmd.bodyPath = try value(name, inline)
                    } else if shape.type == "list", inline == nil, i + 2 < args.count, !args[i + 2].hasPrefix("--") {
                        // argparse's nargs='*' for lists: `--object-attributes ETag ObjectSize`,
                        // `--objects Key=a Key=b`, one element per word.
                        var items: [JSONValue] = []
                        while i + 1 < args.count, !args[i + 1].hasPrefix("--") {
                            i += 1
                            items.append(try convert(try readParamFile(args[i]), shapeName: shape.member!, argName: name))
                        }
                        cmd.params[m.name] = .array(items)
                    } else {
                        let raw = try value(name, inline)
                        cmd.params[m.name] = try convert(try readParamFile(raw), shapeName: m.shape, argName: name)
                    }
                } else if bare.hasPrefix("no-"), let m = byCLI[String(bare.dropFirst(3))], S3Model.shared.shape(m.shape).type == "boolean" {
                    cmd.params[m.name] = .bool(false)
                } else {
                    unknown.append(a)
                    // Swallow a value that follows an unknown option, as argparse reports both.
                    if inline == nil, i + 1 < args.count, !args[i + 1].hasPrefix("--") { i += 1; unknown.append(args[i]) }
                }
            }
            i += 1
        }
        if hasOutfile(op) {
            if let first = positionals.first { cmd.outfile = first; positionals.removeFirst() }
        }
        if !unknown.isEmpty || !positionals.isEmpty {
            throw UsageError("Unknown options: " + (unknown + positionals).joined(separator: ", "))
        }
        return cmd
    }

    /// One option of an operation's command line, as the aws CLI's argument table lists it
    /// (`outfile` being the positional of streaming downloads).
    public struct ArgumentSpec: Equatable, Sendable {
        public var name: String
        public var required: Bool
        public var boolean: Bool
    }

    /// The options `parse` accepts for `op` besides the global ones: every input member (a
    /// boolean also as `--no-NAME`), `outfile` or the input-document options, and the paging
    /// options of a paginated operation. `cli-input-yaml` is the aws CLI v2's, offered here too.
    public static func argumentTable(_ op: S3Model.Operation) -> [ArgumentSpec] {
        let members = op.input.map { S3Model.shared.shape($0).members ?? [] } ?? []
        let isBool = { (m: S3Model.Member) in S3Model.shared.shape(m.shape).type == "boolean" }
        var t = members.map { ArgumentSpec(name: $0.cli, required: $0.isRequired, boolean: isBool($0)) }
        t += members.filter(isBool).map { ArgumentSpec(name: "no-" + $0.cli, required: false, boolean: true) }
        if hasOutfile(op) {
            t.append(ArgumentSpec(name: "outfile", required: true, boolean: false))
        } else {
            t += ["cli-input-json", "cli-input-yaml", "generate-cli-skeleton"].map { ArgumentSpec(name: $0, required: false, boolean: false) }
        }
        if op.paginator != nil {
            t += ["starting-token", "page-size", "max-items"].map { ArgumentSpec(name: $0, required: false, boolean: false) }
        }
        return t
    }

    /// The operation's synopsis, laid out as the aws CLI's help page lays it out.
    static func synopsis(_ opName: String, _ op: S3Model.Operation) -> String {
        var lines = ["\(op.cli)", ""]
        // awscli documents a paginated operation's token and limit members as --starting-token
        // and --page-size only (they are still accepted by their own names).
        let paging = Set((op.paginator?.input_token ?? []) + (op.paginator?.limit_key.map { [$0] } ?? []))
        let members = (op.input.map { S3Model.shared.shape($0).members ?? [] } ?? []).filter { !paging.contains($0.name) }
        for m in members {
            let v = S3Model.shared.shape(m.shape).type == "boolean" ? "| --no-\(m.cli)" : "<value>"
            let item = "--\(m.cli) \(v)"
            lines.append(m.isRequired ? item : "[\(item)]")
        }
        if hasOutfile(op) { lines.append("<outfile>") }
        if op.paginator != nil { lines += ["[--max-items <value>]", "[--starting-token <value>]", "[--page-size <value>]"] }
        if !hasOutfile(op) { lines += ["[--cli-input-json <value> | --cli-input-yaml <value>]", "[--generate-cli-skeleton <value>]"] }
        lines += ["[--cli-auto-prompt]", "",
                  "Global options: --endpoint-url, --region, --profile, --output json|text|table, --query, --no-verify-ssl, --ca-bundle,",
                  "--debug, --no-paginate, --cli-connect-timeout, --cli-read-timeout", ""]
        for m in members where !(m.doc ?? "").isEmpty { lines.append("--\(m.cli) (\(S3Model.shared.shape(m.shape).type))\n    \(m.doc!)") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func split(_ a: String) -> (String, String?) {
        guard a.hasPrefix("--"), let eq = a.firstIndex(of: "=") else { return (a, nil) }
        return (String(a[..<eq]), String(a[a.index(after: eq)...]))
    }

    /// `file://path` reads a text file, `fileb://path` its bytes (as a string), as the aws CLI does.
    static func readParamFile(_ raw: String) throws -> String {
        for prefix in ["file://", "fileb://"] where raw.hasPrefix(prefix) {
            let path = ConfigResolver.expand(String(raw.dropFirst(prefix.count)), env: ProcessInfo.processInfo.environment)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw UsageError("Error parsing parameter '\(raw)': Unable to load paramfile \(raw): [Errno 2] No such file or directory: '\(path)'")
            }
            return String(decoding: data, as: UTF8.self)
        }
        return raw
    }

    /// Converts a command-line string to the member's type.
    static func convert(_ raw: String, shapeName: String, argName: String) throws -> JSONValue {
        let shape = S3Model.shared.shape(shapeName)
        switch shape.type {
        case "integer", "long":
            guard let n = Int64(raw.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("invalid literal for int() with base 10: '\(raw)'")
            }
            return .int(n)
        case "boolean": return .bool(raw.lowercased() == "true")
        case "float", "double":
            guard let d = Double(raw) else { throw UsageError("could not convert string to float: '\(raw)'") }
            return .double(d)
        case "structure", "list", "map":
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
                do { return try JSONValue.parse(trimmed) } catch {
                    throw UsageError("Error parsing parameter '\(argName)': Invalid JSON: \(error)\nJSON received: \(raw)")
                }
            }
            return try Shorthand.parse(trimmed, shapeName: shapeName, argName: argName)
        default:
            return .string(raw)
        }
    }

    /// `--cli-input-json` / `--cli-input-yaml` (inline or file://).
    public static func loadInput(json: String?, yaml: String?) throws -> JSONObject? {
        if json != nil && yaml != nil {
            throw UsageError("Only one --cli-input- parameter may be specified.")
        }
        if let json {
            let text = try readParamFile(json)
            do {
                guard case .object(let o) = try JSONValue.parse(text) else { throw UsageError("Invalid JSON received.") }
                return o
            } catch let e as UsageError { throw e } catch {
                throw UsageError("Error parsing parameter 'cli-input-json': Invalid JSON received.\nJSON received: \(text)")
            }
        }
        if let yaml {
            let text = try readParamFile(yaml)
            let node: Node?
            do { node = try Yams.compose(yaml: text) } catch {
                throw UsageError("Error parsing parameter 'cli-input-yaml': Invalid YAML received: \(error)")
            }
            guard let node, case .object(let o) = yamlToJSON(node) else { throw UsageError("Invalid YAML received.") }
            return o
        }
        return nil
    }

    static func yamlToJSON(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let m):
            var o = JSONObject()
            for (k, v) in m { o[k.string ?? ""] = yamlToJSON(v) }
            return .object(o)
        case .sequence(let s): return .array(s.map(yamlToJSON))
        case .scalar(let sc):
            if sc.style == .singleQuoted || sc.style == .doubleQuoted { return .string(sc.string) }
            if node.null != nil { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(Int64(i)) }
            if let d = node.float { return .double(d) }
            return .string(sc.string)
        default: return .null
        }
    }
}

/// The aws CLI's shorthand syntax: `Key=value,Other=value` for structures and maps,
/// `Parts=[{ETag=x,PartNumber=1},{ETag=y,PartNumber=2}]` for nested lists and structures, `a,b,c`
/// for lists of scalars; values may be quoted ('...' or "..."). Values are typed by the model.
enum Shorthand {
    indirect enum Raw { case scalar(String), list([Raw]), pairs([(String, Raw)]) }

    struct Parser {
        let c: [Character]
        var i = 0
        let raw: String, arg: String

        func fail(_ m: String) -> UsageError {
            UsageError("Error parsing parameter '\(arg)': \(m): \(raw)")
        }

        mutating func pairs(closing: Character?) throws -> Raw {
            var out: [(String, Raw)] = []
            while i < c.count && c[i] != closing {
                var key = ""
                while i < c.count && c[i] != "=" { key.append(c[i]); i += 1 }
                guard i < c.count else { throw fail("Expected: '=', received: 'EOF' for input") }
                i += 1
                out.append((key.trimmingCharacters(in: .whitespaces), try value(stops: closing.map { [",", $0] } ?? [","])))
                if i < c.count && c[i] == "," { i += 1 }
            }
            return .pairs(out)
        }

        mutating func value(stops: Set<Character>) throws -> Raw {
            if i < c.count && c[i] == "[" {
                i += 1
                var items: [Raw] = []
                while i < c.count && c[i] != "]" {
                    items.append(try value(stops: [",", "]"]))
                    if i < c.count && c[i] == "," { i += 1 }
                }
                guard i < c.count else { throw fail("Expected: ']'") }
                i += 1
                return .list(items)
            }
            if i < c.count && c[i] == "{" {
                i += 1
                let p = try pairs(closing: "}")
                guard i < c.count else { throw fail("Expected: '}'") }
                i += 1
                return p
            }
            var v = ""
            if i < c.count && (c[i] == "'" || c[i] == "\"") {
                let q = c[i]
                i += 1
                while i < c.count && c[i] != q { v.append(c[i]); i += 1 }
                guard i < c.count else { throw fail("Unterminated quote") }
                i += 1
                return .scalar(v)
            }
            while i < c.count && !stops.contains(c[i]) { v.append(c[i]); i += 1 }
            return .scalar(v.trimmingCharacters(in: .whitespaces))
        }
    }

    static func parse(_ raw: String, shapeName: String, argName: String) throws -> JSONValue {
        var p = Parser(c: Array(raw), raw: raw, arg: argName)
        let shape = S3Model.shared.shape(shapeName)
        let tree: Raw
        if shape.type == "list" {
            let member = S3Model.shared.shape(shape.member!)
            tree = member.type == "structure" ? .list([try p.pairs(closing: nil)]) : try p.value(stops: [])
            // A list of scalars has no shorthand in the aws CLI: one word is one element, commas
            // and all (`--object-attributes ETag,ObjectSize` sends `"ETag,ObjectSize"`).
            if case .scalar(let s) = tree { return .array([try CommandLineParser.convert(s, shapeName: shape.member!, argName: argName)]) }
        } else {
            tree = try p.pairs(closing: nil)
        }
        return try typed(tree, shapeName: shapeName, argName: argName)
    }

    static func typed(_ r: Raw, shapeName: String, argName: String) throws -> JSONValue {
        let shape = S3Model.shared.shape(shapeName)
        switch (shape.type, r) {
        case ("structure", .pairs(let kv)):
            var o = JSONObject()
            let members = shape.members ?? []
            for (k, v) in kv {
                guard let m = members.first(where: { $0.name == k }) else {
                    throw UsageError("Parameter validation failed:\nUnknown parameter in \(argName.dropFirst(2)): \"\(k)\", must be one of: \(members.map(\.name).joined(separator: ", "))")
                }
                o[k] = try typed(v, shapeName: m.shape, argName: argName)
            }
            return .object(o)
        case ("map", .pairs(let kv)):
            var o = JSONObject()
            for (k, v) in kv { o[k] = try typed(v, shapeName: shape.value!, argName: argName) }
            return .object(o)
        case ("list", .list(let items)):
            return .array(try items.map { try typed($0, shapeName: shape.member!, argName: argName) })
        case ("list", let single):
            return .array([try typed(single, shapeName: shape.member!, argName: argName)])
        case (_, .scalar(let s)):
            return try CommandLineParser.convert(s, shapeName: shapeName, argName: argName)
        default:
            throw UsageError("Error parsing parameter '\(argName)': invalid shorthand for a \(shape.type): \(shapeName)")
        }
    }
}
