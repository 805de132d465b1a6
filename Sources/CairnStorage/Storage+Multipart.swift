import CairnHashing
import CairnModel
import Crypto
import Foundation
import NIOCore

/// One entry of CompleteMultipartUpload's `<Part>` list.
public struct CompletedPartRequest: Sendable, Equatable {
    public var partNumber: Int
    public var etag: String
    public var checksums: [Checksum]
    public init(partNumber: Int, etag: String, checksums: [Checksum] = []) {
        self.partNumber = partNumber
        self.etag = etag
        self.checksums = checksums
    }
}

/// Conditions of CompleteMultipartUpload on the key it writes.
public struct CompleteConditions: Sendable {
    public var write: WriteConditions
    public var objectSize: Int64?
    /// A whole-object checksum the client computed (`x-amz-checksum-*` on Complete).
    public var checksum: Checksum?
    public init(write: WriteConditions = WriteConditions(), objectSize: Int64? = nil, checksum: Checksum? = nil) {
        self.write = write
        self.objectSize = objectSize
        self.checksum = checksum
    }
}

extension Storage {
    public func createMultipartUpload(in context: BucketContext, key: ObjectKey, owner: Owner, headers: ObjectHeaders,
                                      checksumAlgorithm: ChecksumAlgorithm?, checksumType: ChecksumType?,
                                      encryption: ObjectEncryption? = nil, tags: TagSet = TagSet(),
                                      lock: ObjectLock = ObjectLock(), objectOwner: Owner? = nil,
                                      acl: [ACLGrant]? = nil) async throws -> UploadRecord {
        var upload = UploadRecord(uploadID: UploadRecord.newID(), bucket: context.name, key: key, initiated: Date().truncatedToMilliseconds,
                                  owner: owner, headers: headers, checksumAlgorithm: checksumAlgorithm, checksumType: checksumType,
                                  encryption: encryption, tags: tags, lock: lock)
        upload.objectOwner = objectOwner
        upload.acl = acl
        try await metadata.withTransaction { tx in
            _ = try await tx.requireBucket(upload.bucket)
            try await tx.insertUpload(upload)
        }
        return upload
    }

    /// The upload named by a request, or NoSuchUpload.
    public func upload(_ id: UploadID, in context: BucketContext, key: ObjectKey) async throws -> UploadRecord {
        guard let u = try await metadata.upload(id, bucket: context.name, key: key) else { throw S3Error.noSuchUpload(id) }
        return u
    }

    /// UploadPart (and the data half of UploadPartCopy): the body becomes the part's own blob, then
    /// one transaction replaces any earlier part with that number. Concurrent uploads of one number
    /// each commit whole; the last transaction wins and the loser's blob is freed.
    public func uploadPart(_ upload: UploadRecord, partNumber: PartNumber, body: some AsyncSequence<ByteBuffer, any Error>,
                           check: any PayloadCheck, customerKey: CustomerKey? = nil, quota: BucketQuota? = nil) async throws -> PartRecord {
        let max = limits.maxSinglePutSize
        let keying = try await blobKeying(upload.encryption, customerKey: customerKey)
        let (blob, digests, blobEncryption) = try await ingest.ingest(body, check: check, maxSize: max, keying: keying) {
            S3Error.entityTooLarge(proposed: $0, max: max)
        }
        let renamed = ContinuousClock.now
        let part = PartRecord(uploadID: upload.uploadID, partNumber: partNumber.value, size: digests.size,
                              etag: Self.etag(digests, upload.encryption, blobEncryption),
                              lastModified: Date().truncatedToMilliseconds, blob: blob.id, checksum: digests.stored(check),
                              encryption: blobEncryption)
        do {
            try await changing(newBlob: blob, renamed: renamed) { tx in
                // The upload row is the lock UploadPart, Complete and Abort share: a part committed
                // after a Complete or Abort finds the upload gone, and its blob is removed below.
                guard try await tx.upload(upload.uploadID, bucket: upload.bucket, key: upload.key) != nil else {
                    throw S3Error.noSuchUpload(upload.uploadID)
                }
                let replaced = try await tx.part(upload.uploadID, partNumber.value)
                try await checkQuota(quota, bucket: upload.bucket, part: part, replacing: replaced, tx)
                try await tx.putPart(part)
                return replaced.map { [$0.blob] } ?? []
            }
        } catch {
            await discard(blob, after: error)
            throw error
        }
        return part
    }

    /// SSE-C uploads: every part brings the key CreateMultipartUpload was given; other uploads: none.
    public static func checkPartKey(_ upload: UploadRecord, customerKey: CustomerKey?) throws {
        if upload.encryption?.mode == .customer {
            guard let key = customerKey else {
                throw S3Error(.invalidRequest, "The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.")
            }
            guard upload.encryption!.matches(key) else {
                throw S3Error(.invalidRequest, "The provided encryption parameters did not match the ones used originally.")
            }
        } else if customerKey != nil {
            throw S3Error(.invalidRequest, "The multipart upload initiate did not request encryption with a customer-provided key. The encryption parameters are not applicable to its parts.")
        }
    }

