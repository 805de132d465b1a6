import CairnModel

/// The one place that decides whether a principal may do an action on a resource. Every request
/// passes here once, before its handler runs (the copy source of CopyObject / UploadPartCopy in a
/// second call); handlers and storage never check access themselves.
///
/// The order is S3's: the bucket's policy first (an explicit Deny wins over everything, an Allow
/// grants, unless RestrictPublicBuckets confines a public policy to the owner), then the ACLs (a
/// grant on the bucket or object, when Object Ownership leaves ACLs enabled; public grants skipped
/// under IgnorePublicAcls), then the owner's rights (a signed user may list its buckets and create
/// buckets; on a bucket and its objects its owner may do anything), else deny.
public enum Authorizer {
    /// What a decision needs to know about the request.
    public struct Request: Sendable {
        public var principal: Principal
        public var action: S3Action
        public var resource: S3Resource
        /// The owner of the bucket the resource is in (nil for the service and for CreateBucket,
        /// whose bucket may not exist yet).
        public var bucketOwner: Owner?
        /// The bucket's policy, if it has one.
        public var policy: BucketPolicy?
        /// The condition keys of the request (lowercased names): `aws:sourceip`, `s3:prefix`, ...
        public var context: [String: [String]]
        /// The bucket's Object Ownership, ACL and Block Public Access settings (nil: ACLs disabled,
        /// nothing blocked).
        public var access: BucketAccessSettings?
        /// The addressed object version's owner and ACL, for object reads and object ACL calls in
        /// a bucket with ACLs enabled (nil when it does not exist or is not needed).
        public var object: ObjectACLSubject?

        public init(principal: Principal, action: S3Action, resource: S3Resource, bucketOwner: Owner?,
                    policy: BucketPolicy? = nil, context: [String: [String]] = [:],
                    access: BucketAccessSettings? = nil, object: ObjectACLSubject? = nil) {
            self.principal = principal
            self.action = action
            self.resource = resource
            self.bucketOwner = bucketOwner
            self.policy = policy
            self.context = context
            self.access = access
            self.object = object
        }
    }

    public enum Decision: Equatable, Sendable {
        case allow
        case deny
    }

    /// The bucket-policy actions the owner keeps whatever its policy says (as an account's root
    /// user does on AWS), so a policy that denies everything cannot lock the owner out for good.
    static let ownerKeeps: Set<S3Action> = [.getBucketPolicy, .putBucketPolicy, .deleteBucketPolicy]

    public static func decide(_ r: Request) -> Decision {
        let isOwner = r.bucketOwner.map { owner in r.principal.user?.id == owner.id } ?? false
        if isOwner, ownerKeeps.contains(r.action) { return .allow }
        if let policy = r.policy {
            // RestrictPublicBuckets: a public policy grants only within the owner's account (here:
            // the owner), whatever its statements say.
            let restricted = !isOwner && policy.isPublic && (r.access?.publicAccessBlock.restrictPublicBuckets ?? false)
            switch policy.evaluate(principal: r.principal, action: r.action, resource: r.resource, context: r.context) {
            case .deny: return .deny
            case .allow: if !restricted { return .allow }
            case .notApplicable: break
            }
        }
        if aclAllows(r) { return .allow }
        guard r.principal.user != nil else { return .deny }
        guard r.bucketOwner != nil else {
            // Service-level actions and CreateBucket: any signed user (ownership of an existing
            // bucket of that name is CreateBucket's own answer, BucketAlreadyExists).
            return r.action == .listAllMyBuckets || r.action == .createBucket ? .allow : .deny
        }
        return ownerRights(r) ? .allow : .deny
    }

    /// `decide`, with a denial as S3's 403 AccessDenied.
    public static func authorize(_ r: Request) throws(S3Error) {
        if decide(r) == .deny { throw S3Error(.accessDenied) }
    }
}
