import CairnModel
import Foundation

/// A bucket as stored.
public struct BucketRecord: Sendable, Equatable {
    public var name: BucketName
    public var owner: Owner
    public var createdAt: Date
    public var region: String
    public var requestPayer: RequestPayer
    /// nil for a bucket that was never versioned.
    public var versioning: VersioningStatus?
    /// The bucket policy document, read with the record (every request's authorization needs it);
    /// written as a bucket configuration, not through `updateBucket`.
    public var policy: String?
    /// The Object Lock configuration (nil when Object Lock is not enabled), read with the record.
    public var objectLock: ObjectLockConfiguration?
    /// The lifecycle rules' JSON, read with the record (GET / HEAD / PUT answer `x-amz-expiration`).
    public var lifecycle: String?
    /// Object Ownership, read with the record (nil: no controls, which S3 treats as ObjectWriter).
    public var ownership: ObjectOwnership?
    /// The bucket ACL's grants, read with the record (nil: the default, the owner's FULL_CONTROL).
    public var acl: [ACLGrant]?
    /// Block Public Access, read with the record (nil: none).
    public var publicAccessBlock: PublicAccessBlock?
    /// The bucket's quota, if an operator set one; read with the record (writes check it).
    public var quota: BucketQuota?
    /// The CORS rules' JSON, read with the record: a request with an `Origin` header gets CORS
    /// headers on its response (errors included) without another query.
    public var cors: String?

    public init(name: BucketName, owner: Owner, createdAt: Date, region: String, requestPayer: RequestPayer = .bucketOwner,
                versioning: VersioningStatus? = nil) {
        self.versioning = versioning
        self.name = name
        self.owner = owner
        self.createdAt = createdAt
        self.region = region
        self.requestPayer = requestPayer
    }
}

/// Who pays for requests to a bucket (GetBucketRequestPayment's `Payer`).
public enum RequestPayer: String, Sendable, Codable {
    case bucketOwner = "BucketOwner"
    case requester = "Requester"
}

/// A slice of an immutable blob. An object's data is its segments, concatenated.
/// For an encrypted blob, `offset` and `length` are in plaintext bytes.
public struct BlobSegment: Sendable, Codable, Equatable {
    public var blob: BlobID
    public var offset: Int64
    public var length: Int64
    public var encryption: BlobEncryption?
    public init(blob: BlobID, offset: Int64, length: Int64, encryption: BlobEncryption? = nil) {
        self.blob = blob
        self.offset = offset
        self.length = length
        self.encryption = encryption
    }
}

/// A blob's unique, immutable name.
public struct BlobID: Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public static func random() -> BlobID { BlobID(UUID().uuidString.lowercased()) }
    /// A blob kept in the metadata store with the record that references it (`InliningBlobWriter`).
    public static func inline() -> BlobID { BlobID(inlinePrefix + UUID().uuidString.lowercased()) }
    /// File blob ids are bare UUIDs, so the prefix tells the two kinds apart without a schema change.
    static let inlinePrefix = "inline-"
    public var isInline: Bool { rawValue.hasPrefix(Self.inlinePrefix) }
    public var description: String { rawValue }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// One part of a multipart object as recorded in its manifest.
public struct ManifestPart: Sendable, Codable, Equatable {
    public var partNumber: Int
    public var size: Int64
    public var etag: String
    public var checksum: Checksum?
    public init(partNumber: Int, size: Int64, etag: String, checksum: Checksum? = nil) {
        self.partNumber = partNumber
        self.size = size
        self.etag = etag
        self.checksum = checksum
    }
}

/// An object as listings show it. Listings read only these fields: decoding whole records (blob
/// manifest, headers, encryption) was most of a 1,000-key ListObjects' CPU.
public struct ObjectSummary: Sendable, Equatable {
    public var key: ObjectKey
    public var size: Int64
    public var etag: ETag
    public var lastModified: Date
    public var owner: Owner
    public var storageClass: StorageClass?
    public var checksumAlgorithm: ChecksumAlgorithm?
    public var checksumType: ChecksumType?
    /// For version listings: which version, whether it is a delete marker, whether it is the latest.
    public var versionID: VersionID
    public var isDeleteMarker: Bool
    public var isLatest: Bool
    /// The version's order within its key (where a version listing resumes).
    public var seq: Int64

