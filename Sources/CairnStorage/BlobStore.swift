import CairnModel
import Foundation
import NIOCore

/// The disk (or the metadata database's disk) is full: ENOSPC or EDQUOT from a blob write,
/// SQLITE_FULL from the metadata store. Nothing was made visible; the request answers
/// `503 ServiceUnavailable` (which SDKs retry with backoff) with a message saying why, and the
/// server goes on working once space is freed.
public struct StorageFull: Error, CustomStringConvertible, Sendable {
    public var detail: String
    public init(_ detail: String) { self.detail = detail }
    public var description: String { "storage full: \(detail)" }
}

/// Where bytes live: immutable, uniquely named blobs. Implementations: the local file system.
public protocol BlobStore: Sendable {
    /// Starts a new blob in a temporary place; nothing is visible until `commit`.
    func makeWriter() async throws -> any BlobWriter
    /// Streams `length` bytes of a blob from `offset`, in bounded chunks.
    func read(_ segment: BlobSegment) -> any AsyncSequence<ByteBuffer, any Error>
    /// Removes blobs (missing ones are ignored).
    func delete(_ blobs: [BlobID]) async
    /// Every blob id present.
    func allBlobs() async throws -> [BlobID]
    /// Blobs last written before `date` (the sweep of unreferenced blobs, `Storage+Sweep.swift`).
    func blobs(modifiedBefore date: Date) async throws -> [BlobID]
    /// The nodes that have blobs being written (on files, a folder `tmp/<node>/` each), with the
    /// newest modification time among each one's files (or of the folder itself when empty).
    func temporaryFolders() async throws -> [TemporaryFolder]
    /// Removes a node's temporary files (this node's at start, a dead node's later); a folder of
    /// another node goes too.
    func removeTemporaryFiles(of node: NodeID) async
    /// Removes temporary files that belong to no node (written before nodes had ids) last written
    /// before `date`.
    func removeLooseTemporaryFiles(modifiedBefore date: Date) async
}

/// A node's temporary blobs, as `temporaryFolders` lists them.
public struct TemporaryFolder: Sendable, Equatable {
    public var node: NodeID
    public var modified: Date
    public init(node: NodeID, modified: Date) {
        self.node = node
        self.modified = modified
    }
}

/// A blob being written. Either `commit` (data durable, blob visible to readers by id) or `abort`.
public protocol BlobWriter: Sendable {
    func write(_ buffer: ByteBuffer) async throws
    /// fsyncs and moves the blob to its final name.
    func commit() async throws -> BlobID
    /// Deletes the temporary file.
    func abort() async
}
