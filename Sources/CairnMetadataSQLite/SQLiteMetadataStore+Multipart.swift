import CairnModel
import CairnStorage
import Foundation
import SQLiteNIO

/// Upload headers and checksum settings, stored whole as JSON.
struct UploadInfoJSON: Codable {
    var headers: ObjectHeaders
    var checksumAlgorithm: ChecksumAlgorithm?
    var checksumType: String?
    var encryption: ObjectEncryption?
}

extension SQLiteMetadataStore {
    static let uploadColumns = "upload_id, bucket, key, initiated_ms, owner_id, owner_name, info"
    static let partColumns = "upload_id, part_number, size, etag, last_modified_ms, blob, checksum_algorithm, checksum, encryption"
    /// Completions are remembered this long for retries of CompleteMultipartUpload.
    static let completionMemoryMs: Int64 = 24 * 3600 * 1000

    public func createUpload(_ u: UploadRecord) async throws {
        let info = String(decoding: try JSONEncoder().encode(UploadInfoJSON(headers: u.headers, checksumAlgorithm: u.checksumAlgorithm,
                                                                            checksumType: u.checksumType, encryption: u.encryption)), as: UTF8.self)
        try await transaction { db in
            try await Self.requireBucket(db, u.bucket)
            _ = try await db.query("INSERT INTO uploads (\(Self.uploadColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)", [
                .text(u.uploadID), .text(u.bucket.rawValue), .text(u.key.rawValue), .integer(Int(u.initiated.millisecondsSince1970)),
                .text(u.owner.id), .text(u.owner.displayName), .text(info),
            ])
        }
    }

    public func upload(_ id: String, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await Self.upload(reader, id, bucket: bucket, key: key)
    }

    static func upload(_ db: SQLiteConnection, _ id: String, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await db.query("SELECT \(uploadColumns) FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
                           [.text(id), .text(bucket.rawValue), .text(key.rawValue)]).first.map(uploadRecord)
    }

