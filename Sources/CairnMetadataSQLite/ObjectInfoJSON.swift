import CairnModel
import CairnStorage
import Foundation

/// The parts of an object record kept as one JSON column: headers, checksum and manifest.
/// They are read and written whole, never queried, so a column each would buy nothing.
struct ObjectInfoJSON: Codable {
    var headers: ObjectHeaders
    var checksum: Checksum?
    var checksumType: ChecksumType?
    var segments: [BlobSegment]
    var parts: [ManifestPart]
    var encryption: ObjectEncryption?
    /// Absent when the version has no tags (and in records written before tags existed).
    var tags: [TagSet.Tag]?
    /// Absent when the version has no retention or legal hold.
    var lock: ObjectLock?

    init(_ r: ObjectRecord) {
        headers = r.headers
        checksum = r.checksum
        checksumType = r.checksumType
        segments = r.segments
        parts = r.parts
        encryption = r.encryption
        tags = r.tags.isEmpty ? nil : r.tags.tags
        lock = r.lock.isEmpty ? nil : r.lock
    }

    static func encode(_ r: ObjectRecord) throws -> String {
        String(decoding: try JSONEncoder().encode(ObjectInfoJSON(r)), as: UTF8.self)
    }

    static func decode(_ s: String) throws -> ObjectInfoJSON {
        try JSONDecoder().decode(ObjectInfoJSON.self, from: Data(s.utf8))
    }
}

/// Upload headers and checksum settings, stored whole as JSON.
struct UploadInfoJSON: Codable {
    var headers: ObjectHeaders
    var checksumAlgorithm: ChecksumAlgorithm?
    var checksumType: ChecksumType?
    var encryption: ObjectEncryption?
    var tags: [TagSet.Tag]?
    var lock: ObjectLock?

    init(_ u: UploadRecord) {
        headers = u.headers
        checksumAlgorithm = u.checksumAlgorithm
        checksumType = u.checksumType
        encryption = u.encryption
        tags = u.tags.isEmpty ? nil : u.tags.tags
        lock = u.lock.isEmpty ? nil : u.lock
    }

    static func encode(_ u: UploadRecord) throws -> String {
        String(decoding: try JSONEncoder().encode(UploadInfoJSON(u)), as: UTF8.self)
    }
}
