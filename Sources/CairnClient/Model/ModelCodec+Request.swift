import CairnHashing
import CairnModel
import Foundation

/// botocore's `BaseRestSerializer` + `RestXMLSerializer` over the model: URI labels, query
/// string, headers (timestamps RFC 822, lists comma-joined), header maps, and the payload (XML
/// from a structure, the bytes of a string or blob payload, or the body members of an operation
/// without a payload trait).
extension ModelCodec {
    /// Builds the request for `op` from `params` (model member names). A streaming blob payload
    /// (`Body` of PutObject ...) is supplied separately as `body`.
    public static func request(_ op: S3Model.Operation, params: JSONObject, body: RequestBody = .empty) throws -> S3Request {
        var req = S3Request(method: op.method)
        let uriParts = op.uri.split(separator: "?", maxSplits: 1)
        // The one path without labels besides `/`: WriteGetObjectResponse's.
        if uriParts[0] != "/" && !uriParts[0].contains("{") { req.bucket = String(uriParts[0].dropFirst()) }
        if uriParts.count == 2 {
            for item in uriParts[1].split(separator: "&") {
                let kv = item.split(separator: "=", maxSplits: 1)
                req.query.append((String(kv[0]), kv.count > 1 ? String(kv[1]) : ""))
            }
        }
        if let signingName = op.signingName { req.signingName = signingName }
        if var prefix = op.hostPrefix {
            for e in params.entries { prefix = prefix.replacingOccurrences(of: "{\(e.key)}", with: scalarString(e.value)) }
            req.hostPrefix = prefix
        }
        guard let inputName = op.input else { return req }
        let input = model.shape(inputName)
        var bodyMembers = JSONObject()
        for e in params.entries {
            guard e.value != .null, let m = input.members?.first(where: { $0.name == e.key }) else { continue }
            let shape = model.shape(m.shape)
            switch m.loc {
            case "uri":
                if m.wireName == "Bucket" { req.bucket = scalarString(e.value) } else { req.key = scalarString(e.value) }
            case "querystring":
                if case .array(let a) = e.value {
                    for v in a { req.query.append((m.wireName, queryValue(v, model.shape(shape.member!)))) }
                } else {
                    req.query.append((m.wireName, queryValue(e.value, shape)))
                }
            case "header":
                if shape.type == "list", e.value.arrayValue?.isEmpty ?? false { continue }
                req.headers.append((m.wireName, headerValue(e.value, shape, format: m.timestampFormat)))
            case "headers":
                for h in e.value.objectValue?.entries ?? [] { req.headers.append((m.wireName + h.key, scalarString(h.value))) }
            default:
                if input.payload == nil { bodyMembers[e.key] = e.value }
            }
        }
        if let p = model.payloadMember(of: inputName) {
            let shape = model.shape(p.shape)
            if shape.type == "structure", let v = params[p.name], v != .null {
                let xml = RestXMLWriter.document(v, shapeName: p.shape, rootName: p.wire ?? shape.xmlName ?? p.name,
                                                 namespace: p.xmlNamespace ?? shape.xmlNamespace, model: model)
                var bytes = Array(xml.utf8)
                if escapesLineBreaks.contains(op.cli) { bytes = escapeLineBreaks(bytes) }
                req.body = .bytes(bytes)
            } else if shape.type == "string", let v = params[p.name]?.stringValue {
                req.body = .bytes(Array(v.utf8))  // PutBucketPolicy: the policy document as sent
            }
        } else if !bodyMembers.isEmpty {
            let xml = RestXMLWriter.document(.object(bodyMembers), shapeName: inputName, rootName: input.xmlName ?? inputName,
                                             namespace: input.xmlNamespace, model: model)
            req.body = .bytes(Array(xml.utf8))
        }
        if case .empty = req.body { req.body = body }
        return req
    }

    static func scalarString(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return JSONValue.pythonFloat(d)
        case .null: return ""
        default: return v.serialized(indent: nil)
        }
    }

    /// `_get_uri_and_query_string_value`: booleans lower-case, timestamps ISO 8601.
    static func queryValue(_ v: JSONValue, _ shape: S3Model.Shape) -> String {
        if shape.type == "timestamp" { return BotoTimestamp.format(scalarString(v), as: shape.timestampFormat ?? "iso8601") ?? scalarString(v) }
        return scalarString(v)
    }

    /// `_convert_header_value`: timestamps RFC 822 unless the model says otherwise, lists joined
    /// with `,` (a string holding `,` or `"` quoted).
    static func headerValue(_ v: JSONValue, _ shape: S3Model.Shape, format: String?) -> String {
        switch shape.type {
        case "timestamp":
            let raw = scalarString(v)
            return BotoTimestamp.format(raw, as: format ?? shape.timestampFormat ?? "rfc822") ?? raw
        case "list":
            let item = model.shape(shape.member!)
            return (v.arrayValue ?? []).filter { $0 != .null }.map { el -> String in
                guard item.type == "string" else { return headerValue(el, item, format: nil) }
                let s = scalarString(el)
                return s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : s
            }.joined(separator: ",")
        default:
            return scalarString(v)
        }
    }

    /// botocore's `escape_xml_payload` for DeleteObjects and PutBucketLifecycleConfiguration:
    /// CR and LF in keys and prefixes become character references, so the server's XML parser
    /// cannot normalise them away.
    static let escapesLineBreaks: Set<String> = ["delete-objects", "put-bucket-lifecycle-configuration"]

    static func escapeLineBreaks(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        for b in bytes {
            switch b {
            case 0x0D: out += Array("&#xD;".utf8)
            case 0x0A: out += Array("&#xA;".utf8)
            default: out.append(b)
            }
        }
        return out
    }

    /// The checksum botocore adds (`resolve_request_checksum_algorithm`): none when a checksum
    /// header is already set; the algorithm the user named; else CRC32 when the operation
    /// requires a checksum or supports one and `request_checksum_calculation` is `when_supported`,
    /// naming it in the algorithm member's header. Bodies held in memory only: streaming
    /// uploads compute theirs as the file is read.
    static func addChecksum(_ req: inout S3Request, op: S3Model.Operation, params: JSONObject, whenSupported: Bool) throws {
        guard case .bytes(let bytes) = req.body.isEmptyBytes ? .bytes([]) : req.body else { return }
        if req.headers.contains(where: { $0.0.lowercased().hasPrefix("x-amz-checksum-") }) { return }
        let member = op.checksum?.requestAlgorithmMember
        let required = op.checksumRequired == true || op.checksum?.requestChecksumRequired == true
        let algorithm: ChecksumAlgorithm
        if let member, let name = params[member]?.stringValue {
            guard let a = ChecksumAlgorithm(caseInsensitive: name) else {
                throw ClientFailure("Unsupported checksum algorithm: \(name.lowercased())")
            }
            algorithm = a
        } else if required || (member != nil && whenSupported) {
            algorithm = .crc32
            if let member, let wire = model.shape(op.input!).members?.first(where: { $0.name == member })?.wireName {
                req.headers.append((wire, "CRC32"))
            }
        } else {
            return
        }
        var hasher = BodyHasher(sha256: false, checksum: algorithm)
        bytes.withUnsafeBytes { hasher.update($0) }
        guard let c = hasher.finalize().checksum else { return }
        req.headers.append((algorithm.headerName, c.base64))
    }
}

extension RequestBody {
    /// No body at all, which botocore sends (and hashes) as zero bytes.
    var isEmptyBytes: Bool { if case .empty = self { return true }; return false }
}
