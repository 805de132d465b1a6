import Foundation
import NIOCore

/// A blob writer that keeps a small body in memory and makes a file only when the body outgrows
/// `limit`. A body that ends within the limit becomes an inline blob (`BlobID.inline()`): its bytes
/// are written by the metadata transaction that references them (`Storage.changing`), so a small
/// PUT or UploadPart costs one metadata commit instead of a file created, fsynced, renamed and its
/// folder fsynced (most of a 16 KiB write's CPU was the filesystem's inode work; BENCHMARKS.md).
/// Memory stays bounded: at most `limit` bytes per request before the file takes over.
final class InliningBlobWriter: BlobWriter, @unchecked Sendable {  // used by one request task at a time
    private let files: any BlobStore
    private let limit: Int
    private var held: ByteBuffer?
    private var file: (any BlobWriter)?
    /// After an inline commit: the bytes the transaction must store.
    private(set) var inlineBytes: ByteBuffer?

    init(files: any BlobStore, limit: Int) {
        self.files = files
        self.limit = limit
    }

    func write(_ buffer: ByteBuffer) async throws {
        if let file { return try await file.write(buffer) }
        if (held?.readableBytes ?? 0) + buffer.readableBytes <= limit {
            if held == nil { held = ByteBufferAllocator().buffer(capacity: min(limit, max(buffer.readableBytes, 16 * 1024))) }
            held!.writeImmutableBuffer(buffer)
            return
        }
        let writer = try await files.makeWriter()
        file = writer
        if let held, held.readableBytes > 0 { try await writer.write(held) }
        held = nil
        try await writer.write(buffer)
    }

    func commit() async throws -> BlobID {
        if let file { return try await file.commit() }
        inlineBytes = held ?? ByteBuffer()
        held = nil
        return .inline()
    }

    func abort() async {
        held = nil
        await file?.abort()
    }
}

/// The blob store as `Storage` sees it: file blobs from the file store, inline blobs from the
/// metadata store. Inline blobs are deleted by the transaction that releases them, so `delete`
/// passes only file blobs on; the sweep and temporary files concern files alone.
struct InlineAwareBlobStore: BlobStore {
    let files: any BlobStore
    let metadata: any MetadataStore

    func makeWriter() async throws -> any BlobWriter { try await files.makeWriter() }

    func read(_ segment: BlobSegment) -> any AsyncSequence<ByteBuffer, any Error> {
        guard segment.blob.isInline else { return files.read(segment) }
        return InlineBlobRead(metadata: metadata, segment: segment)
    }

    func delete(_ blobs: [BlobID]) async { await files.delete(blobs.filter { !$0.isInline }) }
    func allBlobs() async throws -> [BlobID] { try await files.allBlobs() }
    func blobs(modifiedBefore date: Date) async throws -> [BlobID] { try await files.blobs(modifiedBefore: date) }
    func temporaryFolders() async throws -> [TemporaryFolder] { try await files.temporaryFolders() }
    func removeTemporaryFiles(of node: NodeID) async { await files.removeTemporaryFiles(of: node) }
    func removeLooseTemporaryFiles(modifiedBefore date: Date) async { await files.removeLooseTemporaryFiles(modifiedBefore: date) }
}

/// One inline blob's slice, read with one metadata query when iteration starts.
struct InlineBlobRead: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let metadata: any MetadataStore
    let segment: BlobSegment

    struct AsyncIterator: AsyncIteratorProtocol {
        let metadata: any MetadataStore
        let segment: BlobSegment
        var done = false

        mutating func next() async throws -> ByteBuffer? {
            guard !done else { return nil }
            done = true
            guard segment.length > 0 else { return nil }
            guard let bytes = try await metadata.inlineBlob(segment.blob),
                  let slice = bytes.getSlice(at: bytes.readerIndex + Int(segment.offset), length: Int(segment.length)) else {
                throw InlineBlobMissing(blob: segment.blob)
            }
            return slice
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(metadata: metadata, segment: segment) }
}

/// A record names an inline blob the metadata store does not have (or a shorter one): it was
/// removed with a version deleted while this read started.
struct InlineBlobMissing: Error, CustomStringConvertible {
    var blob: BlobID
    var description: String { "inline blob \(blob) is gone or shorter than its record says" }
}
