import CairnModel
import Foundation

/// `<AccessControlPolicy>` of PutBucketAcl / PutObjectAcl, and the same document written for
/// GetBucketAcl / GetObjectAcl. https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
public struct AccessControlPolicyXML: Decodable, Sendable {
    public struct OwnerXML: Decodable, Sendable {
        public var ID: String?
        public var DisplayName: String?
    }
    public struct GranteeXML: Decodable, Sendable {
        /// `xsi:type` (namespaces are processed, so the attribute's local name).
        public var type: String?
        public var ID: String?
        public var DisplayName: String?
        public var URI: String?
        public var EmailAddress: String?
    }
    public struct GrantXML: Decodable, Sendable {
        public var Grantee: GranteeXML?
        public var Permission: XMLToken<String>?
    }
    public struct ListXML: Decodable, Sendable {
        public var Grant: [GrantXML]?
    }
    public var Owner: OwnerXML?
    public var AccessControlList: ListXML?

    /// The body's owner id and grants; anything S3's schema refuses (no Owner ID, no Grantee, an
    /// unknown Permission or grantee type) is MalformedACLError, an e-mail grantee
    /// UnresolvableGrantByEmailAddress (no Cairn user has an address). The caller checks the
    /// owner: an ACL cannot change who owns the resource.
    public static func parse(_ body: Data) throws(S3Error) -> (ownerID: String, acl: ACLRequest) {
        let doc: AccessControlPolicyXML
        do {
            doc = try RequestXML.decode(AccessControlPolicyXML.self, from: body)
        } catch {
            throw S3Error(.malformedACLError)
        }
        guard let ownerID = doc.Owner?.ID else { throw S3Error(.malformedACLError) }
        var grants: [ACLGrant] = []
        for g in doc.AccessControlList?.Grant ?? [] {
            guard let grantee = g.Grantee, let p = g.Permission.flatMap({ ACLPermission(rawValue: $0.value) }) else {
                throw S3Error(.malformedACLError)
            }
            grants.append(ACLGrant(try Self.grantee(grantee), p))
        }
        return (ownerID, .grants(grants))
    }

    static func grantee(_ g: GranteeXML) throws(S3Error) -> ACLGrantee {
        switch g.type ?? (g.ID != nil ? "CanonicalUser" : g.URI != nil ? "Group" : g.EmailAddress != nil ? "AmazonCustomerByEmail" : "") {
        case "CanonicalUser":
            guard let id = g.ID else { throw S3Error(.malformedACLError) }
            return ACLGrantee(userID: id)
        case "Group":
            guard let uri = g.URI else { throw S3Error(.malformedACLError) }
            guard let group = ACLGroup(rawValue: uri) else {
                throw S3Error(.invalidArgument, "Invalid group uri", fields: [("ArgumentName", "Group"), ("ArgumentValue", uri)])
            }
            return .group(group)
        case "AmazonCustomerByEmail":
            throw S3Error(.unresolvableGrantByEmailAddress, fields: [("EmailAddress", g.EmailAddress ?? "")])
        default:
            throw S3Error(.malformedACLError)
        }
    }

    /// The GetBucketAcl / GetObjectAcl answer: the owner, then each grant with its grantee typed
    /// by `xsi:type` as S3 writes it.
    public static func write(owner: Owner, grants: [ACLGrant]) -> XMLWriter {
        var w = XMLWriter()
        w.group("AccessControlPolicy", xmlns: XMLWriter.s3Namespace) { w in
            w.group("Owner") { w in
                w.element("ID", owner.id)
                w.element("DisplayName", owner.displayName)
            }
            w.group("AccessControlList") { w in
                for grant in grants {
                    w.group("Grant") { w in
                        let type = grant.grantee.group == nil ? "CanonicalUser" : "Group"
                        w.textStorage += "<Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"\(type)\">"
                        if let group = grant.grantee.group {
                            w.element("URI", group.rawValue)
                        } else {
                            w.element("ID", grant.grantee.userID ?? "")
                            w.element("DisplayName", grant.grantee.displayName)
                        }
                        w.textStorage += "</Grantee>"
                        w.element("Permission", grant.permission.rawValue)
                    }
                }
            }
        }
        return w
    }
}

/// `<OwnershipControls>` of PutBucketOwnershipControls: exactly one rule naming a setting.
public enum OwnershipControlsXML {
    struct Doc: Decodable {
        struct Rule: Decodable { var ObjectOwnership: XMLToken<String>? }
        var Rule: [Rule]?
    }

    public static func parse(_ body: Data) throws(S3Error) -> ObjectOwnership {
        let doc = try RequestXML.decode(Doc.self, from: body)
        guard let rules = doc.Rule, rules.count == 1, let raw = rules[0].ObjectOwnership?.value,
              let o = ObjectOwnership(rawValue: raw) else { throw S3Error(.malformedXML) }
        return o
    }

    public static func write(_ o: ObjectOwnership) -> XMLWriter {
        var w = XMLWriter()
        w.group("OwnershipControls", xmlns: XMLWriter.s3Namespace) { w in
            w.group("Rule") { $0.element("ObjectOwnership", o.rawValue) }
        }
        return w
    }
}

/// `<PublicAccessBlockConfiguration>` of Put/GetPublicAccessBlock (a flag left out is false).
public enum PublicAccessBlockXML {
    struct Doc: Decodable {
        var BlockPublicAcls: XMLToken<Bool>?
        var IgnorePublicAcls: XMLToken<Bool>?
        var BlockPublicPolicy: XMLToken<Bool>?
        var RestrictPublicBuckets: XMLToken<Bool>?
    }

    public static func parse(_ body: Data) throws(S3Error) -> PublicAccessBlock {
        let d = try RequestXML.decode(Doc.self, from: body)
        return PublicAccessBlock(blockPublicAcls: d.BlockPublicAcls?.value ?? false, ignorePublicAcls: d.IgnorePublicAcls?.value ?? false,
                                 blockPublicPolicy: d.BlockPublicPolicy?.value ?? false,
                                 restrictPublicBuckets: d.RestrictPublicBuckets?.value ?? false)
    }

    public static func write(_ b: PublicAccessBlock) -> XMLWriter {
        var w = XMLWriter()
        w.group("PublicAccessBlockConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            w.element("BlockPublicAcls", b.blockPublicAcls)
            w.element("IgnorePublicAcls", b.ignorePublicAcls)
            w.element("BlockPublicPolicy", b.blockPublicPolicy)
            w.element("RestrictPublicBuckets", b.restrictPublicBuckets)
        }
        return w
    }
}
