import CairnMetadataSQLite
import CairnModel
import CairnStorage
import CairnStorageFS
import Foundation
import NIOCore
import Testing

/// Blobs a change releases are deleted through the queue written in its transaction: right after
/// the commit normally, and by `recover` when the process died before it got there.
@Suite("Blob release")
struct BlobReleaseTests {
    struct Fixture {
        let dir: String
        let blobs: FileBlobStore
        let metadata: SQLiteMetadataStore
        let storage: Storage

        init() async throws {
            dir = "\(NSTemporaryDirectory())/cairn-release-\(UUID().uuidString)"
            blobs = try FileBlobStore(root: dir, directWrites: false)
            metadata = try await SQLiteMetadataStore.open(path: dir + "/metadata.sqlite")
            storage = Storage(blobs: blobs, metadata: metadata)
        }

        func put(_ context: BucketContext, _ key: String, _ body: String) async throws -> ObjectRecord {
            let chunks = [ByteBuffer(string: body)].throwingStream
            return try await storage.putObject(in: context, key: ObjectKey(unchecked: key), owner: Owner(id: "o", displayName: "o"),
                                               headers: ObjectHeaders(), body: chunks, check: NoPayloadCheck())
        }

        func stop() async throws {
            try await metadata.close()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    @Test("an overwritten object's blob is deleted and leaves the queue")
    func overwrite() async throws {
        let f = try await Fixture()
        try await f.storage.createBucket(BucketName(unchecked: "b"), owner: Owner(id: "o", displayName: "o"))
        let context = try await f.storage.bucketContext(BucketName(unchecked: "b"))
        let first = try await f.put(context, "k", "one")
        let second = try await f.put(context, "k", "two")
        let all = Set(try await f.blobs.allBlobs())
        #expect(!all.contains(first.segments[0].blob) && all.contains(second.segments[0].blob))
        try await f.metadata.withTransaction { _ in }
        #expect(try await f.metadata.pendingBlobDeletions(limit: 10).isEmpty)
        try await f.stop()
    }

    @Test("a release committed before a crash is carried out by recover; referenced blobs stay")
    func crashAfterCommit() async throws {
        let f = try await Fixture()
        try await f.storage.createBucket(BucketName(unchecked: "b"), owner: Owner(id: "o", displayName: "o"))
        let context = try await f.storage.bucketContext(BucketName(unchecked: "b"))
        let kept = try await f.put(context, "kept", "stays")
        let writer = try await f.blobs.makeWriter()
        try await writer.write(ByteBuffer(string: "released"))
        let released = try await writer.commit()
        // The transaction commits the release; the process "dies" before deleting the file.
        try await f.metadata.withTransaction { tx in try await tx.enqueueBlobDeletions([released]) }
        #expect(Set(try await f.blobs.allBlobs()).contains(released))
        try await f.storage.recover()
        let all = Set(try await f.blobs.allBlobs())
        #expect(!all.contains(released) && all.contains(kept.segments[0].blob))
        #expect(try await f.metadata.pendingBlobDeletions(limit: 10).isEmpty)
        try await f.stop()
    }
}

extension Array where Element: Sendable {
    /// The elements as a throwing async sequence (a request body, as Storage takes it).
    var throwingStream: AsyncThrowingStream<Element, any Error> {
        AsyncThrowingStream { c in
            for e in self { c.yield(e) }
            c.finish()
        }
    }
}