    public func abortMultipartUpload(_ uploadID: UploadID, in context: BucketContext, key: ObjectKey) async throws {
        try await abortUpload(uploadID, bucket: context.name, key: key)
    }

    /// Deletes an upload and releases its parts; NoSuchUpload when it is gone.
    func abortUpload(_ id: UploadID, bucket: BucketName, key: ObjectKey) async throws {
        try await changing { tx in
            guard try await tx.upload(id, bucket: bucket, key: key) != nil else { throw S3Error.noSuchUpload(id) }
            let released = try await tx.parts(id).map(\.blob)
            try await tx.deleteUpload(id)
            return released
        }
    }

    /// Completions are remembered this long, for retries of CompleteMultipartUpload.
    static let completionMemory: TimeInterval = 24 * 3600

    /// CompleteMultipartUpload. Checks in AWS's order (InvalidPartOrder, InvalidPart, EntityTooSmall)
    /// inside the metadata transaction, then writes a manifest over the part blobs: no byte is copied.
    /// Parts uploaded but not listed are released; so is the object the new one replaces.
    public func completeMultipartUpload(_ uploadID: UploadID, in context: BucketContext, key: ObjectKey, requester: Owner,
                                        parts requested: [CompletedPartRequest], conditions: CompleteConditions) async throws -> ObjectRecord {
        let bucket = context.name
        guard !requested.isEmpty else {
            throw S3Error(.malformedXML)
        }
        for i in 1..<requested.count where requested[i].partNumber <= requested[i - 1].partNumber {
            throw S3Error(.invalidPartOrder, fields: [("UploadId", uploadID.rawValue)])
        }
        let digest = Self.requestDigest(requested)
        let now = Date().truncatedToMilliseconds
        var result: ObjectRecord?
        try await changing { tx in
            guard let upload = try await tx.upload(uploadID, bucket: bucket, key: key) else {
                // A retry of a completion that already happened gets the same answer; anything else
                // on a completed upload is NoSuchUpload, as AWS answers.
                guard let done = try await tx.completion(uploadID), done.requestDigest == digest, done.bucket == bucket, done.key == key else {
                    throw S3Error.noSuchUpload(uploadID)
                }
                result = ObjectRecord(bucket: bucket, key: key, size: 0, etag: done.etag, lastModified: now, owner: requester,
                                      headers: ObjectHeaders(), checksum: done.checksum, checksumType: done.checksumType, segments: [],
                                      versionID: done.versionID)
                return []
            }
            let bucketRecord = try await tx.requireBucket(bucket)
            let stored = try await tx.parts(uploadID)
            // Conditions see the current version; a delete marker counts as no object.
            let current = try await tx.object(bucket, key).flatMap { $0.isDeleteMarker ? nil : $0 }
            var assembled = try assemble(upload, stored: stored, requested: requested, conditions: conditions, current: current, now: now)
            // The bucket's default retention runs from the object's creation: the completion.
            assembled.lock = try lock(for: upload.lock, in: bucketRecord, now: now)
            // The parts' bytes are counted already; the object is one more.
            var counted = assembled
            counted.size = 0
            try await checkQuota(bucketRecord, placing: counted, tx)
            let (object, replaced) = try await placeVersion(assembled, in: bucketRecord, tx)
            try await tx.deleteUpload(uploadID)
            try await tx.rememberCompletion(
                CompletedUpload(uploadID: uploadID, bucket: bucket, key: key, etag: object.etag, requestDigest: digest,
                                checksum: object.checksum, checksumType: object.checksumType, versionID: object.versionID),
                at: now, forgetBefore: now.addingTimeInterval(-Self.completionMemory))
            result = object
            let kept = Set(object.segments.map(\.blob))
            return stored.map(\.blob).filter { !kept.contains($0) } + replaced
        }
        return result!
    }

