import CairnHashing
import CairnModel
import Foundation
import NIOCore

extension Storage {
    /// PutObject: data first (temp file, hashed and verified in one pass, fsynced, renamed), then one
    /// metadata transaction makes it visible and hands back the replaced version's blobs to free.
    public func putObject(in context: BucketContext, key: ObjectKey, owner: Owner, headers: ObjectHeaders,
                          body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck,
                          encryption: ObjectEncryption? = nil, customerKey: CustomerKey? = nil,
                          conditions: WriteConditions = WriteConditions(), tags: TagSet = TagSet(),
                          lock: ObjectLock = ObjectLock(), acl: [ACLGrant]? = nil) async throws -> ObjectRecord {
        let bucket = context.name
        let max = limits.maxSinglePutSize
        let keying = try await blobKeying(encryption, customerKey: customerKey)
        let (blob, digests, blobEncryption) = try await ingest.ingest(body, check: check, maxSize: max, keying: keying) {
            S3Error.entityTooLarge(proposed: $0, max: max)
        }
        var record = ObjectRecord(bucket: bucket, key: key, size: digests.size, etag: Self.etag(digests, encryption, blobEncryption),
                                  lastModified: Date().truncatedToMilliseconds, owner: owner, headers: headers,
                                  checksum: digests.stored(check), checksumType: digests.stored(check) == nil ? nil : .fullObject,
                                  segments: [BlobSegment(blob: blob.id, offset: 0, length: digests.size, encryption: blobEncryption)],
                                  encryption: encryption, tags: tags, lock: lock)
        record.acl = acl
        return try await commit(record, newBlob: blob, conditions: conditions)
    }

    /// Makes a record the current version of its key (`placeVersion`: what happens to the version
    /// it displaces depends on the bucket's versioning), if `conditions` hold for the current one;
    /// on failure the new blob is removed.
    func commit(_ record: ObjectRecord, newBlob: NewBlob, conditions: WriteConditions = WriteConditions()) async throws -> ObjectRecord {
        let renamed = ContinuousClock.now  // called right after the blob's rename
        do {
            var placed = record
            try await changing(newBlob: newBlob, renamed: renamed) { tx in
                let bucket = try await tx.requireBucket(record.bucket)
                if !conditions.isEmpty {
                    let current = try await tx.object(record.bucket, record.key).flatMap { $0.isDeleteMarker ? nil : $0 }
                    try conditions.check(current: current?.etag, key: record.key)
                }
                try await checkQuota(bucket, placing: record, tx)
                let (version, released) = try await placeVersion(record, in: bucket, tx)
                placed = version
                return released
            }
            return placed
        } catch {
            await discard(newBlob, after: error)
            throw error
        }
    }

    /// The current version's record for GET/HEAD. NoSuchKey when absent or a delete marker.
    public func object(in context: BucketContext, key: ObjectKey) async throws -> ObjectRecord {
        try await object(in: context, key: key, version: nil)
    }

    /// The bytes of `object` within `range` (all when nil), streamed and decrypted as needed
    /// (after `checkReadKey` accepted `customerKey` for SSE-C objects).
    public func read(_ object: ObjectRecord, range: ByteRange?, customerKey: CustomerKey? = nil) -> SegmentReader {
        SegmentReader(blobs: blobs, segments: object.segments, range: range, cipher: cipherResolver(customerKey: customerKey))
    }

    /// DeleteObject: succeeds whether or not the key or version exists (S3 answers 204 either way).
    /// Without a version id: the object, or in a versioned bucket a new delete marker; with one,
    /// that version.
    /// `ifMatch`: delete only if the current version has that ETag (S3's conditional delete).
    public func deleteObject(in context: BucketContext, key: ObjectKey, version: VersionID? = nil, requester: Owner,
                             ifMatch: ETagCondition? = nil, bypassGovernance: Bool = false) async throws -> DeleteOutcome {
        var outcome = DeleteOutcome(versionID: nil, deleteMarker: false)
        try await changing { tx in
            let bucket = try await tx.requireBucket(context.name)
            if let ifMatch {
                let current = try await tx.object(context.name, key).flatMap { $0.isDeleteMarker ? nil : $0 }
                try WriteConditions(ifMatch: ifMatch).check(current: current?.etag, key: key)
            }
            let (result, released) = if let version {
                try await deleteVersion(bucket.name, key, version, bypassGovernance: bypassGovernance, tx)
            } else {
                try await deleteCurrent(bucket, key, owner: requester, tx)
            }
            outcome = result
            return released
        }
        return outcome
    }

