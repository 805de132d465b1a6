import CairnModel
import Foundation

/// The storage core: buckets and objects over a `BlobStore` and a `MetadataStore`.
/// No HTTP and no SQL here: handlers call these methods with typed values.
public final class Storage: Sendable {
    /// File blobs and inline ones (`InlineAwareBlobStore`).
    public let blobs: any BlobStore
    public let metadata: any MetadataStore
    public let ingest: BlobIngest
    public let region: String
    public let limits: StorageLimits
    /// Master and KMS keys for SSE-S3 / SSE-KMS; nil disables them.
    public let keys: (any KeyService)?
    /// Blobs freed and lifecycle work done by this node (metrics).
    public let counters = StorageCounters()

    /// `inlineLimit`: bodies up to this many bytes are kept in the metadata store, not one file
    /// each (0: every body is a file).
    public init(blobs: any BlobStore, metadata: any MetadataStore, region: String = "us-east-1",
                limits: StorageLimits = StorageLimits(), keys: (any KeyService)? = nil, inlineLimit: Int = Storage.defaultInlineLimit) {
        self.keys = keys
        self.blobs = InlineAwareBlobStore(files: blobs, metadata: metadata)
        self.metadata = metadata
        self.ingest = BlobIngest(blobs: blobs, inlineLimit: inlineLimit)
        self.region = region
        self.limits = limits
    }

    /// 64 KiB: a 16 KiB PUT or part is inline; a body the size of a typical S3 part is a file.
    public static let defaultInlineLimit = 64 * 1024

    /// Deletes file blobs a committed transaction released (and queued with `enqueueBlobDeletions`),
    /// then takes them off the queue. A crash in between leaves them queued for `recover`.
    func deleteReleased(_ ids: [BlobID]) async {
        guard !ids.isEmpty else { return }
        await blobs.delete(ids)
        counters.add { $0.blobsFreed += Int64(ids.count) }
        try? await metadata.blobDeletionsDone(ids)
    }

    /// Runs `body` in one metadata transaction and, once it committed, deletes the blobs it released.
    /// `newBlob`, the blob the transaction's record references: an inline one is stored by this
    /// transaction; a file was renamed into place at `renamed`, and the transaction then commits
    /// only within `BlobGrace.commitWithin` of that (see `Storage+Sweep.swift`). Released inline
    /// blobs go in the same transaction; released files after it commits.
    func changing(newBlob: NewBlob? = nil, renamed: ContinuousClock.Instant? = nil,
                  _ body: (any MetadataTransaction) async throws -> [BlobID]) async throws {
        let (released, inlineFreed) = try await metadata.withTransaction { tx in
            if let newBlob, let bytes = newBlob.inlineBytes { try await tx.putInlineBlob(newBlob.id, bytes) }
            let all = try await body(tx)
            let inline = all.filter(\.isInline), files = all.filter { !$0.isInline }
            try await tx.deleteInlineBlobs(inline)
            try await tx.enqueueBlobDeletions(files)
            if let renamed, newBlob?.inlineBytes == nil { try BlobGrace.check(renamed: renamed) }
            return (files, inline.count)
        }
        if inlineFreed > 0 { counters.add { $0.blobsFreed += Int64(inlineFreed) } }
        await deleteReleased(released)
    }

    /// Removes a new blob whose transaction failed (an inline one was never stored). After
    /// `MetadataError.outcomeUnknown` the commit may have happened and a record may reference the
    /// blob: it stays, and the sweep removes it after `BlobGrace` if nothing does.
    func discard(_ blob: NewBlob, after error: (any Error)? = nil) async {
        if let error = error as? MetadataError, error == .outcomeUnknown { return }
        if blob.inlineBytes == nil { await blobs.delete([blob.id]) }
    }
}

extension MetadataTransaction {
    /// The bucket's record, or NoSuchBucket (it may have been deleted since the request began).
    func requireBucket(_ name: BucketName) async throws -> BucketRecord {
        guard let b = try await bucket(name) else { throw S3Error.noSuchBucket(name) }
        return b
    }
}

extension S3Error {
    public static func noSuchBucket(_ name: BucketName) -> S3Error { S3Error(.noSuchBucket, fields: [("BucketName", name.rawValue)]) }
}

/// Size rules, AWS's by default; tests may lower the multipart minimum.
public struct StorageLimits: Sendable {
    /// PutObject and UploadPart: 5 GiB.
    public var maxSinglePutSize: Int64 = 5 * 1024 * 1024 * 1024
    /// Every part but the last: 5 MiB.
    public var minPartSize: Int64 = 5 * 1024 * 1024
    public init() {}
}
