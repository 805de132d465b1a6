import CairnModel
import CairnStorage
import Foundation
import SQLiteNIO

extension SQLiteMetadataStore {
    public func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await Self.bucket(reader, name)
    }

    /// The record with the configuration documents a request needs, in one primary-key lookup
    /// and its joins.
    static func bucket(_ db: SQLiteConnection, _ name: BucketName) async throws -> BucketRecord? {
        guard let row = try await db.query("""
            SELECT \(SQLiteRows.bucketColumns), c.value AS policy, l.value AS object_lock, r.value AS lifecycle,
                   o.value AS cors FROM buckets
            LEFT JOIN bucket_configs c ON c.bucket = buckets.name AND c.kind = 'policy'
            LEFT JOIN bucket_configs l ON l.bucket = buckets.name AND l.kind = 'objectLock'
            LEFT JOIN bucket_configs r ON r.bucket = buckets.name AND r.kind = 'lifecycle'
            LEFT JOIN bucket_configs o ON o.bucket = buckets.name AND o.kind = 'cors' WHERE name = ?
            """, [.text(name.rawValue)]).first else { return nil }
        var record = try SQLiteRows.bucket(row)
        record.policy = row.column("policy")?.string
        record.lifecycle = row.column("lifecycle")?.string
        record.cors = row.column("cors")?.string
        record.objectLock = try row.column("object_lock")?.string.map {
            try JSONDecoder().decode(ObjectLockConfiguration.self, from: Data($0.utf8))
        }
        return record
    }

    public func buckets(ownedBy ownerID: String) async throws -> [BucketRecord] {
        try await reader.query("SELECT \(SQLiteRows.bucketColumns) FROM buckets WHERE owner_id = ? ORDER BY name", [.text(ownerID)])
            .map(SQLiteRows.bucket)
    }

    public func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String? {
        try await reader.query("SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?",
                               [.text(bucket.rawValue), .text(kind.rawValue)]).first?.column("value")?.string
    }

    public func buckets(with kind: BucketConfigKind) async throws -> [BucketName] {
        try await reader.query("SELECT bucket FROM bucket_configs WHERE kind = ? ORDER BY bucket", [.text(kind.rawValue)])
            .map { BucketName(unchecked: SQLiteRows.text($0, "bucket")) }
    }
}
