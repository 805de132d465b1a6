import CairnModel
import CairnStorage
import Foundation

extension PostgresMetadataStore {
    public func upload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws -> UploadRecord? {
        try await pool.rows(Prepared.Upload.self, .text(id.rawValue), .text(bucket.rawValue), .text(key.rawValue)).first.map(PostgresRows.upload)
    }

    public func parts(_ id: UploadID, after: Int, limit: Int) async throws -> [PartRecord] {
        try await pool.rows(PostgresSQL("""
            SELECT \(PostgresRows.partColumns) FROM parts WHERE upload_id = $1 AND part_number > $2 ORDER BY part_number LIMIT $3
            """, .text(id.rawValue), .int(Int64(after)), .int(Int64(limit)))).map(PostgresRows.part)
    }

    public func listUploads(_ bucket: BucketName, prefix: String, afterKey: String?, afterUpload: (Date, UploadID)?,
                            limit: Int) async throws -> [UploadRecord] {
        var sql = PostgresSQL("SELECT \(PostgresRows.uploadColumns) FROM uploads WHERE true")
        sql.text += " AND bucket = \(sql.bind(bucket.rawValue))"
        sql.text += sql.keysStarting(with: prefix)
        if let k = afterKey {
            let key = sql.bind(k)
            if let (t, u) = afterUpload {
                let ms = sql.bind(t.millisecondsSince1970)
                sql.text += " AND (key > \(key) OR (key = \(key) AND (initiated_ms > \(ms) OR (initiated_ms = \(ms) AND upload_id > \(sql.bind(u.rawValue))))))"
            } else {
                sql.text += " AND key > \(key)"
            }
        }
        sql.text += " ORDER BY key, initiated_ms, upload_id LIMIT \(sql.bind(Int64(limit)))"
        return try await pool.rows(sql).map(PostgresRows.upload)
    }

    public func uploads(initiatedBefore date: Date, bucket: BucketName, prefix: String, limit: Int) async throws -> [UploadRecord] {
        var sql = PostgresSQL("SELECT \(PostgresRows.uploadColumns) FROM uploads WHERE true")
        sql.text += " AND bucket = \(sql.bind(bucket.rawValue)) AND initiated_ms < \(sql.bind(date.millisecondsSince1970))"
        sql.text += sql.keysStarting(with: prefix)
        sql.text += " ORDER BY initiated_ms LIMIT \(sql.bind(Int64(limit)))"
        return try await pool.rows(sql).map(PostgresRows.upload)
    }
}
