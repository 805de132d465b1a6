import CairnModel
import Foundation
import NIOCore

/// Where bytes live: immutable, uniquely named blobs. Implementations: the local file system.
public protocol BlobStore: Sendable {
    /// Starts a new blob in a temporary place; nothing is visible until `commit`.
    func makeWriter() async throws -> any BlobWriter
    /// Streams `length` bytes of a blob from `offset`, in bounded chunks.
    func read(_ segment: BlobSegment) -> any AsyncSequence<ByteBuffer, any Error>
    /// Removes blobs (missing ones are ignored).
    func delete(_ blobs: [BlobID]) async
    /// Every blob id present, for the startup sweep of unreferenced blobs.
    func allBlobs() async throws -> [BlobID]
    /// Removes temporary files left by a crash. Called once at start, before serving.
    func removeTemporaryFiles() async throws
}

/// A blob being written. Either `commit` (data durable, blob visible to readers by id) or `abort`.
public protocol BlobWriter: Sendable {
    func write(_ buffer: ByteBuffer) async throws
    /// fsyncs and moves the blob to its final name.
    func commit() async throws -> BlobID
    /// Deletes the temporary file.
    func abort() async
}

/// Metadata: buckets, objects (later uploads and parts). Every method is one transaction.
/// Implementations: SQLite (embedded default), PostgreSQL (several nodes).
public protocol MetadataStore: MultipartMetadataStore, BucketConfigStore {
    func createBucket(_ bucket: BucketRecord) async throws
    func bucket(_ name: BucketName) async throws -> BucketRecord?
    func buckets(ownedBy ownerID: String) async throws -> [BucketRecord]
    /// Deletes an empty bucket; throws BucketNotEmpty otherwise. Returns blobs to free.
    func deleteBucket(_ name: BucketName) async throws -> [BlobID]

    func object(_ bucket: BucketName, _ key: ObjectKey) async throws -> ObjectRecord?
    /// Inserts or replaces an object, returning the blobs of the replaced version (to free).
    /// `precondition` runs inside the transaction on the current version (If-Match on Complete, ...).
    func putObject(_ object: ObjectRecord,
                   precondition: @Sendable (ObjectRecord?) throws -> Void) async throws -> [BlobID]
    /// Deletes an object if present, returning its blobs.
    func deleteObject(_ bucket: BucketName, _ key: ObjectKey) async throws -> [BlobID]
    /// Objects with keys starting with `prefix` and greater than `after`, in key order.
    func listObjects(_ bucket: BucketName, prefix: String, after: String?, limit: Int) async throws -> [ObjectSummary]
    /// Every blob referenced by any record.
    func referencedBlobs() async throws -> Set<BlobID>
}
