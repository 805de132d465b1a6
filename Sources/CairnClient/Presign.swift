import CairnModel
import CairnSigV4
import Foundation

/// Presigned URLs, as `aws s3 presign`: SigV4 query authentication (aws CLI v2's default) of a GET
/// of one object, on the client's path-style URL.
public enum Presign {
    /// The longest a SigV4 presigned URL may live: 7 days.
    public static let maxExpiry = SigV4.maxPresignExpiry

    /// A URL anyone can GET for `expiresIn` seconds (1 ... 604800) from `now`.
    public static func url(config: ClientConfig, bucket: String, key: String, expiresIn: Int, now: Date = Date()) -> String {
        var request = S3Request(method: "GET", bucket: bucket, key: key)
        let amzDate = SigV4.amzDate(now)
        let scope = CredentialScope(date: String(amzDate.prefix(8)), region: config.region, service: "s3")
        request.query = SigV4.presignedQuery(
            method: request.method, rawPath: config.signedPath(for: request), query: request.query, host: config.hostHeader,
            credentials: SigningCredentials(accessKey: config.accessKey, secretKey: config.secretKey),
            sessionToken: config.sessionToken, scope: scope, amzDate: amzDate, expiresIn: expiresIn)
        return config.url(for: request)
    }
}
