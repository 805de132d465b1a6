import CairnMetadataSQLite
import CairnModel
@testable import CairnStorage
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

        /// `inlineLimit` 0: every body a file, which is what the queue is for.
        init(inlineLimit: Int = 0) async throws {
            dir = "\(NSTemporaryDirectory())/cairn-release-\(UUID().uuidString)"
            blobs = try FileBlobStore(root: dir, directWrites: false)
            metadata = try await SQLiteMetadataStore.open(path: dir + "/metadata.sqlite")
            storage = Storage(blobs: blobs, metadata: metadata, inlineLimit: inlineLimit)
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
        try await f.storage.recover(node: NodeID("local")!, isDead: { _ in false })
        let all = Set(try await f.blobs.allBlobs())
        #expect(!all.contains(released) && all.contains(kept.segments[0].blob))
        #expect(try await f.metadata.pendingBlobDeletions(limit: 10).isEmpty)
        try await f.stop()
    }

    @Test("an overwritten inline object's bytes go in the overwrite's own commit; no file, nothing queued")
    func inlineOverwrite() async throws {
        let f = try await Fixture(inlineLimit: 1024)
        try await f.storage.createBucket(BucketName(unchecked: "b"), owner: Owner(id: "o", displayName: "o"))
        let context = try await f.storage.bucketContext(BucketName(unchecked: "b"))
        let first = try await f.put(context, "k", "one")
        let second = try await f.put(context, "k", "two")
        #expect(first.segments[0].blob.isInline && second.segments[0].blob.isInline)
        #expect(try await f.blobs.allBlobs().isEmpty)
        #expect(try await f.metadata.inlineBlob(first.segments[0].blob) == nil)
        #expect(try await f.metadata.inlineBlob(second.segments[0].blob) == ByteBuffer(string: "two"))
        #expect(try await f.metadata.pendingBlobDeletions(limit: 10).isEmpty)
        var read = ByteBuffer()
        for try await chunk in f.storage.read(second, range: nil) { read.writeImmutableBuffer(chunk) }
        #expect(read == ByteBuffer(string: "two"))
        try await f.stop()
    }

    @Test("a new blob stays when the commit's outcome is unknown, and goes when nothing was committed")
    func discardAfterFailure() async throws {
        let f = try await Fixture()
        func newBlob() async throws -> NewBlob {
            let writer = try await f.blobs.makeWriter()
            try await writer.write(ByteBuffer(string: "body"))
            return NewBlob(id: try await writer.commit(), inlineBytes: nil)
        }
        // The connection broke during COMMIT: a record may reference the blob now.
        let maybeCommitted = try await newBlob()
        await f.storage.discard(maybeCommitted, after: MetadataError.outcomeUnknown)
        #expect(Set(try await f.blobs.allBlobs()).contains(maybeCommitted.id))
        // The database was unreachable, or the transaction failed: nothing references it.
        for error: any Error in [MetadataError.unavailable, MetadataError.busy, S3Error(.noSuchUpload)] {
            let refused = try await newBlob()
            await f.storage.discard(refused, after: error)
            #expect(!Set(try await f.blobs.allBlobs()).contains(refused.id))
        }
        try await f.stop()
    }
}

/// What a node deletes at start and in its background work, with other nodes writing into the same
/// data folder (`Storage+Sweep.swift`).
@Suite("Cleanup beside other nodes")
struct NodeCleanupTests {
    func file(_ path: String, ageSeconds: Double = 0) throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: path))
        let when = Date().addingTimeInterval(-ageSeconds)
        try FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
    }

    @Test("recover empties this node's and dead nodes' tmp folders; live nodes', recent unknown ones and recent blobs stay")
    func temporaryFolders() async throws {
        let f = try await BlobReleaseTests.Fixture()
        let tmp = f.dir + "/tmp"
        for node in ["dead", "alive", "unknown-recent", "unknown-old"] {
            try FileManager.default.createDirectory(atPath: "\(tmp)/\(node)", withIntermediateDirectories: true)
        }
        try file("\(f.blobs.tmpDir)/mine")
        try file("\(tmp)/dead/upload")
        try file("\(tmp)/alive/upload")
        try file("\(tmp)/unknown-recent/upload")
        try file("\(tmp)/unknown-old/upload", ageSeconds: 7200)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-7200)], ofItemAtPath: "\(tmp)/unknown-old")
        try file("\(tmp)/loose-old", ageSeconds: 7200)
        try file("\(tmp)/loose-recent")
        for node in ["dead", "alive"] {
            try await f.metadata.heartbeat(NodeInfo(id: NodeID(node)!, address: "x", started: Date()))
        }
        // Blobs no record references: one from a crash long ago, one another node renamed just now.
        let old = f.dir + "/blobs/aa/aa-old-orphan", recent = f.dir + "/blobs/aa/aa-recent-orphan"
        try FileManager.default.createDirectory(atPath: f.dir + "/blobs/aa", withIntermediateDirectories: true)
        try file(old, ageSeconds: BlobGrace.seconds + 60)
        try file(recent, ageSeconds: BlobGrace.seconds - 60)

        try await f.storage.recover(node: NodeID("local")!, isDead: { $0.info.id.rawValue == "dead" })
        let left = Set(try FileManager.default.subpathsOfDirectory(atPath: tmp))
        #expect(left == ["local", "alive", "alive/upload", "unknown-recent", "unknown-recent/upload", "loose-recent"])
        #expect(try await f.metadata.nodes().map(\.info.id.rawValue) == ["alive"])
        #expect(!FileManager.default.fileExists(atPath: old) && FileManager.default.fileExists(atPath: recent))
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
