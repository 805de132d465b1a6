import CairnModel
import Foundation

/// One `Condition` entry: an operator (with its `...IfExists` suffix and `ForAnyValue:` /
/// `ForAllValues:` qualifier), a context key and the policy's values.
public struct Condition: Sendable, Equatable {
    enum Kind: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan", numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan", numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan", dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case null = "Null"

        /// Operators that are true when the request value matches none of the policy's values.
        var negated: Bool {
            [.stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress].contains(self)
        }
    }
    enum SetQualifier: Sendable { case single, forAnyValue, forAllValues }

    let kind: Kind
    let ifExists: Bool
    let qualifier: SetQualifier
    /// Context keys compare case-insensitively, as in IAM.
    let key: String
    let values: [String]

    init(operator raw: String, key: String, values: [String]) throws(S3Error) {
        var name = Substring(raw)
        qualifier = name.hasPrefix("ForAnyValue:") ? .forAnyValue : name.hasPrefix("ForAllValues:") ? .forAllValues : .single
        if qualifier != .single { name = name.drop(while: { $0 != ":" }).dropFirst() }
        ifExists = name.hasSuffix("IfExists") && name != "IfExists"
        if ifExists { name = name.dropLast("IfExists".count) }
        guard let k = Kind(rawValue: String(name)) else { throw BucketPolicy.malformed("Invalid Condition type : \(raw)") }
        guard !(k == .null && ifExists) else { throw BucketPolicy.malformed("Invalid Condition type : \(raw)") }
        kind = k
        self.key = key.lowercased()
        self.values = values
        for v in values where k == .ipAddress || k == .notIpAddress {
            guard IPRange(v) != nil else { throw BucketPolicy.malformed("Invalid IP address in policy: \(v)") }
        }
    }

    /// Whether the condition holds for the request's context (`context` keys lowercased).
    func holds(in context: [String: [String]]) -> Bool {
        let present = context[key].flatMap { $0.isEmpty ? nil : $0 }
        if kind == .null {
            // `Null: true` holds when the key is absent.
            return values.contains { ($0.lowercased() == "true") == (present == nil) }
        }
        guard let requestValues = present else {
            // An absent key: IfExists makes the condition true; so does a ForAllValues (an empty
            // set); a negated operator matches "none of", so it holds too; the rest do not.
            return ifExists || qualifier == .forAllValues || kind.negated
        }
        switch qualifier {
        case .single, .forAnyValue: return requestValues.contains { matchesValue($0) }
        case .forAllValues: return requestValues.allSatisfy { matchesValue($0) }
        }
    }

    /// One request value against the policy's values: any of them (positive operators), none of
    /// them (negated ones).
    private func matchesValue(_ v: String) -> Bool {
        let any = values.contains { positiveMatch(v, $0) }
        return kind.negated ? !any : any
    }

    private func positiveMatch(_ v: String, _ p: String) -> Bool {
        switch kind {
        case .stringEquals, .stringNotEquals: return v == p
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase: return v.lowercased() == p.lowercased()
        case .stringLike, .stringNotLike: return Wildcard.matches(p, v)
        case .bool: return v.lowercased() == p.lowercased()
        case .ipAddress, .notIpAddress: return IPRange(p)?.contains(v) ?? false
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let a = Double(v), let b = Double(p) else { return false }
            return compare(a, b)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let a = Self.date(v), let b = Self.date(p) else { return false }
            return compare(a, b)
        case .null: return false
        }
    }

    private func compare(_ a: Double, _ b: Double) -> Bool {
        switch kind {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: return a == b
        case .numericLessThan, .dateLessThan: return a < b
        case .numericLessThanEquals, .dateLessThanEquals: return a <= b
        case .numericGreaterThan, .dateGreaterThan: return a > b
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return a >= b
        default: return false
        }
    }

    /// ISO 8601 (`2026-12-04T12:00:00Z`, with or without fractional seconds, or a date alone) or
    /// epoch seconds, as IAM accepts.
    static func date(_ s: String) -> Double? {
        if let epoch = Double(s) { return epoch }
        let full = ISO8601DateFormatter()
        if let d = full.date(from: s) { return d.timeIntervalSince1970 }
        full.formatOptions.insert(.withFractionalSeconds)
        if let d = full.date(from: s) { return d.timeIntervalSince1970 }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return day.date(from: s)?.timeIntervalSince1970
    }
}
