import CairnModel
import CairnStorage
import Foundation
import HTTPTypes

extension S3Call {
    /// Whether SSE-C keys are acceptable here: over TLS, or with `--sse-c-insecure-http`.
    var customerKeysAllowed: Bool { secure || allowInsecureSSEC }

    /// The SSE-C key of the request, or of its copy source.
    func customerKey(copySource: Bool = false) throws(S3Error) -> CustomerKey? {
        try headers.customerKey(copySource: copySource, secure: customerKeysAllowed)
    }

    /// What a write asked for: SSE-C, SSE-S3, SSE-KMS or nothing.
    func encryptionRequest() throws(S3Error) -> EncryptionRequest {
        try headers.encryptionRequest(secure: customerKeysAllowed)
    }
}

/// The response headers that describe an object's encryption.
func encryptionHeaders(_ e: ObjectEncryption?, into h: inout HTTPFields) {
    guard let e else { return }
    switch e.mode {
    case .s3:
        h["x-amz-server-side-encryption"] = "AES256"
    case .kms:
        h["x-amz-server-side-encryption"] = "aws:kms"
        h["x-amz-server-side-encryption-aws-kms-key-id"] = e.kmsKeyID
        if e.bucketKeyEnabled { h["x-amz-server-side-encryption-bucket-key-enabled"] = "true" }
    case .customer:
        h["x-amz-server-side-encryption-customer-algorithm"] = "AES256"
        h["x-amz-server-side-encryption-customer-key-MD5"] = e.customerKeyMD5
    }
}
