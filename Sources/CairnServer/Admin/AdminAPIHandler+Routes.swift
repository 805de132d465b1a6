import CairnModel
import CairnStorage
import Foundation
import Hummingbird

/// The admin API's resources: users, keys, buckets (with quotas) and uploads.
extension AdminAPIHandler {
    func route(_ method: HTTPRequest.Method, _ path: [String], query: [String: String], body: ByteBuffer) async throws -> Response {
        switch (method, path.first ?? "", path.count) {
        case (.get, "users", 1):
            return Self.json(AdminAPI.Users(users: try await storage.metadata.users().map(Self.user)))
        case (.post, "users", 1):
            let new = try decode(AdminAPI.NewUser.self, body)
            let user = try await storage.addUser(name: new.name, admin: new.admin ?? false)
            return Self.json(Self.user(user), status: .created)
        case (.delete, "users", 2):
            try await storage.removeUser(path[1])
            return Self.noContent()
        case (.get, "keys", 1):
            return Self.json(AdminAPI.Keys(keys: try await listKeys(user: query["user"])))
        case (.post, "keys", 1):
            let new = try await storage.createKey(for: try decode(AdminAPI.NewKey.self, body).user)
            let user = try await storage.user(named: new.userID)
            return Self.json(AdminAPI.Key(accessKey: new.accessKey, userId: user.id, userName: user.name, enabled: true,
                                          created: UTCDate(Date()).iso8601(), secretKey: new.secretKey), status: .created)
        case (.post, "keys", 3) where path[2] == "disable" || path[2] == "enable":
            try await storage.setKeyEnabled(path[1], path[2] == "enable")
            try await keys.refreshIfChanged()
            return Self.noContent()
        case (.delete, "keys", 2):
            try await storage.deleteKey(path[1])
            try await keys.refreshIfChanged()
            return Self.noContent()
        case (.get, "buckets", 1):
            return Self.json(AdminAPI.Buckets(buckets: try await storage.bucketInfos().map(Self.bucket)))
        case (.get, "buckets", 2):
            return Self.json(Self.bucket(try await storage.bucketInfo(try bucketName(path[1]))))
        case (.put, "buckets", 3) where path[2] == "quota":
            let q = try decode(AdminAPI.Quota.self, body)
            guard q.maxBytes != nil || q.maxObjects != nil, (q.maxBytes ?? 0) >= 0, (q.maxObjects ?? 0) >= 0 else {
                throw AdminError(.invalid, "a quota has maxBytes and/or maxObjects, neither negative")
            }
            let name = try bucketName(path[1])
            try await setQuota(name, BucketQuota(maxBytes: q.maxBytes, maxObjects: q.maxObjects))
            return Self.json(Self.bucket(try await storage.bucketInfo(name)))
        case (.delete, "buckets", 3) where path[2] == "quota":
            try await setQuota(try bucketName(path[1]), nil)
            return Self.noContent()
        case (.get, "uploads", 1):
            let older = try query["older-than-seconds"].map(seconds)
            let uploads = try await storage.uploadsInProgress(bucket: try query["bucket"].map(bucketName), olderThan: older)
            return Self.json(AdminAPI.Uploads(uploads: uploads.map(Self.upload)))
        case (.post, "uploads", 2) where path[1] == "abort":
            let r = try decode(AdminAPI.AbortUploads.self, body)
            let aborted = try await storage.abortUploads(bucket: try r.bucket.map(bucketName), ids: (r.uploadIds ?? []).map { UploadID($0) },
                                                         olderThan: r.olderThanSeconds)
            return Self.json(AdminAPI.Uploads(uploads: aborted.map { Self.upload(UploadInfo(upload: $0, parts: [])) }))
        default:
            throw AdminError(.notFound, "no admin resource \(method.rawValue) \(AdminAPI.prefix)/\(path.joined(separator: "/"))")
        }
    }

    private func setQuota(_ name: BucketName, _ quota: BucketQuota?) async throws {
        do {
            try await storage.setQuota(name, quota)
        } catch let e as S3Error where e.code == .noSuchBucket {
            throw AdminError(.notFound, "no bucket \(name.rawValue)")
        }
    }

    private func listKeys(user: String?) async throws -> [AdminAPI.Key] {
        let users = Dictionary(try await storage.metadata.users().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var only: String?
        if let user { only = try await storage.user(named: user).id }
        return try await storage.metadata.accessKeys().filter { only == nil || $0.userID == only }.map {
            AdminAPI.Key(accessKey: $0.accessKey, userId: $0.userID, userName: users[$0.userID]?.name ?? "", enabled: $0.enabled,
                         created: UTCDate($0.created).iso8601())
        }
    }

    private func decode<T: Decodable>(_: T.Type, _ body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(Array(buffer: body)))
        } catch {
            throw AdminError(.invalid, "the body is not the JSON this resource takes: \(error)")
        }
    }

    private func bucketName(_ s: String) throws -> BucketName {
        guard !s.isEmpty else { throw AdminError(.invalid, "a bucket name is needed") }
        return BucketName(unchecked: s)
    }

    private func seconds(_ s: String) throws -> Double {
        guard let v = Double(s), v >= 0 else { throw AdminError(.invalid, "older-than-seconds is a number of seconds") }
        return v
    }

    static func user(_ u: StoredUser) -> AdminAPI.User {
        AdminAPI.User(id: u.id, name: u.name, admin: u.admin, created: UTCDate(u.created).iso8601())
    }

    static func bucket(_ b: BucketInfo) -> AdminAPI.Bucket {
        let u = b.usage
        return AdminAPI.Bucket(name: b.record.name.rawValue, owner: b.record.owner.id, ownerName: b.record.owner.displayName,
                               created: UTCDate(b.record.createdAt).iso8601(), region: b.record.region,
                               versioning: b.record.versioning?.rawValue, objects: u.objects, bytes: u.bytes,
                               noncurrentVersions: u.versions, noncurrentBytes: u.versionBytes, deleteMarkers: u.deleteMarkers,
                               uploads: u.uploads, parts: u.parts, partBytes: u.partBytes,
                               oldestUpload: b.oldestUpload.map { UTCDate($0).iso8601() },
                               quota: b.record.quota.map { AdminAPI.Quota(maxBytes: $0.maxBytes, maxObjects: $0.maxObjects) })
    }

    static func upload(_ i: UploadInfo) -> AdminAPI.Upload {
        AdminAPI.Upload(bucket: i.upload.bucket.rawValue, key: i.upload.key.rawValue, uploadId: i.upload.uploadID.rawValue,
                        initiated: UTCDate(i.upload.initiated).iso8601(), owner: i.upload.owner.displayName,
                        parts: i.parts.map {
                            AdminAPI.Part(partNumber: $0.partNumber, size: $0.size, etag: $0.etag.quoted,
                                          checksum: $0.checksum.map { "\($0.algorithm.rawValue):\($0.base64)" },
                                          lastModified: UTCDate($0.lastModified).iso8601())
                        })
    }
}
