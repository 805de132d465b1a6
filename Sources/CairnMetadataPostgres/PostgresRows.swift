import CairnModel
import CairnStorage
import Foundation
import PostgresNIO

/// Column lists, row decoders and row values, shared by pool reads and transactions.
///
/// Rows that do not decode throw rather than read as empty: an upload or part whose encryption or
/// headers were lost would be served wrong (ciphertext as plaintext), not refused.
enum PostgresRows {
    static let bucketColumns = "name, owner_id, owner_name, created_ms, region, request_payer, versioning"
    static let objectColumns = "bucket, key, size, etag, last_modified_ms, owner_id, owner_name, info, version_id, seq, delete_marker"
    static let uploadColumns = "upload_id, bucket, key, initiated_ms, owner_id, owner_name, info"
    static let partColumns = "upload_id, part_number, size, etag, last_modified_ms, blob, checksum_algorithm, checksum, encryption"
    static let completionColumns = """
        upload_id, bucket, key, etag, request_digest, checksum_algorithm, checksum, checksum_type, completed_ms, version_id
        """
    /// A listing's columns: the three fields it needs from the JSON record are extracted by
    /// PostgreSQL instead of decoding the whole record with Codable.
    static let summaryColumns = """
        key, size, etag, last_modified_ms, owner_id, owner_name, \
        info::json -> 'headers' ->> 'storageClass' AS storage_class, \
        info::json -> 'checksum' ->> 'algorithm' AS checksum_algorithm, \
        info::json ->> 'checksumType' AS checksum_type, \
        version_id, delete_marker, seq
        """

