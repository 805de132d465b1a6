import CairnModel
import Foundation

/// Bucket quotas: checked inside the writing transaction against the usage counters, so a write
/// sees the commits before it. Writers that commit at the same moment on several PostgreSQL nodes
/// may each see the other's bytes as not yet there and overshoot by one write each, as MinIO's and
/// Ceph's quotas can; nothing else gets past.
extension Storage {
    /// A new version of `record`'s key: its bytes, and one more object unless it replaces one.
    func checkQuota(_ bucket: BucketRecord, placing record: ObjectRecord, _ tx: any MetadataTransaction) async throws {
        guard let quota = bucket.quota else { return }
        var bytes = record.size
        var objects: Int64 = record.isDeleteMarker ? 0 : 1
        if bucket.versioning == nil, let current = try await tx.object(record.bucket, record.key), !current.isDeleteMarker {
            bytes -= current.size
            objects -= 1
        }
        if let refusal = quota.refusal(try await tx.usage(bucket.name), addingBytes: bytes, addingObjects: objects, bucket: bucket.name) {
            throw refusal
        }
    }

    /// A part: its bytes (less the part it replaces).
    func checkQuota(_ quota: BucketQuota?, bucket: BucketName, part: PartRecord, replacing old: PartRecord?,
                    _ tx: any MetadataTransaction) async throws {
        guard let quota else { return }
        let bytes = part.size - (old?.size ?? 0)
        if let refusal = quota.refusal(try await tx.usage(bucket), addingBytes: bytes, addingObjects: 0, bucket: bucket) { throw refusal }
    }

    /// Before a body is asked for (PutObject, UploadPart): a declared size that cannot fit is
    /// refused at once, so a client with `Expect: 100-continue` sends no byte of it. What the write
    /// would replace (the current object of an unversioned bucket, a part with the same number)
    /// is counted as freed. The commit checks again, exactly.
    public func checkQuotaBeforeBody(_ context: BucketContext, declaredBytes: Int64?, key: ObjectKey? = nil,
                                     part: (UploadID, PartNumber)? = nil) async throws {
        guard let maxBytes = context.record.quota?.maxBytes, let declared = declaredBytes else { return }
        var freed: Int64 = 0
        if let key, context.record.versioning == nil, let current = try await metadata.object(context.name, key), !current.isDeleteMarker {
            freed = current.size
        }
        if let (id, number) = part, let old = try await metadata.parts(id, after: number.value - 1, limit: 1).first,
           old.partNumber == number.value {
            freed = old.size
        }
        let quota = BucketQuota(maxBytes: maxBytes)
        if let refusal = quota.refusal(try await metadata.usage(context.name), addingBytes: declared - freed, addingObjects: 0,
                                       bucket: context.name) {
            throw refusal
        }
    }

    /// Sets or (nil) clears a bucket's quota.
    public func setQuota(_ bucket: BucketName, _ quota: BucketQuota?) async throws {
        try await metadata.withTransaction { tx in
            _ = try await tx.requireBucket(bucket)
            try await tx.setBucketConfig(bucket, .quota, try quota.map { try $0.json() })
        }
    }
}
