import CairnModel
import CairnStorage

extension PostgresMetadataStore {
    public func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await pool.rows(Prepared.Bucket.self, .text(name.rawValue)).first.map(PostgresRows.bucket)
    }

    public func buckets(ownedBy ownerID: String) async throws -> [BucketRecord] {
        try await pool.rows(PostgresSQL("SELECT \(PostgresRows.bucketColumns) FROM buckets WHERE owner_id = $1 ORDER BY name", .text(ownerID)))
            .map(PostgresRows.bucket)
    }

    public func bucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind) async throws -> String? {
        try await pool.rows(PostgresSQL("SELECT value FROM bucket_configs WHERE bucket = $1 AND kind = $2",
                                        .text(bucket.rawValue), .text(kind.rawValue))).first.map { try PostgresRows.Row($0).text("value") }
    }

    public func buckets(with kind: BucketConfigKind) async throws -> [BucketName] {
        try await pool.rows(PostgresSQL("SELECT bucket FROM bucket_configs WHERE kind = $1 ORDER BY bucket", .text(kind.rawValue)))
            .map { BucketName(unchecked: try PostgresRows.Row($0).text("bucket")) }
    }
}
