import CairnModel
import Foundation

/// Serialises operation parameters into an `S3Request` and parses responses into the JSON the
/// aws CLI prints, following botocore's rest-xml protocol over the model.
public enum ModelCodec {
    static var model: S3Model { S3Model.shared }

    // MARK: response

    /// The aws CLI's view of a response, as botocore's rest-xml parser builds it: header members
    /// first (model order, only those sent; a header map always), then the payload or the body
    /// members. Timestamps stay as the wire has them (the aws CLI's default `cli_timestamp_format`).
    public static func parse(_ op: S3Model.Operation, response: S3Response) -> JSONObject {
        guard let outputName = op.output else { return JSONObject() }
        let output = model.shape(outputName)
        var result = JSONObject()
        for m in output.members ?? [] {
            switch m.loc {
            case "header":
                if let raw = response.header(m.wireName) {
                    let shape = model.shape(m.shape)
                    if shape.type == "list" {
                        let item = model.shape(shape.member!)
                        result[m.name] = .array(raw.split(separator: ",", omittingEmptySubsequences: false)
                            .map { scalar($0.trimmingCharacters(in: .whitespaces), type: item.type) })
                    } else {
                        result[m.name] = scalar(raw, type: shape.type)
                    }
                }
            case "headers":
                var o = JSONObject()
                let prefix = m.wireName.lowercased()
                // The name after the prefix keeps the case the server sent, as in botocore.
                for (k, v) in response.headers where k.lowercased().hasPrefix(prefix) {
                    o[String(k.dropFirst(prefix.count))] = .string(v)
                }
                result[m.name] = .object(o)
            case "statusCode":
                result[m.name] = .int(Int64(response.status))
            default:
                continue
            }
        }
        let root = response.body.isEmpty ? XMLElement(name: "") : XMLElement.parse(Data(response.body))
        if let p = model.payloadMember(of: outputName) {
            let shape = model.shape(p.shape)
            if p.eventstream == true { return result }
            if shape.type == "string" || shape.type == "blob" {
                result[p.name] = .string(String(decoding: response.body, as: UTF8.self))
            } else if let root {
                result[p.name] = parseXML(root, shapeName: p.shape, flattened: p.flattened)
            }
        } else if let root, case .object(let body)? = parseXML(root, shapeName: outputName, flattened: nil) {
            for e in body.entries { result[e.key] = e.value }
        }
        // botocore's handle_expires_header: the raw `Expires` comes last as `ExpiresString`, and
        // `Expires` is dropped when it is no timestamp.
        if let raw = response.header("Expires"), output.members?.contains(where: { $0.name == "Expires" && $0.wireName == "Expires" }) ?? false {
            if BotoTimestamp.parse(raw) == nil { result["Expires"] = nil }
            result["ExpiresString"] = .string(raw)
        }
        // botocore's parse_get_bucket_location: the constraint is the root element's text.
        if op.cli == "get-bucket-location", let root {
            result["LocationConstraint"] = root.text.isEmpty && root.children.isEmpty ? .null : .string(root.text)
        }
        return result
    }

    /// botocore's `_should_handle_200_error`: an output read from XML (not a blob, string or
    /// event stream payload).
    static func parsesXMLOutput(_ op: S3Model.Operation) -> Bool {
        guard op.output != nil else { return false }
        guard let p = model.payloadMember(of: op.output) else { return true }
        return p.eventstream != true && !["blob", "string"].contains(model.shape(p.shape).type)
    }

    static func scalar(_ text: String, type: String) -> JSONValue {
        switch type {
        case "integer", "long": return Int64(text).map { .int($0) } ?? .string(text)
        case "boolean": return .bool(text == "true")
        case "float", "double": return Double(text).map { .double($0) } ?? .string(text)
        default: return .string(text)
        }
    }

    /// The element name a structure member is found under (`_member_key_name`): a flattened
    /// list's items go by the list member's own name when it has one.
    static func keyName(_ m: S3Model.Member) -> String {
        let shape = model.shape(m.shape)
        if shape.type == "list", m.flattened ?? shape.flattened ?? false, let item = shape.memberName { return item }
        return m.wireName
    }

    /// `_parse_shape` over one element, or over the repeated elements of a flattened list / map.
    static func parseXML(_ el: XMLElement, shapeName: String, flattened: Bool?, siblings: [XMLElement]? = nil) -> JSONValue? {
        let shape = model.shape(shapeName)
        let flat = flattened ?? shape.flattened ?? false
        switch shape.type {
        case "structure":
            var o = JSONObject()
            var byName: [String: [XMLElement]] = [:]
            for c in el.children { byName[c.name, default: []].append(c) }
            for m in shape.members ?? [] where m.loc == nil {
                if let nodes = byName[keyName(m)], let first = nodes.first {
                    if let v = parseXML(first, shapeName: m.shape, flattened: m.flattened, siblings: nodes) { o[m.name] = v }
                } else if m.xmlAttribute == true, let v = el.attribute(m.wireName) {
                    o[m.name] = .string(v)
                }
            }
            return .object(o)
        case "list":
            let items = flat ? (siblings ?? [el]) : el.children
            return .array(items.compactMap { parseXML($0, shapeName: shape.member!, flattened: nil) })
        case "map":
            let entries = flat ? (siblings ?? [el]) : el.children
            var o = JSONObject()
            for entry in entries {
                guard let k = entry.child(shape.keyName ?? "key")?.text else { continue }
                o[k] = entry.child(shape.valueName ?? "value").flatMap { parseXML($0, shapeName: shape.value!, flattened: nil) } ?? .null
            }
            return .object(o)
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
