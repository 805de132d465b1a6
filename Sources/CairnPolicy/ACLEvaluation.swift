import CairnModel

/// A bucket's ACL-related settings, as the authorize step read them with the bucket record.
public struct BucketAccessSettings: Sendable, Equatable {
    /// The effective Object Ownership (a bucket without controls behaves as ObjectWriter).
    public var ownership: ObjectOwnership
    /// The bucket's grants; nil is the default ACL (the owner's FULL_CONTROL).
    public var grants: [ACLGrant]?
    public var publicAccessBlock: PublicAccessBlock

    public init(ownership: ObjectOwnership = .bucketOwnerEnforced, grants: [ACLGrant]? = nil,
                publicAccessBlock: PublicAccessBlock = PublicAccessBlock()) {
        self.ownership = ownership
        self.grants = grants
        self.publicAccessBlock = publicAccessBlock
    }
}

/// The object version an object-level ACL action addresses: its owner and grants (nil grants:
/// the default ACL, the owner's FULL_CONTROL).
public struct ObjectACLSubject: Sendable, Equatable {
    public var owner: Owner
    public var grants: [ACLGrant]?
    public init(owner: Owner, grants: [ACLGrant]?) {
        self.owner = owner
        self.grants = grants
    }
}

/// Which ACL permission, on the bucket or on the object, lets a grantee do an action.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#acl-access-policy-permission-mapping
enum ACLScope {
    case bucket(ACLPermission)
    case object(ACLPermission)

    init?(_ action: S3Action) {
        switch action {
        case .listBucket, .listBucketVersions, .listBucketMultipartUploads: self = .bucket(.read)
        // WRITE on the bucket creates objects, and (S3: "for the bucket and object owners of
        // existing objects, also allows deletions and overwrites") deletes and multipart steps.
        case .putObject, .deleteObject, .deleteObjectVersion, .abortMultipartUpload, .listMultipartUploadParts: self = .bucket(.write)
        case .getBucketAcl: self = .bucket(.readACP)
        case .putBucketAcl: self = .bucket(.writeACP)
        case .getObject, .getObjectVersion: self = .object(.read)
        case .getObjectAcl, .getObjectVersionAcl: self = .object(.readACP)
        case .putObjectAcl, .putObjectVersionAcl: self = .object(.writeACP)
        default: return nil
        }
    }
}

extension Array where Element == ACLGrant {
    /// Whether a grant here gives `principal` the permission. Public grants (AllUsers,
    /// AuthenticatedUsers) are skipped when `ignorePublic` (IgnorePublicAcls).
    public func allow(_ principal: Principal, _ permission: ACLPermission, ignorePublic: Bool = false) -> Bool {
        contains { grant in
            guard grant.permission.covers(permission), !(ignorePublic && grant.isPublic) else { return false }
            if let id = grant.grantee.userID { return principal.user?.id == id }
            switch grant.grantee.group {
            case .allUsers: return true
            case .authenticatedUsers: return principal.user != nil
            case .logDelivery, nil: return false
            }
        }
    }
}

extension Authorizer {
    /// What the ACLs say: allow when a grant on the bucket (or, for object reads and ACL calls, on
    /// the object) gives the principal the action's permission. Nothing when ACLs are disabled.
    static func aclAllows(_ r: Request) -> Bool {
        guard let settings = r.access, settings.ownership.aclsEnabled, let scope = ACLScope(r.action),
              let bucketOwner = r.bucketOwner else { return false }
        let ignore = settings.publicAccessBlock.ignorePublicAcls
        switch scope {
        case .bucket(let p):
            return (settings.grants ?? [ACLGrant(.user(bucketOwner), .fullControl)]).allow(r.principal, p, ignorePublic: ignore)
        case .object(let p):
            guard let object = r.object else { return false }
            return (object.grants ?? [ACLGrant(.user(object.owner), .fullControl)]).allow(r.principal, p, ignorePublic: ignore)
        }
    }

    /// Whom the owner's rights belong to for this request: the bucket's owner, except for object
    /// reads and ACL calls on an object someone else owns (ACLs enabled), where the bucket owner
    /// needs a grant like anyone else and the object's owner keeps READ_ACP and WRITE_ACP.
    static func ownerRights(_ r: Request) -> Bool {
        guard let user = r.principal.user, let bucketOwner = r.bucketOwner else { return false }
        if let settings = r.access, settings.ownership.aclsEnabled, case .object(let p)? = ACLScope(r.action), let object = r.object,
           object.owner.id != bucketOwner.id {
            return object.owner.id == user.id && (p == .readACP || p == .writeACP)
        }
        return user.id == bucketOwner.id
    }
}

extension Authorizer {
    /// Whether deciding `action` needs the object's owner and ACL: object reads and object ACL
    /// calls, in a bucket whose Object Ownership leaves ACLs enabled.
    public static func readsObjectACL(_ action: S3Action, _ settings: BucketAccessSettings) -> Bool {
        guard settings.ownership.aclsEnabled, case .object? = ACLScope(action) else { return false }
        return true
    }
}
