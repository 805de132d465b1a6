/// botocore's `ParamValidator`, run on the parameters before a request is built: missing
/// required members, unknown members and values of the wrong type, at any depth, reported all
/// at once in botocore's words (`Missing required parameter in Tagging.TagSet[0]: "Value"`).
/// Python's names for types and its `repr` of values are used, since the messages are botocore's.
enum ParamValidator {
    static func validate(_ params: JSONObject, inputShape: String) throws {
        var errors: [String] = []
        check(.object(params), shapeName: inputShape, path: "input", errors: &errors)
        if !errors.isEmpty { throw UsageError("Parameter validation failed:\n" + errors.joined(separator: "\n")) }
    }

    private static func check(_ v: JSONValue, shapeName: String, path: String, errors: inout [String]) {
        let shape = S3Model.shared.shape(shapeName)
        switch (shape.type, v) {
        case ("structure", .object(let o)):
            let members = shape.members ?? []
            for m in members where m.isRequired && o[m.name] == nil {
                errors.append("Missing required parameter in \(path): \"\(m.name)\"")
            }
            // botocore's order: missing members, unknown ones, then the known ones' contents.
            for e in o.entries where !members.contains(where: { $0.name == e.key }) {
                errors.append("Unknown parameter in \(path): \"\(e.key)\", must be one of: \(members.map(\.name).joined(separator: ", "))")
            }
            for e in o.entries {
                guard let m = members.first(where: { $0.name == e.key }) else { continue }
                check(e.value, shapeName: m.shape, path: path == "input" ? e.key : "\(path).\(e.key)", errors: &errors)
            }
        case ("list", .array(let items)):
            for (i, item) in items.enumerated() { check(item, shapeName: shape.member!, path: "\(path)[\(i)]", errors: &errors) }
        case ("map", .object(let o)):
            for e in o.entries { check(e.value, shapeName: shape.value!, path: "\(path).\(e.key)", errors: &errors) }
        case ("string", .string), ("boolean", .bool), ("integer", .int), ("long", .int),
             ("integer", .bool), ("long", .bool),  // Python's bool is an int
             ("float", .double), ("double", .double), ("float", .int), ("double", .int),
             ("timestamp", .string), ("timestamp", .int), ("timestamp", .double), ("blob", .string):
            return
        default:
            errors.append("Invalid type for parameter \(path), value: \(pythonRepr(v)), type: \(pythonType(v)), valid types: \(validTypes(shape.type))")
        }
    }

    static func validTypes(_ type: String) -> String {
        switch type {
        case "structure", "map": return "<class 'dict'>"
        case "list": return "<class 'list'>, <class 'tuple'>"
        case "integer", "long": return "<class 'int'>"
        case "boolean": return "<class 'bool'>"
        case "float", "double": return "<class 'float'>, <class 'decimal.Decimal'>, <class 'int'>"
        case "timestamp": return "<class 'datetime.datetime'>, timestamp-string"
        case "blob": return "<class 'bytes'>, <class 'bytearray'>, file-like object"
        default: return "<class 'str'>"
        }
    }

    static func pythonType(_ v: JSONValue) -> String {
        switch v {
        case .null: return "<class 'NoneType'>"
        case .bool: return "<class 'bool'>"
        case .int: return "<class 'int'>"
        case .double: return "<class 'float'>"
        case .string: return "<class 'str'>"
        case .array: return "<class 'list'>"
        case .object: return "<class 'collections.OrderedDict'>"
        }
    }

    /// Python's `repr` of a value as the aws CLI loaded it (JSON objects become OrderedDicts).
    static func pythonRepr(_ v: JSONValue) -> String {
        switch v {
        case .null: return "None"
        case .string(let s): return s.contains("'") && !s.contains("\"") ? "\"\(s)\"" : "'" + s.replacingOccurrences(of: "'", with: "\\'") + "'"
        case .array(let a): return "[" + a.map(pythonRepr).joined(separator: ", ") + "]"
        case .object(let o):
            return "OrderedDict([" + o.entries.map { "(" + pythonRepr(.string($0.key)) + ", " + pythonRepr($0.value) + ")" }.joined(separator: ", ") + "])"
        default: return v.pythonString
        }
    }
}
