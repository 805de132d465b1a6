import CairnModel
import Foundation

/// Serialises operation parameters into an `S3Request` and parses responses into the JSON the
/// aws CLI prints, following botocore's rest-xml protocol over the model.
public enum ModelCodec {
    static var model: S3Model { S3Model.shared }

    // MARK: request

    /// Builds the request for `op` from `params` (model member names). The streaming payload
    /// (`Body`) is supplied separately as `body`.
    public static func request(_ op: S3Model.Operation, params: JSONObject, body: RequestBody = .empty) throws -> S3Request {
        var req = S3Request(method: op.method)
        let uriParts = op.uri.split(separator: "?", maxSplits: 1)
        if uriParts.count == 2 {
            for item in uriParts[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1)
                req.query.append((String(kv[0]), kv.count > 1 ? String(kv[1]) : ""))
            }
        }
        guard let inputName = op.input else { return req }
        let input = model.shape(inputName)
        for m in input.members ?? [] {
            guard let value = params[m.name], value != .null else { continue }
            switch m.loc {
            case "uri":
                if m.name == "Bucket" { req.bucket = scalarString(value) } else { req.key = scalarString(value) }
            case "querystring":
                if case .array(let a) = value {
                    for v in a { req.query.append((m.wireName, scalarString(v))) }
                } else {
                    req.query.append((m.wireName, scalarString(value)))
                }
            case "header":
                let shape = model.shape(m.shape)
                var s = scalarString(value)
                if shape.type == "timestamp" { s = HTTPDate.rfc1123(from: s) ?? s }
                if shape.type == "list", case .array(let a) = value { s = a.map(scalarString).joined(separator: ",") }
                req.headers.append((m.wireName, s))
            case "headers":
                if case .object(let o) = value {
                    for e in o.entries { req.headers.append((m.wireName + e.key, scalarString(e.value))) }
                }
            default:
                if input.payload == m.name {
                    let shape = model.shape(m.shape)
                    if shape.type == "structure" {
                        var xml = ""
                        writeXML(value, shapeName: m.shape, elementName: m.wire ?? shape.xmlName ?? m.name,
                                 namespace: m.xmlNamespace?.uri ?? shape.xmlNamespace, into: &xml)
                        req.body = .bytes(Array(xml.utf8))
                    }
                }
            }
        }
        if case .empty = req.body { req.body = body }
        return req
    }

    static func scalarString(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .null: return ""
        default: return v.serialized(indent: nil)
        }
    }

    static func writeXML(_ v: JSONValue, shapeName: String, elementName: String, namespace: String?, into out: inout String) {
        let shape = model.shape(shapeName)
        let open = namespace.map { "<\(elementName) xmlns=\"\($0)\">" } ?? "<\(elementName)>"
        switch shape.type {
        case "structure":
            guard case .object(let o) = v else { return }
            out += open
            for m in shape.members ?? [] {
                guard let mv = o[m.name] else { continue }
                let ms = model.shape(m.shape)
                if ms.type == "list", m.flattened ?? ms.flattened ?? false, case .array(let a) = mv {
                    for el in a { writeXML(el, shapeName: ms.member!, elementName: m.wireName, namespace: nil, into: &out) }
                } else {
                    writeXML(mv, shapeName: m.shape, elementName: m.wireName, namespace: nil, into: &out)
                }
            }
            out += "</\(elementName)>"
        case "list":
            guard case .array(let a) = v else { return }
            out += open
            for el in a { writeXML(el, shapeName: shape.member!, elementName: shape.memberName ?? "member", namespace: nil, into: &out) }
            out += "</\(elementName)>"
        default:
            out += open + xmlEscape(scalarString(v)) + "</\(elementName)>"
        }
    }

    // MARK: response

    /// The aws CLI's view of a response: header members, then body members, in model order;
    /// a field appears only when the server sent it. Timestamps stay as the wire has them (the
    /// aws CLI's default `cli_timestamp_format`).
    public static func parse(_ op: S3Model.Operation, response: S3Response) -> JSONObject {
        guard let outputName = op.output else { return JSONObject() }
        let output = model.shape(outputName)
        var result = JSONObject()
        let root: XMLElement? = response.body.isEmpty ? nil : XMLElement.parse(Data(response.body))
        for m in output.members ?? [] {
            switch m.loc {
            case "header":
                if let raw = response.header(m.wireName) {
                    let shape = model.shape(m.shape)
                    if shape.type == "list" {
                        result[m.name] = .array(raw.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                    } else {
                        result[m.name] = scalar(raw, type: shape.type)
                    }
                }
            case "headers":
                var o = JSONObject()
                let prefix = m.wireName.lowercased()
                for (k, v) in response.headers where k.lowercased().hasPrefix(prefix) {
                    o[String(k.lowercased().dropFirst(prefix.count))] = .string(v)
                }
                result[m.name] = .object(o)
            case "statusCode":
                result[m.name] = .int(Int64(response.status))
            default:
                if output.payload == m.name {
                    let shape = model.shape(m.shape)
                    if shape.type == "structure", let root { result[m.name] = parseXML(root, shapeName: m.shape) }
                    continue
                }
                guard let root else { continue }
                if let v = parseMember(m, in: root) { result[m.name] = v }
            }
        }
        return result
    }

    static func scalar(_ text: String, type: String) -> JSONValue {
        switch type {
        case "integer", "long": return Int64(text).map { .int($0) } ?? .string(text)
        case "boolean": return .bool(text.lowercased() == "true")
        case "float", "double": return Double(text).map { .double($0) } ?? .string(text)
        default: return .string(text)
        }
    }

    static func parseMember(_ m: S3Model.Member, in parent: XMLElement) -> JSONValue? {
        let shape = model.shape(m.shape)
        if shape.type == "list" && (m.flattened ?? shape.flattened ?? false) {
            let els = parent.children(m.wireName)
            guard !els.isEmpty else { return nil }
            return .array(els.compactMap { parseXML($0, shapeName: shape.member!) })
        }
        guard let el = parent.child(m.wireName) else { return nil }
        return parseXML(el, shapeName: m.shape)
    }

    static func parseXML(_ el: XMLElement, shapeName: String) -> JSONValue? {
        let shape = model.shape(shapeName)
        switch shape.type {
        case "structure":
            var o = JSONObject()
            for m in shape.members ?? [] {
                if let v = parseMember(m, in: el) { o[m.name] = v }
            }
            return .object(o)
        case "list":
            let name = shape.memberName ?? "member"
            return .array(el.children(name).compactMap { parseXML($0, shapeName: shape.member!) })
        case "map":
            return .object(JSONObject())
        default:
            return scalar(el.text, type: shape.type)
        }
    }

    // MARK: skeletons (botocore.utils.ArgumentGenerator)

    /// `--generate-cli-skeleton input` (member names, empty values) or `output` (member names as
    /// string values). Enums take their first value (botocore picks one at random).
    public static func skeleton(shapeName: String, forOutput: Bool, name: String = "", stack: [String] = []) -> JSONValue {
        let shape = model.shape(shapeName)
        var stack = stack
        stack.append(shapeName)
        switch shape.type {
        case "structure":
            if stack.filter({ $0 == shapeName }).count > 1 { return .object(JSONObject()) }
            var o = JSONObject()
            for m in shape.members ?? [] { o[m.name] = skeleton(shapeName: m.shape, forOutput: forOutput, name: m.name, stack: stack) }
            return .object(o)
        case "list":
            return .array([skeleton(shapeName: shape.member!, forOutput: forOutput, name: forOutput ? shape.member! : "", stack: stack)])
        case "map":
            return .object(JSONObject([(forOutput ? shape.key! : "KeyName", skeleton(shapeName: shape.value!, forOutput: forOutput, name: forOutput ? shape.value! : "", stack: stack))]))
        case "string":
            if forOutput { return .string(name) }
            return .string(shape.enum?.first ?? "")
        case "integer", "long": return .int(0)
        case "float", "double": return .double(0)
        case "boolean": return .bool(true)
        case "timestamp": return .string(forOutput ? "1970-01-01T00:00:00" : "1970-01-01T00:00:00")
        default: return .null  // blob
        }
    }
}

/// RFC 1123 dates for timestamp headers (Expires, If-Modified-Since ...).
enum HTTPDate {
    static func rfc1123(from s: String) -> String? {
        let iso = ISO8601DateFormatter()
        var date = iso.date(from: s)
        if date == nil { iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]; date = iso.date(from: s) }
        if date == nil, let t = Double(s) { date = Date(timeIntervalSince1970: t) }
        guard let date else { return nil }
        return UTCDate(date).rfc1123
    }
}
