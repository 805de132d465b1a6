import CairnModel
import CairnStorage

/// Reads that run both on the pool (GET, HEAD) and inside a transaction (after its lock).
enum PostgresReads {
    static func object(_ db: PostgresExecutor, _ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await db.rows(Prepared.Object.self, .text(bucket.rawValue), .text(key.rawValue)).first.map(PostgresRows.object)
    }

    static func version(_ db: PostgresExecutor, _ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        // One statement over both tables, so a concurrent write cannot move the version between two reads.
        try await db.rows(PostgresSQL("""
            SELECT \(PostgresRows.objectColumns) FROM objects WHERE bucket = $1 AND key = $2 AND version_id = $3
            UNION ALL
            SELECT \(PostgresRows.objectColumns) FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3
            LIMIT 1
            """, .text(bucket.rawValue), .text(key.rawValue), .text(id.rawValue))).first.map(PostgresRows.object)
    }
}
