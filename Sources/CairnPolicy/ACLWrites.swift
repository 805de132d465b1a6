import CairnModel

/// The rules for requests that set an ACL (on a write, or with Put*Acl), as S3 Object Ownership
/// and Block Public Access decide them. Pure: the handler passes what the request asked and gets
/// back what to store, or S3's error.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
public struct ObjectWriteOwnership: Sendable, Equatable {
    /// Who owns the new object.
    public var owner: Owner
    /// Its grants; nil is the default ACL (the owner's FULL_CONTROL), which is what is stored
    /// when ACLs are disabled.
    public var grants: [ACLGrant]?

    public init(owner: Owner, grants: [ACLGrant]?) {
        self.owner = owner
        self.grants = grants
    }
}

extension BucketAccessSettings {
    /// A PutObject, CopyObject or CreateMultipartUpload by `writer` carrying `acl` (nil: no ACL
    /// asked). BucketOwnerEnforced accepts only `bucket-owner-full-control` or its equivalent
    /// (400 AccessControlListNotSupported otherwise) and gives the bucket owner the object;
    /// BucketOwnerPreferred gives it the object when the writer says `bucket-owner-full-control`;
    /// ObjectWriter leaves it to the writer. A public ACL under BlockPublicAcls is 403.
    public func objectWrite(writer: Owner, bucketOwner: Owner, acl: ACLRequest?) throws(S3Error) -> ObjectWriteOwnership {
        guard ownership.aclsEnabled else {
            if let acl, !Self.isBucketOwnerFullControl(acl, bucketOwner: bucketOwner) { throw S3Error(.accessControlListNotSupported) }
            return ObjectWriteOwnership(owner: bucketOwner, grants: nil)
        }
        try admit(acl)
        let owner = ownership == .bucketOwnerPreferred && acl == .canned(.bucketOwnerFullControl) ? bucketOwner : writer
        return ObjectWriteOwnership(owner: owner, grants: acl.flatMap { Self.stored($0.grants(owner: owner, bucketOwner: bucketOwner), owner) })
    }

    /// PutObjectAcl on a version owned by `objectOwner`: the grants to store (nil: the default).
    public func objectACL(_ acl: ACLRequest, objectOwner: Owner, bucketOwner: Owner) throws(S3Error) -> [ACLGrant]? {
        guard ownership.aclsEnabled else {
            guard Self.isBucketOwnerFullControl(acl, bucketOwner: bucketOwner) else { throw S3Error(.accessControlListNotSupported) }
            return nil
        }
        try admit(acl)
        return Self.stored(acl.grants(owner: objectOwner, bucketOwner: bucketOwner), objectOwner)
    }

    /// PutBucketAcl: refused while ACLs are disabled, as S3 refuses every bucket ACL write then.
    public func bucketACL(_ acl: ACLRequest, owner: Owner) throws(S3Error) -> [ACLGrant]? {
        guard ownership.aclsEnabled else { throw S3Error(.accessControlListNotSupported) }
        try admit(acl)
        return Self.stored(acl.grants(owner: owner, bucketOwner: nil), owner)
    }

    /// CreateBucket's `x-amz-object-ownership` (S3's default for new buckets: BucketOwnerEnforced)
    /// and ACL headers: the Object Ownership and grants to store. A bucket whose ACL would grant
    /// anyone but its owner cannot have ACLs disabled (400 InvalidBucketAclWithObjectOwnership).
    public static func newBucket(ownership: ObjectOwnership?, acl: ACLRequest?, owner: Owner) throws(S3Error)
        -> (ObjectOwnership, [ACLGrant]?) {
        let ownership = ownership ?? .bucketOwnerEnforced
        let grants = acl.flatMap { stored($0.grants(owner: owner, bucketOwner: nil), owner) }
        if !ownership.aclsEnabled, grantsOthers(grants, owner: owner) { throw S3Error(.invalidBucketAclWithObjectOwnership) }
        return (ownership, ownership.aclsEnabled ? grants : nil)
    }

    /// BlockPublicAcls: a request that sets a public ACL is 403 AccessDenied.
    public func admit(_ acl: ACLRequest?) throws(S3Error) {
        if publicAccessBlock.blockPublicAcls, acl?.isPublic == true { throw S3Error(.accessDenied) }
    }

    /// Whether a bucket ACL gives anyone but its owner anything: such a bucket cannot be created
    /// with, or switched to, BucketOwnerEnforced (InvalidBucketAclWithObjectOwnership).
    public static func grantsOthers(_ grants: [ACLGrant]?, owner: Owner) -> Bool {
        guard let grants else { return false }
        return grants.contains { $0.grantee.userID != owner.id }
    }

    /// `bucket-owner-full-control`, or grants that say the same: FULL_CONTROL to the bucket owner only.
    static func isBucketOwnerFullControl(_ acl: ACLRequest, bucketOwner: Owner) -> Bool {
        switch acl {
        case .canned(let c): return c == .bucketOwnerFullControl
        case .grants(let g): return !g.isEmpty && g.allSatisfy { $0.grantee.userID == bucketOwner.id && $0.permission == .fullControl }
        }
    }

    /// nil for the default ACL, so records keep no copy of it.
    static func stored(_ grants: [ACLGrant], _ owner: Owner) -> [ACLGrant]? {
        grants == [ACLGrant(.user(owner), .fullControl)] ? nil : grants
    }
}

extension BucketPolicy {
    /// BlockPublicPolicy: PutBucketPolicy with a public policy is 403 AccessDenied.
    public func admit(under block: PublicAccessBlock?) throws(S3Error) {
        if block?.blockPublicPolicy == true, isPublic { throw S3Error(.accessDenied) }
    }
}
