/// Who sends a request, as authentication found it: a user whose signature verified, or nobody
/// (a request with no signature at all). Whether either may do what it asks is the `Authorizer`'s
/// decision, not the verifier's.
public enum Principal: Hashable, Sendable {
    case anonymous
    case user(UserIdentity)

    /// The user, when the request was signed.
    public var user: UserIdentity? {
        if case .user(let u) = self { return u }
        return nil
    }
}
