import CairnModel
import CairnStorage
import Foundation

extension SQLiteMetadataStore {
    public func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await readers.withConnection { try await Self.upload($0, id, bucket: bucket, key: key) }
    }

    static func upload(_ db: SQLiteConnection, _ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await db.query("SELECT \(SQLiteRows.uploadColumns) FROM uploads WHERE upload_id = ? AND bucket = ? AND key = ?",
                           [.text(id.rawValue), .text(bucket.rawValue), .text(key.rawValue)]).first.map(SQLiteRows.upload)
    }

    public func parts(_ id: UploadID, after: Int, limit: Int) async throws -> [PartRecord] {
        try await readers.query("SELECT \(SQLiteRows.partColumns) FROM parts WHERE upload_id = ? AND part_number > ? ORDER BY part_number LIMIT ?",
                               [.text(id.rawValue), .integer(after), .integer(limit)]).map(SQLiteRows.part)
    }

    public func listUploads(_ bucket: BucketName, prefix: String, afterKey: String?, afterUpload: (Date, UploadID)?,
                            limit: Int) async throws -> [UploadRecord] {
        var sql = "SELECT \(SQLiteRows.uploadColumns) FROM uploads WHERE bucket = ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        SQLiteRows.keysStarting(with: prefix, into: &sql, &binds)
        if let k = afterKey {
            if let (t, u) = afterUpload {
                // `key >= ?` is implied by the OR, but SQLite only turns it into an index range when
                // it stands alone: without it a resumed page scans the bucket from its start.
                sql += " AND key >= ? AND (key > ? OR (key = ? AND (initiated_ms > ? OR (initiated_ms = ? AND upload_id > ?))))"
                let ms = Int(t.millisecondsSince1970)
                binds += [.text(k), .text(k), .text(k), .integer(ms), .integer(ms), .text(u.rawValue)]
            } else {
                sql += " AND key > ?"
                binds.append(.text(k))
            }
        }
        sql += " ORDER BY key, initiated_ms, upload_id LIMIT ?"
        binds.append(.integer(limit))
        return try await readers.query(sql, binds).map(SQLiteRows.upload).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    public func uploads(initiatedBefore date: Date, bucket: BucketName, prefix: String, limit: Int) async throws -> [UploadRecord] {
        try await readers.query("SELECT \(SQLiteRows.uploadColumns) FROM uploads WHERE bucket = ? AND initiated_ms < ? ORDER BY initiated_ms LIMIT ?",
                               [.text(bucket.rawValue), .integer(Int(date.millisecondsSince1970)), .integer(limit)])
            .map(SQLiteRows.upload).filter { $0.key.rawValue.hasPrefix(prefix) }
    }
}
