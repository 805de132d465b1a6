import CairnModel
import Foundation

/// A multipart upload in progress.
public struct UploadRecord: Sendable, Equatable {
    public var uploadID: UploadID
    public var bucket: BucketName
    public var key: ObjectKey
    public var initiated: Date
    public var owner: Owner
    /// Headers given at CreateMultipartUpload, applied to the object at completion.
    public var headers: ObjectHeaders
    public var checksumAlgorithm: ChecksumAlgorithm?
    /// Set (or defaulted) when a checksum algorithm is set.
    public var checksumType: ChecksumType?
    /// Server-side encryption every part gets (SSE-C: every part must bring the same key).
    public var encryption: ObjectEncryption?
    /// `x-amz-tagging` given at CreateMultipartUpload: the completed object's tags.
    public var tags: TagSet
    /// Object Lock headers given at CreateMultipartUpload: the completed object's lock.
    public var lock: ObjectLock
    /// The completed object's owner and ACL, decided at CreateMultipartUpload from its ACL headers
    /// and the bucket's Object Ownership (nil owner: the initiator).
    public var objectOwner: Owner? = nil
    public var acl: [ACLGrant]? = nil

    public init(uploadID: UploadID, bucket: BucketName, key: ObjectKey, initiated: Date, owner: Owner, headers: ObjectHeaders,
                checksumAlgorithm: ChecksumAlgorithm? = nil, checksumType: ChecksumType? = nil, encryption: ObjectEncryption? = nil,
                tags: TagSet = TagSet(), lock: ObjectLock = ObjectLock()) {
        self.tags = tags
        self.lock = lock
        self.encryption = encryption
        self.uploadID = uploadID
        self.bucket = bucket
        self.key = key
        self.initiated = initiated
        self.owner = owner
        self.headers = headers
        self.checksumAlgorithm = checksumAlgorithm
        self.checksumType = checksumType
    }

    /// The algorithm of the object's checksum: the upload's own, else S3's default CRC64NVME.
    public var objectChecksumAlgorithm: ChecksumAlgorithm { checksumAlgorithm ?? .default }

    /// `COMPOSITE` or `FULL_OBJECT`: the upload's own type, else the default's (FULL_OBJECT).
    public var objectChecksumType: ChecksumType {
        checksumAlgorithm == nil ? .fullObject : checksumType ?? objectChecksumAlgorithm.defaultMultipartType
    }

    /// Long, URL-safe and unguessable, like AWS's upload ids.
    public static func newID() -> UploadID {
        var bytes = [UInt8](repeating: 0, count: 48)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return UploadID(Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: ".").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: ""))
    }
}

/// One uploaded part: its own blob.
public struct PartRecord: Sendable, Equatable {
    public var uploadID: UploadID
    public var partNumber: Int
    public var size: Int64
    public var etag: ETag
    public var lastModified: Date
    public var blob: BlobID
    public var checksum: Checksum?
    public var encryption: BlobEncryption?

    public init(uploadID: UploadID, partNumber: Int, size: Int64, etag: ETag, lastModified: Date, blob: BlobID, checksum: Checksum?,
                encryption: BlobEncryption? = nil) {
        self.encryption = encryption
        self.uploadID = uploadID
        self.partNumber = partNumber
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
        self.blob = blob
        self.checksum = checksum
    }
}

/// What CompleteMultipartUpload produced, kept so that a client's retry with the same part list gets
/// the same answer instead of NoSuchUpload.
public struct CompletedUpload: Sendable, Equatable {
    public var uploadID: UploadID
    public var bucket: BucketName
    public var key: ObjectKey
    public var etag: ETag
    /// A digest of the requested part list, to recognise a retry.
    public var requestDigest: String
    public var checksum: Checksum?
    public var checksumType: ChecksumType?
    /// The version the completion made (`null` in an unversioned bucket).
    public var versionID: VersionID

    public init(uploadID: UploadID, bucket: BucketName, key: ObjectKey, etag: ETag, requestDigest: String,
                checksum: Checksum?, checksumType: ChecksumType?, versionID: VersionID = .null) {
        self.versionID = versionID
        self.uploadID = uploadID
        self.bucket = bucket
        self.key = key
        self.etag = etag
        self.requestDigest = requestDigest
        self.checksum = checksum
        self.checksumType = checksumType
    }
}
