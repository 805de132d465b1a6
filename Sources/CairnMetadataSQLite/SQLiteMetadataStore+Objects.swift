import CairnModel
import CairnStorage
import Foundation
import SQLiteNIO

extension SQLiteMetadataStore {
    static let objectColumns = "bucket, key, size, etag, last_modified_ms, owner_id, owner_name, info"

    public func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord? {
        try await reader.query("SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                               [.text(bucket.rawValue), .text(key.rawValue)]).first.map(Self.objectRecord)
    }

    public func putObject(_ o: ObjectRecord, precondition: @Sendable (ObjectRecord?) throws -> Void) async throws -> [BlobID] {
        let info = try ObjectInfoJSON.encode(o)
        return try await transaction { db in
            if try await db.query("SELECT 1 FROM buckets WHERE name = ?", [.text(o.bucket.rawValue)]).isEmpty {
                throw S3Error(.noSuchBucket, fields: [("BucketName", o.bucket.rawValue)])
            }
            let old = try await db.query("SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                                         [.text(o.bucket.rawValue), .text(o.key.rawValue)]).first.map(Self.objectRecord)
            try precondition(old)
            _ = try await db.query(
                "INSERT OR REPLACE INTO objects (\(Self.objectColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [.text(o.bucket.rawValue), .text(o.key.rawValue), .integer(Int(o.size)), .text(o.etag.value),
                 .integer(Int(o.lastModified.millisecondsSince1970)), .text(o.owner.id), .text(o.owner.displayName), .text(info)])
            return old?.blobs ?? []
        }
    }

    public func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws -> [BlobID] {
        try await transaction { db in
            let old = try await db.query("SELECT \(Self.objectColumns) FROM objects WHERE bucket = ? AND key = ?",
                                         [.text(bucket.rawValue), .text(key.rawValue)]).first.map(Self.objectRecord)
            guard let old else { return [] }
            _ = try await db.query("DELETE FROM objects WHERE bucket = ? AND key = ?", [.text(bucket.rawValue), .text(key.rawValue)])
            return old.blobs
        }
    }

    public func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary] {
        // A range scan of the primary key: [max(prefix, after), prefix + U+10FFFF).
        var sql = "SELECT \(Self.summaryColumns) FROM objects WHERE bucket = ?"
        var binds: [SQLiteData] = [.text(bucket.rawValue)]
        if !prefix.isEmpty {
            sql += " AND key >= ? AND key < ?"
            binds += [.text(prefix), .text(prefix + "\u{10FFFF}")]
        }
        if let after {
            sql += " AND key > ?"
            binds.append(.text(after))
        }
        sql += " ORDER BY key LIMIT ?"
        binds.append(.integer(limit))
        return try await reader.query(sql, binds).map(Self.objectSummary).filter { $0.key.rawValue.hasPrefix(prefix) }
    }

    /// A listing's columns: the three fields it needs from the JSON record are extracted by SQLite
    /// (its C JSON parser) instead of decoding the whole record with Codable.
    static let summaryColumns = """
        key, size, etag, last_modified_ms, owner_id, owner_name, \
        json_extract(info, '$.headers.storageClass') AS storage_class, \
        json_extract(info, '$.checksum.algorithm') AS checksum_algorithm, \
        json_extract(info, '$.checksumType') AS checksum_type
        """

    static func objectSummary(_ row: SQLiteRow) throws -> ObjectSummary {
        var algorithm: ChecksumAlgorithm?
        if let name = row.column("checksum_algorithm")?.string {
            // An unknown name means a record this build cannot read: fail like a full decode would.
            guard let a = ChecksumAlgorithm(rawValue: name) else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown checksum algorithm \(name)"))
            }
            algorithm = a
        }
        return ObjectSummary(
            key: ObjectKey(unchecked: row.column("key")?.string ?? ""),
            size: Int64(row.column("size")?.integer ?? 0),
            etag: ETag(row.column("etag")?.string ?? ""),
            lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)),
            owner: Owner(id: row.column("owner_id")?.string ?? "", displayName: row.column("owner_name")?.string ?? ""),
            storageClass: row.column("storage_class")?.string,
            checksumAlgorithm: algorithm,
            checksumType: row.column("checksum_type")?.string)
    }

    /// Read at every start, so it must not decode each record with Codable (~25 µs a record: ten
    /// seconds a million objects): SQLite's own JSON functions list the manifests' blobs.
    public func referencedBlobs() async throws -> Set<BlobID> {
        // A record whose manifest cannot be read fails startup rather than letting its blobs count
        // as unreferenced (and be deleted). Malformed JSON makes the query itself fail.
        let unreadable = try await reader.query(
            "SELECT key FROM objects WHERE json_type(info, '$.segments') IS NOT 'array' LIMIT 1")
        if let row = unreadable.first {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription:
                "object record \(row.column("key")?.string ?? "?") has no readable blob manifest"))
        }
        var out = Set<BlobID>()
        for row in try await reader.query(
            "SELECT json_extract(s.value, '$.blob') AS blob FROM objects, json_each(objects.info, '$.segments') AS s") {
            guard let b = row.column("blob")?.string else {
                throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a blob manifest entry has no blob id"))
            }
            out.insert(BlobID(b))
        }
        for row in try await reader.query("SELECT blob FROM parts") {
            if let b = row.column("blob")?.string { out.insert(BlobID(b)) }
        }
        return out
    }

    static func objectRecord(_ row: SQLiteRow) throws -> ObjectRecord {
        let info = try ObjectInfoJSON.decode(row.column("info")?.string ?? "")
        return ObjectRecord(
            bucket: BucketName(unchecked: row.column("bucket")?.string ?? ""),
            key: ObjectKey(unchecked: row.column("key")?.string ?? ""),
            size: Int64(row.column("size")?.integer ?? 0),
            etag: ETag(row.column("etag")?.string ?? ""),
            lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)),
            owner: Owner(id: row.column("owner_id")?.string ?? "", displayName: row.column("owner_name")?.string ?? ""),
            headers: info.headers, checksum: info.checksum, checksumType: info.checksumType,
            segments: info.segments, parts: info.parts, encryption: info.encryption)
    }
}

extension ObjectInfoJSON {
    init(headers: ObjectHeaders, checksum: Checksum?, checksumType: String?, segments: [BlobSegment], parts: [ManifestPart]) {
        self.headers = headers
        self.checksum = checksum
        self.checksumType = checksumType
        self.segments = segments
        self.parts = parts
        self.encryption = nil
    }
}
