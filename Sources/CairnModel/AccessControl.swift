/// S3's access control lists: who a grant names and what it allows. Buckets and object versions
/// carry a list of grants; the owner is the bucket's or the object's owner, kept in its record.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
public enum ACLPermission: String, Sendable, Codable, CaseIterable {
    case fullControl = "FULL_CONTROL"
    case write = "WRITE"
    case writeACP = "WRITE_ACP"
    case read = "READ"
    case readACP = "READ_ACP"

    /// Whether a grant of `self` gives `wanted` (FULL_CONTROL gives all four).
    public func covers(_ wanted: ACLPermission) -> Bool { self == wanted || self == .fullControl }
}

/// The predefined groups a grant can name, by their URIs.
public enum ACLGroup: String, Sendable, Codable, CaseIterable {
    case allUsers = "http://acs.amazonaws.com/groups/global/AllUsers"
    case authenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
    case logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"

    /// Grants to these groups make a bucket or object public (S3's "public" test for ACLs).
    public var isPublic: Bool { self != .logDelivery }
}

/// Who a grant is for: a canonical user (shown with its display name) or a group. Grants by
/// e-mail address are answered as S3 answers an address it cannot resolve, so none is stored.
public struct ACLGrantee: Hashable, Sendable, Codable {
    public var userID: String?
    public var displayName: String?
    public var group: ACLGroup?

    public static func user(_ owner: Owner) -> ACLGrantee { ACLGrantee(userID: owner.id, displayName: owner.displayName) }
    public static func group(_ group: ACLGroup) -> ACLGrantee { ACLGrantee(group: group) }

    public init(userID: String? = nil, displayName: String? = nil, group: ACLGroup? = nil) {
        self.userID = userID
        self.displayName = displayName
        self.group = group
    }
}

/// One grant: a grantee and one permission.
public struct ACLGrant: Hashable, Sendable, Codable {
    public var grantee: ACLGrantee
    public var permission: ACLPermission
    public init(_ grantee: ACLGrantee, _ permission: ACLPermission) {
        self.grantee = grantee
        self.permission = permission
    }

    /// A grant to AllUsers or AuthenticatedUsers.
    public var isPublic: Bool { grantee.group?.isPublic ?? false }
}

/// S3's canned ACLs (`x-amz-acl`, a POST form's `acl` field): names for common grant lists.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
public enum CannedACL: String, Sendable, Codable, CaseIterable {
    case `private` = "private"
    case publicRead = "public-read"
    case publicReadWrite = "public-read-write"
    case awsExecRead = "aws-exec-read"
    case authenticatedRead = "authenticated-read"
    case bucketOwnerRead = "bucket-owner-read"
    case bucketOwnerFullControl = "bucket-owner-full-control"
    case logDeliveryWrite = "log-delivery-write"

    /// The canonical id AWS shows for the EC2 grantee of `aws-exec-read`.
    static let ec2 = Owner(id: "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c", displayName: "za-team")

    /// The grants the name stands for. `owner` owns the resource; `bucketOwner` is the owner of
    /// the bucket an object is written to (nil for a bucket's own ACL, where S3 ignores the two
    /// bucket-owner names: they leave the owner's FULL_CONTROL only).
    public func grants(owner: Owner, bucketOwner: Owner?) -> [ACLGrant] {
        var grants = [ACLGrant(.user(owner), .fullControl)]
        switch self {
        case .private: break
        case .publicRead: grants.append(ACLGrant(.group(.allUsers), .read))
        case .publicReadWrite: grants += [ACLGrant(.group(.allUsers), .read), ACLGrant(.group(.allUsers), .write)]
        case .awsExecRead: grants.append(ACLGrant(.user(Self.ec2), .read))
        case .authenticatedRead: grants.append(ACLGrant(.group(.authenticatedUsers), .read))
        case .bucketOwnerRead, .bucketOwnerFullControl:
            if let b = bucketOwner, b.id != owner.id { grants.append(ACLGrant(.user(b), self == .bucketOwnerRead ? .read : .fullControl)) }
        case .logDeliveryWrite: grants += [ACLGrant(.group(.logDelivery), .write), ACLGrant(.group(.logDelivery), .readACP)]
        }
        return grants
    }
}

/// What a request asks for the ACL of what it creates or changes: a canned ACL or explicit
/// grants (`x-amz-grant-*` headers, or an AccessControlPolicy body).
public enum ACLRequest: Sendable, Equatable {
    case canned(CannedACL)
    case grants([ACLGrant])

    /// The grants, for a resource owned by `owner` (in a bucket owned by `bucketOwner`).
    public func grants(owner: Owner, bucketOwner: Owner?) -> [ACLGrant] {
        switch self {
        case .canned(let c): return c.grants(owner: owner, bucketOwner: bucketOwner)
        case .grants(let g): return g
        }
    }

    /// Whether the ACL would grant anything to AllUsers or AuthenticatedUsers (BlockPublicAcls).
    public var isPublic: Bool {
        switch self {
        case .canned(let c): return [.publicRead, .publicReadWrite, .authenticatedRead].contains(c)
        case .grants(let g): return g.contains(where: \.isPublic)
        }
    }
}

/// S3 Object Ownership: who owns objects others write, and whether ACLs count at all.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
public enum ObjectOwnership: String, Sendable, Codable, CaseIterable {
    /// ACLs are disabled: the bucket owner owns every object and only policies grant access.
    case bucketOwnerEnforced = "BucketOwnerEnforced"
    /// The bucket owner owns objects written with `bucket-owner-full-control`; ACLs count.
    case bucketOwnerPreferred = "BucketOwnerPreferred"
    /// The writer owns what it writes; ACLs count. Also what a bucket without controls does.
    case objectWriter = "ObjectWriter"

    public var aclsEnabled: Bool { self != .bucketOwnerEnforced }
}

/// A bucket's Block Public Access settings (each false when not given).
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
public struct PublicAccessBlock: Sendable, Codable, Equatable {
    /// PUTs that carry a public ACL are refused (403 AccessDenied).
    public var blockPublicAcls: Bool
    /// Public grants in ACLs are ignored when deciding access.
    public var ignorePublicAcls: Bool
    /// PutBucketPolicy with a public policy is refused (403 AccessDenied).
    public var blockPublicPolicy: Bool
    /// A public policy grants only to the bucket owner.
    public var restrictPublicBuckets: Bool

    public init(blockPublicAcls: Bool = false, ignorePublicAcls: Bool = false, blockPublicPolicy: Bool = false,
                restrictPublicBuckets: Bool = false) {
        self.blockPublicAcls = blockPublicAcls
        self.ignorePublicAcls = ignorePublicAcls
        self.blockPublicPolicy = blockPublicPolicy
        self.restrictPublicBuckets = restrictPublicBuckets
    }
}
