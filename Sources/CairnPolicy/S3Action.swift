/// An S3 permission, named as IAM and bucket policies name it (`s3:GetObject`): what an operation
/// needs of the principal on its resource.
/// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
public struct S3Action: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let listAllMyBuckets = S3Action(rawValue: "s3:ListAllMyBuckets")
    public static let createBucket = S3Action(rawValue: "s3:CreateBucket")
    public static let deleteBucket = S3Action(rawValue: "s3:DeleteBucket")
    public static let listBucket = S3Action(rawValue: "s3:ListBucket")
    public static let listBucketVersions = S3Action(rawValue: "s3:ListBucketVersions")
    public static let listBucketMultipartUploads = S3Action(rawValue: "s3:ListBucketMultipartUploads")
    public static let getBucketLocation = S3Action(rawValue: "s3:GetBucketLocation")
    public static let getLifecycleConfiguration = S3Action(rawValue: "s3:GetLifecycleConfiguration")
    public static let putLifecycleConfiguration = S3Action(rawValue: "s3:PutLifecycleConfiguration")
    public static let getBucketRequestPayment = S3Action(rawValue: "s3:GetBucketRequestPayment")
    public static let putBucketRequestPayment = S3Action(rawValue: "s3:PutBucketRequestPayment")
    public static let getEncryptionConfiguration = S3Action(rawValue: "s3:GetEncryptionConfiguration")
    public static let putEncryptionConfiguration = S3Action(rawValue: "s3:PutEncryptionConfiguration")
    public static let getBucketPolicy = S3Action(rawValue: "s3:GetBucketPolicy")
    public static let putBucketPolicy = S3Action(rawValue: "s3:PutBucketPolicy")
    public static let deleteBucketPolicy = S3Action(rawValue: "s3:DeleteBucketPolicy")
    public static let getBucketPolicyStatus = S3Action(rawValue: "s3:GetBucketPolicyStatus")
    public static let getBucketObjectLockConfiguration = S3Action(rawValue: "s3:GetBucketObjectLockConfiguration")
    public static let putBucketObjectLockConfiguration = S3Action(rawValue: "s3:PutBucketObjectLockConfiguration")
    public static let getObjectRetention = S3Action(rawValue: "s3:GetObjectRetention")
    public static let putObjectRetention = S3Action(rawValue: "s3:PutObjectRetention")
    public static let getObjectLegalHold = S3Action(rawValue: "s3:GetObjectLegalHold")
    public static let putObjectLegalHold = S3Action(rawValue: "s3:PutObjectLegalHold")
    public static let bypassGovernanceRetention = S3Action(rawValue: "s3:BypassGovernanceRetention")
    public static let getBucketVersioning = S3Action(rawValue: "s3:GetBucketVersioning")
    public static let putBucketVersioning = S3Action(rawValue: "s3:PutBucketVersioning")
    public static let getBucketCORS = S3Action(rawValue: "s3:GetBucketCORS")
    public static let putBucketCORS = S3Action(rawValue: "s3:PutBucketCORS")
    public static let getBucketTagging = S3Action(rawValue: "s3:GetBucketTagging")
    public static let putBucketTagging = S3Action(rawValue: "s3:PutBucketTagging")
    public static let getObjectTagging = S3Action(rawValue: "s3:GetObjectTagging")
    public static let putObjectTagging = S3Action(rawValue: "s3:PutObjectTagging")
    public static let deleteObjectTagging = S3Action(rawValue: "s3:DeleteObjectTagging")
    public static let getObjectVersionTagging = S3Action(rawValue: "s3:GetObjectVersionTagging")
    public static let putObjectVersionTagging = S3Action(rawValue: "s3:PutObjectVersionTagging")
    public static let deleteObjectVersionTagging = S3Action(rawValue: "s3:DeleteObjectVersionTagging")
    public static let getObject = S3Action(rawValue: "s3:GetObject")
    public static let getObjectVersion = S3Action(rawValue: "s3:GetObjectVersion")
    public static let getObjectVersionAttributes = S3Action(rawValue: "s3:GetObjectVersionAttributes")
    public static let deleteObjectVersion = S3Action(rawValue: "s3:DeleteObjectVersion")
    public static let getObjectAttributes = S3Action(rawValue: "s3:GetObjectAttributes")
    public static let putObject = S3Action(rawValue: "s3:PutObject")
    public static let deleteObject = S3Action(rawValue: "s3:DeleteObject")
    public static let abortMultipartUpload = S3Action(rawValue: "s3:AbortMultipartUpload")
    public static let listMultipartUploadParts = S3Action(rawValue: "s3:ListMultipartUploadParts")
    public static let getBucketAcl = S3Action(rawValue: "s3:GetBucketAcl")
    public static let putBucketAcl = S3Action(rawValue: "s3:PutBucketAcl")
    public static let getObjectAcl = S3Action(rawValue: "s3:GetObjectAcl")
    public static let putObjectAcl = S3Action(rawValue: "s3:PutObjectAcl")
    public static let getObjectVersionAcl = S3Action(rawValue: "s3:GetObjectVersionAcl")
    public static let putObjectVersionAcl = S3Action(rawValue: "s3:PutObjectVersionAcl")
    public static let getBucketOwnershipControls = S3Action(rawValue: "s3:GetBucketOwnershipControls")
    public static let putBucketOwnershipControls = S3Action(rawValue: "s3:PutBucketOwnershipControls")
    public static let getBucketPublicAccessBlock = S3Action(rawValue: "s3:GetBucketPublicAccessBlock")
    public static let putBucketPublicAccessBlock = S3Action(rawValue: "s3:PutBucketPublicAccessBlock")
}

/// What an action applies to: the whole service (ListBuckets), a bucket, or an object in it.
public enum S3Resource: Hashable, Sendable {
    case service
    case bucket(String)
    case object(bucket: String, key: String)

    /// The resource's ARN, as policies name it.
    public var arn: String {
        switch self {
        case .service: return "arn:aws:s3:::*"
        case .bucket(let b): return "arn:aws:s3:::\(b)"
        case .object(let b, let k): return "arn:aws:s3:::\(b)/\(k)"
        }
    }
}
