import CairnModel

extension UserDirectory {
    /// The request's grants with each user grantee checked against the known users and shown
    /// with its display name, as S3 answers them. An id no user has is 400 InvalidArgument
    /// ("Invalid id"), as on S3.
    func resolve(_ acl: ACLRequest?) throws(S3Error) -> ACLRequest? {
        guard case .grants(let grants)? = acl else { return acl }
        var out: [ACLGrant] = []
        for var grant in grants {
            if let id = grant.grantee.userID {
                guard let user = byID[id] else {
                    throw S3Error(.invalidArgument, "Invalid id", fields: [("ArgumentName", "CanonicalUser/ID"), ("ArgumentValue", id)])
                }
                grant.grantee.displayName = user.displayName
            }
            out.append(grant)
        }
        return .grants(out)
    }
}
