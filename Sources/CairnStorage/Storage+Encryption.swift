import CairnHashing
import CairnModel
import Crypto
import Foundation

extension Storage {
    func requireKeys() throws -> any KeyService {
        guard let keys else { throw S3Error(.notImplemented, "Server-side encryption is not configured on this server.") }
        return keys
    }

    /// Resolves a request's encryption into what the object or upload records (KMS key checked).
    public func objectEncryption(_ request: EncryptionRequest) async throws -> ObjectEncryption? {
        switch request {
        case .none: return nil
        case .s3:
            _ = try requireKeys()
            return ObjectEncryption(mode: .s3)
        case .kms(let id, let bucketKey):
            guard let arn = try await requireKeys().kmsKeyARN(id.isEmpty ? nil : id) else {
                throw S3Error(.kmsNotFound, "Invalid keyId \(id)")
            }
            return ObjectEncryption(mode: .kms, kmsKeyID: arn, bucketKeyEnabled: bucketKey)
        case .customer(let key):
            let salt = Self.randomBytes(16)
            return ObjectEncryption(mode: .customer, customerKeyMD5: key.md5, customerKeySalt: Data(salt).base64EncodedString(),
                                    customerKeyCheck: key.check(salt: salt))
        }
    }

    /// A fresh key for one new blob of an object stored with `encryption`.
    func blobKeying(_ encryption: ObjectEncryption?, customerKey: CustomerKey?) async throws -> BlobKeying? {
        guard let e = encryption else { return nil }
        switch e.mode {
        case .customer:
            guard let key = customerKey else { throw S3Error(.invalidRequest, "The encryption parameters are missing.") }
            let salt = Self.randomBytes(16)
            return BlobKeying(cipher: BlobCipher(key: key.blobKey(salt: salt)),
                              encryption: BlobEncryption(salt: Data(salt).base64EncodedString(), plainSize: 0))
        case .s3, .kms:
            let dataKey = Self.randomBytes(32)
            let wrapped = try await requireKeys().wrap(dataKey, kmsKeyARN: e.kmsKeyID)
            return BlobKeying(cipher: BlobCipher(key: dataKey), encryption: BlobEncryption(wrappedKey: wrapped, kmsKeyID: e.kmsKeyID, plainSize: 0))
        }
    }

    /// Finds the key of an encrypted segment's blob (the customer's key for SSE-C objects).
    public func cipherResolver(customerKey: CustomerKey?) -> @Sendable (BlobSegment) async throws -> BlobCipher? {
        let keys = self.keys
        return { segment in
            guard let info = segment.encryption else { return nil }
            if let salt = info.salt.flatMap({ Data(base64Encoded: $0) }) {
                guard let customerKey else { return nil }
                return BlobCipher(key: customerKey.blobKey(salt: Array(salt)))
            }
            guard let wrapped = info.wrappedKey, let keys else { return nil }
            return BlobCipher(key: try await keys.unwrap(wrapped, kmsKeyARN: info.kmsKeyID))
        }
    }

    /// SSE-C objects can be read only with their key: none -> 400 InvalidRequest, another -> 403.
    /// A key sent for an object not stored with one -> 400 InvalidRequest (as AWS answers).
    public static func checkReadKey(_ object: ObjectRecord, customerKey: CustomerKey?) throws {
        if object.encryption?.mode == .customer {
            guard let key = customerKey else {
                throw S3Error(.invalidRequest, "The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.")
            }
            guard object.encryption!.matches(key) else { throw S3Error(.accessDenied, "Access Denied") }
        } else if customerKey != nil {
            throw S3Error(.invalidRequest, "The encryption parameters are not applicable to this object.")
        }
    }

    /// AWS: the ETag of an SSE-S3 (or plain) object is the MD5 of its data; with SSE-C or SSE-KMS it
    /// is not. Cairn then uses MD5(data MD5 ‖ this blob's key salt or wrapped key): stable for this
    /// blob, unrelated to the plaintext's MD5.
    static func etag(_ digests: BodyDigests, _ encryption: ObjectEncryption?, _ blob: BlobEncryption?) -> ETag {
        guard let e = encryption, e.mode != .s3, let b = blob else { return digests.etag }
        var md5 = Insecure.MD5()
        md5.update(data: digests.md5)
        md5.update(data: Array((b.salt ?? b.wrappedKey ?? "").utf8))
        return ETag(md5: md5.finalize())
    }

    static func randomBytes(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

/// A bucket's default encryption (PutBucketEncryption).
public struct BucketEncryptionDefault: Sendable, Codable, Equatable {
    public var algorithm: SSEAlgorithm
    public var kmsKeyID: String?
    public var bucketKeyEnabled: Bool
    public init(algorithm: SSEAlgorithm, kmsKeyID: String?, bucketKeyEnabled: Bool) {
        self.algorithm = algorithm
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
    }

    public var request: EncryptionRequest {
        algorithm == .kms ? .kms(keyID: kmsKeyID ?? "", bucketKeyEnabled: bucketKeyEnabled) : .s3
    }
}

extension Storage {
    public func bucketEncryption(_ bucket: BucketName) async throws -> BucketEncryptionDefault? {
        guard let json = try await metadata.bucketConfig(bucket, .encryption) else { return nil }
        return try JSONDecoder().decode(BucketEncryptionDefault.self, from: Data(json.utf8))
    }

    public func setBucketEncryption(_ context: BucketContext, _ value: BucketEncryptionDefault?) async throws {
        if let v = value, v.algorithm == .kms, try await requireKeys().kmsKeyARN(v.kmsKeyID) == nil {
            throw S3Error(.kmsNotFound, "Invalid keyId \(v.kmsKeyID ?? "")")
        }
        let json = try value.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        try await setBucketConfig(context, .encryption, json)
    }

    /// The encryption a new object or upload gets: what the request asked, else the bucket default.
    public func resolveEncryption(_ request: EncryptionRequest, bucket: BucketName) async throws -> ObjectEncryption? {
        var r = request
        if r == .none, let d = try await bucketEncryption(bucket) { r = d.request }
        return try await objectEncryption(r)
    }
}
