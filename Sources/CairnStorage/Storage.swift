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

    public init(blobs: any BlobStore, metadata: any MetadataStore, region: String = "us-east-1",
                limits: StorageLimits = StorageLimits(), keys: (any KeyService)? = nil) {
        self.keys = keys
        self.blobs = blobs
        self.metadata = metadata
        self.ingest = BlobIngest(blobs: blobs)
        self.region = region
        self.limits = limits
    }

    /// Crash recovery, run once before serving: drop temporary files, then blobs no record references
    /// (a crash between the blob's rename and the metadata commit, or after a commit that freed blobs).
    public func recover() async throws {
        try await blobs.removeTemporaryFiles()
        let referenced = try await metadata.referencedBlobs()
        let orphans = try await blobs.allBlobs().filter { !referenced.contains($0) }
        await blobs.delete(orphans)
    }

    /// Frees blobs after the transaction that dropped them committed. A crash before this point leaves
    /// orphans that `recover` removes.
    func free(_ ids: [BlobID]) async {
        guard !ids.isEmpty else { return }
        await blobs.delete(ids)
    }
}

/// Size rules, AWS's by default; tests may lower the multipart minimum.
public struct StorageLimits: Sendable {
    /// PutObject and UploadPart: 5 GiB.
    public var maxSinglePutSize: Int64 = 5 * 1024 * 1024 * 1024
    /// Every part but the last: 5 MiB.
    public var minPartSize: Int64 = 5 * 1024 * 1024
    public init() {}
}
