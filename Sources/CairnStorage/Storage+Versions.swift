import CairnModel
import Foundation

/// What a DeleteObject did: the version it removed or the marker it wrote (nil in a bucket that was
/// never versioned), and whether that version is a delete marker.
public struct DeleteOutcome: Sendable, Equatable {
    public var versionID: VersionID?
    public var deleteMarker: Bool
    public init(versionID: VersionID?, deleteMarker: Bool) {
        self.versionID = versionID
        self.deleteMarker = deleteMarker
    }
}

/// The rules of versions, applied inside a metadata transaction (the bucket's versioning state is
/// read in the same transaction, so a concurrent PutBucketVersioning is either before or after).
///
/// - Never versioned: a write replaces the key's one version (`null`) and releases its blobs; a
///   delete removes it.
/// - Enabled: a write or a delete marker becomes the current version with a new id; the version it
///   displaces stays, noncurrent. Nothing is released.
/// - Suspended: a write or a delete marker becomes the current version with id `null`, replacing
///   (and releasing) any earlier `null` version, current or not; other versions stay.
extension Storage {
    /// Makes `record` the current version of its key; returns it with its version id and order, and
    /// the blobs no version references any more.
    func placeVersion(_ record: ObjectRecord, in bucket: BucketRecord,
                      _ tx: any MetadataTransaction) async throws -> (ObjectRecord, released: [BlobID]) {
        var record = record
        let current = try await tx.object(record.bucket, record.key)
        record.seq = Self.nextSeq(after: current)
        var released: [BlobID] = []
        switch bucket.versioning {
        case nil:
            record.versionID = .null
            released = current?.blobs ?? []
        case .enabled:
            record.versionID = .new(seq: record.seq)
            if let current { try await tx.putNoncurrent(current) }
        case .suspended:
            record.versionID = .null
            if let current, current.versionID == .null {
                released = current.blobs
            } else if let current {
                if let oldNull = try await tx.version(record.bucket, record.key, .null) {
                    released = oldNull.blobs
                    try await tx.deleteNoncurrent(record.bucket, record.key, .null)
                }
                try await tx.putNoncurrent(current)
            }
        }
        try await tx.putObject(record)
        return (record, released)
    }

    /// A version's place among its key's versions: after the current one, and at least the time in
    /// microseconds (so ids sort by age even across keys), whatever the clock did.
    static func nextSeq(after current: ObjectRecord?) -> Int64 {
        max(Int64(Date().timeIntervalSince1970 * 1_000_000), (current?.seq ?? 0) + 1)
    }

    /// DeleteObject without a version id: a delete marker in a versioned bucket, the object itself
    /// in one never versioned.
    func deleteCurrent(_ bucket: BucketRecord, _ key: ObjectKey, owner: Owner,
                       _ tx: any MetadataTransaction) async throws -> (DeleteOutcome, released: [BlobID]) {
        guard bucket.versioning != nil else {
            guard let current = try await tx.object(bucket.name, key) else { return (DeleteOutcome(versionID: nil, deleteMarker: false), []) }
            try await tx.deleteObject(bucket.name, key)
            return (DeleteOutcome(versionID: nil, deleteMarker: false), current.blobs)
        }
        let marker = ObjectRecord.deleteMarker(bucket: bucket.name, key: key, owner: owner, at: Date().truncatedToMilliseconds)
        let (placed, released) = try await placeVersion(marker, in: bucket, tx)
        return (DeleteOutcome(versionID: placed.versionID, deleteMarker: true), released)
    }

