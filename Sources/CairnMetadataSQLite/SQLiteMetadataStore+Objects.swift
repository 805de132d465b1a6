import CairnModel
import CairnStorage
import Foundation
import SQLiteNIO

extension SQLiteMetadataStore {
    public func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await Self.object(reader, bucket, key)
    }

    static func object(_ db: SQLiteConnection, _ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await db.query("SELECT \(SQLiteRows.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                           [.text(bucket.rawValue), .text(key.rawValue)]).first.map(SQLiteRows.object)
    }

    public func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary] {
        // A range scan of the primary key: [max(prefix, after), prefixUpperBound(prefix)).
        var sql = "SELECT \(SQLiteRows.summaryColumns) FROM objects WHERE bucket = ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        if !prefix.isEmpty {
            sql += " AND key >= ?"
            binds.append(.text(prefix))
        }
        if let bound = prefixUpperBound(prefix) {
            sql += " AND key < ?"
            binds.append(.text(bound))
        }
        if let after {
            sql += " AND key > ?"
            binds.append(.text(after))
        }
        sql += " ORDER BY key LIMIT ?"
        binds.append(.integer(limit))
        return try await reader.query(sql, binds).map(SQLiteRows.summary).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    /// Read at every start, so it must not decode each record with Codable (~25 µs a record: ten
    /// seconds a million objects): SQLite's own JSON functions list the manifests' blobs.
    public func referencedBlobs() async throws -> Set<BlobID> {
        // A record whose manifest cannot be read fails startup rather than letting its blobs count
        // as unreferenced (and be deleted). Malformed JSON makes the query itself fail.
        let unreadable = try await reader.query(
            "SELECT key FROM objects WHERE json_type(info, '$.segments') IS NOT 'array' LIMIT 1")
        if let row = unreadable.first {
            throw MetadataError.unreadableRecord("object record \(SQLiteRows.text(row, "key")) has no readable blob manifest")
        }
        var out = Set<BlobID>()
        for row in try await reader.query(
            "SELECT json_extract(s.value, '$.blob') AS blob FROM objects, json_each(objects.info, '$.segments') AS s") {
            guard let b = row.column("blob")?.string else { throw MetadataError.unreadableRecord("a blob manifest entry has no blob id") }
            out.insert(BlobID(b))
        }
        for row in try await reader.query("SELECT blob FROM parts") {
            if let b = row.column("blob")?.string { out.insert(BlobID(b)) }
        }
        return out
    }
}
