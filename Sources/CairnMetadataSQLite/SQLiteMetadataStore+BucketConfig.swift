import CairnModel
import CairnStorage
import SQLiteNIO

extension SQLiteMetadataStore {
    public func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String? {
        try await reader.query("SELECT value FROM bucket_configs WHERE bucket = ? AND kind = ?",
                               [.text(bucket.rawValue), .text(kind.rawValue)]).first?.column("value")?.string
    }

    public func setBucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind, _ value: String?) async throws {
        try await transaction { db in
            try await Self.requireBucket(db, bucket)
            if let value {
                _ = try await db.query("INSERT OR REPLACE INTO bucket_configs (bucket, kind, value) VALUES (?, ?, ?)",
                                       [.text(bucket.rawValue), .text(kind.rawValue), .text(value)])
            } else {
                _ = try await db.query("DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?", [.text(bucket.rawValue), .text(kind.rawValue)])
            }
            if kind == .requestPayment {
                _ = try await db.query("UPDATE buckets SET request_payer = ? WHERE name = ?",
                                       [.text(value ?? "BucketOwner"), .text(bucket.rawValue)])
            }
        }
    }

    public func buckets(with kind: BucketConfigKind) async throws -> [BucketName] {
        try await reader.query("SELECT bucket FROM bucket_configs WHERE kind = ? ORDER BY bucket", [.text(kind.rawValue)])
            .compactMap { $0.column("bucket")?.string }.map(BucketName.init(unchecked:))
    }
}