    public func putPart(_ p: PartRecord, bucket: BucketName, key: ObjectKey) async throws -> [BlobID] {
        try await transaction { db in
            guard try await Self.upload(db, p.uploadID, bucket: bucket, key: key) != nil else { throw S3Error.noSuchUpload(p.uploadID) }
            let old = try await db.query("SELECT blob FROM parts WHERE upload_id = ? AND part_number = ?",
                                         [.text(p.uploadID), .integer(p.partNumber)]).compactMap { $0.column("blob")?.string }
            let enc = try p.encryption.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            _ = try await db.query("INSERT OR REPLACE INTO parts (\(Self.partColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                .text(p.uploadID), .integer(p.partNumber), .integer(Int(p.size)), .text(p.etag.value),
                .integer(Int(p.lastModified.millisecondsSince1970)), .text(p.blob.rawValue),
                p.checksum.map { .text($0.algorithm.rawValue) } ?? .null, p.checksum.map { .text($0.base64) } ?? .null,
                enc.map { .text($0) } ?? .null,
            ])
            return old.map(BlobID.init)
        }
    }

    public func parts(_ id: String, after: Int, limit: Int) async throws -> [PartRecord] {
        try await reader.query("SELECT \(Self.partColumns) FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?",
                               [.text(id), .integer(after), .integer(limit)]).map(Self.partRecord)
    }

    public func abortUpload(_ id: String, bucket: BucketName, key: ObjectKey) async throws -> [BlobID] {
        try await transaction { db in
            guard try await Self.upload(db, id, bucket: bucket, key: key) != nil else { throw S3Error.noSuchUpload(id) }
            return try await Self.deleteUpload(db, id)
        }
    }

    /// Deletes an upload and its parts, returning the parts' blobs.
    static func deleteUpload(_ db: SQLiteConnection, _ id: String) async throws -> [BlobID] {
        let blobs = try await db.query("SELECT blob FROM parts WHERE upload_id = ?", [.text(id)]).compactMap { $0.column("blob")?.string }
        _ = try await db.query("DELETE FROM parts WHERE upload_id = ?", [.text(id)])
        _ = try await db.query("DELETE FROM uploads WHERE upload_id = ?", [.text(id)])
        return blobs.map(BlobID.init)
    }

    public func completeUpload(_ id: String, bucket: BucketName, key: ObjectKey,
                               build: @Sendable (UploadRecord, [PartRecord], ObjectRecord?) throws -> (ObjectRecord, CompletedUpload),
                               retry: @Sendable (CompletedUpload?) throws -> ObjectRecord) async throws -> (ObjectRecord, [BlobID]) {
        try await transaction { db in
            guard let upload = try await Self.upload(db, id, bucket: bucket, key: key) else {
                let done = try await db.query("SELECT * FROM completed_uploads WHERE upload_id = ?", [.text(id)]).first.map(Self.completedUpload)
                return (try retry(done), [])
            }
            let parts = try await db.query("SELECT \(Self.partColumns) FROM parts WHERE upload_id = ? ORDER BY part_number", [.text(id)])
                .map(Self.partRecord)
            let current = try await db.query("SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                                             [.text(bucket.rawValue), .text(key.rawValue)]).first.map(Self.objectRecord)
            let (object, completion) = try build(upload, parts, current)
            let kept = Set(object.segments.map(\.blob))
            var freed = parts.map(\.blob).filter { !kept.contains($0) }
            freed += current?.blobs ?? []
            _ = try await db.query(
                "INSERT OR REPLACE INTO objects (\(Self.objectColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(bucket.rawValue), .text(key.rawValue), .integer(Int(object.size)), .text(object.etag.value),
                 .integer(Int(object.lastModified.millisecondsSince1970)), .text(object.owner.id), .text(object.owner.displayName),
                 .text(try ObjectInfoJSON.encode(object))])
            _ = try await db.query("DELETE FROM parts WHERE upload_id = ?", [.text(id)])
            _ = try await db.query("DELETE FROM uploads WHERE upload_id = ?", [.text(id)])
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            _ = try await db.query("DELETE FROM completed_uploads WHERE completed_ms < ?", [.integer(Int(now - Self.completionMemoryMs))])
            _ = try await db.query("INSERT OR REPLACE INTO completed_uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [
                .text(id), .text(bucket.rawValue), .text(key.rawValue), .text(completion.etag.value), .text(completion.requestDigest),
                completion.checksum.map { .text($0.algorithm.rawValue) } ?? .null, completion.checksum.map { .text($0.base64) } ?? .null,
                completion.checksumType.map { .text($0) } ?? .null, .integer(Int(now)),
            ])
            return (object, freed)
        }
    }

    public func listUploads(_ bucket: BucketName, prefix: String, afterKey: String?, afterUpload: (Date, String)?,
                            limit: Int) async throws -> [UploadRecord] {
        var sql = "SELECT \(Self.uploadColumns) FROM uploads WHERE bucket = ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        if !prefix.isEmpty {
            sql += " AND key >= ? AND key < ?"
            binds += [.text(prefix), .text(prefix + "\u{10FFFF}")]
        }
        if let k = afterKey {
            if let (t, u) = afterUpload {
                sql += " AND (key > ? OR (key = ? AND (initiated_ms > ? OR (initiated_ms = ? AND upload_id > ?))))"
                let ms = Int(t.millisecondsSince1970)
                binds += [.text(k), .text(k), .integer(ms), .integer(ms), .text(u)]
            } else {
                sql += " AND key > ?"
                binds.append(.text(k))
            }
        }
        sql += " ORDER BY key, initiated_ms, upload_id LIMIT ?"
        binds.append(.integer(limit))
        return try await reader.query(sql, binds).map(Self.uploadRecord).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    public func uploads(initiatedBefore date: Date, bucket: BucketName, prefix: String, limit: Int) async throws -> [UploadRecord] {
        try await reader.query("SELECT \(Self.uploadColumns) FROM uploads WHERE bucket = ? AND initiated_ms < ? ORDER BY initiated_ms LIMIT ?",
                               [.text(bucket.rawValue), .integer(Int(date.millisecondsSince1970)), .integer(limit)])
            .map(Self.uploadRecord).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    static func requireBucket(_ db: SQLiteConnection, _ bucket: BucketName) async throws {
        if try await db.query("SELECT 1 FROM buckets WHERE name = ?", [.text(bucket.rawValue)]).isEmpty {
            throw S3Error(.noSuchBucket, fields: [("BucketName", bucket.rawValue)])
        }
    }

    // Rows that do not decode throw rather than read as empty: an upload or part whose encryption
    // or headers were lost would be served wrong (ciphertext as plaintext), not refused.
    static func uploadRecord(_ row: SQLiteRow) throws -> UploadRecord {
        let info = try JSONDecoder().decode(UploadInfoJSON.self, from: Data((row.column("info")?.string ?? "").utf8))
        return UploadRecord(uploadID: row.column("upload_id")?.string ?? "",
                            bucket: BucketName(unchecked: row.column("bucket")?.string ?? ""),
                            key: ObjectKey(unchecked: row.column("key")?.string ?? ""),
                            initiated: Date(milliseconds: Int64(row.column("initiated_ms")?.integer ?? 0)),
                            owner: Owner(id: row.column("owner_id")?.string ?? "", displayName: row.column("owner_name")?.string ?? ""),
                            headers: info.headers, checksumAlgorithm: info.checksumAlgorithm, checksumType: info.checksumType,
                            encryption: info.encryption)
    }

    static func partRecord(_ row: SQLiteRow) throws -> PartRecord {
        var checksum: Checksum?
        if let a = row.column("checksum_algorithm")?.string.flatMap(ChecksumAlgorithm.init(rawValue:)), let v = row.column("checksum")?.string {
            checksum = Checksum(a, base64: v)
        }
        return PartRecord(uploadID: row.column("upload_id")?.string ?? "", partNumber: row.column("part_number")?.integer ?? 0,
                          size: Int64(row.column("size")?.integer ?? 0), etag: ETag(row.column("etag")?.string ?? ""),
                          lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)),
                          blob: BlobID(row.column("blob")?.string ?? ""), checksum: checksum,
                          encryption: try row.column("encryption")?.string.map { try JSONDecoder().decode(BlobEncryption.self, from: Data($0.utf8)) })
    }

    static func completedUpload(_ row: SQLiteRow) -> CompletedUpload {
        var checksum: Checksum?
        if let a = row.column("checksum_algorithm")?.string.flatMap(ChecksumAlgorithm.init(rawValue:)), let v = row.column("checksum")?.string {
            checksum = Checksum(a, base64: v)
        }
        return CompletedUpload(uploadID: row.column("upload_id")?.string ?? "", bucket: BucketName(unchecked: row.column("bucket")?.string ?? ""),
                               key: ObjectKey(unchecked: row.column("key")?.string ?? ""), etag: ETag(row.column("etag")?.string ?? ""),
                               requestDigest: row.column("request_digest")?.string ?? "", checksum: checksum,
                               checksumType: row.column("checksum_type")?.string)
    }
}

extension UploadInfoJSON {
    init(headers: ObjectHeaders) {
        self.headers = headers
        self.checksumAlgorithm = nil
        self.checksumType = nil
        self.encryption = nil
    }
}
