import CairnModel

extension BucketPolicy {
    /// What the policy says about one request: an explicit Deny wins over any Allow; with neither,
    /// the policy does not apply and the owner's rights (and later ACLs) decide.
    public enum Verdict: Sendable, Equatable { case allow, deny, notApplicable }

    /// `context`: the request's condition keys, lowercased (`aws:sourceip`, `aws:securetransport`,
    /// `s3:prefix`, ...), each with its values.
    public func evaluate(principal: Principal, action: S3Action, resource: S3Resource, context: [String: [String]]) -> Verdict {
        var allowed = false
        for s in statements where s.applies(principal: principal, action: action, resource: resource, context: context) {
            if s.effect == .deny { return .deny }
            allowed = true
        }
        return allowed ? .allow : .notApplicable
    }
}

extension BucketPolicy.Statement {
    func applies(principal: Principal, action: S3Action, resource: S3Resource, context: [String: [String]]) -> Bool {
        guard principals.matches(principal) != principalNegated else { return false }
        let actionMatch = actions.contains { Wildcard.matches($0, action.rawValue, caseInsensitive: true) }
        guard actionMatch != actionNegated else { return false }
        let resourceMatch = resources.contains { Wildcard.matches($0, resource.arn) }
        guard resourceMatch != resourceNegated else { return false }
        return conditions.allSatisfy { $0.holds(in: context) }
    }
}

extension BucketPolicy {
    /// S3's "public" test, simplified to what this language can say: some statement allows
    /// everyone (`"*"`) with no condition narrowing it.
    public var isPublic: Bool {
        statements.contains { $0.effect == .allow && $0.principals.everyone && !$0.principalNegated && $0.conditions.isEmpty }
    }
}
