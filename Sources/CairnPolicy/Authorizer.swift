import CairnModel

/// The one place that decides whether a principal may do an action on a resource. Every request
/// passes here once, before its handler runs (the copy source of CopyObject / UploadPartCopy in a
/// second call); handlers and storage never check access themselves.
///
/// The rules today are the bucket owner's alone: a signed user may list its buckets and create
/// buckets; on a bucket and its objects, only the bucket's owner may act; an anonymous request may
/// do nothing. Bucket policies, ACLs and public access blocks will be evaluated here too.
public enum Authorizer {
    /// What a decision needs to know about the request.
    public struct Request: Sendable {
        public var principal: Principal
        public var action: S3Action
        public var resource: S3Resource
        /// The owner of the bucket the resource is in (nil for the service and for CreateBucket,
        /// whose bucket may not exist yet).
        public var bucketOwner: Owner?

        public init(principal: Principal, action: S3Action, resource: S3Resource, bucketOwner: Owner?) {
            self.principal = principal
            self.action = action
            self.resource = resource
            self.bucketOwner = bucketOwner
        }
    }

    public enum Decision: Equatable, Sendable {
        case allow
        case deny
    }

    public static func decide(_ r: Request) -> Decision {
        guard let user = r.principal.user else { return .deny }
        guard let owner = r.bucketOwner else {
            // Service-level actions and CreateBucket: any signed user (ownership of an existing
            // bucket of that name is CreateBucket's own answer, BucketAlreadyExists).
            return r.action == .listAllMyBuckets || r.action == .createBucket ? .allow : .deny
        }
        return owner.id == user.id ? .allow : .deny
    }

    /// `decide`, with a denial as S3's 403 AccessDenied.
    public static func authorize(_ r: Request) throws(S3Error) {
        if decide(r) == .deny { throw S3Error(.accessDenied) }
    }
}
