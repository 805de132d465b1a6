import CairnModel
import Foundation

/// Object Lock: which lock a new version gets, and the rules that keep a locked version.
extension Storage {
    /// The lock a write gives its new version: what the request asked (refused when the bucket has
    /// no Object Lock), else the bucket's default retention.
    public func lock(for request: ObjectLock, in bucket: BucketRecord, now: Date = Date()) throws(S3Error) -> ObjectLock {
        guard let config = bucket.objectLock, config.enabled else {
            if !request.isEmpty { throw S3Error(.invalidRequest, "Bucket is missing Object Lock Configuration") }
            return ObjectLock()
        }
        var lock = request
        if lock.retention == nil { lock.retention = config.defaultRetention(from: now) }
        return lock
    }

    /// PutObjectLockConfiguration. Object Lock can be enabled on a bucket whose versioning is
    /// Enabled (never turned off again); the default retention may change.
    public func setObjectLockConfiguration(_ context: BucketContext, _ config: ObjectLockConfiguration) async throws {
        try await metadata.withTransaction { tx in
            let bucket = try await tx.requireBucket(context.name)
            guard bucket.versioning == .enabled else {
                throw S3Error(.invalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration")
            }
            try await tx.setBucketConfig(context.name, .objectLock, try config.json())
        }
    }

    /// PutObjectRetention: a COMPLIANCE retention can only be kept or extended; a GOVERNANCE one
    /// shortened or removed only with `bypassGovernance`.
    public func setRetention(_ retention: ObjectRetention?, in context: BucketContext, key: ObjectKey, version id: VersionID?,
                             bypassGovernance: Bool) async throws -> VersionID {
        try await changeLock(in: context, key: key, version: id) { lock in
            if let old = lock.retention, old.isActive(at: Date()) {
                let weaker = retention.map { $0.retainUntil < old.retainUntil || ($0.mode == .governance && old.mode == .compliance) } ?? true
                if weaker, old.mode == .compliance || !bypassGovernance { throw S3Error(.accessDenied) }
            }
            lock.retention = retention
        }
    }

    /// PutObjectLegalHold.
    public func setLegalHold(_ on: Bool, in context: BucketContext, key: ObjectKey, version id: VersionID?) async throws -> VersionID {
        try await changeLock(in: context, key: key, version: id) { $0.legalHold = on }
    }

    /// The lock of the version a request names (GetObjectRetention / GetObjectLegalHold).
    public func lock(in context: BucketContext, key: ObjectKey, version id: VersionID?) async throws -> (ObjectLock, VersionID) {
        guard context.record.objectLock?.enabled == true else {
            throw S3Error(.invalidRequest, "Bucket is missing Object Lock Configuration")
        }
        let o = try await object(in: context, key: key, version: id)
        return (o.lock, o.versionID)
    }

    private func changeLock(in context: BucketContext, key: ObjectKey, version id: VersionID?,
                            _ change: @escaping (inout ObjectLock) throws -> Void) async throws -> VersionID {
        try await metadata.withTransaction { tx in
            let bucket = try await tx.requireBucket(context.name)
            guard bucket.objectLock?.enabled == true else { throw S3Error(.invalidRequest, "Bucket is missing Object Lock Configuration") }
            let found = if let id { try await tx.version(bucket.name, key, id) } else { try await tx.object(bucket.name, key) }
            var record = try Self.requireVersion(found, key: key, id: id, versioning: bucket.versioning, method: "PUT")
            try change(&record.lock)
            try await tx.updateVersion(record)
            return record.versionID
        }
    }
}

extension ObjectLockConfiguration {
    func json() throws -> String { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
}