    /// `col = EXCLUDED.col` for every column but the conflict key's: an upsert that replaces the row
    /// (SQLite's INSERT OR REPLACE).
    static func replacing(_ columns: String, keptKey: Set<String>) -> String {
        columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !keptKey.contains($0) }
            .map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
    }

    /// A bucket row, with the configuration documents a request needs when the query joined them
    /// (`bucketWithConfigs`).
    static func bucket(_ row: PostgresRow) throws -> BucketRecord {
        let r = Row(row)
        let payer = try r.text("request_payer")
        guard let requestPayer = RequestPayer(rawValue: payer) else { throw MetadataError.unreadableRecord("bucket request payer \(payer)") }
        var record = BucketRecord(name: BucketName(unchecked: try r.text("name")), owner: try r.owner(), createdAt: try r.date("created_ms"),
                            region: try r.text("region"), requestPayer: requestPayer,
                            versioning: try r.optionalText("versioning").map { try known(VersioningStatus.self, $0, "bucket versioning") })
        if r.row.contains("policy") { try record.readConfigs { try r.optionalText($0) } }
        return record
    }

    /// The bucket columns plus the configuration documents a request needs, in one lookup.
    static let bucketWithConfigs = BucketRecord.selectWithConfigs(bucketColumns)

    static func object(_ row: PostgresRow) throws -> ObjectRecord {
        let r = Row(row)
        let info = try ObjectInfoJSON.decode(try r.text("info"))
        return info.completing(ObjectRecord(
            bucket: BucketName(unchecked: try r.text("bucket")), key: ObjectKey(unchecked: try r.text("key")),
            size: try r.int("size"), etag: ETag(try r.text("etag")), lastModified: try r.date("last_modified_ms"), owner: try r.owner(),
            headers: info.headers, checksum: info.checksum, checksumType: info.checksumType,
            segments: info.segments, parts: info.parts, encryption: info.encryption,
            versionID: VersionID(stored: try r.text("version_id")), seq: try r.int("seq"), isDeleteMarker: try r.bool("delete_marker"),
            tags: TagSet(stored: info.tags ?? []), lock: info.lock ?? ObjectLock()))
    }

    /// The values of `objectColumns` for a record, in that order.
    static func objectValues(_ o: ObjectRecord) throws -> [PostgresValue] {
        [.text(o.bucket.rawValue), .text(o.key.rawValue), .int(o.size), .text(o.etag.value), .int(o.lastModified.millisecondsSince1970),
         .text(o.owner.id), .text(o.owner.displayName), .text(try ObjectInfoJSON.encode(o)), .text(o.versionID.rawValue), .int(o.seq),
         .bool(o.isDeleteMarker)]
    }

    static func upload(_ row: PostgresRow) throws -> UploadRecord {
        let r = Row(row)
        let info = try UploadInfoJSON.decode(try r.text("info"))
        return info.completing(UploadRecord(uploadID: UploadID(try r.text("upload_id")), bucket: BucketName(unchecked: try r.text("bucket")),
                            key: ObjectKey(unchecked: try r.text("key")), initiated: try r.date("initiated_ms"), owner: try r.owner(),
                            headers: info.headers, checksumAlgorithm: info.checksumAlgorithm, checksumType: info.checksumType,
                            encryption: info.encryption, tags: TagSet(stored: info.tags ?? []), lock: info.lock ?? ObjectLock()))
    }

    static func uploadValues(_ u: UploadRecord) throws -> [PostgresValue] {
        [.text(u.uploadID.rawValue), .text(u.bucket.rawValue), .text(u.key.rawValue), .int(u.initiated.millisecondsSince1970),
         .text(u.owner.id), .text(u.owner.displayName), .text(try UploadInfoJSON.encode(u))]
    }

    static func part(_ row: PostgresRow) throws -> PartRecord {
        let r = Row(row)
        return PartRecord(uploadID: UploadID(try r.text("upload_id")), partNumber: Int(try r.int("part_number")), size: try r.int("size"),
                          etag: ETag(try r.text("etag")), lastModified: try r.date("last_modified_ms"), blob: BlobID(try r.text("blob")),
                          checksum: try r.checksum(), encryption: try BlobEncryptionJSON.decode(try r.optionalText("encryption")))
    }

    static func partValues(_ p: PartRecord) throws -> [PostgresValue] {
        [.text(p.uploadID.rawValue), .int(Int64(p.partNumber)), .int(p.size), .text(p.etag.value), .int(p.lastModified.millisecondsSince1970),
         .text(p.blob.rawValue)] + checksumValues(p.checksum) + [.text(try BlobEncryptionJSON.encode(p.encryption))]
    }

    static func completion(_ row: PostgresRow) throws -> CompletedUpload {
        let r = Row(row)
        return CompletedUpload(uploadID: UploadID(try r.text("upload_id")), bucket: BucketName(unchecked: try r.text("bucket")),
                               key: ObjectKey(unchecked: try r.text("key")), etag: ETag(try r.text("etag")),
                               requestDigest: try r.text("request_digest"), checksum: try r.checksum(),
                               checksumType: try r.optionalText("checksum_type").map { try known(ChecksumType.self, $0, "completion checksum type") },
                               versionID: VersionID(stored: try r.optionalText("version_id") ?? "null"))
    }

    static func completionValues(_ c: CompletedUpload, at date: Date) -> [PostgresValue] {
        [.text(c.uploadID.rawValue), .text(c.bucket.rawValue), .text(c.key.rawValue), .text(c.etag.value), .text(c.requestDigest)]
            + checksumValues(c.checksum)
            + [.text(c.checksumType?.rawValue), .int(date.millisecondsSince1970), .text(c.versionID.rawValue)]
    }

    static func summary(_ row: PostgresRow) throws -> ObjectSummary {
        let r = Row(row)
        // An unknown name means a record this build cannot read: fail like a full decode would.
        return ObjectSummary(
            key: ObjectKey(unchecked: try r.text("key")), size: try r.int("size"), etag: ETag(try r.text("etag")),
            lastModified: try r.date("last_modified_ms"), owner: try r.owner(),
            storageClass: try r.optionalText("storage_class").map { try known(StorageClass.self, $0, "storage class") },
            checksumAlgorithm: try r.optionalText("checksum_algorithm").map { try known(ChecksumAlgorithm.self, $0, "checksum algorithm") },
            checksumType: try r.optionalText("checksum_type").map { try known(ChecksumType.self, $0, "checksum type") },
            versionID: VersionID(stored: try r.text("version_id")), isDeleteMarker: try r.bool("delete_marker"),
            isLatest: r.row.contains("is_latest") ? try r.bool("is_latest") : true, seq: try r.int("seq"))
    }

    static func checksumValues(_ c: Checksum?) -> [PostgresValue] {
        [.text(c?.algorithm.rawValue), .text(c?.base64)]
    }

    static func known<T: RawRepresentable>(_: T.Type, _ raw: String, _ what: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: raw) else { throw MetadataError.unreadableRecord("\(what) \(raw)") }
        return value
    }

    /// Typed access to a row's columns by name; a column of the wrong type is an unreadable record.
    struct Row {
        let row: PostgresRandomAccessRow

        init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

        func text(_ column: String) throws -> String {
            guard let s = try optionalText(column) else { throw MetadataError.unreadableRecord("\(column) is NULL") }
            return s
        }

        func optionalText(_ column: String) throws -> String? {
            try decode(String?.self, column)
        }

        func int(_ column: String) throws -> Int64 {
            try decode(Int64.self, column)
        }

        func bool(_ column: String) throws -> Bool {
            try decode(Bool.self, column)
        }

        func optionalInt(_ column: String) throws -> Int64? { try decode(Int64?.self, column) }
        func optionalInt32(_ column: String) throws -> Int32? { try decode(Int32?.self, column) }
        func optionalBool(_ column: String) throws -> Bool? { try decode(Bool?.self, column) }

        func date(_ column: String) throws -> Date {
            Date(milliseconds: try int(column))
        }

        func owner() throws -> Owner {
            Owner(id: try text("owner_id"), displayName: try text("owner_name"))
        }

        func checksum() throws -> Checksum? {
            guard let name = try optionalText("checksum_algorithm"), let value = try optionalText("checksum") else { return nil }
            return Checksum(try known(ChecksumAlgorithm.self, name, "checksum algorithm"), base64: value)
        }

        func decode<T: PostgresDecodable>(_: T.Type, _ column: String) throws -> T {
            do {
                return try row[column].decode(T.self)
            } catch {
                throw MetadataError.unreadableRecord("column \(column): \(error)")
            }
        }
    }
}
