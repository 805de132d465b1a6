import CairnModel
import Crypto
import Foundation

extension RequestHeaders {
    /// The SSE-C key of the request (`x-amz-server-side-encryption-customer-*`), or of the copy
    /// source (`x-amz-copy-source-server-side-encryption-customer-*`), validated in AWS's order.
    /// `secure`: whether the request came over TLS (or the server allows SSE-C without it).
    public func customerKey(copySource: Bool = false, secure: Bool) throws(S3Error) -> CustomerKey? {
        let p = copySource ? "x-amz-copy-source-server-side-encryption-customer-" : "x-amz-server-side-encryption-customer-"
        let algorithm = self[p + "algorithm"], key = self[p + "key"], md5 = self[p + "key-md5"]
        guard algorithm != nil || key != nil || md5 != nil else { return nil }
        if !secure {
            throw S3Error(.invalidRequest, "Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.")
        }
        guard let algorithm else {
            throw S3Error(.invalidArgument, "Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
                          fields: [("ArgumentName", p + "algorithm")])
        }
        guard algorithm == SSEAlgorithm.aes256.rawValue else {
            throw S3Error(.invalidEncryptionAlgorithmError, "The Encryption request you specified is not valid. Supported value: AES256.",
                          fields: [("ArgumentName", p + "algorithm"), ("ArgumentValue", algorithm)])
        }
        guard let key else {
            throw S3Error(.invalidArgument, "Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.",
                          fields: [("ArgumentName", p + "key")])
        }
        guard let raw = Data(base64Encoded: key), raw.count == 32 else {
            throw S3Error(.invalidArgument, "The secret key was invalid for the specified algorithm.", fields: [("ArgumentName", p + "key")])
        }
        guard let md5 else {
            throw S3Error(.invalidArgument, "Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.",
                          fields: [("ArgumentName", p + "key-MD5")])
        }
        let computed = Data(Insecure.MD5.hash(data: raw)).base64EncodedString()
        guard computed == md5 else {
            throw S3Error(.invalidArgument, "The calculated MD5 hash of the key did not match the hash that was provided.",
                          fields: [("ArgumentName", p + "key-MD5")])
        }
        return CustomerKey(bytes: Array(raw), md5: md5)
    }

    /// What a write asked for: SSE-C, `x-amz-server-side-encryption` (AES256 / aws:kms), or nothing.
    public func encryptionRequest(secure: Bool) throws(S3Error) -> EncryptionRequest {
        let sse = self["x-amz-server-side-encryption"]
        let kmsKey = self["x-amz-server-side-encryption-aws-kms-key-id"]
        let bucketKey = self["x-amz-server-side-encryption-bucket-key-enabled"]?.lowercased() == "true"
        if let c = try customerKey(secure: secure) {
            guard sse == nil else {
                throw S3Error(.invalidArgument, "Server Side Encryption with Customer provided key is incompatible with the encryption method specified",
                              fields: [("ArgumentName", "x-amz-server-side-encryption"), ("ArgumentValue", sse!)])
            }
            return .customer(c)
        }
        guard let sse else {
            if kmsKey != nil {
                throw S3Error(.invalidArgument, "x-amz-server-side-encryption-aws-kms-key-id header requires x-amz-server-side-encryption:aws:kms",
                              fields: [("ArgumentName", "x-amz-server-side-encryption-aws-kms-key-id")])
            }
            return .none
        }
        switch SSEAlgorithm(rawValue: sse) {
        case .aes256:
            if kmsKey != nil {
                throw S3Error(.invalidArgument, "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms")
            }
            return .s3
        case .kms:
            return .kms(keyID: kmsKey ?? "", bucketKeyEnabled: bucketKey)
        case nil:
            throw S3Error(.invalidArgument, "The encryption method specified is not supported",
                          fields: [("ArgumentName", "x-amz-server-side-encryption"), ("ArgumentValue", sse)])
        }
    }
}
