import CairnModel
import Crypto
import Foundation

/// Who signed a POST Object form, and the policy the signature covers.
public struct PostAuthentication: Sendable {
    public var principal: Principal
    /// nil for an anonymous form (no policy, no signature): only a bucket policy can allow it.
    public var policy: PostPolicy?
}

extension RequestAuthenticator {
    /// Verifies a browser form's signature over its `policy` field: SigV4 (`x-amz-algorithm`,
    /// `x-amz-credential`, `x-amz-date`, `x-amz-signature`: hex HMAC-SHA256 with the scope's
    /// signing key) or SigV2 (`AWSAccessKeyId`, `signature`: base64 HMAC-SHA1 with the secret).
    /// A form with neither and no policy is anonymous. `fields` are by lowercased name.
    /// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
    public func authenticatePost(fields: [String: String]) throws(S3Error) -> PostAuthentication {
        func missing(_ name: String) -> S3Error {
            S3Error(.invalidArgument, "Bucket POST must contain a field named '\(name)'.  If it is specified, please check the order of the fields.",
                    fields: [("ArgumentName", name), ("ArgumentValue", "")])
        }
        let v4 = fields["x-amz-signature"] != nil || fields["x-amz-algorithm"] != nil || fields["x-amz-credential"] != nil
        let v2 = fields["awsaccesskeyid"] != nil || fields["signature"] != nil
        guard v4 || v2 else {
            if fields["policy"] != nil { throw missing("AWSAccessKeyId") }
            return PostAuthentication(principal: .anonymous, policy: nil)
        }
        if v4 {
            guard let algorithm = fields["x-amz-algorithm"] else { throw missing("x-amz-algorithm") }
            guard let credential = fields["x-amz-credential"] else { throw missing("x-amz-credential") }
            guard let amzDate = fields["x-amz-date"] else { throw missing("x-amz-date") }
            guard let signature = fields["x-amz-signature"] else { throw missing("x-amz-signature") }
            guard let policyText = fields["policy"] else { throw missing("policy") }
            guard algorithm == SigV4.algorithm else {
                throw S3Error(.invalidArgument, "Unsupported algorithm: \(algorithm)", fields: [("ArgumentName", "x-amz-algorithm"), ("ArgumentValue", algorithm)])
            }
            guard let (accessKey, scope) = CredentialScope.parseCredential(credential), scope.service == "s3",
                  SigV4.parseAmzDate(amzDate) != nil, amzDate.hasPrefix(scope.date) else {
                throw S3Error(.invalidArgument, "Invalid argument.", fields: [("ArgumentName", "x-amz-credential"), ("ArgumentValue", credential)])
            }
            guard let user = sigV4.credentials.user(forAccessKey: accessKey) else {
                throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)])
            }
            let key = SigningKeyCache.shared.key(secret: user.secretKey, scope: scope)
            guard constantTimeEqual(SigV4.signature(key: key, stringToSign: policyText), signature) else {
                throw S3Error.signatureDoesNotMatch(accessKey: accessKey, stringToSign: policyText, provided: signature)
            }
            return PostAuthentication(principal: .user(user), policy: try PostPolicy(base64: policyText))
        }
        guard let accessKey = fields["awsaccesskeyid"] else { throw missing("AWSAccessKeyId") }
        guard let signature = fields["signature"] else { throw missing("Signature") }
        guard let policyText = fields["policy"] else { throw missing("Policy") }
        guard let user = sigV2.credentials.user(forAccessKey: accessKey) else {
            throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)])
        }
        guard constantTimeEqual(SigV2.signature(secret: user.secretKey, stringToSign: policyText), signature) else {
            throw S3Error.signatureDoesNotMatch(accessKey: accessKey, stringToSign: policyText, provided: signature)
        }
        return PostAuthentication(principal: .user(user), policy: try PostPolicy(base64: policyText))
    }
}
