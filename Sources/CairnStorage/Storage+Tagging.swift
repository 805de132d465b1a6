import CairnModel
import Foundation

/// Tags: an object version's are part of its record, rewritten in place (a new tag set makes no
/// new version, as on S3); a bucket's are a configuration document.
extension Storage {
    /// PutObjectTagging (an empty set is DeleteObjectTagging): replaces the tags of the current
    /// version, or of the version `id` names, in one transaction. Which version, and the errors
    /// (NoSuchKey, NoSuchVersion, MethodNotAllowed on a delete marker), are GET's. Returns the
    /// version changed.
    public func setObjectTags(_ tags: TagSet, in context: BucketContext, key: ObjectKey, version id: VersionID?,
                              method: String) async throws -> VersionID {
        try await metadata.withTransaction { tx in
            let bucket = try await tx.requireBucket(context.name)
            let found = if let id { try await tx.version(bucket.name, key, id) } else { try await tx.object(bucket.name, key) }
            var record = try Self.requireVersion(found, key: key, id: id, versioning: bucket.versioning, method: method)
            record.tags = tags
            try await tx.updateVersion(record)
            return record.versionID
        }
    }

    /// GetBucketTagging's set; nil when the bucket has none.
    public func bucketTags(_ context: BucketContext) async throws -> TagSet? {
        guard let json = try await metadata.bucketConfig(context.name, .tagging) else { return nil }
        return TagSet(stored: try JSONDecoder().decode([TagSet.Tag].self, from: Data(json.utf8)))
    }

    /// PutBucketTagging replaces the bucket's set; an empty or nil set removes it (DeleteBucketTagging).
    public func setBucketTags(_ context: BucketContext, _ tags: TagSet?) async throws {
        let json = try tags.flatMap { $0.isEmpty ? nil : String(decoding: try JSONEncoder().encode($0.tags), as: UTF8.self) }
        try await setBucketConfig(context, .tagging, json)
    }
}
