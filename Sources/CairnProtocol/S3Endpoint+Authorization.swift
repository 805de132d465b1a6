import CairnPolicy

extension S3Endpoint {
    /// The permission the operation needs (nil for operations not implemented: they are refused
    /// with 501 after authentication, whoever asks).
    public var action: S3Action? {
        switch self {
        case .listBuckets: return .listAllMyBuckets
        case .createBucket: return .createBucket
        case .deleteBucket: return .deleteBucket
        case .headBucket, .listObjectsV1, .listObjectsV2: return .listBucket
        case .getBucketLocation: return .getBucketLocation
        case .listObjectVersions: return .listBucketVersions
        // Per key, S3 checks s3:DeleteObject on each; today's rule is the bucket's owner, the
        // same answer for every key, so the bucket-level decision covers them.
        case .deleteObjects: return .deleteObject
        case .listMultipartUploads: return .listBucketMultipartUploads
        case .putBucketLifecycle, .deleteBucketLifecycle: return .putLifecycleConfiguration
        case .getBucketLifecycle: return .getLifecycleConfiguration
        case .putBucketRequestPayment: return .putBucketRequestPayment
        case .getBucketRequestPayment: return .getBucketRequestPayment
        case .putBucketEncryption, .deleteBucketEncryption: return .putEncryptionConfiguration
        case .getBucketEncryption: return .getEncryptionConfiguration
        case .putObject, .copyObject, .createMultipartUpload, .uploadPart, .uploadPartCopy, .completeMultipartUpload:
            return .putObject
        case .putObjectLockConfiguration: return .putBucketObjectLockConfiguration
        case .getObjectLockConfiguration: return .getBucketObjectLockConfiguration
        case .putObjectRetention: return .putObjectRetention
        case .getObjectRetention: return .getObjectRetention
        case .putObjectLegalHold: return .putObjectLegalHold
        case .getObjectLegalHold: return .getObjectLegalHold
        case .putBucketPolicy: return .putBucketPolicy
        case .getBucketPolicy: return .getBucketPolicy
        case .deleteBucketPolicy: return .deleteBucketPolicy
        case .getBucketPolicyStatus: return .getBucketPolicyStatus
        case .getBucketVersioning: return .getBucketVersioning
        case .putBucketVersioning: return .putBucketVersioning
        // DeleteBucketTagging needs s3:PutBucketTagging, as IAM defines it.
        case .putBucketTagging, .deleteBucketTagging: return .putBucketTagging
        case .getBucketTagging: return .getBucketTagging
        // DeleteBucketCors needs s3:PutBucketCORS, as IAM defines it.
        case .putBucketCors, .deleteBucketCors: return .putBucketCORS
        case .getBucketCors: return .getBucketCORS
        // A browser form upload writes the form's key: s3:PutObject on it (see `resource`).
        case .postObject: return .putObject
        case .putObjectTagging(let a): return a.versionID == nil ? .putObjectTagging : .putObjectVersionTagging
        case .getObjectTagging(let a): return a.versionID == nil ? .getObjectTagging : .getObjectVersionTagging
        case .deleteObjectTagging(let a): return a.versionID == nil ? .deleteObjectTagging : .deleteObjectVersionTagging
        // A named version needs the version permission, as IAM defines it.
        case .getObject(let a, _, _), .headObject(let a, _, _): return a.versionID == nil ? .getObject : .getObjectVersion
        case .getObjectAttributes(let a): return a.versionID == nil ? .getObjectAttributes : .getObjectVersionAttributes
        case .deleteObject(let a): return a.versionID == nil ? .deleteObject : .deleteObjectVersion
        case .putBucketAcl: return .putBucketAcl
        case .getBucketAcl: return .getBucketAcl
        case .putObjectAcl(let a): return a.versionID == nil ? .putObjectAcl : .putObjectVersionAcl
        case .getObjectAcl(let a): return a.versionID == nil ? .getObjectAcl : .getObjectVersionAcl
        // Deleting ownership controls or a public access block needs the Put permission, as IAM defines it.
        case .putBucketOwnershipControls, .deleteBucketOwnershipControls: return .putBucketOwnershipControls
        case .getBucketOwnershipControls: return .getBucketOwnershipControls
        case .putPublicAccessBlock, .deletePublicAccessBlock: return .putBucketPublicAccessBlock
        case .getPublicAccessBlock: return .getBucketPublicAccessBlock
        case .abortMultipartUpload: return .abortMultipartUpload
        case .listParts: return .listMultipartUploadParts
        // Answered to anyone from the bucket's CORS rules.
        case .corsPreflight, .notImplemented: return nil
        }
    }

    /// What `action` applies to.
    public var resource: S3Resource {
        if let a = address { return .object(bucket: a.bucket.rawValue, key: a.key.rawValue) }
        if let b = bucket { return .bucket(b.rawValue) }
        return .service
    }

    /// Whether the operation acts on an existing bucket, read (and authorized against its owner)
    /// before the handler runs. CreateBucket's bucket may not exist yet.
    public var needsBucket: Bool {
        switch self {
        case .listBuckets, .createBucket, .notImplemented: return false
        default: return true
        }
    }

    /// Whether `x-amz-copy-source` names a second object the request reads.
    public var readsCopySource: Bool {
        switch self {
        case .copyObject, .uploadPartCopy: return true
        default: return false
        }
    }
}
