import CairnModel
import CairnStorage
import Foundation
import NIOCore

extension SQLiteMetadataStore {
    public func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await readers.withConnection { try await Self.object($0, bucket, key) }
    }

    static func object(_ db: SQLiteConnection, _ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await db.query("SELECT \(SQLiteRows.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                           [.text(bucket.rawValue), .text(key.rawValue)]).first.map(SQLiteRows.object)
    }

    public func version(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        try await readers.withConnection { try await Self.version($0, bucket, key, id) }
    }

    static func version(_ db: SQLiteConnection, _ bucket: BucketName, _ key: ObjectKey, _ id: VersionID) async throws -> ObjectRecord? {
        if let current = try await object(db, bucket, key), current.versionID == id { return current }
        return try await db.query("SELECT \(SQLiteRows.objectColumns) FROM object_versions WHERE bucket = ? AND key = ? AND version_id = ?",
                                  [.text(bucket.rawValue), .text(key.rawValue), .text(id.rawValue)]).first.map(SQLiteRows.object)
    }

    public func currentVersions(_ bucket: BucketName, deleteMarkers: Bool, modifiedBefore date: Date, after: (Date, ObjectKey)?,
                                limit: Int) async throws -> [ObjectRecord] {
        var sql = "SELECT \(SQLiteRows.objectColumns) FROM objects WHERE bucket = ? AND last_modified_ms < ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue), .integer(Int(date.millisecondsSince1970))]
        if let (t, k) = after {
            let ms = Int(t.millisecondsSince1970)
            sql += " AND last_modified_ms >= ? AND (last_modified_ms > ? OR key > ?)"
            binds += [.integer(ms), .integer(ms), .text(k.rawValue)]
        }
        sql += " AND delete_marker = ? ORDER BY last_modified_ms, key LIMIT ?"
        binds += [.integer(deleteMarkers ? 1 : 0), .integer(limit)]
        return try await readers.query(sql, binds).map(SQLiteRows.object)
    }

    public func noncurrentVersions(_ bucket: BucketName, noncurrentBefore date: Date, after: (Date, ObjectKey, Int64)?,
                                   limit: Int) async throws -> [(ObjectRecord, since: Date)] {
        var sql = "SELECT \(SQLiteRows.objectColumns), noncurrent_ms FROM object_versions WHERE bucket = ? AND noncurrent_ms < ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue), .integer(Int(date.millisecondsSince1970))]
        if let (t, k, s) = after {
            let ms = Int(t.millisecondsSince1970)
            sql += " AND noncurrent_ms >= ? AND (noncurrent_ms > ? OR key > ? OR (key = ? AND seq < ?))"
            binds += [.integer(ms), .integer(ms), .text(k.rawValue), .text(k.rawValue), .integer(Int(s))]
        }
        sql += " ORDER BY noncurrent_ms, key, seq DESC LIMIT ?"
        binds.append(.integer(limit))
        return try await readers.query(sql, binds).map {
            (try SQLiteRows.object($0), Date(milliseconds: Int64($0.column("noncurrent_ms")?.integer ?? 0)))
        }
    }

    public func listVersions(_ bucket: BucketName, prefix: String, afterKey: String?, afterSeq: Int64?, limit: Int) async throws -> [ObjectSummary] {
        // Both tables in (key, seq DESC) order, merged by SQLite: the current row of a key has the
        // highest seq of its versions, so it comes first and is the latest.
        var range = "bucket = ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        SQLiteRows.keysStarting(with: prefix, into: &range, &binds)
        if let k = afterKey {
            if let s = afterSeq {
                // `key >= ?` is implied by the OR, but SQLite only turns it into an index range when
                // it stands alone: without it every resumed page scanned the bucket from its start
                // (O(n^2) to walk all versions; BENCHMARKS.md "Listing a versioned bucket").
                range += " AND key >= ? AND (key > ? OR (key = ? AND seq < ?))"
                binds += [.text(k), .text(k), .text(k), .integer(Int(s))]
            } else {
                range += " AND key > ?"
                binds.append(.text(k))
            }
        }
        let sql = """
            SELECT \(SQLiteRows.summaryColumns), 1 AS is_latest FROM objects WHERE \(range)
            UNION ALL
            SELECT \(SQLiteRows.summaryColumns), 0 AS is_latest FROM object_versions WHERE \(range)
            ORDER BY key, seq DESC LIMIT ?
            """
        return try await readers.query(sql, binds + binds + [.integer(limit)]).map(SQLiteRows.summary)
            .filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    public func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary] {
        // A range scan of the primary key: [max(prefix, after), prefixUpperBound(prefix)).
        var sql = "SELECT \(SQLiteRows.summaryColumns) FROM objects WHERE bucket = ? AND delete_marker = 0"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        SQLiteRows.keysStarting(with: prefix, into: &sql, &binds)
        if let after {
            sql += " AND key > ?"
            binds.append(.text(after))
        }
        sql += " ORDER BY key LIMIT ?"
        binds.append(.integer(limit))
        return try await readers.query(sql, binds).map(SQLiteRows.summary).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    /// Read at every start, so it must not decode each record with Codable (~25 µs a record: ten
    /// seconds a million objects): SQLite's own JSON functions list the manifests' blobs.
    public func referencedBlobs() async throws -> Set<BlobID> {
        // A record whose manifest cannot be read fails startup rather than letting its blobs count
        // as unreferenced (and be deleted). Malformed JSON makes the query itself fail.
        let unreadable = try await readers.query("""
            SELECT key FROM objects WHERE json_type(info, '$.segments') IS NOT 'array'
            UNION ALL SELECT key FROM object_versions WHERE json_type(info, '$.segments') IS NOT 'array' LIMIT 1
            """)
        if let row = unreadable.first {
            throw MetadataError.unreadableRecord("object record \(SQLiteRows.text(row, "key")) has no readable blob manifest")
        }
        var out = Set<BlobID>()
        for row in try await readers.query(
            "SELECT json_extract(s.value, '$.blob') AS blob FROM objects, json_each(objects.info, '$.segments') AS s") {
            guard let b = row.column("blob")?.string else { throw MetadataError.unreadableRecord("a blob manifest entry has no blob id") }
            out.insert(BlobID(b))
        }
        for row in try await readers.query(
            "SELECT json_extract(s.value, '$.blob') AS blob FROM object_versions, json_each(object_versions.info, '$.segments') AS s") {
            guard let b = row.column("blob")?.string else { throw MetadataError.unreadableRecord("a blob manifest entry has no blob id") }
            out.insert(BlobID(b))
        }
        for row in try await readers.query("SELECT blob FROM parts") {
            if let b = row.column("blob")?.string { out.insert(BlobID(b)) }
        }
        return out
    }

    public func inlineBlob(_ id: BlobID) async throws -> ByteBuffer? {
        guard let row = try await readers.query("SELECT data FROM inline_blobs WHERE id = ?", [.text(id.rawValue)]).first else { return nil }
        switch row.column("data") {
        case .blob(let b): return b
        case .text(let t): return ByteBuffer(string: t)  // never written so, but SQLite would allow it
        default: throw MetadataError.unreadableRecord("inline blob \(id) holds no bytes")
        }
    }
}
