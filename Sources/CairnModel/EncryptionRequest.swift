/// What a request asked for: the encryption a new object or part gets.
public enum EncryptionRequest: Sendable, Equatable {
    case none
    /// SSE-S3: a fresh data key per blob, wrapped by the server's master key.
    case s3
    /// SSE-KMS: a fresh data key per blob, wrapped by a named key of the local keyring.
    case kms(keyID: String, bucketKeyEnabled: Bool)
    /// SSE-C: blob keys derived from the customer's key, which is never stored.
    case customer(CustomerKey)
}

/// A customer-provided key as received (validated: 32 bytes, MD5 matching). What it derives
/// (blob keys, the check value) lives with the cipher code in CairnStorage.
public struct CustomerKey: Sendable, Equatable {
    public let bytes: [UInt8]
    /// base64 MD5 of the key, echoed in responses.
    public let md5: String
    public init(bytes: [UInt8], md5: String) {
        self.bytes = bytes
        self.md5 = md5
    }
}
