import CairnModel
import CairnStorage
import Foundation

/// Reads for operating the store: usage counters, users and keys.
extension SQLiteMetadataStore {
    public func allBuckets() async throws -> [BucketRecord] {
        try await readers.query("SELECT \(SQLiteRows.bucketColumns) FROM buckets ORDER BY name").map(SQLiteRows.bucket)
    }

    public func usage(_ bucket: BucketName) async throws -> BucketUsage {
        try await readers.withConnection { try await Self.usage($0, bucket) }
    }

    static func usage(_ db: SQLiteConnection, _ bucket: BucketName) async throws -> BucketUsage {
        try await db.query("SELECT * FROM bucket_usage WHERE bucket = ?", [.text(bucket.rawValue)]).first.map(SQLiteRows.usage)
            ?? BucketUsage()
    }

    public func allUsage() async throws -> [BucketName: BucketUsage] {
        var all: [BucketName: BucketUsage] = [:]
        for row in try await readers.query("SELECT * FROM bucket_usage") {
            all[BucketName(unchecked: SQLiteRows.text(row, "bucket"))] = SQLiteRows.usage(row)
        }
        return all
    }

    public func oldestUpload(_ bucket: BucketName?) async throws -> Date? {
        let rows = if let bucket {
            try await readers.query("SELECT min(initiated_ms) AS m FROM uploads WHERE bucket = ?", [.text(bucket.rawValue)])
        } else {
            try await readers.query("SELECT min(initiated_ms) AS m FROM uploads")
        }
        return rows.first?.column("m")?.integer.map { Date(milliseconds: Int64($0)) }
    }

    /// The triggers write the totals directly: nothing to fold.
    public func foldUsage() async throws {}

    public func identityGeneration() async throws -> Int64 {
        Int64(try await readers.query("SELECT generation FROM identity_generation WHERE id = 1").first?.column("generation")?.integer ?? 0)
    }

    public func users() async throws -> [StoredUser] {
        try await readers.query("SELECT * FROM users ORDER BY name, id").map(SQLiteRows.user)
    }

    public func accessKeys() async throws -> [StoredAccessKey] {
        try await readers.query("SELECT * FROM access_keys ORDER BY user_id, access_key").map(SQLiteRows.accessKey)
    }
}

extension SQLiteRows {
    static func usage(_ row: SQLiteRow) -> BucketUsage {
        func n(_ c: String) -> Int64 { Int64(row.column(c)?.integer ?? 0) }
        return BucketUsage(objects: n("objects"), bytes: n("bytes"), versions: n("versions"), versionBytes: n("version_bytes"),
                           deleteMarkers: n("markers"), uploads: n("uploads"), parts: n("parts"), partBytes: n("part_bytes"))
    }

    static func user(_ row: SQLiteRow) -> StoredUser {
        StoredUser(id: text(row, "id"), name: text(row, "name"), admin: (row.column("admin")?.integer ?? 0) != 0,
                   created: Date(milliseconds: Int64(row.column("created_ms")?.integer ?? 0)))
    }

    static func accessKey(_ row: SQLiteRow) -> StoredAccessKey {
        StoredAccessKey(accessKey: text(row, "access_key"), userID: text(row, "user_id"), sealedSecret: text(row, "secret"),
                        enabled: (row.column("enabled")?.integer ?? 0) != 0,
                        created: Date(milliseconds: Int64(row.column("created_ms")?.integer ?? 0)))
    }
}

/// Usage, users and keys inside a transaction.
extension SQLiteTransaction {
    func usage(_ bucket: BucketName) async throws -> BucketUsage {
        try await SQLiteMetadataStore.usage(db, bucket)
    }

    func user(_ id: String) async throws -> StoredUser? {
        try await db.query("SELECT * FROM users WHERE id = ?", [.text(id)]).first.map(SQLiteRows.user)
    }

    func putUser(_ u: StoredUser) async throws {
        _ = try await db.query("INSERT OR REPLACE INTO users (id, name, admin, created_ms) VALUES (?, ?, ?, ?)",
                               [.text(u.id), .text(u.name), .integer(u.admin ? 1 : 0), .integer(Int(u.created.millisecondsSince1970))])
        try await identityChanged()
    }

    func deleteUser(_ id: String) async throws {
        _ = try await db.query("DELETE FROM access_keys WHERE user_id = ?", [.text(id)])
        _ = try await db.query("DELETE FROM users WHERE id = ?", [.text(id)])
        try await identityChanged()
    }

    func accessKey(_ accessKey: String) async throws -> StoredAccessKey? {
        try await db.query("SELECT * FROM access_keys WHERE access_key = ?", [.text(accessKey)]).first.map(SQLiteRows.accessKey)
    }

    func putAccessKey(_ k: StoredAccessKey) async throws {
        _ = try await db.query("""
            INSERT OR REPLACE INTO access_keys (access_key, user_id, secret, enabled, created_ms) VALUES (?, ?, ?, ?, ?)
            """, [.text(k.accessKey), .text(k.userID), .text(k.sealedSecret), .integer(k.enabled ? 1 : 0),
                  .integer(Int(k.created.millisecondsSince1970))])
        try await identityChanged()
    }

    func deleteAccessKey(_ accessKey: String) async throws {
        _ = try await db.query("DELETE FROM access_keys WHERE access_key = ?", [.text(accessKey)])
        try await identityChanged()
    }

    private func identityChanged() async throws {
        _ = try await db.query("UPDATE identity_generation SET generation = generation + 1 WHERE id = 1")
    }
}
