/// The S3 action names IAM knows (Service Authorization Reference, "Actions defined by Amazon S3"),
/// to refuse a policy naming an action that does not exist, as S3 does.
enum S3ActionNames {
    static let all: [String] = [
        "AbortMultipartUpload", "BypassGovernanceRetention", "CreateAccessPoint", "CreateBucket", "CreateJob",
        "DeleteAccessPoint", "DeleteAccessPointPolicy", "DeleteBucket", "DeleteBucketOwnershipControls",
        "DeleteBucketPolicy", "DeleteBucketWebsite", "DeleteJobTagging", "DeleteObject", "DeleteObjectTagging",
        "DeleteObjectVersion", "DeleteObjectVersionTagging", "DescribeJob", "GetAccelerateConfiguration",
        "GetAccessPoint", "GetAccessPointPolicy", "GetAccountPublicAccessBlock", "GetAnalyticsConfiguration",
        "GetBucketAcl", "GetBucketCORS", "GetBucketLocation", "GetBucketLogging", "GetBucketNotification",
        "GetBucketObjectLockConfiguration", "GetBucketOwnershipControls", "GetBucketPolicy", "GetBucketPolicyStatus",
        "GetBucketPublicAccessBlock", "GetBucketRequestPayment", "GetBucketTagging", "GetBucketVersioning",
        "GetBucketWebsite", "GetEncryptionConfiguration", "GetIntelligentTieringConfiguration",
        "GetInventoryConfiguration", "GetLifecycleConfiguration", "GetMetricsConfiguration", "GetObject",
        "GetObjectAcl", "GetObjectAttributes", "GetObjectLegalHold", "GetObjectRetention", "GetObjectTagging",
        "GetObjectTorrent", "GetObjectVersion", "GetObjectVersionAcl", "GetObjectVersionAttributes",
        "GetObjectVersionForReplication", "GetObjectVersionTagging", "GetObjectVersionTorrent",
        "GetReplicationConfiguration", "ListAllMyBuckets", "ListBucket", "ListBucketMultipartUploads",
        "ListBucketVersions", "ListJobs", "ListMultipartUploadParts", "ObjectOwnerOverrideToBucketOwner",
        "PutAccelerateConfiguration", "PutAccessPointPolicy", "PutAccountPublicAccessBlock",
        "PutAnalyticsConfiguration", "PutBucketAcl", "PutBucketCORS", "PutBucketLogging", "PutBucketNotification",
        "PutBucketObjectLockConfiguration", "PutBucketOwnershipControls", "PutBucketPolicy",
        "PutBucketPublicAccessBlock", "PutBucketRequestPayment", "PutBucketTagging", "PutBucketVersioning",
        "PutBucketWebsite", "PutEncryptionConfiguration", "PutIntelligentTieringConfiguration",
        "PutInventoryConfiguration", "PutLifecycleConfiguration", "PutMetricsConfiguration", "PutObject",
        "PutObjectAcl", "PutObjectLegalHold", "PutObjectRetention", "PutObjectTagging", "PutObjectVersionAcl",
        "PutObjectVersionTagging", "PutReplicationConfiguration", "ReplicateDelete", "ReplicateObject",
        "ReplicateTags", "RestoreObject", "UpdateJobPriority", "UpdateJobStatus",
    ]

    /// `s3:Name` or a wildcard pattern over such names that matches at least one; `*` alone too.
    static func isValid(pattern: String) -> Bool {
        if pattern == "*" { return true }
        guard pattern.lowercased().hasPrefix("s3:") else { return false }
        return all.contains { Wildcard.matches(pattern, "s3:" + $0, caseInsensitive: true) }
    }
}
