import CairnModel

/// Per-bucket configuration documents (lifecycle, request payment), stored whole.
public protocol BucketConfigStore: Sendable {
    func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String?
    /// Sets (or with nil, deletes) a configuration; NoSuchBucket when the bucket is gone.
    func setBucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind, _ value: String?) async throws
    /// Buckets that have a configuration of this kind (the lifecycle sweeper's work list).
    func buckets(with kind: BucketConfigKind) async throws -> [BucketName]
}

public enum BucketConfigKind: String, Sendable {
    case lifecycle
    case requestPayment
    case encryption
}