    /// DeleteObjects: each entry independently; per-entry errors are reported, not thrown.
    public func deleteObjects(in context: BucketContext, entries: [(key: String, version: String?)],
                              requester: Owner, bypassGovernance: Bool = false) async throws -> [Result<DeleteOutcome, S3Error>] {
        var results: [Result<DeleteOutcome, S3Error>] = []
        for (k, v) in entries {
            do {
                let key = try ObjectKey(validating: k)
                let version = try v.map(VersionID.init(parsing:))
                results.append(.success(try await deleteObject(in: context, key: key, version: version, requester: requester,
                                                               bypassGovernance: bypassGovernance)))
            } catch let e as S3Error {
                results.append(.failure(e))
            }
        }
        return results
    }

    /// CopyObject. The bytes are copied into a new blob (blobs are never shared between records, so
    /// freeing stays a per-record decision). `encryptionRequested`: the request itself named an
    /// encryption (a bucket default does not count), which makes copying an object onto itself legal.
    /// The copy's checksum is `checksumAlgorithm` (`x-amz-checksum-algorithm`), else the source's
    /// algorithm, else S3's default CRC64NVME, computed over the copied bytes (so FULL_OBJECT).
    /// `replaceTags`: the copy's tags (`x-amz-tagging-directive: REPLACE`); nil keeps the source's.
    public func copyObject(source: ObjectRecord, sourceKey: CustomerKey? = nil, into context: BucketContext, key: ObjectKey, owner: Owner,
                           replaceHeaders: ObjectHeaders?, encryption: ObjectEncryption? = nil, encryptionRequested: Bool = false,
                           customerKey: CustomerKey? = nil, checksumAlgorithm: ChecksumAlgorithm? = nil,
                           sourceVersionNamed: Bool = false, conditions: WriteConditions = WriteConditions(),
                           replaceTags: TagSet? = nil, lock: ObjectLock = ObjectLock(), acl: [ACLGrant]? = nil) async throws -> ObjectRecord {
        let bucket = context.name
        // Copying a named version onto its own key is how a version is restored; copying the
        // current object onto itself changes nothing unless something else is asked.
        if source.bucket == bucket, source.key == key, replaceHeaders == nil, !encryptionRequested, !sourceVersionNamed {
            throw S3Error(.invalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        let check = ChecksumCarry(algorithm: checksumAlgorithm ?? source.checksum?.algorithm ?? .default)
        let keying = try await blobKeying(encryption, customerKey: customerKey)
        let (blob, digests, blobEncryption) = try await ingest.ingest(read(source, range: nil, customerKey: sourceKey), check: check,
                                                                      maxSize: .max, keying: keying) { _ in S3Error(.internalError) }
        guard digests.size == source.size else {
            await discard(blob)
            throw S3Error(.internalError, "Source object changed during copy")
        }
        var headers = replaceHeaders ?? source.headers
        if replaceHeaders != nil, headers.storageClass == nil { headers.storageClass = source.headers.storageClass }
        var record = ObjectRecord(bucket: bucket, key: key, size: digests.size,
                                  etag: Self.etag(digests, encryption, blobEncryption),
                                  lastModified: Date().truncatedToMilliseconds, owner: owner, headers: headers,
                                  checksum: digests.checksum, checksumType: digests.checksum == nil ? nil : .fullObject,
                                  segments: [BlobSegment(blob: blob.id, offset: 0, length: digests.size, encryption: blobEncryption)],
                                  encryption: encryption, tags: replaceTags ?? source.tags, lock: lock)
        // The copy gets the request's ACL (or the default), never the source's, as on S3.
        record.acl = acl
        return try await commit(record, newBlob: blob, conditions: conditions)
    }
}

/// For copies: compute the copy's checksum algorithm over the copied bytes; nothing to verify.
struct ChecksumCarry: PayloadCheck {
    var algorithm: ChecksumAlgorithm?
    var needsSHA256: Bool { false }
    var checksumAlgorithm: ChecksumAlgorithm? { algorithm }
    func verify(_ digests: BodyDigests) throws {}
}
