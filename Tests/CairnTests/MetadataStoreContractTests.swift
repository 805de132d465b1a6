import CairnMetadataPostgres
import CairnMetadataSQLite
import CairnModel
import CairnStorage
import Foundation
import NIOCore
import Testing

/// A metadata backend under test: how to open a fresh store, and how to open it again (a restart,
/// or another node) on the same data.
struct MetadataBackend: CustomStringConvertible, Sendable {
    var description: String
    /// Opens a new, empty store and a closure that opens a second handle on the same data.
    var fresh: @Sendable () async throws -> (store: any MetadataStore, reopen: @Sendable () async throws -> any MetadataStore)

    static let sqlite = MetadataBackend(description: "SQLite") {
        let path = "\(NSTemporaryDirectory())/cairn-contract-\(UUID().uuidString).sqlite"
        return (try await SQLiteMetadataStore.open(path: path), { try await SQLiteMetadataStore.open(path: path) })
    }

    /// A fresh database in this test process's own PostgreSQL cluster (`PostgresTestCluster`).
    static let postgres = MetadataBackend(description: "PostgreSQL") {
        let config = try await PostgresTestCluster.shared.value.freshDatabase()
        return (try await PostgresMetadataStore.open(config), { try await PostgresMetadataStore.open(config) })
    }

    /// Every backend the contract runs against.
    static let all: [MetadataBackend] = [.sqlite, .postgres]

    /// Runs `body` on a fresh store (and a way to open it again), closing the store after.
    func withStore(_ body: (any MetadataStore, @Sendable () async throws -> any MetadataStore) async throws -> Void) async throws {
        let (store, reopen) = try await fresh()
        do {
            try await body(store, reopen)
            try await store.close()
        } catch {
            try? await store.close()
            throw error
        }
    }
}

/// What every `MetadataStore` must do, whatever its engine: records round-trip exactly, transactions
/// are atomic, the blob-deletion queue commits with the change that released the blobs, listings
/// come in S3's order, and transactions on one row are serialised (the locking contract). No HTTP.
@Suite("MetadataStore contract")
struct MetadataStoreContractTests {
    static let alice = Owner(id: "alice-id", displayName: "alice")
    static let bucket = BucketName(unchecked: "contract-bucket")
    static let when = Date(milliseconds: 1_700_000_000_123)

    func withStore(_ backend: MetadataBackend, _ body: (any MetadataStore, @Sendable () async throws -> any MetadataStore) async throws -> Void) async throws {
        try await backend.withStore(body)
    }

    func makeBucket(_ store: any MetadataStore, _ name: BucketName = bucket) async throws {
        try await store.withTransaction { tx in
            try await tx.insertBucket(BucketRecord(name: name, owner: Self.alice, createdAt: Self.when, region: "us-east-1"))
        }
    }

    static func object(_ key: String, blob: String = UUID().uuidString, size: Int64 = 5) -> ObjectRecord {
        ObjectRecord(bucket: bucket, key: ObjectKey(unchecked: key), size: size, etag: ETag("0123456789abcdef0123456789abcdef"),
                     lastModified: when, owner: alice,
                     headers: ObjectHeaders(contentType: "text/plain", userMetadata: ["k": " v\r\n "], storageClass: .standardIA),
                     checksum: Checksum(.crc64nvme, base64: "AAAAAAAAAAA="), checksumType: .fullObject,
                     segments: [BlobSegment(blob: BlobID(blob), offset: 0, length: size)],
                     parts: [ManifestPart(partNumber: 1, size: size, etag: "e", checksum: nil)])
    }

    static func upload(_ key: String, id: String = UUID().uuidString, initiated: Date = when) -> UploadRecord {
        UploadRecord(uploadID: UploadID(id), bucket: bucket, key: ObjectKey(unchecked: key), initiated: initiated, owner: alice,
                     headers: ObjectHeaders(contentDisposition: "attachment"), checksumAlgorithm: .crc32c, checksumType: .composite,
                     encryption: ObjectEncryption(mode: .s3), tags: TagSet(stored: [TagSet.Tag(key: "team", value: " a\r\n")]))
    }

