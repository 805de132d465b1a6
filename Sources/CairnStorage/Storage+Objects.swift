import CairnHashing
import CairnModel
import Foundation
import NIOCore

extension Storage {
    /// PutObject: data first (temp file, hashed and verified in one pass, fsynced, renamed), then one
    /// metadata transaction makes it visible and hands back the replaced version's blobs to free.
    public func putObject(in context: BucketContext, key: ObjectKey, owner: Owner, headers: ObjectHeaders,
                          body: some AsyncSequence<ByteBuffer, any Error>, check: any PayloadCheck,
                          encryption: ObjectEncryption? = nil, customerKey: CustomerKey? = nil) async throws -> ObjectRecord {
        let bucket = context.name
        let max = limits.maxSinglePutSize
        let keying = try await blobKeying(encryption, customerKey: customerKey)
        let (blob, digests, blobEncryption) = try await ingest.ingest(body, check: check, maxSize: max, keying: keying) {
            S3Error.entityTooLarge(proposed: $0, max: max)
        }
        let record = ObjectRecord(bucket: bucket, key: key, size: digests.size, etag: Self.etag(digests, encryption, blobEncryption),
                                  lastModified: Date().truncatedToMilliseconds, owner: owner, headers: headers,
                                  checksum: digests.stored(check), checksumType: digests.stored(check) == nil ? nil : .fullObject,
                                  segments: [BlobSegment(blob: blob, offset: 0, length: digests.size, encryption: blobEncryption)],
                                  encryption: encryption)
        try await commit(record, newBlob: blob)
        return record
    }

    /// Makes a record visible and releases the version it replaced; on failure the new blob is removed.
    func commit(_ record: ObjectRecord, newBlob: BlobID) async throws {
        do {
            try await changing { tx in
                _ = try await tx.requireBucket(record.bucket)
                let replaced = try await tx.object(record.bucket, record.key)
                try await tx.putObject(record)
                return replaced?.blobs ?? []
            }
        } catch {
            await blobs.delete([newBlob])
            throw error
        }
    }

    /// The object's record for GET/HEAD. NoSuchKey when absent.
    public func object(in context: BucketContext, key: ObjectKey) async throws -> ObjectRecord {
        guard let o = try await metadata.object(context.name, key) else {
            throw S3Error(.noSuchKey, fields: [("Key", key.rawValue)])
        }
        return o
    }

    /// The bytes of `object` within `range` (all when nil), streamed and decrypted as needed
    /// (after `checkReadKey` accepted `customerKey` for SSE-C objects).
    public func read(_ object: ObjectRecord, range: ByteRange?, customerKey: CustomerKey? = nil) -> SegmentReader {
        SegmentReader(blobs: blobs, segments: object.segments, range: range, cipher: cipherResolver(customerKey: customerKey))
    }

    /// DeleteObject: succeeds whether or not the key exists (S3 answers 204 either way).
    public func deleteObject(in context: BucketContext, key: ObjectKey) async throws {
        try await deleteObject(context.name, key)
    }

    func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws {
        try await changing { tx in
            guard let old = try await tx.object(bucket, key) else { return [] }
            try await tx.deleteObject(bucket, key)
            return old.blobs
        }
    }

    /// DeleteObjects: each key independently; per-key errors are reported, not thrown.
    public func deleteObjects(in context: BucketContext, keys: [String]) async throws -> [(String, S3Error?)] {
        let bucket = context.name
        var results: [(String, S3Error?)] = []
        for k in keys {
            do {
                let key = try ObjectKey(validating: k)
                try await deleteObject(bucket, key)
                results.append((k, nil))
            } catch let e as S3Error {
                results.append((k, e))
            }
        }
        return results
    }

    /// CopyObject. The bytes are copied into a new blob (blobs are never shared between records, so
    /// freeing stays a per-record decision). `encryptionRequested`: the request itself named an
    /// encryption (a bucket default does not count), which makes copying an object onto itself legal.
    /// The copy's checksum is `checksumAlgorithm` (`x-amz-checksum-algorithm`), else the source's
    /// algorithm, else S3's default CRC64NVME, computed over the copied bytes (so FULL_OBJECT).
    public func copyObject(source: ObjectRecord, sourceKey: CustomerKey? = nil, into context: BucketContext, key: ObjectKey, owner: Owner,
                           replaceHeaders: ObjectHeaders?, encryption: ObjectEncryption? = nil, encryptionRequested: Bool = false,
                           customerKey: CustomerKey? = nil, checksumAlgorithm: ChecksumAlgorithm? = nil) async throws -> ObjectRecord {
        let bucket = context.name
        if source.bucket == bucket, source.key == key, replaceHeaders == nil, !encryptionRequested {
            throw S3Error(.invalidRequest, "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.")
        }
        let check = ChecksumCarry(algorithm: checksumAlgorithm ?? source.checksum?.algorithm ?? .default)
        let keying = try await blobKeying(encryption, customerKey: customerKey)
        let (blob, digests, blobEncryption) = try await ingest.ingest(read(source, range: nil, customerKey: sourceKey), check: check,
                                                                      maxSize: .max, keying: keying) { _ in S3Error(.internalError) }
        guard digests.size == source.size else {
            await blobs.delete([blob])
            throw S3Error(.internalError, "Source object changed during copy")
        }
        var headers = replaceHeaders ?? source.headers
        if replaceHeaders != nil, headers.storageClass == nil { headers.storageClass = source.headers.storageClass }
        let record = ObjectRecord(bucket: bucket, key: key, size: digests.size,
                                  etag: Self.etag(digests, encryption, blobEncryption),
                                  lastModified: Date().truncatedToMilliseconds, owner: owner, headers: headers,
                                  checksum: digests.checksum, checksumType: digests.checksum == nil ? nil : .fullObject,
                                  segments: [BlobSegment(blob: blob, offset: 0, length: digests.size, encryption: blobEncryption)],
                                  encryption: encryption)
        try await commit(record, newBlob: blob)
        return record
    }
}

/// For copies: compute the copy's checksum algorithm over the copied bytes; nothing to verify.
struct ChecksumCarry: PayloadCheck {
    var algorithm: ChecksumAlgorithm?
    var needsSHA256: Bool { false }
    var checksumAlgorithm: ChecksumAlgorithm? { algorithm }
    func verify(_ digests: BodyDigests) throws {}
}
