import CairnModel
import Foundation

/// ACLs, Object Ownership and Block Public Access: a bucket's are configuration documents read
/// with its record; a version's ACL is part of its record, rewritten in place (like tags).
/// Which ACL a request may set is CairnPolicy's rule; this stores what was decided.
extension Storage {
    /// PutBucketAcl: the grants (nil: the default ACL).
    public func setBucketACL(_ context: BucketContext, _ grants: [ACLGrant]?) async throws {
        try await setBucketConfig(context, .acl, try grants.map(Self.json))
    }

    /// Put/DeleteBucketOwnershipControls.
    public func setBucketOwnership(_ context: BucketContext, _ ownership: ObjectOwnership?) async throws {
        try await setBucketConfig(context, .ownershipControls, ownership?.rawValue)
    }

    /// Put/DeletePublicAccessBlock.
    public func setPublicAccessBlock(_ context: BucketContext, _ block: PublicAccessBlock?) async throws {
        try await setBucketConfig(context, .publicAccessBlock, try block.map(Self.json))
    }

    /// PutObjectAcl: replaces the ACL of the current version, or of the version `id` names, with
    /// what `grants` makes of that version (its owner decides what a canned ACL means), in one
    /// transaction. Which version, and the errors, are GET's. Returns the version changed.
    public func setObjectACL(in context: BucketContext, key: ObjectKey, version id: VersionID?,
                             _ grants: (ObjectRecord) throws -> [ACLGrant]?) async throws -> VersionID {
        try await metadata.withTransaction { tx in
            let bucket = try await tx.requireBucket(context.name)
            let found = if let id { try await tx.version(bucket.name, key, id) } else { try await tx.object(bucket.name, key) }
            var record = try Self.requireVersion(found, key: key, id: id, versioning: bucket.versioning, method: "PUT")
            record.acl = try grants(record)
            try await tx.updateVersion(record)
            return record.versionID
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
