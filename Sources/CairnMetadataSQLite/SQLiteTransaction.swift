import CairnModel
import CairnStorage
import Foundation
import NIOCore

/// One transaction on the writer connection. SQLite has one writer at a time (`BEGIN IMMEDIATE`
/// under `AsyncLock`), which is how this store meets the locking contract: every row a transaction
/// reads stays as it read it until it commits.
struct SQLiteTransaction: MetadataTransaction {
    let db: SQLiteConnection

    func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await SQLiteMetadataStore.bucket(db, name)
    }

    func insertBucket(_ b: BucketRecord) async throws {
        if try await !db.query("SELECT 1 FROM buckets WHERE name = ?", [.text(b.name.rawValue)]).isEmpty {
            throw MetadataError.alreadyExists
        }
        _ = try await db.query("INSERT INTO buckets (\(SQLiteRows.bucketColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [.text(b.name.rawValue), .text(b.owner.id), .text(b.owner.displayName),
                                .integer(Int(b.createdAt.millisecondsSince1970)), .text(b.region), .text(b.requestPayer.rawValue),
                                b.versioning.map { .text($0.rawValue) } ?? .null])
    }

    func updateBucket(_ b: BucketRecord) async throws {
        _ = try await db.query("UPDATE buckets SET request_payer = ?, versioning = ? WHERE name = ?",
                               [.text(b.requestPayer.rawValue), b.versioning.map { .text($0.rawValue) } ?? .null, .text(b.name.rawValue)])
    }

    func deleteBucket(_ name: BucketName) async throws {
        _ = try await db.query("DELETE FROM bucket_configs WHERE bucket = ?", [.text(name.rawValue)])
        _ = try await db.query("DELETE FROM bucket_usage WHERE bucket = ?", [.text(name.rawValue)])
        _ = try await db.query("DELETE FROM buckets WHERE name = ?", [.text(name.rawValue)])
    }

    func hasObjects(_ bucket: BucketName) async throws -> Bool {
        if try await !db.query("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", [.text(bucket.rawValue)]).isEmpty { return true }
        return try await !db.query("SELECT 1 FROM object_versions WHERE bucket = ? LIMIT 1", [.text(bucket.rawValue)]).isEmpty
    }

    func setBucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind, _ value: String?) async throws {
        if let value {
            _ = try await db.query("INSERT OR REPLACE INTO bucket_configs (bucket, kind, value) VALUES (?, ?, ?)",
                                   [.text(bucket.rawValue), .text(kind.rawValue), .text(value)])
        } else {
            _ = try await db.query("DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?", [.text(bucket.rawValue), .text(kind.rawValue)])
        }
    }

    func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await SQLiteMetadataStore.object(db, bucket, key)
    }

    func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        try await SQLiteMetadataStore.version(db, bucket, key, id)
    }

    func newestNoncurrent(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await db.query("SELECT \(SQLiteRows.objectColumns) FROM object_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1",
                           [.text(bucket.rawValue), .text(key.rawValue)]).first.map(SQLiteRows.object)
    }

    func putObject(_ o: ObjectRecord) async throws {
        _ = try await db.query("INSERT OR REPLACE INTO objects (\(SQLiteRows.objectColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               try SQLiteRows.objectBinds(o))
    }

    func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws {
        _ = try await db.query("DELETE FROM objects WHERE bucket = ? AND key = ?", [.text(bucket.rawValue), .text(key.rawValue)])
    }

    func putNoncurrent(_ o: ObjectRecord) async throws {
        _ = try await db.query("""
            INSERT INTO object_versions (\(SQLiteRows.objectColumns), noncurrent_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, try SQLiteRows.objectBinds(o) + [.integer(Int(Date().millisecondsSince1970))])
    }

    func noncurrentVersions(_ bucket: BucketName, _ key: ObjectKey) async throws -> [ObjectRecord] {
        try await db.query("SELECT \(SQLiteRows.objectColumns) FROM object_versions WHERE bucket = ? AND key = ? ORDER BY seq DESC",
                           [.text(bucket.rawValue), .text(key.rawValue)]).map(SQLiteRows.object)
    }

    func deleteNoncurrent(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws {
        _ = try await db.query("DELETE FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?",
                               [.text(bucket.rawValue), .text(key.rawValue), .text(id.rawValue)])
    }

    func updateVersion(_ o: ObjectRecord) async throws {
        // A version id is in one of the two tables; the other statement matches no row.
        for table in ["objects", "object_versions"] {
            _ = try await db.query("""
                UPDATE \(table) SET size = ?, etag = ?, last_modified_ms = ?, owner_id = ?, owner_name = ?, info = ?, delete_marker = ?
                WHERE bucket = ? AND key = ? AND version_id = ?
                """, [.integer(Int(o.size)), .text(o.etag.value), .integer(Int(o.lastModified.millisecondsSince1970)), .text(o.owner.id),
                      .text(o.owner.displayName), .text(try ObjectInfoJSON.encode(o)), .integer(o.isDeleteMarker ? 1 : 0),
                      .text(o.bucket.rawValue), .text(o.key.rawValue), .text(o.versionID.rawValue)])
        }
    }

    func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await SQLiteMetadataStore.upload(db, id, bucket: bucket, key: key)
    }

    func insertUpload(_ u: UploadRecord) async throws {
        if try await !db.query("SELECT 1 FROM uploads WHERE upload_id = ?", [.text(u.uploadID.rawValue)]).isEmpty {
            throw MetadataError.alreadyExists
        }
        _ = try await db.query("INSERT INTO uploads (\(SQLiteRows.uploadColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)", [
            .text(u.uploadID.rawValue), .text(u.bucket.rawValue), .text(u.key.rawValue), .integer(Int(u.initiated.millisecondsSince1970)),
            .text(u.owner.id), .text(u.owner.displayName), .text(try UploadInfoJSON.encode(u)),
        ])
    }

    func uploadIDs(_ bucket: BucketName) async throws -> [UploadID] {
        try await db.query("SELECT upload_id FROM uploads WHERE bucket = ?", [.text(bucket.rawValue)])
            .map { UploadID(SQLiteRows.text($0, "upload_id")) }
    }

    func parts(_ id: UploadID) async throws -> [PartRecord] {
        try await db.query("SELECT \(SQLiteRows.partColumns) FROM parts WHERE upload_id = ? ORDER BY part_number", [.text(id.rawValue)])
            .map(SQLiteRows.part)
    }

    func part(_ id: UploadID, _ number: Int) async throws -> PartRecord? {
        try await db.query("SELECT \(SQLiteRows.partColumns) FROM parts WHERE upload_id = ? AND part_number = ?",
                           [.text(id.rawValue), .integer(number)]).first.map(SQLiteRows.part)
    }

    func putPart(_ p: PartRecord) async throws {
        let enc = try BlobEncryptionJSON.encode(p.encryption)
        _ = try await db.query("INSERT OR REPLACE INTO parts (\(SQLiteRows.partColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            .text(p.uploadID.rawValue), .integer(p.partNumber), .integer(Int(p.size)), .text(p.etag.value),
            .integer(Int(p.lastModified.millisecondsSince1970)), .text(p.blob.rawValue),
        ] + SQLiteRows.checksumBinds(p.checksum) + [enc.map { .text($0) } ?? .null])
    }

    func deleteUpload(_ id: UploadID) async throws {
        _ = try await db.query("DELETE FROM parts WHERE upload_id = ?", [.text(id.rawValue)])
        _ = try await db.query("DELETE FROM uploads WHERE upload_id = ?", [.text(id.rawValue)])
    }

    func completion(_ id: UploadID) async throws -> CompletedUpload? {
        try await db.query("SELECT * FROM completed_uploads WHERE upload_id = ?", [.text(id.rawValue)]).first.map(SQLiteRows.completion)
    }

    func rememberCompletion(_ c: CompletedUpload, at date: Date, forgetBefore: Date) async throws {
        _ = try await db.query("DELETE FROM completed_uploads WHERE completed_ms < ?", [.integer(Int(forgetBefore.millisecondsSince1970))])
        _ = try await db.query("""
            INSERT OR REPLACE INTO completed_uploads (upload_id, bucket, key, etag, request_digest, checksum_algorithm, checksum,
                                                      checksum_type, completed_ms, version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [
            .text(c.uploadID.rawValue), .text(c.bucket.rawValue), .text(c.key.rawValue), .text(c.etag.value), .text(c.requestDigest),
        ] + SQLiteRows.checksumBinds(c.checksum) + [c.checksumType.map { .text($0.rawValue) } ?? .null, .integer(Int(date.millisecondsSince1970)),
                                                     .text(c.versionID.rawValue)])
    }

    func enqueueBlobDeletions(_ blobs: [BlobID]) async throws {
        let now = Int(Date().millisecondsSince1970)
        for b in blobs {
            _ = try await db.query("INSERT OR IGNORE INTO blob_deletions (blob, queued_ms) VALUES (?, ?)", [.text(b.rawValue), .integer(now)])
        }
    }

    func putInlineBlob(_ id: BlobID, _ bytes: ByteBuffer) async throws {
        _ = try await db.query("INSERT INTO inline_blobs (id, data) VALUES (?, ?)", [.text(id.rawValue), .blob(bytes)])
    }

    func deleteInlineBlobs(_ ids: [BlobID]) async throws {
        for id in ids { _ = try await db.query("DELETE FROM inline_blobs WHERE id = ?", [.text(id.rawValue)]) }
    }
}
