import CairnModel
import CairnStorage
import Foundation
import NIOCore
import PostgresNIO

/// One READ COMMITTED transaction on one pooled connection. The locking contract is met by the
/// reads it names, each taking a lock held until COMMIT:
/// - `upload`: `SELECT ... FOR UPDATE` on the upload row. A PutPart waiting behind a Complete that
///   deletes the row reads no row once Complete commits (NoSuchUpload), so no part outlives it.
/// - `object` (and `version`, `newestNoncurrent`): a transaction-scoped advisory lock on a hash of
///   (bucket, key), taken in its own statement before the read, so the read's snapshot is taken
///   after the previous holder committed. It covers a key that has no row yet, which a row lock
///   cannot. A hash collision only serialises two unrelated keys.
/// - `bucket`: `FOR SHARE`, so writers into one bucket do not wait for each other; the statements
///   that change the bucket row (`hasObjects`, i.e. DeleteBucket's emptiness check,
///   `updateBucket`, `deleteBucket`) first take `FOR UPDATE`, which waits for every transaction
///   holding the share lock to commit, so the emptiness check sees their objects and writers that
///   come after find no bucket. Two of those upgrading at once deadlock; PostgreSQL aborts one
///   and the store runs it again.
struct PostgresTransaction: MetadataTransaction {
    let db: PostgresExecutor

    func bucket(_ name: BucketName) async throws -> BucketRecord? {
        try await db.rows(Prepared.BucketForShare.self, .text(name.rawValue)).first.map(PostgresRows.bucket)
    }

    /// The exclusive lock on a bucket row, taken before anything that changes the bucket itself.
    private func lockBucketExclusively(_ name: BucketName) async throws {
        try await db.run(PostgresSQL("SELECT 1 FROM buckets WHERE name = $1 FOR UPDATE", .text(name.rawValue)))
    }

    func insertBucket(_ b: BucketRecord) async throws {
        var sql = PostgresSQL("INSERT INTO buckets (\(PostgresRows.bucketColumns)) VALUES ")
        sql.text += sql.values([.text(b.name.rawValue), .text(b.owner.id), .text(b.owner.displayName), .int(b.createdAt.millisecondsSince1970),
                                .text(b.region), .text(b.requestPayer.rawValue), .text(b.versioning?.rawValue)])
        sql.text += " ON CONFLICT DO NOTHING RETURNING name"
        if try await db.rows(sql).isEmpty { throw MetadataError.alreadyExists }
    }

    func updateBucket(_ b: BucketRecord) async throws {
        try await lockBucketExclusively(b.name)
        try await db.run(PostgresSQL("UPDATE buckets SET request_payer = $1, versioning = $2 WHERE name = $3",
                                     .text(b.requestPayer.rawValue), .text(b.versioning?.rawValue), .text(b.name.rawValue)))
    }

    func deleteBucket(_ name: BucketName) async throws {
        try await lockBucketExclusively(name)
        try await db.run(PostgresSQL("DELETE FROM bucket_configs WHERE bucket = $1", .text(name.rawValue)))
        // An empty bucket's counters sum to zero: drop them rather than fold zeros forever.
        try await db.run(PostgresSQL("DELETE FROM usage_deltas WHERE bucket = $1", .text(name.rawValue)))
        try await db.run(PostgresSQL("DELETE FROM bucket_usage WHERE bucket = $1", .text(name.rawValue)))
        try await db.run(PostgresSQL("DELETE FROM buckets WHERE name = $1", .text(name.rawValue)))
    }

    func hasObjects(_ bucket: BucketName) async throws -> Bool {
        try await lockBucketExclusively(bucket)
        return try await !db.rows(PostgresSQL("""
            SELECT 1 WHERE EXISTS (SELECT 1 FROM objects WHERE bucket = $1) OR EXISTS (SELECT 1 FROM object_versions WHERE bucket = $1)
            """, .text(bucket.rawValue))).isEmpty
    }

