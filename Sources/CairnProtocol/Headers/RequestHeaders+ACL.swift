import CairnModel

extension RequestHeaders {
    /// The grant headers and the permission each grants, in S3's order.
    static let grantHeaders: [(name: String, permission: ACLPermission)] = [
        ("x-amz-grant-full-control", .fullControl), ("x-amz-grant-read", .read), ("x-amz-grant-read-acp", .readACP),
        ("x-amz-grant-write", .write), ("x-amz-grant-write-acp", .writeACP),
    ]

    /// The ACL a request asks for: `x-amz-acl` (a canned ACL) or `x-amz-grant-*` headers, nil
    /// when it sends neither. Both at once is InvalidRequest; an unknown canned name is
    /// InvalidArgument with an empty message, as S3 answers. Grantees are taken as written:
    /// `ACLGrantees.resolve` checks the ids and fills in display names.
    public func aclRequest() throws(S3Error) -> ACLRequest? {
        let canned = self["x-amz-acl"]
        let grantValues = Self.grantHeaders.compactMap { h in self[h.name].map { (h.name, $0, h.permission) } }
        if canned != nil, !grantValues.isEmpty {
            throw S3Error(.invalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed")
        }
        if let canned {
            guard let c = CannedACL(rawValue: canned) else {
                throw S3Error(.invalidArgument, "", fields: [("ArgumentName", "x-amz-acl"), ("ArgumentValue", canned)])
            }
            return .canned(c)
        }
        guard !grantValues.isEmpty else { return nil }
        var grants: [ACLGrant] = []
        for (name, value, permission) in grantValues {
            for grantee in try Self.parseGrantees(value, header: name) { grants.append(ACLGrant(grantee, permission)) }
        }
        return .grants(grants)
    }

    /// `id="canonical id", uri="http://acs.amazonaws.com/groups/global/AllUsers", emailAddress="..."`:
    /// comma-separated `type=value` pairs, values optionally quoted.
    static func parseGrantees(_ raw: String, header: String) throws(S3Error) -> [ACLGrantee] {
        let unrecognised = S3Error(.invalidArgument, "Argument format not recognized", fields: [("ArgumentName", header), ("ArgumentValue", raw)])
        var out: [ACLGrantee] = []
        for item in raw.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw unrecognised }
            let type = pair[0].trimmingHTTPWhitespace.lowercased()
            var value = pair[1].trimmingHTTPWhitespace
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = value.dropFirst().dropLast() }
            switch type {
            case "id": out.append(ACLGrantee(userID: String(value)))
            case "uri":
                guard let group = ACLGroup(rawValue: String(value)) else {
                    throw S3Error(.invalidArgument, "Invalid group uri", fields: [("ArgumentName", "uri"), ("ArgumentValue", String(value))])
                }
                out.append(.group(group))
            case "emailaddress": throw S3Error(.unresolvableGrantByEmailAddress, fields: [("EmailAddress", String(value))])
            default: throw unrecognised
            }
        }
        return out
    }

    /// CreateBucket's `x-amz-object-ownership` (nil when absent).
    public func objectOwnership() throws(S3Error) -> ObjectOwnership? {
        guard let raw = self["x-amz-object-ownership"] else { return nil }
        guard let o = ObjectOwnership(rawValue: raw) else {
            throw S3Error(.invalidArgument, "Invalid x-amz-object-ownership header: \(raw)",
                          fields: [("ArgumentName", "x-amz-object-ownership"), ("ArgumentValue", raw)])
        }
        return o
    }
}