    /// The object a Complete makes from the upload's stored parts and the requested list, or the
    /// first error S3 would answer.
    func assemble(_ upload: UploadRecord, stored: [PartRecord], requested: [CompletedPartRequest], conditions: CompleteConditions,
                  current: ObjectRecord?, now: Date) throws -> ObjectRecord {
        let id = upload.uploadID.rawValue
        let byNumber = Dictionary(stored.map { ($0.partNumber, $0) }, uniquingKeysWith: { a, _ in a })
        var chosen: [PartRecord] = []
        chosen.reserveCapacity(requested.count)
        for r in requested {
            let etag = ETag.unquoteExactly(r.etag)
            // Built only when thrown: a 10,000-part Complete would otherwise make 10,000 of them.
            func invalid() -> S3Error {
                S3Error(.invalidPart, fields: [("UploadId", id), ("PartNumber", String(r.partNumber)), ("ETag", etag)])
            }
            guard let p = byNumber[r.partNumber], etag == p.etag.value else { throw invalid() }
            for c in r.checksums where p.checksum != nil && c.algorithm == p.checksum?.algorithm && c.base64 != p.checksum?.base64 {
                throw invalid()
            }
            chosen.append(p)
        }
        let minPart = limits.minPartSize
        for p in chosen.dropLast() where p.size < minPart {
            throw S3Error(.entityTooSmall, fields: [
                ("ProposedSize", String(p.size)), ("MinSizeAllowed", String(minPart)),
                ("PartNumber", String(p.partNumber)), ("ETag", p.etag.value),
            ])
        }
        let size = chosen.reduce(Int64(0)) { $0 + $1.size }
        if let expected = conditions.objectSize, expected != size {
            throw S3Error(.invalidRequest, "The provided 'x-amz-mp-object-size' header value \(expected) does not match what was computed: \(size)")
        }
        let checksum = try Self.objectChecksum(upload, chosen, expected: conditions.checksum)
        try conditions.write.check(current: current?.etag, key: upload.key)
        var object = ObjectRecord(bucket: upload.bucket, key: upload.key, size: size, etag: Self.multipartETag(chosen.map(\.etag)),
                            lastModified: now, owner: upload.objectOwner ?? upload.owner, headers: upload.headers, checksum: checksum,
                            checksumType: checksum == nil ? nil : upload.objectChecksumType,
                            segments: chosen.map { BlobSegment(blob: $0.blob, offset: 0, length: $0.size, encryption: $0.encryption) },
                            parts: chosen.map { ManifestPart(partNumber: $0.partNumber, size: $0.size, etag: $0.etag.value, checksum: $0.checksum) },
                            encryption: upload.encryption, tags: upload.tags, lock: upload.lock)
        // The ACL CreateMultipartUpload asked for applies now, to the object Complete makes.
        object.acl = upload.acl
        return object
    }

    /// The object's checksum from its parts' (COMPOSITE or FULL_OBJECT, as the upload was created;
    /// S3's default CRC64NVME FULL_OBJECT for uploads created without an algorithm), checked against
    /// a whole-object value the client sent. O(parts); no data is read.
    static func objectChecksum(_ upload: UploadRecord, _ parts: [PartRecord], expected: Checksum?) throws -> Checksum? {
        let alg = upload.objectChecksumAlgorithm
        let unverifiable = expected.map {
            S3Error(.invalidRequest, "The upload was created without a checksum algorithm; \($0.algorithm.headerName) cannot be verified.")
        }
        if upload.checksumAlgorithm == nil, let unverifiable, expected?.algorithm != alg { throw unverifiable }
        var raw: [[UInt8]] = []
        for p in parts {
            guard let c = p.checksum, c.algorithm == alg, let bytes = Data(base64Encoded: c.base64) else {
                // Parts stored before uploads got the default have none: the object then has none.
                if upload.checksumAlgorithm == nil {
                    if let unverifiable { throw unverifiable }
                    return nil
                }
                throw S3Error(.invalidPart, "Part \(p.partNumber) has no \(alg.rawValue) checksum.",
                              fields: [("UploadId", upload.uploadID.rawValue), ("PartNumber", String(p.partNumber))])
            }
            raw.append(Array(bytes))
        }
        let value: String
        if upload.objectChecksumType == .fullObject, let full = ChecksumCombine.fullObject(alg, parts: zip(raw, parts).map { ($0, $1.size) }) {
            value = Data(full).base64EncodedString()
        } else {
            value = ChecksumCombine.composite(alg, parts: raw)
        }
        if let expected {
            let sent = expected.base64.split(separator: "-").first.map(String.init) ?? expected.base64
            let ours = value.split(separator: "-").first.map(String.init) ?? value
            guard expected.algorithm == alg, sent == ours else {
                throw S3Error(.badDigest, "The \(expected.algorithm.rawValue) you specified did not match the calculated checksum.")
            }
        }
        return Checksum(alg, base64: value)
    }

    /// The multipart ETag of parts whose ETags are their MD5s.
    public static func multipartETag(_ parts: [ETag]) -> ETag {
        ETag.multipart(partMD5s: parts.map { Hex.decode($0.value) ?? [] })
    }

    static func requestDigest(_ parts: [CompletedPartRequest]) -> String {
        var sha = SHA256()
        for p in parts { sha.update(data: Array("\(p.partNumber):\(ETag.unquoteExactly(p.etag));".utf8)) }
        return Hex.encode(sha.finalize())
    }

    /// ListParts page: parts after `marker`, at most `maxParts`, and whether more follow.
    public func listParts(_ upload: UploadRecord, marker: Int, maxParts: Int) async throws -> (parts: [PartRecord], truncated: Bool) {
        let page = try await metadata.parts(upload.uploadID, after: marker, limit: maxParts + 1)
        return (Array(page.prefix(maxParts)), page.count > maxParts)
    }
}

extension S3Error {
    public static func noSuchUpload(_ id: UploadID) -> S3Error { S3Error(.noSuchUpload, fields: [("UploadId", id.rawValue)]) }
}
