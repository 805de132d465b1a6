import CairnModel
import Foundation

/// The storage core: buckets and objects over a `BlobStore` and a `MetadataStore`.
/// No HTTP and no SQL here: handlers call these methods with typed values.
public final class Storage: Sendable {
    public let blobs: any BlobStore
    public let metadata: any MetadataStore
    public let ingest: BlobIngest
    public let region: String
    public let limits: StorageLimits
    /// Master and KMS keys for SSE-S3 / SSE-KMS; nil disables them.
    public let keys: (any KeyService)?
    /// Blobs freed and lifecycle work done by this node (metrics).
    public let counters = StorageCounters()

    public init(blobs: any BlobStore, metadata: any MetadataStore, region: String = "us-east-1",
                limits: StorageLimits = StorageLimits(), keys: (any KeyService)? = nil) {
        self.keys = keys
        self.blobs = blobs
        self.metadata = metadata
        self.ingest = BlobIngest(blobs: blobs)
        self.region = region
        self.limits = limits
    }

    /// Deletes blobs a committed transaction released (and queued with `enqueueBlobDeletions`), then
    /// takes them off the queue. A crash in between leaves them queued for `recover`.
    func deleteReleased(_ ids: [BlobID]) async {
        guard !ids.isEmpty else { return }
        await blobs.delete(ids)
        counters.add { $0.blobsFreed += Int64(ids.count) }
        try? await metadata.blobDeletionsDone(ids)
    }

    /// Runs `body` in one metadata transaction and, once it committed, deletes the blobs it released.
    /// A transaction that references a new blob passes when the blob was renamed into place: it
    /// then commits only within `BlobGrace.commitWithin` of that (see `Storage+Sweep.swift`).
    func changing(newBlobRenamed renamed: ContinuousClock.Instant? = nil,
                  _ body: (any MetadataTransaction) async throws -> [BlobID]) async throws {
        let released = try await metadata.withTransaction { tx in
            let released = try await body(tx)
            try await tx.enqueueBlobDeletions(released)
            if let renamed { try BlobGrace.check(renamed: renamed) }
            return released
        }
        await deleteReleased(released)
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
