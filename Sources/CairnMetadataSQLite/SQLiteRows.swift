import CairnModel
import CairnStorage
import Foundation

/// Column lists and row decoders shared by the reader connection and transactions.
///
/// Rows that do not decode throw rather than read as empty: an upload or part whose encryption or
/// headers were lost would be served wrong (ciphertext as plaintext), not refused.
enum SQLiteRows {
    static let bucketColumns = "name, owner_id, owner_name, created_ms, region, request_payer, versioning"
    static let objectColumns = "bucket, key, size, etag, last_modified_ms, owner_id, owner_name, info, version_id, seq, delete_marker"
    static let uploadColumns = "upload_id, bucket, key, initiated_ms, owner_id, owner_name, info"
    static let partColumns = "upload_id, part_number, size, etag, last_modified_ms, blob, checksum_algorithm, checksum, encryption"

    static func bucket(_ row: SQLiteRow) throws -> BucketRecord {
        let payer = row.column("request_payer")?.string ?? RequestPayer.bucketOwner.rawValue
        guard let requestPayer = RequestPayer(rawValue: payer) else { throw MetadataError.unreadableRecord("bucket request payer \(payer)") }
        var versioning: VersioningStatus?
        if let v = row.column("versioning")?.string {
            guard let status = VersioningStatus(rawValue: v) else { throw MetadataError.unreadableRecord("bucket versioning \(v)") }
            versioning = status
        }
        return BucketRecord(name: BucketName(unchecked: text(row, "name")), owner: owner(row),
                            createdAt: Date(milliseconds: Int64(row.column("created_ms")?.integer ?? 0)),
                            region: row.column("region")?.string ?? "us-east-1", requestPayer: requestPayer, versioning: versioning)
    }

