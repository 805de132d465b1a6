import CairnModel
import Foundation

/// The parts of an object record a metadata backend keeps as one JSON column: headers, checksum and
/// manifest. They are read and written whole, never queried, so a column each would buy nothing.
/// Every backend stores the same JSON, so a store can be copied from one engine to another as is.
public struct ObjectInfoJSON: Codable {
    public var headers: ObjectHeaders
    public var checksum: Checksum?
    public var checksumType: ChecksumType?
    public var segments: [BlobSegment]
    public var parts: [ManifestPart]
    public var encryption: ObjectEncryption?
    /// Absent when the version has no tags (and in records written before tags existed).
    public var tags: [TagSet.Tag]?
    /// Absent when the version has no retention or legal hold.
    public var lock: ObjectLock?
    /// Absent for the default ACL (the owner's FULL_CONTROL).
    public var acl: [ACLGrant]?

    public init(_ r: ObjectRecord) {
        headers = r.headers
        checksum = r.checksum
        checksumType = r.checksumType
        segments = r.segments
        parts = r.parts
        encryption = r.encryption
        tags = r.tags.isEmpty ? nil : r.tags.tags
        lock = r.lock.isEmpty ? nil : r.lock
        acl = r.acl
    }

    public static func encode(_ r: ObjectRecord) throws -> String {
        String(decoding: try JSONEncoder().encode(ObjectInfoJSON(r)), as: UTF8.self)
    }

    /// The record a backend built from its columns and this JSON, with the fields its
    /// initializer does not take (the ACL).
    public func completing(_ r: ObjectRecord) -> ObjectRecord {
        var r = r
        r.acl = acl
        return r
    }

    /// Decoded through `RecordDecodeCache`: the same stored text always decodes to the same value.
    public static func decode(_ s: String) throws -> ObjectInfoJSON {
        if let hit = objectInfoCache.value(for: s) { return hit }
        let decoded = try JSONDecoder().decode(ObjectInfoJSON.self, from: Data(s.utf8))
        objectInfoCache.store(decoded, for: s)
        return decoded
    }
}

/// Upload headers and checksum settings, stored whole as JSON.
public struct UploadInfoJSON: Codable {
    public var headers: ObjectHeaders
    public var checksumAlgorithm: ChecksumAlgorithm?
    public var checksumType: ChecksumType?
    public var encryption: ObjectEncryption?
    public var tags: [TagSet.Tag]?
    public var lock: ObjectLock?
    public var objectOwner: Owner?
    public var acl: [ACLGrant]?

    public init(_ u: UploadRecord) {
        headers = u.headers
        checksumAlgorithm = u.checksumAlgorithm
        checksumType = u.checksumType
        encryption = u.encryption
        tags = u.tags.isEmpty ? nil : u.tags.tags
        lock = u.lock.isEmpty ? nil : u.lock
        objectOwner = u.objectOwner
        acl = u.acl
    }

    public static func encode(_ u: UploadRecord) throws -> String {
        String(decoding: try JSONEncoder().encode(UploadInfoJSON(u)), as: UTF8.self)
    }

    /// The record a backend built, with the completed object's owner and ACL.
    public func completing(_ u: UploadRecord) -> UploadRecord {
        var u = u
        u.objectOwner = objectOwner
        u.acl = acl
        return u
    }

    public static func decode(_ s: String) throws -> UploadInfoJSON {
        try JSONDecoder().decode(UploadInfoJSON.self, from: Data(s.utf8))
    }
}

/// A part's encryption (wrapped key, salt, plain size), stored as JSON in its own column.
public enum BlobEncryptionJSON {
    public static func encode(_ e: BlobEncryption?) throws -> String? {
        try e.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    public static func decode(_ s: String?) throws -> BlobEncryption? {
        try s.map { try JSONDecoder().decode(BlobEncryption.self, from: Data($0.utf8)) }
    }
}
