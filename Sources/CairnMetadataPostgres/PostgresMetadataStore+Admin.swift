import CairnModel
import CairnStorage
import Foundation
import PostgresNIO

/// Reads for operating the store: usage (totals plus pending deltas), users and keys.
extension PostgresMetadataStore {
    public func allBuckets() async throws -> [BucketRecord] {
        try await pool.rows(PostgresSQL("SELECT \(PostgresRows.bucketColumns) FROM buckets ORDER BY name")).map(PostgresRows.bucket)
    }

    public func usage(_ bucket: BucketName) async throws -> BucketUsage {
        try await Self.usage(pool, bucket)
    }

    static func usage(_ db: PostgresExecutor, _ bucket: BucketName) async throws -> BucketUsage {
        try await db.rows(PostgresSQL(PostgresUsageSchema.usageQuery(filter: "WHERE bucket = $1"), .text(bucket.rawValue)))
            .first.map(PostgresRows.usage) ?? BucketUsage()
    }

    public func allUsage() async throws -> [BucketName: BucketUsage] {
        var all: [BucketName: BucketUsage] = [:]
        for row in try await pool.rows(PostgresSQL(PostgresUsageSchema.usageQuery(filter: ""))) {
            all[BucketName(unchecked: try PostgresRows.Row(row).text("bucket"))] = try PostgresRows.usage(row)
        }
        return all
    }

    public func oldestUpload(_ bucket: BucketName?) async throws -> Date? {
        let rows = if let bucket {
            try await pool.rows(PostgresSQL("SELECT min(initiated_ms) AS m FROM uploads WHERE bucket = $1", .text(bucket.rawValue)))
        } else {
            try await pool.rows(PostgresSQL("SELECT min(initiated_ms) AS m FROM uploads"))
        }
        return try rows.first.flatMap { try PostgresRows.Row($0).decode(Int64?.self, "m") }.map { Date(milliseconds: $0) }
    }

    public func foldUsage() async throws {
        try await pool.run(PostgresSQL(PostgresUsageSchema.fold))
    }

    public func identityGeneration() async throws -> Int64 {
        try await pool.rows(PostgresSQL("SELECT generation FROM identity_generation WHERE id = 1")).first
            .map { try PostgresRows.Row($0).int("generation") } ?? 0
    }

    public func users() async throws -> [StoredUser] {
        try await pool.rows(PostgresSQL("SELECT * FROM users ORDER BY name, id")).map(PostgresRows.user)
    }

    public func accessKeys() async throws -> [StoredAccessKey] {
        try await pool.rows(PostgresSQL("SELECT * FROM access_keys ORDER BY user_id, access_key")).map(PostgresRows.accessKey)
    }
}

extension PostgresRows {
    static func usage(_ row: PostgresRow) throws -> BucketUsage {
        let r = Row(row)
        return BucketUsage(objects: try r.int("objects"), bytes: try r.int("bytes"), versions: try r.int("versions"),
                           versionBytes: try r.int("version_bytes"), deleteMarkers: try r.int("markers"), uploads: try r.int("uploads"),
                           parts: try r.int("parts"), partBytes: try r.int("part_bytes"))
    }

    static func user(_ row: PostgresRow) throws -> StoredUser {
        let r = Row(row)
        return StoredUser(id: try r.text("id"), name: try r.text("name"), admin: try r.bool("admin"), created: try r.date("created_ms"))
    }

    static func accessKey(_ row: PostgresRow) throws -> StoredAccessKey {
        let r = Row(row)
        return StoredAccessKey(accessKey: try r.text("access_key"), userID: try r.text("user_id"), sealedSecret: try r.text("secret"),
                               enabled: try r.bool("enabled"), created: try r.date("created_ms"))
    }
}

/// Usage, users and keys inside a transaction. Each change to users or keys bumps the generation
/// row, which also serialises admin changes (they are rare).
extension PostgresTransaction {
    func usage(_ bucket: BucketName) async throws -> BucketUsage {
        try await PostgresMetadataStore.usage(db, bucket)
    }

    func user(_ id: String) async throws -> StoredUser? {
        try await db.rows(PostgresSQL("SELECT * FROM users WHERE id = $1", .text(id))).first.map(PostgresRows.user)
    }

    func putUser(_ u: StoredUser) async throws {
        try await db.run(PostgresSQL("""
            INSERT INTO users (id, name, admin, created_ms) VALUES ($1, $2, $3, $4)
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, admin = EXCLUDED.admin
            """, .text(u.id), .text(u.name), .bool(u.admin), .int(u.created.millisecondsSince1970)))
        try await identityChanged()
    }

    func deleteUser(_ id: String) async throws {
        try await db.run(PostgresSQL("DELETE FROM access_keys WHERE user_id = $1", .text(id)))
        try await db.run(PostgresSQL("DELETE FROM users WHERE id = $1", .text(id)))
        try await identityChanged()
    }

    func accessKey(_ accessKey: String) async throws -> StoredAccessKey? {
        try await db.rows(PostgresSQL("SELECT * FROM access_keys WHERE access_key = $1", .text(accessKey))).first.map(PostgresRows.accessKey)
    }

    func putAccessKey(_ k: StoredAccessKey) async throws {
        try await db.run(PostgresSQL("""
            INSERT INTO access_keys (access_key, user_id, secret, enabled, created_ms) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (access_key) DO UPDATE SET user_id = EXCLUDED.user_id, secret = EXCLUDED.secret, enabled = EXCLUDED.enabled
            """, .text(k.accessKey), .text(k.userID), .text(k.sealedSecret), .bool(k.enabled), .int(k.created.millisecondsSince1970)))
        try await identityChanged()
    }

    func deleteAccessKey(_ accessKey: String) async throws {
        try await db.run(PostgresSQL("DELETE FROM access_keys WHERE access_key = $1", .text(accessKey)))
        try await identityChanged()
    }

    private func identityChanged() async throws {
        try await db.run(PostgresSQL("UPDATE identity_generation SET generation = generation + 1 WHERE id = 1"))
    }
}
