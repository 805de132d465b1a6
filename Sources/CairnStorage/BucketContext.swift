import CairnModel

/// A bucket as one request sees it: its record read once, before the handler runs, and already
/// authorized for the request's principal. Storage operations take it instead of a name, so no
/// path reads the bucket again or checks access itself. The record carries what later access
/// checks and defaults need (owner, region, request payment; policy, ACL and versioning to come).
public struct BucketContext: Sendable {
    public let record: BucketRecord
    public init(record: BucketRecord) { self.record = record }

    public var name: BucketName { record.name }
    public var owner: Owner { record.owner }
}

extension Storage {
    /// The context of an existing bucket, or NoSuchBucket.
    public func bucketContext(_ name: BucketName) async throws -> BucketContext {
        guard let b = try await metadata.bucket(name) else { throw S3Error.noSuchBucket(name) }
        return BucketContext(record: b)
    }

    /// PutBucketPolicy / DeleteBucketPolicy: the document as sent (validated by the caller).
    public func setBucketPolicy(_ context: BucketContext, _ text: String?) async throws {
        try await setBucketConfig(context, .policy, text)
    }

    /// PutBucketCors / DeleteBucketCors: the rules' JSON (validated by the caller).
    public func setBucketCors(_ context: BucketContext, _ json: String?) async throws {
        try await setBucketConfig(context, .cors, json)
    }

    /// Sets (or with nil deletes) one configuration document of an existing bucket.
    func setBucketConfig(_ context: BucketContext, _ kind: BucketConfigKind, _ value: String?,
                         alsoUpdating update: ((inout BucketRecord) -> Void)? = nil) async throws {
        try await metadata.withTransaction { tx in
            var record = try await tx.requireBucket(context.name)
            try await tx.setBucketConfig(context.name, kind, value)
            if let update {
                update(&record)
                try await tx.updateBucket(record)
            }
        }
    }
}