    static func object(_ row: SQLiteRow) throws -> ObjectRecord {
        let info = try ObjectInfoJSON.decode(text(row, "info"))
        return info.completing(ObjectRecord(
            bucket: BucketName(unchecked: text(row, "bucket")), key: ObjectKey(unchecked: text(row, "key")),
            size: Int64(row.column("size")?.integer ?? 0), etag: ETag(text(row, "etag")),
            lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)), owner: owner(row),
            headers: info.headers, checksum: info.checksum, checksumType: info.checksumType,
            segments: info.segments, parts: info.parts, encryption: info.encryption,
            versionID: VersionID(stored: row.column("version_id")?.string ?? "null"), seq: Int64(row.column("seq")?.integer ?? 0),
            isDeleteMarker: (row.column("delete_marker")?.integer ?? 0) != 0, tags: TagSet(stored: info.tags ?? []),
            lock: info.lock ?? ObjectLock()))
    }

    /// The values of `objectColumns` for a record, in that order.
    static func objectBinds(_ o: ObjectRecord) throws -> [SQLiteData] {
        [.text(o.bucket.rawValue), .text(o.key.rawValue), .integer(Int(o.size)), .text(o.etag.value),
         .integer(Int(o.lastModified.millisecondsSince1970)), .text(o.owner.id), .text(o.owner.displayName),
         .text(try ObjectInfoJSON.encode(o)), .text(o.versionID.rawValue), .integer(Int(o.seq)), .integer(o.isDeleteMarker ? 1 : 0)]
    }

    static func upload(_ row: SQLiteRow) throws -> UploadRecord {
        let info = try UploadInfoJSON.decode(text(row, "info"))
        return info.completing(UploadRecord(uploadID: UploadID(text(row, "upload_id")), bucket: BucketName(unchecked: text(row, "bucket")),
                            key: ObjectKey(unchecked: text(row, "key")),
                            initiated: Date(milliseconds: Int64(row.column("initiated_ms")?.integer ?? 0)), owner: owner(row),
                            headers: info.headers, checksumAlgorithm: info.checksumAlgorithm, checksumType: info.checksumType,
                            encryption: info.encryption, tags: TagSet(stored: info.tags ?? []), lock: info.lock ?? ObjectLock()))
    }

    static func part(_ row: SQLiteRow) throws -> PartRecord {
        PartRecord(uploadID: UploadID(text(row, "upload_id")), partNumber: row.column("part_number")?.integer ?? 0,
                   size: Int64(row.column("size")?.integer ?? 0), etag: ETag(text(row, "etag")),
                   lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)),
                   blob: BlobID(text(row, "blob")), checksum: try checksum(row),
                   encryption: try BlobEncryptionJSON.decode(row.column("encryption")?.string))
    }

    static func completion(_ row: SQLiteRow) throws -> CompletedUpload {
        var type: ChecksumType?
        if let t = row.column("checksum_type")?.string {
            guard let known = ChecksumType(rawValue: t) else { throw MetadataError.unreadableRecord("completion checksum type \(t)") }
            type = known
        }
        return CompletedUpload(uploadID: UploadID(text(row, "upload_id")), bucket: BucketName(unchecked: text(row, "bucket")),
                               key: ObjectKey(unchecked: text(row, "key")), etag: ETag(text(row, "etag")),
                               requestDigest: text(row, "request_digest"), checksum: try checksum(row), checksumType: type,
                               versionID: VersionID(stored: row.column("version_id")?.string ?? "null"))
    }

    /// A listing's columns: the three fields it needs from the JSON record are extracted by SQLite
    /// (its C JSON parser) instead of decoding the whole record with Codable.
    static let summaryColumns = """
        key, size, etag, last_modified_ms, owner_id, owner_name, \
        json_extract(info, '$.headers.storageClass') AS storage_class, \
        json_extract(info, '$.checksum.algorithm') AS checksum_algorithm, \
        json_extract(info, '$.checksumType') AS checksum_type, \
        version_id, delete_marker, seq
        """

    static func summary(_ row: SQLiteRow) throws -> ObjectSummary {
        // An unknown name means a record this build cannot read: fail like a full decode would.
        var algorithm: ChecksumAlgorithm?
        if let name = row.column("checksum_algorithm")?.string {
            guard let a = ChecksumAlgorithm(rawValue: name) else { throw MetadataError.unreadableRecord("checksum algorithm \(name)") }
            algorithm = a
        }
        var type: ChecksumType?
        if let name = row.column("checksum_type")?.string {
            guard let t = ChecksumType(rawValue: name) else { throw MetadataError.unreadableRecord("checksum type \(name)") }
            type = t
        }
        var storageClass: StorageClass?
        if let name = row.column("storage_class")?.string {
            guard let c = StorageClass(rawValue: name) else { throw MetadataError.unreadableRecord("storage class \(name)") }
            storageClass = c
        }
        return ObjectSummary(
            key: ObjectKey(unchecked: text(row, "key")), size: Int64(row.column("size")?.integer ?? 0), etag: ETag(text(row, "etag")),
            lastModified: Date(milliseconds: Int64(row.column("last_modified_ms")?.integer ?? 0)), owner: owner(row),
            storageClass: storageClass, checksumAlgorithm: algorithm, checksumType: type,
            versionID: VersionID(stored: row.column("version_id")?.string ?? "null"),
            isDeleteMarker: (row.column("delete_marker")?.integer ?? 0) != 0, isLatest: (row.column("is_latest")?.integer ?? 1) != 0,
            seq: Int64(row.column("seq")?.integer ?? 0))
    }

    static func checksum(_ row: SQLiteRow) throws -> Checksum? {
        guard let name = row.column("checksum_algorithm")?.string, let value = row.column("checksum")?.string else { return nil }
        guard let a = ChecksumAlgorithm(rawValue: name) else { throw MetadataError.unreadableRecord("checksum algorithm \(name)") }
        return Checksum(a, base64: value)
    }

    static func owner(_ row: SQLiteRow) -> Owner {
        Owner(id: text(row, "owner_id"), displayName: text(row, "owner_name"))
    }

    static func text(_ row: SQLiteRow, _ column: String) -> String {
        row.column(column)?.string ?? ""
    }

    /// Adds the range of keys starting with `prefix` to a WHERE clause: `key >= prefix AND key <
    /// prefixUpperBound(prefix)`, a range scan of a (bucket, key, ...) index.
    static func keysStarting(with prefix: String, into sql: inout String, _ binds: inout [SQLiteData]) {
        if !prefix.isEmpty {
            sql += " AND key >= ?"
            binds.append(.text(prefix))
        }
        if let bound = prefixUpperBound(prefix) {
            sql += " AND key < ?"
            binds.append(.text(bound))
        }
    }

    static func checksumBinds(_ c: Checksum?) -> [SQLiteData] {
        [c.map { .text($0.algorithm.rawValue) } ?? .null, c.map { .text($0.base64) } ?? .null]
    }
}
