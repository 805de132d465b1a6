import CairnModel
import CairnPolicy
import CairnProtocol
import CairnStorage

/// What the authorize step read for a request: the bucket it addresses and, for CopyObject and
/// UploadPartCopy, the source object's address and bucket. Handlers take these instead of
/// reading buckets or checking access themselves.
struct RequestAccess: Sendable {
    var bucket: BucketContext?
    var copySource: AuthorizedCopySource?
    /// For PutObject, CopyObject and CreateMultipartUpload: who owns the object written and its
    /// ACL, as the bucket's Object Ownership decides from the request's ACL headers.
    var objectWrite: ObjectWriteOwnership?
}

/// The object `x-amz-copy-source` names, with its bucket, which the principal may read.
struct AuthorizedCopySource: Sendable {
    var source: CopySource
    var bucket: BucketContext
}

extension S3Responder {
    /// The one authorize step, before dispatch: loads the addressed bucket once (NoSuchBucket when
    /// it does not exist, as S3 answers whoever asks), asks the `Authorizer` whether the principal
    /// may do the endpoint's action there (the bucket's policy with the request's condition keys,
    /// the ACLs where Object Ownership enables them, Block Public Access, then the owner's rights),
    /// and does the same for a copy source with `s3:GetObject`.
    /// `object`: the key a POST Object form names (its URL names only the bucket).
    func authorize(_ endpoint: S3Endpoint, principal: Principal, conditionKeys: PolicyConditionKeys,
                   copySourceHeader: String?, object: ObjectAddress? = nil) async throws -> RequestAccess {
        guard let action = endpoint.action else {
            // A CORS preflight asks no permission of anyone: it is answered from the bucket's rules.
            if case .corsPreflight(let name, _) = endpoint { return RequestAccess(bucket: try await storage.bucketContext(name)) }
            return RequestAccess()
        }
        var access = RequestAccess()
        if endpoint.needsBucket, let name = endpoint.bucket {
            let bucket = try await storage.bucketContext(name)
            access.bucket = bucket
            let policy = try policies.policy(of: bucket.record)
            let settings = bucket.accessSettings
            // A POST Object form names its key in a field; its URL names only the bucket.
            let target = object ?? endpoint.address
            let resource = object.map { S3Resource.object(bucket: $0.bucket.rawValue, key: $0.key.rawValue) } ?? endpoint.resource
            let subject = Authorizer.readsObjectACL(action, settings) ? await objectACLSubject(bucket, target) : nil
            for a in [action] + additionalActions(endpoint, conditionKeys) {
                try Authorizer.authorize(.init(principal: principal, action: a, resource: resource, bucketOwner: bucket.owner,
                                               policy: policy, context: policy == nil ? [:] : conditionKeys.values,
                                               access: settings, object: subject))
            }
            if endpoint.writesObject {
                access.objectWrite = try settings.objectWrite(writer: principal.user?.owner ?? bucket.owner, bucketOwner: bucket.owner,
                                                              acl: try users.resolve(try conditionKeys.headers.aclRequest()))
            }
        } else {
            try Authorizer.authorize(.init(principal: principal, action: action, resource: endpoint.resource, bucketOwner: nil))
        }
        if endpoint.readsCopySource, let header = copySourceHeader {
            let source = try CopySource(header: header)
            let bucket = try await storage.bucketContext(source.address.bucket)
            let sourceAction: S3Action = source.versionID == nil ? .getObject : .getObjectVersion
            let settings = bucket.accessSettings
            let object = Authorizer.readsObjectACL(sourceAction, settings) ? await objectACLSubject(bucket, source.address) : nil
            try Authorizer.authorize(.init(principal: principal, action: sourceAction,
                                           resource: .object(bucket: source.address.bucket.rawValue, key: source.address.key.rawValue),
                                           bucketOwner: bucket.owner, policy: try policies.policy(of: bucket.record),
                                           context: bucket.record.policy == nil ? [:] : conditionKeys.values,
                                           access: settings, object: object))
            access.copySource = AuthorizedCopySource(source: source, bucket: bucket)
        }
        return access
    }

    /// Permissions some requests need besides their operation's, as IAM defines them: lifting a
    /// GOVERNANCE retention (`x-amz-bypass-governance-retention: true`) needs
    /// `s3:BypassGovernanceRetention`; a write that sets tags (`x-amz-tagging`) also needs
    /// `s3:PutObjectTagging`.
    func additionalActions(_ endpoint: S3Endpoint, _ keys: PolicyConditionKeys) -> [S3Action] {
        var actions: [S3Action] = []
        if keys.bypassGovernance { actions.append(.bypassGovernanceRetention) }
        if keys.setsTags {
            switch endpoint {
            case .putObject, .copyObject, .createMultipartUpload, .postObject: actions.append(.putObjectTagging)
            default: break
            }
        }
        return actions
    }

    /// The owner and ACL of the version an object-level ACL check addresses (nil when there is
    /// none: the handler then answers NoSuchKey / NoSuchVersion, or AccessDenied).
    func objectACLSubject(_ bucket: BucketContext, _ address: ObjectAddress?) async -> ObjectACLSubject? {
        guard let address, let record = try? await storage.object(in: bucket, key: address.key, version: address.versionID) else { return nil }
        return ObjectACLSubject(owner: record.owner, grants: record.acl)
    }

    /// A missing key is told only to a requester who may list the bucket (it could learn as much
    /// from a listing); anyone else gets 403 AccessDenied, as S3 answers.
    func missingKey(_ error: S3Error, _ call: S3Call, conditionKeys: PolicyConditionKeys) -> S3Error {
        guard let bucket = call.access.bucket else { return error }
        let policy = try? policies.policy(of: bucket.record)
        let mayList = Authorizer.decide(.init(principal: call.principal, action: .listBucket, resource: .bucket(bucket.name.rawValue),
                                              bucketOwner: bucket.owner, policy: policy, context: policy == nil ? [:] : conditionKeys.values,
                                              access: bucket.accessSettings))
        return mayList == .allow ? error : S3Error(.accessDenied)
    }
}

extension BucketContext {
    /// The bucket's ACL settings as the `Authorizer` takes them: a bucket without ownership
    /// controls behaves as ObjectWriter (ACLs enabled), as on S3.
    var accessSettings: BucketAccessSettings {
        BucketAccessSettings(ownership: record.ownership ?? .objectWriter, grants: record.acl,
                             publicAccessBlock: record.publicAccessBlock ?? PublicAccessBlock())
    }
}
