import CairnModel
import CairnStorage
import Foundation
import Testing

/// The contract for usage counters, users and keys, on every backend: counters follow each
/// primitive (insert, replace, delete of current and noncurrent versions, uploads and parts),
/// a rolled-back transaction leaves them as they were, and folding changes nothing a read sees.
extension MetadataStoreContractTests {
    @Test("usage: counters follow objects, versions, markers, uploads and parts; rollback; fold", arguments: MetadataBackend.all)
    func usageCounters(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, reopen in
            try await makeBucket(store)
            #expect(try await store.usage(Self.bucket) == BucketUsage())
            var marker = ObjectRecord.deleteMarker(bucket: Self.bucket, key: ObjectKey(unchecked: "m"), owner: Self.alice, at: Self.when)
            marker.versionID = VersionID(stored: "v-marker")
            let upload = Self.upload("u")
            try await store.withTransaction { tx in
                try await tx.putObject(Self.object("a", size: 100))
                try await tx.putObject(Self.object("b", size: 7))
                try await tx.putObject(Self.object("a", size: 40))  // replaces 100
                var old = Self.object("b", size: 3)
                old.versionID = VersionID(stored: "v-old")
                try await tx.putNoncurrent(old)
                try await tx.putObject(marker)
                try await tx.insertUpload(upload)
                try await tx.putPart(Self.part(upload.uploadID, 1))  // 10 bytes
                try await tx.putPart(Self.part(upload.uploadID, 2))  // 20 bytes
                try await tx.putPart(Self.part(upload.uploadID, 2))  // replaced
                #expect(try await tx.usage(Self.bucket) == BucketUsage(objects: 2, bytes: 47, versions: 1, versionBytes: 3, deleteMarkers: 1,
                                                                        uploads: 1, parts: 2, partBytes: 30))
            }
            let expected = BucketUsage(objects: 2, bytes: 47, versions: 1, versionBytes: 3, deleteMarkers: 1, uploads: 1, parts: 2, partBytes: 30)
            #expect(try await store.usage(Self.bucket) == expected)
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await store.withTransaction { tx in
                    try await tx.putObject(Self.object("c", size: 1000))
                    throw Rollback()
                }
            }
            try await store.foldUsage()
            #expect(try await store.usage(Self.bucket) == expected)
            #expect(try await store.allUsage() == [Self.bucket: expected])
            #expect(try await store.oldestUpload(nil) == Self.when)
            #expect(try await store.oldestUpload(Self.bucket) == Self.when)

            try await store.withTransaction { tx in
                try await tx.deleteObject(Self.bucket, ObjectKey(unchecked: "a"))
                try await tx.deleteNoncurrent(Self.bucket, ObjectKey(unchecked: "b"), VersionID(stored: "v-old"))
                try await tx.deleteObject(Self.bucket, ObjectKey(unchecked: "m"))
                try await tx.deleteUpload(upload.uploadID)
            }
            let reopened = try await reopen()
            #expect(try await reopened.usage(Self.bucket) == BucketUsage(objects: 1, bytes: 7))
            #expect(try await reopened.oldestUpload(nil) == nil)
            try await reopened.close()
            try await store.withTransaction { tx in
                try await tx.deleteObject(Self.bucket, ObjectKey(unchecked: "b"))
                try await tx.deleteBucket(Self.bucket)
            }
            #expect(try await store.allUsage().isEmpty)
        }
    }

    @Test("users and keys: put, read, replace, delete with the user; each change moves the generation", arguments: MetadataBackend.all)
    func identities(_ backend: MetadataBackend) async throws {
        try await withStore(backend) { store, _ in
            let start = try await store.identityGeneration()
            let user = StoredUser(id: "u1", name: "carol", admin: true, created: Self.when)
            let key = StoredAccessKey(accessKey: "CKEY1", userID: "u1", sealedSecret: "sealed", enabled: true, created: Self.when)
            try await store.withTransaction { tx in
                try await tx.putUser(user)
                try await tx.putAccessKey(key)
                try await tx.putAccessKey(StoredAccessKey(accessKey: "CKEY2", userID: "u1", sealedSecret: "s2", enabled: false, created: Self.when))
            }
            #expect(try await store.identityGeneration() > start)
            #expect(try await store.users() == [user])
            #expect(try await store.accessKeys().map(\.accessKey) == ["CKEY1", "CKEY2"])
            let moved = try await store.identityGeneration()
            try await store.withTransaction { tx in
                #expect(try await tx.accessKey("CKEY1") == key)
                var disabled = key
                disabled.enabled = false
                try await tx.putAccessKey(disabled)
                try await tx.deleteAccessKey("CKEY2")
            }
            #expect(try await store.identityGeneration() > moved)
            #expect(try await store.accessKeys().map { [$0.accessKey, "\($0.enabled)"] } == [["CKEY1", "false"]])
            try await store.withTransaction { tx in try await tx.deleteUser("u1") }
            #expect(try await store.users().isEmpty)
            #expect(try await store.accessKeys().isEmpty)
        }
    }
}

@Suite("Admin pure parts")
struct AdminUnitTests {
    @Test("quota refusal: bytes and objects past the limit, overwrites that shrink pass")
    func quotaRefusal() {
        let q = BucketQuota(maxBytes: 100, maxObjects: 2)
        let b = BucketName(unchecked: "b")
        let used = BucketUsage(objects: 1, bytes: 50, versions: 0, versionBytes: 0, deleteMarkers: 0, uploads: 1, parts: 1, partBytes: 40)
        #expect(q.refusal(used, addingBytes: 10, addingObjects: 1, bucket: b) == nil)
        #expect(q.refusal(used, addingBytes: 11, addingObjects: 1, bucket: b)?.code == .quotaExceeded)
        #expect(q.refusal(BucketUsage(objects: 2), addingBytes: 1, addingObjects: 1, bucket: b)?.code == .quotaExceeded)
        #expect(q.refusal(BucketUsage(objects: 2, bytes: 200), addingBytes: -5, addingObjects: 0, bucket: b) == nil)
        #expect(S3ErrorCode.quotaExceeded.httpStatus == 403)
    }

    @Test("durations: 1d, 12h, 30m, 45s, plain seconds; nonsense refused")
    func durations() {
        #expect(AdminAPI.parseDuration("1d") == 86_400)
        #expect(AdminAPI.parseDuration("12h") == 43_200)
        #expect(AdminAPI.parseDuration("30m") == 1_800)
        #expect(AdminAPI.parseDuration("45s") == 45)
        #expect(AdminAPI.parseDuration("90") == 90)
        #expect(AdminAPI.parseDuration("1.5h") == 5_400)
        #expect(AdminAPI.parseDuration("x") == nil)
        #expect(AdminAPI.parseDuration("-1d") == nil)
        #expect(AdminAPI.parseDuration("") == nil)
    }
}
