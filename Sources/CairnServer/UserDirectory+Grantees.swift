import CairnModel

/// The users ACL grants may name, by canonical id: the users file's, or, when users live in the
/// metadata store, the `KeyDirectory`'s (so a user added with `cairn admin user add` can be granted).
protocol GranteeDirectory: Sendable {
    func user(byID id: String) -> UserIdentity?
}

extension UserDirectory: GranteeDirectory {
    func user(byID id: String) -> UserIdentity? { byID[id] }
}

extension KeyDirectory: GranteeDirectory {}

extension GranteeDirectory {
    /// The request's grants with each user grantee checked against the known users and shown
    /// with its display name, as S3 answers them. An id no user has is 400 InvalidArgument
    /// ("Invalid id"), as on S3.
    func resolve(_ acl: ACLRequest?) throws(S3Error) -> ACLRequest? {
        guard case .grants(let grants)? = acl else { return acl }
        var out: [ACLGrant] = []
        for var grant in grants {
            if let id = grant.grantee.userID {
                guard let user = user(byID: id) else {
                    throw S3Error(.invalidArgument, "Invalid id", fields: [("ArgumentName", "CanonicalUser/ID"), ("ArgumentValue", id)])
                }
                grant.grantee.displayName = user.displayName
            }
            out.append(grant)
        }
        return .grants(out)
    }
}