    public init(key: ObjectKey, size: Int64, etag: ETag, lastModified: Date, owner: Owner, storageClass: StorageClass?,
                checksumAlgorithm: ChecksumAlgorithm?, checksumType: ChecksumType?, versionID: VersionID = .null,
                isDeleteMarker: Bool = false, isLatest: Bool = true, seq: Int64 = 0) {
        self.seq = seq
        self.versionID = versionID
        self.isDeleteMarker = isDeleteMarker
        self.isLatest = isLatest
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.owner = owner
        self.storageClass = storageClass
        self.checksumAlgorithm = checksumAlgorithm
        self.checksumType = checksumType
    }
}

/// Everything stored about an object version beyond its key: its manifest and headers.
public struct ObjectRecord: Sendable, Equatable {
    public var bucket: BucketName
    public var key: ObjectKey
    public var size: Int64
    public var etag: ETag
    public var lastModified: Date
    public var owner: Owner
    public var headers: ObjectHeaders
    public var checksum: Checksum?
    /// Set when a checksum is stored.
    public var checksumType: ChecksumType?
    /// Where the bytes are.
    public var segments: [BlobSegment]
    /// Non-empty for an object made by CompleteMultipartUpload.
    public var parts: [ManifestPart]
    /// Server-side encryption, nil for plain objects.
    public var encryption: ObjectEncryption?
    /// `null` unless written while the bucket's versioning was enabled.
    public var versionID: VersionID
    /// Orders the versions of one key (newest highest); set by Storage when the version is written.
    public var seq: Int64
    /// A delete marker: no data, hides the versions below it.
    public var isDeleteMarker: Bool
    /// The version's tags (PutObjectTagging replaces them in place).
    public var tags: TagSet
    /// Object Lock retention and legal hold (rewritten in place, like tags).
    public var lock: ObjectLock
    /// The version's ACL grants (nil: the default, the owner's FULL_CONTROL); rewritten in place
    /// by PutObjectAcl, like tags.
    public var acl: [ACLGrant]? = nil

    public init(bucket: BucketName, key: ObjectKey, size: Int64, etag: ETag, lastModified: Date, owner: Owner,
                headers: ObjectHeaders, checksum: Checksum?, checksumType: ChecksumType? = nil,
                segments: [BlobSegment], parts: [ManifestPart] = [], encryption: ObjectEncryption? = nil,
                versionID: VersionID = .null, seq: Int64 = 0, isDeleteMarker: Bool = false, tags: TagSet = TagSet(),
                lock: ObjectLock = ObjectLock()) {
        self.tags = tags
        self.lock = lock
        self.versionID = versionID
        self.seq = seq
        self.isDeleteMarker = isDeleteMarker
        self.bucket = bucket
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.owner = owner
        self.headers = headers
        self.checksum = checksum
        self.checksumType = checksumType
        self.segments = segments
        self.parts = parts
        self.encryption = encryption
    }

    /// The blobs this record owns (freed when it is replaced or deleted).
    public var blobs: [BlobID] { Array(Set(segments.map(\.blob))) }

    /// A delete marker for `key`, written by `owner`.
    public static func deleteMarker(bucket: BucketName, key: ObjectKey, owner: Owner, at date: Date) -> ObjectRecord {
        ObjectRecord(bucket: bucket, key: key, size: 0, etag: ETag(""), lastModified: date, owner: owner, headers: ObjectHeaders(),
                     checksum: nil, segments: [], isDeleteMarker: true)
    }
}

extension Date {
    /// S3 timestamps have millisecond precision.
    public var truncatedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
    public init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