    /// DeleteObject with a version id: that version goes for good (its blobs released). When it was
    /// the current one, the newest remaining version becomes current (deleting a delete marker
    /// brings the object back). A version that does not exist is no error, as on S3.
    /// A version under a legal hold or an active retention is kept: 403 AccessDenied (GOVERNANCE
    /// yields to `bypassGovernance`).
    func deleteVersion(_ bucket: BucketName, _ key: ObjectKey, _ id: VersionID, bypassGovernance: Bool = false,
                       _ tx: any MetadataTransaction) async throws -> (DeleteOutcome, released: [BlobID]) {
        let now = Date()
        if let current = try await tx.object(bucket, key), current.versionID == id {
            if let why = current.lock.deletionBlocked(at: now, bypassGovernance: bypassGovernance) { throw S3Error(.accessDenied, why) }
            try await tx.deleteObject(bucket, key)
            if let next = try await tx.newestNoncurrent(bucket, key) {
                try await tx.deleteNoncurrent(bucket, key, next.versionID)
                try await tx.putObject(next)
            }
            return (DeleteOutcome(versionID: id, deleteMarker: current.isDeleteMarker), current.blobs)
        }
        guard let old = try await tx.version(bucket, key, id) else { return (DeleteOutcome(versionID: id, deleteMarker: false), []) }
        if let why = old.lock.deletionBlocked(at: now, bypassGovernance: bypassGovernance) { throw S3Error(.accessDenied, why) }
        try await tx.deleteNoncurrent(bucket, key, id)
        return (DeleteOutcome(versionID: id, deleteMarker: old.isDeleteMarker), old.blobs)
    }

    /// The version a GET, HEAD or copy reads: the current one, or the one `id` names. A delete
    /// marker answers as S3 does: 404 NoSuchKey when current, 405 MethodNotAllowed when named; both
    /// with `x-amz-delete-marker: true` and the marker's version id.
    public func object(in context: BucketContext, key: ObjectKey, version id: VersionID?) async throws -> ObjectRecord {
        let found = if let id { try await metadata.version(context.name, key, id) } else { try await metadata.object(context.name, key) }
        return try Self.requireVersion(found, key: key, id: id, versioning: context.record.versioning, method: "GET")
    }

    /// The rule of `object(in:key:version:)` applied to what was read (outside or inside a
    /// transaction): `found` is the current version when `id` is nil, else the version `id` names.
    /// `method` is what a 405 on a delete marker names.
    static func requireVersion(_ found: ObjectRecord?, key: ObjectKey, id: VersionID?, versioning: VersioningStatus?,
                               method: String) throws(S3Error) -> ObjectRecord {
        guard let id else {
            guard let o = found else { throw S3Error(.noSuchKey, fields: [("Key", key.rawValue)]) }
            if o.isDeleteMarker {
                throw S3Error(.noSuchKey, fields: [("Key", key.rawValue)], headers: Self.markerHeaders(o))
            }
            return o
        }
        guard let o = found else {
            if id == .null, versioning == nil { throw S3Error(.noSuchKey, fields: [("Key", key.rawValue)]) }
            throw S3Error(.noSuchVersion, "The specified version does not exist.", fields: [("Key", key.rawValue), ("VersionId", id.rawValue)])
        }
        if o.isDeleteMarker {
            throw S3Error(.methodNotAllowed, "The specified method is not allowed against this resource.",
                          fields: [("Method", method), ("ResourceType", "DeleteMarker")],
                          headers: Self.markerHeaders(o) + [("Last-Modified", UTCDate(o.lastModified).rfc1123)])
        }
        return o
    }

    static func markerHeaders(_ o: ObjectRecord) -> [(String, String)] {
        [("x-amz-delete-marker", "true"), ("x-amz-version-id", o.versionID.rawValue)]
    }

    /// PutBucketVersioning. A bucket once versioned can be suspended, never unversioned again.
    public func setVersioning(_ context: BucketContext, _ status: VersioningStatus) async throws {
        try await metadata.withTransaction { tx in
            var record = try await tx.requireBucket(context.name)
            if status == .suspended, record.objectLock?.enabled == true {
                throw S3Error(.invalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.")
            }
            record.versioning = status
            try await tx.updateBucket(record)
        }
    }
}
