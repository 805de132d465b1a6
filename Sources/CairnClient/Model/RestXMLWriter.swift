import Foundation

/// botocore's `RestXMLSerializer` written out as Python's ElementTree writes it, byte for byte:
/// members in the order the user gave them (botocore walks the parameter dict, not the model),
/// `xmlns` first and `xmlAttribute` members as attributes, flattened lists without a wrapper,
/// empty elements as `<Name />`, no XML declaration.
struct RestXMLWriter {
    let model: S3Model
    private(set) var out = ""

    init(model: S3Model) { self.model = model }

    /// The document for a payload member (its `locationName` is the root) or, for an operation
    /// without a payload, for the input shape's body members.
    static func document(_ value: JSONValue, shapeName: String, rootName: String, namespace: S3Model.Namespace?, model: S3Model) -> String {
        var w = RestXMLWriter(model: model)
        w.write(value, shapeName: shapeName, name: rootName, namespace: namespace)
        return w.out
    }

    /// One element: `namespace` is the merged `xmlNamespace` trait of the member (or list item).
    mutating func write(_ value: JSONValue, shapeName: String, name: String, namespace: S3Model.Namespace?) {
        let shape = model.shape(shapeName)
        var attributes: [(String, String)] = []
        if let namespace { attributes.append((namespace.attributeName, namespace.uri)) }
        switch shape.type {
        case "structure":
            guard case .object(let o) = value else { return }
            let members = shape.members ?? []
            // botocore returns at the first None value, dropping the members after it.
            var given: [(S3Model.Member, JSONValue)] = []
            for e in o.entries {
                if e.value == .null { break }
                guard let m = members.first(where: { $0.name == e.key }) else { continue }
                given.append((m, e.value))
            }
            for (m, v) in given where m.xmlAttribute == true { attributes.append((m.wireName, Self.scalarText(v, model.shape(m.shape)))) }
            let children = given.filter { $0.0.xmlAttribute != true }
            if children.isEmpty { return empty(name, attributes) }
            open(name, attributes)
            for (m, v) in children {
                write(v, shapeName: m.shape, name: m.wireName, namespace: m.xmlNamespace, flattened: m.flattened)
            }
            out += "</\(name)>"
        case "list", "map":
            write(value, shapeName: shapeName, name: name, namespace: namespace, flattened: shape.flattened)
        default:
            let text = Self.scalarText(value, shape)
            if text.isEmpty { return empty(name, attributes) }
            open(name, attributes)
            out += Self.escapeText(text) + "</\(name)>"
        }
    }

    /// Lists and maps need the member's `flattened` trait; other shapes pass through.
    private mutating func write(_ value: JSONValue, shapeName: String, name: String, namespace: S3Model.Namespace?, flattened: Bool?) {
        let shape = model.shape(shapeName)
        let isFlat = flattened ?? shape.flattened ?? false
        switch (shape.type, value) {
        case ("list", .array(let items)):
            let item = shape.member!
            let itemNamespace = model.shape(item).xmlNamespace
            if isFlat {
                for v in items { write(v, shapeName: item, name: name, namespace: itemNamespace) }
                return
            }
            let attributes = namespace.map { [($0.attributeName, $0.uri)] } ?? []
            if items.isEmpty { return empty(name, attributes) }
            open(name, attributes)
            for v in items { write(v, shapeName: item, name: shape.memberName ?? "member", namespace: itemNamespace) }
            out += "</\(name)>"
        case ("map", .object(let o)):
            let keyName = shape.keyName ?? "key", valueName = shape.valueName ?? "value"
            if !isFlat { open(name, namespace.map { [($0.attributeName, $0.uri)] } ?? []) }
            for e in o.entries {
                open(isFlat ? name : "entry", [])
                write(.string(e.key), shapeName: shape.key!, name: keyName, namespace: nil)
                write(e.value, shapeName: shape.value!, name: valueName, namespace: nil)
                out += "</\(isFlat ? name : "entry")>"
            }
            if !isFlat { out += "</\(name)>" }
        case ("list", _), ("map", _):
            return
        default:
            write(value, shapeName: shapeName, name: name, namespace: namespace)
        }
    }

    private mutating func open(_ name: String, _ attributes: [(String, String)]) {
        out += "<" + name
        for (k, v) in attributes { out += " \(k)=\"\(Self.escapeAttribute(v))\"" }
        out += ">"
    }

    private mutating func empty(_ name: String, _ attributes: [(String, String)]) {
        out += "<" + name
        for (k, v) in attributes { out += " \(k)=\"\(Self.escapeAttribute(v))\"" }
        out += " />"
    }

    /// A scalar as botocore writes it: booleans `true`/`false`, floats as Python's `str`,
    /// timestamps as ISO 8601 (or the shape's `timestampFormat`), blobs base64.
    static func scalarText(_ v: JSONValue, _ shape: S3Model.Shape) -> String {
        switch (shape.type, v) {
        case ("boolean", _): return v.isTruthy ? "true" : "false"
        case ("timestamp", _):
            let raw = v.pythonString
            return BotoTimestamp.format(raw, as: shape.timestampFormat ?? "iso8601") ?? raw
        case ("blob", .string(let s)): return Data(s.utf8).base64EncodedString()
        default: return v.pythonString
        }
    }

    /// ElementTree's `_escape_cdata`: only `&`, `<` and `>`.
    static func escapeText(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return s }
        return s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// ElementTree's `_escape_attrib`.
    static func escapeAttribute(_ s: String) -> String {
        var r = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "\r": r += "&#13;"
            case "\n": r += "&#10;"
            case "\t": r += "&#09;"
            default: r.unicodeScalars.append(c)
            }
        }
        return r
    }
}
