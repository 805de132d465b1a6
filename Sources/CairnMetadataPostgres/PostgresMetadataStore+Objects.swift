import CairnModel
import CairnStorage
import Foundation
import NIOCore

extension PostgresMetadataStore {
    public func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await PostgresReads.object(pool, bucket, key)
    }

    public func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        try await PostgresReads.version(pool, bucket, key, id)
    }

    public func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary] {
        // A range scan of the primary key: [max(prefix, after), prefixUpperBound(prefix)).
        var sql = PostgresSQL("SELECT \(PostgresRows.summaryColumns) FROM objects WHERE NOT delete_marker")
        sql.text += " AND bucket = \(sql.bind(bucket.rawValue))"
        sql.text += sql.keysStarting(with: prefix)
        if let after { sql.text += " AND key > \(sql.bind(after))" }
        sql.text += " ORDER BY key LIMIT \(sql.bind(Int64(limit)))"
        return try await pool.rows(sql).map(PostgresRows.summary)
    }

    public func listVersions(_ bucket: BucketName, prefix: String, afterKey: String?, afterSeq: Int64?, limit: Int) async throws -> [ObjectSummary] {
        // Both tables in (key, seq DESC) order, merged: the current row of a key has the highest
        // seq of its versions, so it comes first and is the latest. Both halves share the binds.
        var sql = PostgresSQL("")
        var range = "bucket = \(sql.bind(bucket.rawValue))"
        range += sql.keysStarting(with: prefix)
        if let k = afterKey {
            let key = sql.bind(k)
            if let s = afterSeq {
                range += " AND key >= \(key) AND (key > \(key) OR (key = \(key) AND seq < \(sql.bind(s))))"
            } else {
                range += " AND key > \(key)"
            }
        }
        sql.text = """
            (SELECT \(PostgresRows.summaryColumns), true AS is_latest FROM objects WHERE \(range))
            UNION ALL
            (SELECT \(PostgresRows.summaryColumns), false AS is_latest FROM object_versions WHERE \(range))
            ORDER BY key, seq DESC LIMIT \(sql.bind(Int64(limit)))
            """
        return try await pool.rows(sql).map(PostgresRows.summary)
    }

    public func currentVersions(_ bucket: BucketName, deleteMarkers: Bool, modifiedBefore date: Date, after: (Date, ObjectKey)?,
                                limit: Int) async throws -> [ObjectRecord] {
        var sql = PostgresSQL("SELECT \(PostgresRows.objectColumns) FROM objects WHERE ")
        sql.text += "bucket = \(sql.bind(bucket.rawValue)) AND last_modified_ms < \(sql.bind(date.millisecondsSince1970))"
        if let (t, k) = after {
            let ms = sql.bind(t.millisecondsSince1970)
            sql.text += " AND (last_modified_ms, key) > (\(ms), \(sql.bind(k.rawValue)))"
        }
        sql.text += " AND delete_marker = \(sql.bind(deleteMarkers)) ORDER BY last_modified_ms, key LIMIT \(sql.bind(Int64(limit)))"
        return try await pool.rows(sql).map(PostgresRows.object)
    }

    public func noncurrentVersions(_ bucket: BucketName, noncurrentBefore date: Date, after: (Date, ObjectKey, Int64)?,
                                   limit: Int) async throws -> [(ObjectRecord, since: Date)] {
        var sql = PostgresSQL("SELECT \(PostgresRows.objectColumns), noncurrent_ms FROM object_versions WHERE ")
        sql.text += "bucket = \(sql.bind(bucket.rawValue)) AND noncurrent_ms < \(sql.bind(date.millisecondsSince1970))"
        if let (t, k, s) = after {
            let ms = sql.bind(t.millisecondsSince1970)
            let key = sql.bind(k.rawValue)
            sql.text += " AND noncurrent_ms >= \(ms) AND (noncurrent_ms > \(ms) OR key > \(key) OR (key = \(key) AND seq < \(sql.bind(s))))"
        }
        sql.text += " ORDER BY noncurrent_ms, key, seq DESC LIMIT \(sql.bind(Int64(limit)))"
        return try await pool.rows(sql).map { row in
            (try PostgresRows.object(row), Date(milliseconds: try PostgresRows.Row(row).int("noncurrent_ms")))
        }
    }

    /// Every blob an object version's manifest or a part names, listed by PostgreSQL's JSON
    /// functions (decoding each record with Codable would cost seconds a million objects).
    public func referencedBlobs() async throws -> Set<BlobID> {
        // A record whose manifest cannot be read fails the sweep rather than letting its blobs
        // count as unreferenced (and be deleted). Malformed JSON makes the query itself fail.
        let unreadable = try await pool.rows(PostgresSQL("""
            SELECT key FROM objects WHERE json_typeof(info::json -> 'segments') IS DISTINCT FROM 'array'
            UNION ALL SELECT key FROM object_versions WHERE json_typeof(info::json -> 'segments') IS DISTINCT FROM 'array' LIMIT 1
            """))
        if let row = unreadable.first {
            throw MetadataError.unreadableRecord("object record \(try PostgresRows.Row(row).text("key")) has no readable blob manifest")
        }
        var out = Set<BlobID>()
        for row in try await pool.rows(PostgresSQL("""
            SELECT s.value ->> 'blob' AS blob FROM objects, json_array_elements(objects.info::json -> 'segments') AS s(value)
            UNION ALL
            SELECT s.value ->> 'blob' AS blob FROM object_versions, json_array_elements(object_versions.info::json -> 'segments') AS s(value)
            UNION ALL
            SELECT blob FROM parts
            """)) {
            guard let b = try PostgresRows.Row(row).optionalText("blob") else {
                throw MetadataError.unreadableRecord("a blob manifest entry has no blob id")
            }
            out.insert(BlobID(b))
        }
        return out
    }

    public func inlineBlob(_ id: BlobID) async throws -> ByteBuffer? {
        try await pool.rows(PostgresSQL("SELECT data FROM inline_blobs WHERE id = $1", .text(id.rawValue)))
            .first.map { try PostgresRows.Row($0).decode(ByteBuffer.self, "data") }
    }
}
