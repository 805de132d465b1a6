import CairnModel
import Foundation

/// A POST Object policy document: when it expires and the conditions the form must meet. Its
/// base64 text is what the form's signature signs.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
public struct PostPolicy: Sendable {
    public enum Condition: Sendable, Equatable {
        /// `{"field": "value"}` or `["eq", "$field", "value"]` (field lowercased).
        case equals(field: String, value: String)
        /// `["starts-with", "$field", "prefix"]`.
        case startsWith(field: String, prefix: String)
        /// `["content-length-range", min, max]`.
        case contentLengthRange(ClosedRange<Int64>)
    }

    public var expiration: Date
    public var conditions: [Condition]

    /// Fields no condition needs to name: AWS lists `x-amz-signature`, `file`, `policy` and any
    /// `x-ignore-` field for SigV4 forms, `AWSAccessKeyId` and `signature` for SigV2 ones.
    static let exempt: Set<String> = ["x-amz-signature", "signature", "awsaccesskeyid", "file", "policy"]

    /// Decodes the base64 JSON document, with S3's 400 InvalidPolicyDocument for what is not one.
    public init(base64 text: String) throws(S3Error) {
        func invalid(_ detail: String) -> S3Error { S3Error(.invalidPolicyDocument, "Invalid Policy: \(detail)") }
        guard let data = Data(base64Encoded: text),
              let object = try? JSONSerialization.jsonObject(with: data), let doc = object as? [String: Any] else {
            throw invalid("Invalid JSON.")
        }
        guard let exp = doc["expiration"] else { throw invalid("Missing expiration.") }
        guard let text = exp as? String, let date = UTCDate.parseISO8601(text) else {
            throw invalid("Invalid 'expiration' value: '\(exp)'")
        }
        guard let list = doc["conditions"] as? [Any] else { throw invalid("Missing 'conditions'.") }
        expiration = date
        conditions = try list.map { c throws(S3Error) in try Self.condition(c, invalid) }
    }

    static func condition(_ c: Any, _ invalid: (String) -> S3Error) throws(S3Error) -> Condition {
        if let object = c as? [String: Any] {
            guard object.count == 1, let (name, value) = object.first, let v = value as? String else {
                throw invalid("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")
            }
            return .equals(field: name.lowercased(), value: v)
        }
        guard let array = c as? [Any], let op = (array.first as? String)?.lowercased() else {
            throw invalid("Invalid Condition: \(c)")
        }
        if op == "content-length-range" {
            guard array.count == 3, let min = integer(array[1]), let max = integer(array[2]), min >= 0, min <= max else {
                throw invalid("Invalid content-length-range condition.")
            }
            return .contentLengthRange(min...max)
        }
        guard array.count == 3, let field = array[1] as? String, field.hasPrefix("$"), let value = array[2] as? String else {
            throw invalid("Invalid Condition: wrong number of arguments.")
        }
        let name = String(field.dropFirst()).lowercased()
        switch op {
        case "eq": return .equals(field: name, value: value)
        case "starts-with": return .startsWith(field: name, prefix: value)
        default: throw invalid("Invalid Condition: unknown operation '\(array[0])'.")
        }
    }

    /// A JSON number, or a string of digits (both are seen in policies).
    static func integer(_ v: Any) -> Int64? {
        if let s = v as? String { return Int64(s) }
        if let n = v as? Int64 { return n }
        return nil
    }

    /// The file's size limits, if the policy sets them (checked while the file streams).
    public var contentLengthRange: ClosedRange<Int64>? {
        for case .contentLengthRange(let r) in conditions { return r }
        return nil
    }

    /// Checks the form against the policy, in S3's order: expiry, each condition, then that no
    /// field is left uncovered. `fields` are the form fields (names as sent) before the file;
    /// `bucket` is the bucket the URL names (the `bucket` condition's subject).
    public func check(fields: [(name: String, value: String)], bucket: String, now: Date = Date()) throws(S3Error) {
        guard now < expiration else { throw S3Error(.accessDenied, "Invalid according to Policy: Policy expired.") }
        var values: [String: String] = ["bucket": bucket]
        for (n, v) in fields where values[n.lowercased()] == nil { values[n.lowercased()] = v }
        var covered: Set<String> = ["bucket"]
        for c in conditions {
            switch c {
            case .equals(let field, let expected):
                covered.insert(field)
                guard values[field] ?? "" == expected, values[field] != nil || expected.isEmpty else { throw failed(c) }
            case .startsWith(let field, let prefix):
                covered.insert(field)
                let value = values[field] ?? ""
                guard values[field] != nil || prefix.isEmpty else { throw failed(c) }
                // A Content-Type may list several types: each must match.
                let parts = field == "content-type" ? value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingHTTPWhitespace } : [Substring(value)]
                guard parts.allSatisfy({ $0.hasPrefix(prefix) }) else { throw failed(c) }
            case .contentLengthRange:
                break
            }
        }
        let extra = fields.map { $0.name }.filter { name in
            let lower = name.lowercased()
            return !covered.contains(lower) && !Self.exempt.contains(lower) && !lower.hasPrefix("x-ignore-")
        }
        if !extra.isEmpty {
            throw S3Error(.accessDenied, "Invalid according to Policy: Extra input fields: \(extra.joined(separator: ", "))")
        }
    }

    /// AccessDenied naming the condition as S3 prints it: `["eq", "$key", "photos/cat.jpg"]`.
    func failed(_ c: Condition) -> S3Error {
        let text: String
        switch c {
        case .equals(let f, let v): text = "[\"eq\", \"$\(f)\", \"\(v)\"]"
        case .startsWith(let f, let p): text = "[\"starts-with\", \"$\(f)\", \"\(p)\"]"
        case .contentLengthRange(let r): text = "[\"content-length-range\", \(r.lowerBound), \(r.upperBound)]"
        }
        return S3Error(.accessDenied, "Invalid according to Policy: Policy Condition failed: \(text)")
    }
}
