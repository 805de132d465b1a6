import CairnModel
import CairnStorage
import Foundation

extension SQLiteMetadataStore {
    public func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await readers.withConnection { try await Self.bucket($0, name) }
    }

    static let selectBucket = BucketRecord.selectWithConfigs(SQLiteRows.bucketColumns) + " WHERE name = ?"

    /// The record with the configuration documents a request needs, in one primary-key lookup.
    static func bucket(_ db: SQLiteConnection, _ name: BucketName) async throws -> BucketRecord? {
        guard let row = try await db.query(selectBucket, [.text(name.rawValue)]).first else { return nil }
        var record = try SQLiteRows.bucket(row)
        try record.readConfigs { row.column($0)?.string }
        return record
    }

    public func buckets(ownedBy ownerID: String) async throws -> [BucketRecord] {
        try await readers.query("SELECT \(SQLiteRows.bucketColumns) FROM buckets WHERE owner_id = ? ORDER BY name", [.text(ownerID)])
            .map(SQLiteRows.bucket)
    }

    public func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String? {
        try await readers.query("SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?",
                               [.text(bucket.rawValue), .text(kind.rawValue)]).first?.column("value")?.string
    }

    public func buckets(with kind: BucketConfigKind) async throws -> [BucketName] {
        try await readers.query("SELECT bucket FROM bucket_configs WHERE kind = ? ORDER BY bucket", [.text(kind.rawValue)])
            .map { BucketName(unchecked: SQLiteRows.text($0, "bucket")) }
    }
}
