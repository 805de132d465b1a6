import CairnModel
import Foundation

/// What a bucket holds, kept by the metadata store in the same transactions that change it (never
/// counted by scanning): current objects, noncurrent versions, delete markers, and the multipart
/// uploads in progress with their parts.
public struct BucketUsage: Sendable, Equatable, Codable {
    /// Current versions that are not delete markers, and their bytes.
    public var objects: Int64 = 0
    public var bytes: Int64 = 0
    /// Noncurrent versions that are not delete markers, and their bytes.
    public var versions: Int64 = 0
    public var versionBytes: Int64 = 0
    /// Delete markers, current or not (they hold no bytes).
    public var deleteMarkers: Int64 = 0
    /// Multipart uploads in progress, their parts and the parts' bytes.
    public var uploads: Int64 = 0
    public var parts: Int64 = 0
    public var partBytes: Int64 = 0

    public init(objects: Int64 = 0, bytes: Int64 = 0, versions: Int64 = 0, versionBytes: Int64 = 0, deleteMarkers: Int64 = 0,
                uploads: Int64 = 0, parts: Int64 = 0, partBytes: Int64 = 0) {
        self.objects = objects
        self.bytes = bytes
        self.versions = versions
        self.versionBytes = versionBytes
        self.deleteMarkers = deleteMarkers
        self.uploads = uploads
        self.parts = parts
        self.partBytes = partBytes
    }

    /// What a quota counts: every stored byte (current and noncurrent versions, and the parts of
    /// uploads in progress, which occupy the disk as much as objects do).
    public var quotaBytes: Int64 { bytes + versionBytes + partBytes }
    /// What a quota counts as objects: every version that is not a delete marker.
    public var quotaObjects: Int64 { objects + versions }
}

/// A bucket's quota (`cairn admin quota set`), kept as a bucket configuration document and read
/// with the bucket record. S3 has no quotas; a write past one is refused with Ceph RGW's answer,
/// 403 QuotaExceeded.
public struct BucketQuota: Sendable, Equatable, Codable {
    public var maxBytes: Int64?
    public var maxObjects: Int64?
    public init(maxBytes: Int64? = nil, maxObjects: Int64? = nil) {
        self.maxBytes = maxBytes
        self.maxObjects = maxObjects
    }

    public func json() throws -> String { String(decoding: try JSONEncoder().encode(self), as: UTF8.self) }
    public static func decode(_ text: String) throws -> BucketQuota { try JSONDecoder().decode(BucketQuota.self, from: Data(text.utf8)) }

    /// Nil when `usage` plus `adding` fits; else the error S3-compatible stores answer.
    public func refusal(_ usage: BucketUsage, addingBytes: Int64, addingObjects: Int64, bucket: BucketName) -> S3Error? {
        if let maxBytes, addingBytes > 0, usage.quotaBytes + addingBytes > maxBytes {
            return S3Error(.quotaExceeded, "The bucket's quota of \(maxBytes) bytes would be exceeded.",
                           fields: [("BucketName", bucket.rawValue)])
        }
        if let maxObjects, addingObjects > 0, usage.quotaObjects + addingObjects > maxObjects {
            return S3Error(.quotaExceeded, "The bucket's quota of \(maxObjects) objects would be exceeded.",
                           fields: [("BucketName", bucket.rawValue)])
        }
        return nil
    }
}
