import CairnModel
import Crypto
import Foundation

extension CustomerKey {
    /// HMAC-SHA256(key, "cairn-sse-c-check" ‖ salt): recognises the key without storing it.
    public func check(salt: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("cairn-sse-c-check".utf8) + salt, using: SymmetricKey(data: bytes))
        return Data(mac).base64EncodedString()
    }

    /// The key of one blob: HKDF(customer key, per-blob salt), so no two blobs share a key and
    /// chunk nonces never repeat under one key.
    public func blobKey(salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: bytes), salt: salt,
                               info: Array("cairn-sse-c-blob".utf8), outputByteCount: 32)
    }
}

/// The encryption an object (or upload) was stored with, as kept in metadata.
public struct ObjectEncryption: Sendable, Codable, Equatable {
    public enum Mode: String, Sendable, Codable { case s3 = "AES256", kms = "aws:kms", customer = "SSE-C" }
    public var mode: Mode
    public var kmsKeyID: String?
    public var bucketKeyEnabled: Bool
    /// SSE-C: the key's MD5 (echoed), and a salted HMAC that recognises the key.
    public var customerKeyMD5: String?
    public var customerKeySalt: String?
    public var customerKeyCheck: String?

    public init(mode: Mode, kmsKeyID: String? = nil, bucketKeyEnabled: Bool = false, customerKeyMD5: String? = nil,
                customerKeySalt: String? = nil, customerKeyCheck: String? = nil) {
        self.mode = mode
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
        self.customerKeyMD5 = customerKeyMD5
        self.customerKeySalt = customerKeySalt
        self.customerKeyCheck = customerKeyCheck
    }

    /// Whether `key` is the customer key this object was stored with.
    public func matches(_ key: CustomerKey) -> Bool {
        guard let salt = customerKeySalt.flatMap({ Data(base64Encoded: $0) }), let check = customerKeyCheck else { return false }
        return key.check(salt: Array(salt)) == check
    }
}

/// How one blob is encrypted: enough to find its key again.
public struct BlobEncryption: Sendable, Codable, Equatable {
    /// SSE-S3 / SSE-KMS: the data key, wrapped (AES-GCM) by the master or KMS key.
    public var wrappedKey: String?
    public var kmsKeyID: String?
    /// SSE-C: the HKDF salt of this blob's key.
    public var salt: String?
    /// Plaintext bytes in the blob (the final chunk's index depends on it).
    public var plainSize: Int64

    public init(wrappedKey: String? = nil, kmsKeyID: String? = nil, salt: String? = nil, plainSize: Int64) {
        self.wrappedKey = wrappedKey
        self.kmsKeyID = kmsKeyID
        self.salt = salt
        self.plainSize = plainSize
    }
}

/// Wraps and unwraps data keys: the server's master key (SSE-S3) and the local KMS keyring.
public protocol KeyService: Sendable {
    /// The canonical id (ARN) of a KMS key, or nil when unknown. nil `id` means the default key.
    func kmsKeyARN(_ id: String?) async throws -> String?
    func wrap(_ dataKey: [UInt8], kmsKeyARN: String?) async throws -> String
    func unwrap(_ wrapped: String, kmsKeyARN: String?) async throws -> [UInt8]
}

/// Everything needed to write or read one encrypted blob.
public struct BlobCipher: Sendable {
    public let key: [UInt8]
    public var symmetricKey: SymmetricKey { SymmetricKey(data: key) }
    public init(key: [UInt8]) { self.key = key }
    public init(key: SymmetricKey) { self.key = key.withUnsafeBytes { Array($0) } }

    /// Plaintext bytes per chunk; each chunk is stored as ciphertext + a 16-byte GCM tag.
    public static let chunkSize = 64 * 1024
    public static let tagSize = 16

    /// Nonce = 4 zero bytes ‖ chunk index (big-endian); unique because every blob has its own key.
    static func nonce(_ index: UInt64) -> AES.GCM.Nonce {
        try! AES.GCM.Nonce(data: [0, 0, 0, 0] + withUnsafeBytes(of: index.bigEndian) { Array($0) })
    }

    /// AAD = chunk index ‖ final flag: chunks cannot be reordered, and truncation after any chunk is
    /// detected because only the true last chunk authenticates as final.
    static func aad(_ index: UInt64, final: Bool) -> [UInt8] {
        withUnsafeBytes(of: index.bigEndian) { Array($0) } + [final ? 1 : 0]
    }

    public func seal(_ plain: UnsafeRawBufferPointer, index: UInt64, final: Bool) throws -> (ciphertext: Data, tag: Data) {
        let box = try AES.GCM.seal(plain, using: symmetricKey, nonce: Self.nonce(index), authenticating: Self.aad(index, final: final))
        return (box.ciphertext, box.tag)
    }

    public func open(_ sealed: UnsafeRawBufferPointer, index: UInt64, final: Bool) throws -> Data {
        guard sealed.count >= Self.tagSize else { throw EncryptedBlobError.corrupt }
        do {
            let box = try AES.GCM.SealedBox(nonce: Self.nonce(index), ciphertext: UnsafeRawBufferPointer(rebasing: sealed.dropLast(Self.tagSize)),
                                            tag: UnsafeRawBufferPointer(rebasing: sealed.suffix(Self.tagSize)))
            return try AES.GCM.open(box, using: symmetricKey, authenticating: Self.aad(index, final: final))
        } catch {
            throw EncryptedBlobError.corrupt
        }
    }

    /// Chunks in a blob of `plainSize` bytes (an empty blob still has one, empty, final chunk).
    public static func chunkCount(_ plainSize: Int64) -> Int64 {
        plainSize == 0 ? 1 : (plainSize + Int64(chunkSize) - 1) / Int64(chunkSize)
    }

    public static func physicalSize(_ plainSize: Int64) -> Int64 {
        plainSize + chunkCount(plainSize) * Int64(tagSize)
    }
}

public enum EncryptedBlobError: Error, CustomStringConvertible {
    case corrupt
    public var description: String { "encrypted blob failed authentication: the stored data was altered or truncated" }
}