    func setBucketConfig(_ bucket: BucketName, _ kind: BucketConfigKind, _ value: String?) async throws {
        if let value {
            try await db.run(PostgresSQL("""
                INSERT INTO bucket_configs (bucket, kind, value) VALUES ($1, $2, $3)
                ON CONFLICT (bucket, kind) DO UPDATE SET value = EXCLUDED.value
                """, .text(bucket.rawValue), .text(kind.rawValue), .text(value)))
        } else {
            try await db.run(PostgresSQL("DELETE FROM bucket_configs WHERE bucket = $1 AND kind = $2", .text(bucket.rawValue), .text(kind.rawValue)))
        }
    }

    /// Serialises the transactions on one key, whether or not it has a row (see the type's comment).
    private func lockKey(_ bucket: BucketName, _ key: ObjectKey) async throws {
        // Bucket names never contain "/", so (bucket, key) -> "bucket/key" is one-to-one.
        _ = try await db.rows(Prepared.LockKey.self, .text("\(bucket.rawValue)/\(key.rawValue)"))
    }

    func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await lockKey(bucket, key)
        return try await PostgresReads.object(db, bucket, key)
    }

    func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        try await lockKey(bucket, key)
        return try await PostgresReads.version(db, bucket, key, id)
    }

    func newestNoncurrent(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await lockKey(bucket, key)
        return try await db.rows(PostgresSQL("""
            SELECT \(PostgresRows.objectColumns) FROM object_versions WHERE bucket = $1 AND key = $2 ORDER BY seq DESC LIMIT 1
            """, .text(bucket.rawValue), .text(key.rawValue))).first.map(PostgresRows.object)
    }

    func putObject(_ o: ObjectRecord) async throws {
        var sql = PostgresSQL("INSERT INTO objects (\(PostgresRows.objectColumns)) VALUES ")
        sql.text += sql.values(try PostgresRows.objectValues(o))
        sql.text += " ON CONFLICT (bucket, key) DO UPDATE SET " + PostgresRows.replacing(PostgresRows.objectColumns, keptKey: ["bucket", "key"])
        try await db.run(sql)
    }

    func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws {
        try await db.run(PostgresSQL("DELETE FROM objects WHERE bucket = $1 AND key = $2", .text(bucket.rawValue), .text(key.rawValue)))
    }

    func putNoncurrent(_ o: ObjectRecord) async throws {
        var sql = PostgresSQL("INSERT INTO object_versions (\(PostgresRows.objectColumns), noncurrent_ms) VALUES ")
        sql.text += sql.values(try PostgresRows.objectValues(o) + [.int(Date().millisecondsSince1970)])
        try await db.run(sql)
    }

    func noncurrentVersions(_ bucket: BucketName, _ key: ObjectKey) async throws -> [ObjectRecord] {
        try await lockKey(bucket, key)
        return try await db.rows(PostgresSQL("""
            SELECT \(PostgresRows.objectColumns) FROM object_versions WHERE bucket = $1 AND key = $2 ORDER BY seq DESC
            """, .text(bucket.rawValue), .text(key.rawValue))).map(PostgresRows.object)
    }

    /// Rewrites a version (current or not) in place: its tags or lock changed.
    func updateVersion(_ o: ObjectRecord) async throws {
        let info = PostgresValue.text(try ObjectInfoJSON.encode(o))
        for table in ["objects", "object_versions"] {
            try await db.run(PostgresSQL("UPDATE \(table) SET info = $1 WHERE bucket = $2 AND key = $3 AND version_id = $4",
                                         info, .text(o.bucket.rawValue), .text(o.key.rawValue), .text(o.versionID.rawValue)))
        }
    }

    func deleteNoncurrent(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws {
        try await db.run(PostgresSQL("DELETE FROM object_versions WHERE bucket = $1 AND key = $2 AND version_id = $3",
                                     .text(bucket.rawValue), .text(key.rawValue), .text(id.rawValue)))
    }

    func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await db.rows(Prepared.UploadForUpdate.self, .text(id.rawValue), .text(bucket.rawValue), .text(key.rawValue))
            .first.map(PostgresRows.upload)
    }

    func insertUpload(_ u: UploadRecord) async throws {
        var sql = PostgresSQL("INSERT INTO uploads (\(PostgresRows.uploadColumns)) VALUES ")
        sql.text += sql.values(try PostgresRows.uploadValues(u))
        sql.text += " ON CONFLICT DO NOTHING RETURNING upload_id"
        if try await db.rows(sql).isEmpty { throw MetadataError.alreadyExists }
    }

    func uploadIDs(_ bucket: BucketName) async throws -> [UploadID] {
        try await db.rows(PostgresSQL("SELECT upload_id FROM uploads WHERE bucket = $1", .text(bucket.rawValue)))
            .map { UploadID(try PostgresRows.Row($0).text("upload_id")) }
    }

    func parts(_ id: UploadID) async throws -> [PartRecord] {
        try await db.rows(PostgresSQL("SELECT \(PostgresRows.partColumns) FROM parts WHERE upload_id = $1 ORDER BY part_number", .text(id.rawValue)))
            .map(PostgresRows.part)
    }

    func part(_ id: UploadID, _ number: Int) async throws -> PartRecord? {
        try await db.rows(Prepared.Part.self, .text(id.rawValue), .int(Int64(number))).first.map(PostgresRows.part)
    }

    func putPart(_ p: PartRecord) async throws {
        _ = try await db.rows(Prepared.PutPart.self, try PostgresRows.partValues(p))
    }

    func deleteUpload(_ id: UploadID) async throws {
        try await db.run(PostgresSQL("DELETE FROM parts WHERE upload_id = $1", .text(id.rawValue)))
        try await db.run(PostgresSQL("DELETE FROM uploads WHERE upload_id = $1", .text(id.rawValue)))
    }

    func completion(_ id: UploadID) async throws -> CompletedUpload? {
        try await db.rows(PostgresSQL("SELECT \(PostgresRows.completionColumns) FROM completed_uploads WHERE upload_id = $1", .text(id.rawValue)))
            .first.map(PostgresRows.completion)
    }

    func rememberCompletion(_ c: CompletedUpload, at date: Date, forgetBefore: Date) async throws {
        try await db.run(PostgresSQL("DELETE FROM completed_uploads WHERE completed_ms < $1", .int(forgetBefore.millisecondsSince1970)))
        var sql = PostgresSQL("INSERT INTO completed_uploads (\(PostgresRows.completionColumns)) VALUES ")
        sql.text += sql.values(PostgresRows.completionValues(c, at: date))
        sql.text += " ON CONFLICT (upload_id) DO UPDATE SET " + PostgresRows.replacing(PostgresRows.completionColumns, keptKey: ["upload_id"])
        try await db.run(sql)
    }

    func enqueueBlobDeletions(_ blobs: [BlobID]) async throws {
        guard !blobs.isEmpty else { return }
        try await db.run(PostgresSQL("""
            INSERT INTO blob_deletions (blob, queued_ms) SELECT unnest($1::text[]), $2 ON CONFLICT DO NOTHING
            """, .texts(blobs.map(\.rawValue)), .int(Date().millisecondsSince1970)))
    }

    func putInlineBlob(_ id: BlobID, _ bytes: ByteBuffer) async throws {
        var sql = PostgresSQL("INSERT INTO inline_blobs (id, data) VALUES ")
        sql.text += "(\(sql.bind(id.rawValue)), \(sql.bind(bytes)))"
        try await db.run(sql)
    }

    func deleteInlineBlobs(_ ids: [BlobID]) async throws {
        guard !ids.isEmpty else { return }
        try await db.run(PostgresSQL("DELETE FROM inline_blobs WHERE id = ANY($1::text[])", .texts(ids.map(\.rawValue))))
    }
}