    static func part(_ id: UploadID, _ n: Int, blob: String = UUID().uuidString) -> PartRecord {
        PartRecord(uploadID: id, partNumber: n, size: Int64(n) * 10, etag: ETag("etag-\(n)"), lastModified: when, blob: BlobID(blob),
                   checksum: Checksum(.crc32c, base64: "AAAAAA=="), encryption: BlobEncryption(wrappedKey: "wk", salt: "s", plainSize: Int64(n) * 10))
    }

    // MARK: buckets

    @Test("buckets: insert, read, refuse a taken name, update, configurations, delete", arguments: MetadataBackend.all)
    func buckets(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let read = try #require(try await store.bucket(Self.bucket))
            #expect(read == BucketRecord(name: Self.bucket, owner: Self.alice, createdAt: Self.when, region: "us-east-1"))
            await #expect(throws: MetadataError.alreadyExists) { try await makeBucket(store) }
            try await store.withTransaction { tx in
                var b = try #require(try await tx.bucket(Self.bucket))
                b.requestPayer = .requester
                try await tx.updateBucket(b)
                try await tx.setBucketConfig(Self.bucket, .lifecycle, "<rules/>")
            }
            #expect(try await store.bucket(Self.bucket)?.requestPayer == .requester)
            #expect(try await store.bucketConfig(Self.bucket, .lifecycle) == "<rules/>")
            #expect(try await store.buckets(with: .lifecycle) == [Self.bucket])
            // The documents a request needs come with the bucket read (one join), kept exactly.
            try await store.withTransaction { tx in
                try await tx.setBucketConfig(Self.bucket, .cors, "{\"rules\":[]}\r")
                try await tx.setBucketConfig(Self.bucket, .policy, "{\"Statement\":[]}")
            }
            let joined = try #require(try await store.bucket(Self.bucket))
            #expect(joined.cors == "{\"rules\":[]}\r" && joined.policy == "{\"Statement\":[]}" && joined.lifecycle == "<rules/>")
            try await store.withTransaction { tx in try await tx.setBucketConfig(Self.bucket, .cors, nil) }
            #expect(try await store.bucket(Self.bucket)?.cors == nil)
            #expect(try await store.buckets(ownedBy: Self.alice.id).map(\.name) == [Self.bucket])
            #expect(try await store.buckets(ownedBy: "someone-else").isEmpty)
            try await store.withTransaction { tx in try await tx.deleteBucket(Self.bucket) }
            #expect(try await store.bucket(Self.bucket) == nil)
            #expect(try await store.buckets(with: .lifecycle).isEmpty)
        }
    }

    @Test("access control: the bucket's ACL, ownership and public access block come with its record; object and upload ACLs round-trip",
          arguments: MetadataBackend.all)
    func accessControl(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let grants = [ACLGrant(.user(Self.alice), .fullControl), ACLGrant(.group(.allUsers), .read),
                          ACLGrant(ACLGrantee(userID: "bob \r", displayName: "bob"), .writeACP)]
            let block = PublicAccessBlock(blockPublicAcls: true, restrictPublicBuckets: true)
            try await store.withTransaction { tx in
                try await tx.setBucketConfig(Self.bucket, .acl, String(decoding: try JSONEncoder().encode(grants), as: UTF8.self))
                try await tx.setBucketConfig(Self.bucket, .ownershipControls, ObjectOwnership.bucketOwnerPreferred.rawValue)
                try await tx.setBucketConfig(Self.bucket, .publicAccessBlock, String(decoding: try JSONEncoder().encode(block), as: UTF8.self))
                // Read inside a transaction too: the same join.
                #expect(try await tx.bucket(Self.bucket)?.ownership == .bucketOwnerPreferred)
            }
            let read = try #require(try await store.bucket(Self.bucket))
            #expect(read.acl == grants && read.ownership == .bucketOwnerPreferred && read.publicAccessBlock == block)
            var o = Self.object("k")
            o.acl = grants
            var u = Self.upload("k")
            (u.objectOwner, u.acl) = (Owner(id: "bob", displayName: "bob"), grants)
            try await store.withTransaction { tx in
                try await tx.putObject(o)
                try await tx.insertUpload(u)
            }
            #expect(try await store.object(Self.bucket, o.key)?.acl == grants)
            #expect(try await store.upload(u.uploadID, bucket: Self.bucket, key: u.key) == u)
            o.acl = nil
            try await store.withTransaction { tx in try await tx.updateVersion(o) }
            #expect(try await store.object(Self.bucket, o.key) == o)
        }
    }

    // MARK: objects

    @Test("objects round-trip exactly, replace, delete; hasObjects", arguments: MetadataBackend.all)
    func objects(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let key = " a\r\nkey\t with 😀 and \u{0301} "
            let o = Self.object(key)
            try await store.withTransaction { tx in
                #expect(try await tx.hasObjects(Self.bucket) == false)
                try await tx.putObject(o)
                #expect(try await tx.hasObjects(Self.bucket))
            }
            #expect(try await store.object(Self.bucket, ObjectKey(unchecked: key)) == o)
            #expect(try await store.object(Self.bucket, ObjectKey(unchecked: key.trimmingCharacters(in: .whitespaces))) == nil)
            var replacement = Self.object(key, size: 9)
            replacement.checksum = nil
            replacement.checksumType = nil
            try await store.withTransaction { tx in try await tx.putObject(replacement) }
            #expect(try await store.object(Self.bucket, ObjectKey(unchecked: key)) == replacement)
            try await store.withTransaction { tx in try await tx.deleteObject(Self.bucket, ObjectKey(unchecked: key)) }
            #expect(try await store.object(Self.bucket, ObjectKey(unchecked: key)) == nil)
        }
    }

    @Test("listObjects: UTF-8 byte order, prefix, after, limit; summaries match the records", arguments: MetadataBackend.all)
    func listing(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let keys = ["b", "a/2", "a/10", "a", "é", "z", "a/\u{10FFFF}", "A", "a/", "a/1/x", "~"]
            try await store.withTransaction { tx in for k in keys { try await tx.putObject(Self.object(k)) } }
            let byteOrder = keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(try await store.listObjects(Self.bucket, prefix: "", after: nil, limit: 100).map(\.key.rawValue) == byteOrder)
            #expect(try await store.listObjects(Self.bucket, prefix: "a/", after: nil, limit: 100).map(\.key.rawValue)
                    == byteOrder.filter { $0.hasPrefix("a/") })
            #expect(try await store.listObjects(Self.bucket, prefix: "a/", after: "a/10", limit: 2).map(\.key.rawValue) == ["a/2", "a/\u{10FFFF}"])
            let s = try #require(try await store.listObjects(Self.bucket, prefix: "b", after: nil, limit: 1).first)
            let o = Self.object("b")
            #expect(s.size == o.size && s.etag == o.etag && s.lastModified == o.lastModified && s.owner == o.owner)
            #expect(s.storageClass == .standardIA && s.checksumAlgorithm == .crc64nvme && s.checksumType == .fullObject)
        }
    }

    // MARK: versions

    @Test("versions: the current row and noncurrent ones, by id; newest noncurrent; listings", arguments: MetadataBackend.all)
    func versions(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            func version(_ key: String, _ seq: Int64, marker: Bool = false) -> ObjectRecord {
                var o = Self.object(key)
                o.seq = seq
                o.versionID = seq == 0 ? .null : VersionID.new(seq: seq)
                o.isDeleteMarker = marker
                if marker { o.segments = [] }
                return o
            }
            let (v0, v1, v2) = (version("k", 0), version("k", 10), version("k", 20, marker: true))
            try await store.withTransaction { tx in
                try await tx.putNoncurrent(v0)
                try await tx.putNoncurrent(v1)
                try await tx.putObject(v2)
                try await tx.putObject(version("other", 5))
                #expect(try await tx.newestNoncurrent(Self.bucket, v0.key) == v1)
                #expect(try await tx.version(Self.bucket, v0.key, .null) == v0)
                #expect(try await tx.version(Self.bucket, v0.key, v2.versionID) == v2)
            }
            #expect(try await store.object(Self.bucket, v0.key) == v2)
            #expect(try await store.version(Self.bucket, v0.key, v1.versionID) == v1)
            // Plain listings skip a current delete marker; version listings show every version,
            // by key and newest first, and resume after a (key, version).
            #expect(try await store.listObjects(Self.bucket, prefix: "", after: nil, limit: 10).map(\.key.rawValue) == ["other"])
            let all = try await store.listVersions(Self.bucket, prefix: "", afterKey: nil, afterSeq: nil, limit: 10)
            #expect(all.map { "\($0.key.rawValue)@\($0.seq)" } == ["k@20", "k@10", "k@0", "other@5"])
            #expect(all.map(\.isLatest) == [true, false, false, true])
            #expect(all.map(\.isDeleteMarker) == [true, false, false, false])
            #expect(all.map(\.versionID) == [v2.versionID, v1.versionID, .null, all[3].versionID])
            let after = try await store.listVersions(Self.bucket, prefix: "", afterKey: "k", afterSeq: 20, limit: 2)
            #expect(after.map(\.seq) == [10, 0])
            #expect(try await store.listVersions(Self.bucket, prefix: "", afterKey: "k", afterSeq: nil, limit: 10).map(\.key.rawValue) == ["other"])
            try await store.withTransaction { tx in
                try await tx.deleteNoncurrent(Self.bucket, v0.key, v1.versionID)
                try await tx.deleteObject(Self.bucket, v0.key)
                #expect(try await tx.hasObjects(Self.bucket))
                #expect(try await tx.newestNoncurrent(Self.bucket, v0.key) == v0)
            }
            #expect(try await store.referencedBlobs().isSuperset(of: Set(v0.blobs)))
        }
    }

    @Test("updateVersion rewrites one version in place, current or noncurrent; the others and the order stay", arguments: MetadataBackend.all)
    func updateVersion(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            var (old, current) = (Self.object("k"), Self.object("k"))
            (old.seq, old.versionID) = (10, VersionID.new(seq: 10))
            (current.seq, current.versionID) = (20, VersionID.new(seq: 20))
            try await store.withTransaction { tx in
                try await tx.putNoncurrent(old)
                try await tx.putObject(current)
            }
            #expect(try await store.version(Self.bucket, old.key, old.versionID)?.tags == TagSet())
            var taggedOld = old
            taggedOld.tags = TagSet(stored: [TagSet.Tag(key: "k", value: ""), TagSet.Tag(key: "é \r", value: "v")])
            var taggedCurrent = current
            taggedCurrent.tags = TagSet(stored: [TagSet.Tag(key: "c", value: "1")])
            try await store.withTransaction { tx in
                try await tx.updateVersion(taggedOld)
                #expect(try await tx.version(Self.bucket, old.key, old.versionID) == taggedOld)
                #expect(try await tx.object(Self.bucket, old.key) == current)
                try await tx.updateVersion(taggedCurrent)
            }
            #expect(try await store.version(Self.bucket, old.key, old.versionID) == taggedOld)
            #expect(try await store.object(Self.bucket, old.key) == taggedCurrent)
            let versions = try await store.listVersions(Self.bucket, prefix: "", afterKey: nil, afterSeq: nil, limit: 10)
            #expect(versions.map(\.seq) == [20, 10])
            // A version that does not exist: nothing is written.
            var missing = old
            missing.versionID = VersionID.new(seq: 30)
            try await store.withTransaction { tx in try await tx.updateVersion(missing) }
            #expect(try await store.version(Self.bucket, old.key, missing.versionID) == nil)
        }
    }

    @Test("lifecycle scans: current versions by age with a cursor, noncurrent versions by when they stopped being current",
          arguments: MetadataBackend.all)
    func lifecycleScans(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            func at(_ key: String, _ ms: Int64, marker: Bool = false) -> ObjectRecord {
                var o = Self.object(key)
                o.lastModified = Date(milliseconds: ms)
                o.isDeleteMarker = marker
                return o
            }
            try await store.withTransaction { tx in
                for (k, ms) in [("b", 3000), ("a", 1000), ("c", 1000), ("d", 9000)] { try await tx.putObject(at(k, Int64(ms))) }
                try await tx.putObject(at("m", 500, marker: true))
            }
            let old = try await store.currentVersions(Self.bucket, deleteMarkers: false, modifiedBefore: Date(milliseconds: 5000), after: nil, limit: 10)
            #expect(old.map(\.key.rawValue) == ["a", "c", "b"])
            let next = try await store.currentVersions(Self.bucket, deleteMarkers: false, modifiedBefore: Date(milliseconds: 5000),
                                                       after: (Date(milliseconds: 1000), ObjectKey(unchecked: "a")), limit: 10)
            #expect(next.map(\.key.rawValue) == ["c", "b"])
            #expect(try await store.currentVersions(Self.bucket, deleteMarkers: true, modifiedBefore: Date(milliseconds: 9999), after: nil, limit: 10)
                .map(\.key.rawValue) == ["m"])
            var v = Self.object("k")
            v.versionID = VersionID.new(seq: 7)
            v.seq = 7
            let before = Date()
            try await store.withTransaction { tx in try await tx.putNoncurrent(v) }
            let found = try await store.noncurrentVersions(Self.bucket, noncurrentBefore: Date().addingTimeInterval(1), after: nil, limit: 10)
            #expect(found.map(\.0) == [v])
            #expect(found.allSatisfy { $0.since >= before.addingTimeInterval(-1) })
            #expect(try await store.noncurrentVersions(Self.bucket, noncurrentBefore: before.addingTimeInterval(-60), after: nil, limit: 10).isEmpty)
            let listed = try await store.withTransaction { tx in try await tx.noncurrentVersions(Self.bucket, v.key) }
            #expect(listed == [v])
        }
    }

    @Test("a bucket's versioning state round-trips", arguments: MetadataBackend.all)
    func versioningState(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            #expect(try await store.bucket(Self.bucket)?.versioning == nil)
            for status in [VersioningStatus.enabled, .suspended] {
                try await store.withTransaction { tx in
                    var b = try #require(try await tx.bucket(Self.bucket))
                    b.versioning = status
                    try await tx.updateBucket(b)
                }
                #expect(try await store.bucket(Self.bucket)?.versioning == status)
            }
        }
    }

    // MARK: uploads and parts

    @Test("uploads and parts: exact round-trip, lookup by id+bucket+key, replace a part, delete with parts", arguments: MetadataBackend.all)
    func uploadsAndParts(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let u = Self.upload("k\r")
            try await store.withTransaction { tx in
                try await tx.insertUpload(u)
                for n in [3, 1, 2] { try await tx.putPart(Self.part(u.uploadID, n)) }
            }
            await #expect(throws: MetadataError.alreadyExists) { try await store.withTransaction { tx in try await tx.insertUpload(u) } }
            #expect(try await store.upload(u.uploadID, bucket: Self.bucket, key: u.key) == u)
            #expect(try await store.upload(u.uploadID, bucket: Self.bucket, key: ObjectKey(unchecked: "k")) == nil)
            #expect(try await store.parts(u.uploadID, after: 0, limit: 10).map(\.partNumber) == [1, 2, 3])
            #expect(try await store.parts(u.uploadID, after: 1, limit: 1).map(\.partNumber) == [2])
            let replacement = Self.part(u.uploadID, 2, blob: "replacement")
            try await store.withTransaction { tx in
                #expect(try await tx.part(u.uploadID, 2) == (try await store.parts(u.uploadID, after: 1, limit: 1).first))
                try await tx.putPart(replacement)
                #expect(try await tx.part(u.uploadID, 2) == replacement)
                #expect(try await tx.parts(u.uploadID).map(\.partNumber) == [1, 2, 3])
                #expect(try await tx.uploadIDs(Self.bucket) == [u.uploadID])
            }
            try await store.withTransaction { tx in try await tx.deleteUpload(u.uploadID) }
            #expect(try await store.upload(u.uploadID, bucket: Self.bucket, key: u.key) == nil)
            #expect(try await store.parts(u.uploadID, after: 0, limit: 10).isEmpty)
        }
    }

    @Test("listUploads: key, then initiation time, then id; markers; uploads initiated before a date", arguments: MetadataBackend.all)
    func uploadListing(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let t0 = Self.when
            let uploads = [Self.upload("b", id: "u1", initiated: t0), Self.upload("a", id: "u2", initiated: t0.addingTimeInterval(5)),
                           Self.upload("a", id: "u3", initiated: t0), Self.upload("a", id: "u0", initiated: t0), Self.upload("c/x", id: "u4", initiated: t0)]
            try await store.withTransaction { tx in for u in uploads { try await tx.insertUpload(u) } }
            let all = try await store.listUploads(Self.bucket, prefix: "", afterKey: nil, afterUpload: nil, limit: 100)
            #expect(all.map(\.uploadID.rawValue) == ["u0", "u3", "u2", "u1", "u4"])
            let after = try await store.listUploads(Self.bucket, prefix: "", afterKey: "a", afterUpload: (t0, UploadID("u3")), limit: 2)
            #expect(after.map(\.uploadID.rawValue) == ["u2", "u1"])
            #expect(try await store.listUploads(Self.bucket, prefix: "", afterKey: "a", afterUpload: nil, limit: 100).map(\.uploadID.rawValue) == ["u1", "u4"])
            #expect(try await store.listUploads(Self.bucket, prefix: "c/", afterKey: nil, afterUpload: nil, limit: 100).map(\.uploadID.rawValue) == ["u4"])
            let old = try await store.uploads(initiatedBefore: t0.addingTimeInterval(1), bucket: Self.bucket, prefix: "a", limit: 100)
            #expect(Set(old.map(\.uploadID.rawValue)) == ["u0", "u3"])
        }
    }

    @Test("completions are remembered, and forgotten after their time", arguments: MetadataBackend.all)
    func completions(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            let c1 = CompletedUpload(uploadID: UploadID("one"), bucket: Self.bucket, key: ObjectKey(unchecked: "k "), etag: ETag("abc-2"),
                                     requestDigest: "d1", checksum: Checksum(.crc32, base64: "AAAAAA=="), checksumType: .composite)
            let c2 = CompletedUpload(uploadID: UploadID("two"), bucket: Self.bucket, key: ObjectKey(unchecked: "k"), etag: ETag("def-1"),
                                     requestDigest: "d2", checksum: nil, checksumType: nil)
            try await store.withTransaction { tx in
                try await tx.rememberCompletion(c1, at: Self.when, forgetBefore: Self.when.addingTimeInterval(-60))
                #expect(try await tx.completion(UploadID("one")) == c1)
            }
            try await store.withTransaction { tx in
                try await tx.rememberCompletion(c2, at: Self.when.addingTimeInterval(120), forgetBefore: Self.when.addingTimeInterval(60))
                #expect(try await tx.completion(UploadID("one")) == nil)
                #expect(try await tx.completion(UploadID("two")) == c2)
            }
        }
    }

    // MARK: transactions and the blob-deletion queue

    @Test("a transaction that throws leaves nothing behind: records or queued deletions", arguments: MetadataBackend.all)
    func rollback(_ backend: MetadataBackend) async throws {
        struct Boom: Error {}
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            await #expect(throws: Boom.self) {
                try await store.withTransaction { tx in
                    try await tx.putObject(Self.object("k"))
                    try await tx.insertUpload(Self.upload("k", id: "u"))
                    try await tx.enqueueBlobDeletions([BlobID("b1")])
                    try await tx.deleteBucket(Self.bucket)
                    throw Boom()
                }
            }
            #expect(try await store.bucket(Self.bucket) != nil)
            #expect(try await store.object(Self.bucket, ObjectKey(unchecked: "k")) == nil)
            #expect(try await store.upload(UploadID("u"), bucket: Self.bucket, key: ObjectKey(unchecked: "k")) == nil)
            #expect(try await store.pendingBlobDeletions(limit: 10).isEmpty)
        }
    }

    @Test("queued blob deletions survive a restart until done; done ones are not listed again", arguments: MetadataBackend.all)
    func blobDeletionQueue(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, reopen in
            try await store.withTransaction { tx in try await tx.enqueueBlobDeletions([BlobID("b1"), BlobID("b2"), BlobID("b3")]) }
            #expect(Set(try await store.pendingBlobDeletions(limit: 10)) == [BlobID("b1"), BlobID("b2"), BlobID("b3")])
            #expect(try await store.pendingBlobDeletions(limit: 2).count == 2)
            try await store.blobDeletionsDone([BlobID("b1")])
            #expect(Set(try await store.pendingBlobDeletions(limit: 10)) == [BlobID("b2"), BlobID("b3")])
            // "Another node" (or the process after a crash) sees the queue as committed; b1 may be
            // listed again until the first store has written that it is done, never b2 missing.
            let other = try await reopen()
            let seen = Set(try await other.pendingBlobDeletions(limit: 10))
            #expect(seen.isSuperset(of: [BlobID("b2"), BlobID("b3")]) && seen.isSubset(of: [BlobID("b1"), BlobID("b2"), BlobID("b3")]))
            try await store.withTransaction { _ in }
            #expect(Set(try await other.pendingBlobDeletions(limit: 10)) == [BlobID("b2"), BlobID("b3")])
            try await other.close()
        }
    }

    @Test("inline blobs: bytes round-trip exactly (every byte value, empty), survive a reopen, roll back, and delete",
          arguments: MetadataBackend.all)
    func inlineBlobs(_ backend: MetadataBackend) async throws {
        struct Boom: Error {}
        try await withStore(backend) { store, reopen in
            let all = ByteBuffer(bytes: (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) })
            let a = BlobID.inline(), empty = BlobID.inline(), lost = BlobID.inline()
            #expect(a.isInline && !BlobID.random().isInline)
            try await store.withTransaction { tx in
                try await tx.putInlineBlob(a, all)
                try await tx.putInlineBlob(empty, ByteBuffer())
            }
            await #expect(throws: Boom.self) {
                try await store.withTransaction { tx in
                    try await tx.putInlineBlob(lost, all)
                    try await tx.deleteInlineBlobs([a])
                    throw Boom()
                }
            }
            #expect(try await store.inlineBlob(a) == all)
            #expect(try await store.inlineBlob(empty)?.readableBytes == 0)
            #expect(try await store.inlineBlob(lost) == nil)
            let other = try await reopen()
            #expect(try await other.inlineBlob(a) == all)
            try await other.close()
            try await store.withTransaction { tx in try await tx.deleteInlineBlobs([a, empty, lost]) }
            #expect(try await store.inlineBlob(a) == nil)
            #expect(try await store.inlineBlob(empty) == nil)
        }
    }

    @Test("referencedBlobs: every object segment and every part", arguments: MetadataBackend.all)
    func referenced(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let u = Self.upload("k")
            try await store.withTransaction { tx in
                try await tx.putObject(Self.object("o", blob: "object-blob"))
                try await tx.insertUpload(u)
                try await tx.putPart(Self.part(u.uploadID, 1, blob: "part-blob"))
            }
            #expect(try await store.referencedBlobs() == [BlobID("object-blob"), BlobID("part-blob")])
        }
    }

    // MARK: the locking contract

    @Test("transactions reading one object row are serialised: no lost update", arguments: MetadataBackend.all)
    func serialisedObjectRow(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let key = ObjectKey(unchecked: "counter")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        try await store.withTransaction { tx in
                            let size = try await tx.object(Self.bucket, key)?.size ?? 0
                            await Task.yield()
                            try await tx.putObject(Self.object("counter", size: size + 1))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.object(Self.bucket, key)?.size == 40)
        }
    }

    @Test("a bucket deleted after its emptiness check keeps no object written meanwhile (Put vs DeleteBucket)", arguments: MetadataBackend.all)
    func serialisedBucketRow(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            for round in 0..<5 {
                let name = BucketName(unchecked: "race-\(round)")
                try await makeBucket(store, name)
                // Writers add an object only if the bucket is there when they read it; the deleter
                // deletes it only if it is empty. Whatever the order, no object outlives its bucket.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in 0..<10 {
                        // The deleter starts among the writers, so that some have read the bucket
                        // and not yet committed when it checks.
                        if n == 3 {
                            group.addTask {
                                try await store.withTransaction { tx in
                                    guard try await tx.bucket(name) != nil, try await !tx.hasObjects(name) else { return }
                                    try await tx.deleteBucket(name)
                                }
                            }
                        }
                        group.addTask {
                            try await store.withTransaction { tx in
                                guard try await tx.bucket(name) != nil else { return }
                                // Other statements between the check and the write widen the window
                                // a store without the lock would lose the race in.
                                for _ in 0..<3 { _ = try await tx.uploadIDs(name) }
                                var o = Self.object("k\(n)")
                                o.bucket = name
                                try await tx.putObject(o)
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let objects = try await store.listObjects(name, prefix: "", after: nil, limit: 100)
                if try await store.bucket(name) == nil {
                    #expect(objects.count == 0, "round \(round): objects outlived their bucket")
                } else {
                    #expect(!objects.isEmpty, "round \(round): an empty bucket was not deleted")
                }
            }
        }
    }

    @Test("an upload deleted by one transaction is gone for every later one (UploadPart after Complete)", arguments: MetadataBackend.all)
    func serialisedUploadRow(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let u = Self.upload("k")
            try await store.withTransaction { tx in try await tx.insertUpload(u) }
            // Many part writers race one completer; each writer adds its part only if the upload is
            // still there when it reads it. Whatever the order, no part may outlive the upload.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...30 {
                    group.addTask {
                        try await store.withTransaction { tx in
                            guard try await tx.upload(u.uploadID, bucket: Self.bucket, key: u.key) != nil else { return }
                            await Task.yield()
                            try await tx.putPart(Self.part(u.uploadID, n))
                        }
                    }
                }
                group.addTask {
                    try await store.withTransaction { tx in
                        guard try await tx.upload(u.uploadID, bucket: Self.bucket, key: u.key) != nil else { return }
                        try await tx.deleteUpload(u.uploadID)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.upload(u.uploadID, bucket: Self.bucket, key: u.key) == nil)
            #expect(try await store.parts(u.uploadID, after: 0, limit: 100).isEmpty)
            #expect(try await store.referencedBlobs().isEmpty)
        }
    }

    @Test("a transaction that cannot get its row within the bound fails with MetadataError.busy, writing nothing",
          arguments: MetadataBackend.all)
    func boundedWait(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            try await makeBucket(store)
            let holding = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await store.withTransaction { tx in
                    var b = try #require(try await tx.bucket(Self.bucket))
                    b.requestPayer = .requester
                    try await tx.updateBucket(b)
                    holding.continuation.yield()
                    try await Task.sleep(for: .seconds(8))
                }
            }
            var started = holding.stream.makeAsyncIterator()
            _ = await started.next()
            let clock = ContinuousClock()
            let start = clock.now
            await #expect(throws: MetadataError.busy) {
                try await store.withTransaction { tx in
                    var b = try #require(try await tx.bucket(Self.bucket))
                    b.region = "waited"
                    try await tx.updateBucket(b)
                }
            }
            #expect(clock.now - start < .seconds(7.5))
            try await holder.value
            #expect(try await store.bucket(Self.bucket)?.region == "us-east-1")
            #expect(try await store.bucket(Self.bucket)?.requestPayer == .requester)
        }
    }
}
