import CairnModel
import Foundation

/// A bucket policy, parsed and validated once (PutBucketPolicy refuses what S3 refuses, with
/// `MalformedPolicy` and S3's message) and evaluated on every request to the bucket.
public struct BucketPolicy: Sendable, Equatable {
    public var statements: [Statement]

    public struct Statement: Sendable, Equatable {
        public enum Effect: String, Sendable { case allow = "Allow", deny = "Deny" }
        public var sid: String?
        public var effect: Effect
        /// `Principal` (matches) or `NotPrincipal` (matches everyone else).
        public var principals: PrincipalSet
        public var principalNegated: Bool
        /// Action patterns (`s3:Get*`), or with `actionNegated` the `NotAction` list.
        public var actions: [String]
        public var actionNegated: Bool
        /// Resource ARN patterns, or with `resourceNegated` the `NotResource` list.
        public var resources: [String]
        public var resourceNegated: Bool
        public var conditions: [Condition]
    }

    /// Who a statement names: everyone (`"*"`, `{"AWS": "*"}`), or users by IAM ARN
    /// (`arn:aws:iam::<account>:user/<name>`, the name being the Cairn user's display name) or by
    /// canonical id (`{"CanonicalUser": id}`, or a bare id in `AWS`).
    public struct PrincipalSet: Sendable, Equatable {
        public var everyone: Bool
        public var userNames: Set<String>
        public var canonicalIDs: Set<String>

        func matches(_ principal: Principal) -> Bool {
            if everyone { return true }
            guard let user = principal.user else { return false }
            return userNames.contains(user.displayName) || canonicalIDs.contains(user.id)
        }
    }

    /// Parses a policy document for `bucket`. Throws `MalformedPolicy` with S3's message.
    public init(json: String, bucket: BucketName) throws(S3Error) {
        guard json.utf8.first(where: { ![9, 10, 13, 32].contains($0) }) == UInt8(ascii: "{"),
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)), let top = object as? [String: Any] else {
            throw Self.malformed("Policies must be valid JSON and the first byte must be '{'")
        }
        for key in top.keys where !["Version", "Id", "Statement"].contains(key) {
            throw Self.malformed("Unknown field \(key)")
        }
        if let version = top["Version"] {
            guard let v = version as? String, v == "2012-10-17" || v == "2008-10-17" else {
                throw Self.malformed("Invalid policy version")
            }
        }
        guard let raw = top["Statement"] else { throw Self.malformed("Missing required field Statement") }
        let list: [Any] = (raw as? [Any]) ?? [raw]
        guard !list.isEmpty else { throw Self.malformed("Could not parse the policy: Statement is empty!") }
        statements = try list.map { item throws(S3Error) in
            guard let s = item as? [String: Any] else { throw Self.malformed("Statement is not an object") }
            return try Self.statement(s, bucket: bucket)
        }
    }

    static func statement(_ s: [String: Any], bucket: BucketName) throws(S3Error) -> Statement {
        let known = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"]
        for key in s.keys where !known.contains(key) { throw malformed("Unknown field \(key)") }
        guard let effectText = s["Effect"] as? String else { throw malformed("Missing required field Effect") }
        guard let effect = Statement.Effect(rawValue: effectText) else { throw malformed("Invalid effect: \(effectText)") }

        let principalValue = s["Principal"] ?? s["NotPrincipal"]
        guard let principalValue else { throw malformed("Missing required field Principal") }
        if s["Principal"] != nil, s["NotPrincipal"] != nil { throw malformed("Statement has both Principal and NotPrincipal") }
        let principals = try principalSet(principalValue)

        guard (s["Action"] == nil) != (s["NotAction"] == nil) else { throw malformed("Missing required field Action") }
        let actions = try strings(s["Action"] ?? s["NotAction"]!, field: "Action")
        for a in actions where !S3ActionNames.isValid(pattern: a) { throw malformed("Policy has invalid action") }

        guard (s["Resource"] == nil) != (s["NotResource"] == nil) else { throw malformed("Missing required field Resource") }
        let resources = try strings(s["Resource"] ?? s["NotResource"]!, field: "Resource")
        for r in resources where !validResource(r, bucket: bucket) { throw malformed("Policy has invalid resource") }

        var conditions: [Condition] = []
        if let c = s["Condition"] {
            guard let blocks = c as? [String: Any] else { throw malformed("Invalid Condition") }
            for (op, body) in blocks.sorted(by: { $0.key < $1.key }) {
                guard let entries = body as? [String: Any] else { throw malformed("Invalid Condition type : \(op)") }
                for (key, values) in entries.sorted(by: { $0.key < $1.key }) {
                    conditions.append(try Condition(operator: op, key: key, values: try strings(values, field: "Condition")))
                }
            }
        }
        return Statement(sid: s["Sid"] as? String, effect: effect, principals: principals, principalNegated: s["NotPrincipal"] != nil,
                         actions: actions, actionNegated: s["NotAction"] != nil, resources: resources,
                         resourceNegated: s["NotResource"] != nil, conditions: conditions)
    }

    static func principalSet(_ value: Any) throws(S3Error) -> PrincipalSet {
        var set = PrincipalSet(everyone: false, userNames: [], canonicalIDs: [])
        if let star = value as? String {
            guard star == "*" else { throw malformed("Invalid principal in policy") }
            set.everyone = true
            return set
        }
        guard let map = value as? [String: Any], !map.isEmpty else { throw malformed("Invalid principal in policy") }
        for (kind, v) in map {
            let names = try strings(v, field: "Principal")
            switch kind {
            case "AWS":
                for n in names {
                    if n == "*" {
                        set.everyone = true
                    } else if let user = iamUserName(n) {
                        set.userNames.insert(user)
                    } else if n.range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil {
                        set.canonicalIDs.insert(n)
                    } else {
                        throw malformed("Invalid principal in policy")
                    }
                }
            case "CanonicalUser":
                set.canonicalIDs.formUnion(names)
            default:
                throw malformed("Invalid principal in policy")
            }
        }
        return set
    }

    /// `arn:aws:iam::<12 digits>:user/<name>` (a path before the name is allowed) -> name.
    static func iamUserName(_ arn: String) -> String? {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[1] == "aws", parts[2] == "iam", parts[3].isEmpty,
              parts[4].count == 12, parts[4].allSatisfy(\.isNumber), parts[5].hasPrefix("user/") else { return nil }
        let name = parts[5].split(separator: "/").last.map(String.init) ?? ""
        return name.isEmpty ? nil : name
    }

    /// An S3 ARN naming this bucket or objects in it (wildcards allowed in the key part; a bucket
    /// part with wildcards must still be able to match this bucket).
    static func validResource(_ arn: String, bucket: BucketName) -> Bool {
        let prefix = "arn:aws:s3:::"
        guard arn.hasPrefix(prefix) else { return false }
        let rest = String(arn.dropFirst(prefix.count))
        let bucketPart = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return !bucketPart.isEmpty && Wildcard.matches(bucketPart, bucket.rawValue)
    }

    static func strings(_ value: Any, field: String) throws(S3Error) -> [String] {
        if let s = value as? String { return [s] }
        if let b = value as? Bool { return [b ? "true" : "false"] }
        if let n = value as? NSNumber { return [n.stringValue] }
        if let list = value as? [Any], !list.isEmpty {
            var out: [String] = []
            for item in list { out += try strings(item, field: field) }
            return out
        }
        throw malformed("Invalid \(field)")
    }

    static func malformed(_ message: String) -> S3Error {
        S3Error(.malformedPolicy, message)
    }
}
