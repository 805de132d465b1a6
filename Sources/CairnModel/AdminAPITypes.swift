import Foundation

/// The admin API's JSON bodies (`/admin/v1/...` on the admin listener), shared by the server and
/// `cairn admin` so both sides read one definition. Dates are ISO 8601 strings (UTC, ms).
public enum AdminAPI {
    public static let prefix = "/admin/v1"

    public struct User: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var admin: Bool
        public var created: String
        public init(id: String, name: String, admin: Bool, created: String) {
            self.id = id
            self.name = name
            self.admin = admin
            self.created = created
        }
    }

    public struct NewUser: Codable, Sendable {
        public var name: String
        public var admin: Bool?
        public init(name: String, admin: Bool?) {
            self.name = name
            self.admin = admin
        }
    }

    public struct Key: Codable, Sendable, Equatable {
        public var accessKey: String
        public var userId: String
        public var userName: String
        public var enabled: Bool
        public var created: String
        /// Only in the answer to a key's creation: the one time the secret is shown.
        public var secretKey: String?
        public init(accessKey: String, userId: String, userName: String, enabled: Bool, created: String, secretKey: String? = nil) {
            self.accessKey = accessKey
            self.userId = userId
            self.userName = userName
            self.enabled = enabled
            self.created = created
            self.secretKey = secretKey
        }
    }

    public struct NewKey: Codable, Sendable {
        public var user: String
        public init(user: String) { self.user = user }
    }

    public struct Quota: Codable, Sendable, Equatable {
        public var maxBytes: Int64?
        public var maxObjects: Int64?
        public init(maxBytes: Int64?, maxObjects: Int64?) {
            self.maxBytes = maxBytes
            self.maxObjects = maxObjects
        }
    }

    public struct Bucket: Codable, Sendable {
        public var name: String
        public var owner: String
        public var ownerName: String
        public var created: String
        public var region: String
        /// "Enabled", "Suspended", or nil when never versioned.
        public var versioning: String?
        public var objects: Int64
        public var bytes: Int64
        public var noncurrentVersions: Int64
        public var noncurrentBytes: Int64
        public var deleteMarkers: Int64
        public var uploads: Int64
        public var parts: Int64
        public var partBytes: Int64
        public var oldestUpload: String?
        public var quota: Quota?
        public init(name: String, owner: String, ownerName: String, created: String, region: String, versioning: String?,
                    objects: Int64, bytes: Int64, noncurrentVersions: Int64, noncurrentBytes: Int64, deleteMarkers: Int64,
                    uploads: Int64, parts: Int64, partBytes: Int64, oldestUpload: String?, quota: Quota?) {
            self.name = name
            self.owner = owner
            self.ownerName = ownerName
            self.created = created
            self.region = region
            self.versioning = versioning
            self.objects = objects
            self.bytes = bytes
            self.noncurrentVersions = noncurrentVersions
            self.noncurrentBytes = noncurrentBytes
            self.deleteMarkers = deleteMarkers
            self.uploads = uploads
            self.parts = parts
            self.partBytes = partBytes
            self.oldestUpload = oldestUpload
            self.quota = quota
        }
    }

    public struct Part: Codable, Sendable {
        public var partNumber: Int
        public var size: Int64
        public var etag: String
        public var checksum: String?
        public var lastModified: String
        public init(partNumber: Int, size: Int64, etag: String, checksum: String?, lastModified: String) {
            self.partNumber = partNumber
            self.size = size
            self.etag = etag
            self.checksum = checksum
            self.lastModified = lastModified
        }
    }

    public struct Upload: Codable, Sendable {
        public var bucket: String
        public var key: String
        public var uploadId: String
        public var initiated: String
        public var owner: String
        public var parts: [Part]
        public init(bucket: String, key: String, uploadId: String, initiated: String, owner: String, parts: [Part]) {
            self.bucket = bucket
            self.key = key
            self.uploadId = uploadId
            self.initiated = initiated
            self.owner = owner
            self.parts = parts
        }
    }

    /// Abort the uploads named, or (with none named) all older than `olderThanSeconds`, in
    /// `bucket` or everywhere.
    public struct AbortUploads: Codable, Sendable {
        public var bucket: String?
        public var uploadIds: [String]?
        public var olderThanSeconds: Double?
        public init(bucket: String?, uploadIds: [String]?, olderThanSeconds: Double?) {
            self.bucket = bucket
            self.uploadIds = uploadIds
            self.olderThanSeconds = olderThanSeconds
        }
    }

    public struct Users: Codable, Sendable {
        public var users: [User]
        public init(users: [User]) { self.users = users }
    }
    public struct Keys: Codable, Sendable {
        public var keys: [Key]
        public init(keys: [Key]) { self.keys = keys }
    }
    public struct Buckets: Codable, Sendable {
        public var buckets: [Bucket]
        public init(buckets: [Bucket]) { self.buckets = buckets }
    }
    public struct Uploads: Codable, Sendable {
        public var uploads: [Upload]
        public init(uploads: [Upload]) { self.uploads = uploads }
    }

    /// Every error: `{"error": {"code": ..., "message": ...}}`.
    public struct ErrorBody: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public var code: String
            public var message: String
        }
        public var error: Detail
        public init(code: String, message: String) { error = Detail(code: code, message: message) }
    }

    /// `1d`, `12h`, `30m`, `45s` or plain seconds, as `--older-than` takes them.
    public static func parseDuration(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last, let scale = units[unit], let n = Double(text.dropLast()), n >= 0 { return n * scale }
        if let n = Double(text), n >= 0 { return n }
        return nil
    }
}
