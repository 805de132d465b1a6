import CairnModel
import Foundation

/// Verifies Signature Version 2 on the server: the `Authorization: AWS AKID:signature` header and
/// the query form (`AWSAccessKeyId`, `Signature`, `Expires`) that boto3's `generate_presigned_url`
/// and `aws s3 presign` (aws CLI v1) produce by default.
///
/// SigV2 signs no payload hash, so a verified request's payload is `.unsigned` (a Content-MD5 is
/// still checked by the `PayloadVerifier`, as for any request).
public struct SigV2Verifier: Sendable {
    public let credentials: any CredentialProvider
    /// AWS allows 15 minutes between the request's Date and the server's clock.
    public var maxSkew: TimeInterval = 15 * 60

    public init(credentials: any CredentialProvider) { self.credentials = credentials }

    /// `virtualHostBucket` is the bucket named by the Host header (virtual-hosted style): SigV2
    /// signs it as the first segment of the resource.
    public func verify(_ r: SigV4Request, virtualHostBucket: String?, now: Date = Date()) throws(S3Error) -> VerifiedRequest {
        if let auth = r.header("authorization") {
            return try verifyHeader(auth, r, virtualHostBucket: virtualHostBucket, now: now)
        }
        return try verifyQuery(r, virtualHostBucket: virtualHostBucket, now: now)
    }

    private func verifyHeader(_ auth: String, _ r: SigV4Request, virtualHostBucket: String?, now: Date) throws(S3Error) -> VerifiedRequest {
        let credential = auth.dropFirst("AWS ".count)
        guard auth.hasPrefix("AWS "), let colon = credential.lastIndex(of: ":"), colon != credential.startIndex,
              credential.index(after: colon) != credential.endIndex else {
            throw S3Error(.invalidArgument, "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
                          fields: [("ArgumentName", "Authorization"), ("ArgumentValue", auth)])
        }
        let accessKey = String(credential[..<colon])
        let provided = String(credential[credential.index(after: colon)...])
        guard let user = credentials.user(forAccessKey: accessKey) else { throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)]) }
        // With x-amz-date (signed among the amz headers) the Date line is empty: AWS ignores Date then.
        let amzDate = r.header("x-amz-date")
        guard let dateText = amzDate ?? r.header("date"), let date = Self.parseHTTPDate(dateText) else {
            throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
        }
        guard abs(date.timeIntervalSince(now)) <= maxSkew else {
            throw S3Error.requestTimeTooSkewed(requestTime: dateText, now: now)
        }
        let candidates = Self.signedPaths(r.rawPath, virtualHostBucket: virtualHostBucket).map {
            stringToSign(r, path: $0, dateLine: amzDate == nil ? dateText : "", amzHeaders: r.headers, virtualHostBucket: virtualHostBucket)
        }
        try check(provided, candidates, accessKey: accessKey, secret: user.secretKey)
        return VerifiedRequest(user: user, payload: .unsigned)
    }

    private func verifyQuery(_ r: SigV4Request, virtualHostBucket: String?, now: Date) throws(S3Error) -> VerifiedRequest {
        func q(_ name: String) -> String? { r.query.first { $0.0 == name }?.1 }
        guard let accessKey = q("AWSAccessKeyId"), let provided = q("Signature"), let expiresText = q("Expires") else {
            throw S3Error(.accessDenied, "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")
        }
        guard let expires = Int64(expiresText) else {
            throw S3Error(.accessDenied, "Invalid date (should be seconds since epoch): \(expiresText)")
        }
        guard let user = credentials.user(forAccessKey: accessKey) else { throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)]) }
        let expiry = Date(timeIntervalSince1970: TimeInterval(expires))
        if now > expiry {
            throw S3Error(.accessDenied, "Request has expired", fields: [
                ("Expires", UTCDate(expiry).iso8601(milliseconds: false)), ("ServerTime", UTCDate(now).iso8601(milliseconds: false)),
            ])
        }
        // A presigned URL carries the x-amz-* values it signed (botocore moves them into the query,
        // e.g. x-amz-security-token); a header of the same name, when sent, is what counts.
        let sentNames = Set(r.headers.map { $0.0.lowercased() })
        let amzHeaders = r.headers + r.query.filter { $0.0.lowercased().hasPrefix("x-amz-") && !sentNames.contains($0.0.lowercased()) }
        let candidates = Self.signedPaths(r.rawPath, virtualHostBucket: virtualHostBucket).map {
            stringToSign(r, path: $0, dateLine: expiresText, amzHeaders: amzHeaders, virtualHostBucket: virtualHostBucket)
        }
        try check(provided, candidates, accessKey: accessKey, secret: user.secretKey)
        return VerifiedRequest(user: user, payload: .unsigned)
    }

    /// The string to sign for `r`. Content-MD5 and Content-Type are the headers sent, even for a
    /// presigned URL whose query carries them (botocore puts them there): S3 answers
    /// SignatureDoesNotMatch to an upload through such a URL that does not send the header.
    func stringToSign(_ r: SigV4Request, path: String, dateLine: String, amzHeaders: [(String, String)],
                      virtualHostBucket: String?) -> String {
        func standard(_ name: String) -> String { r.header(name).map { SigV2.canonicalValue($0) } ?? "" }
        return SigV2.stringToSign(method: r.method, contentMD5: standard("content-md5"), contentType: standard("content-type"),
                                  date: dateLine, canonicalAmzHeaders: SigV2.canonicalAmzHeaders(amzHeaders),
                                  resource: SigV2.canonicalResource(rawPath: path, rawQuery: r.wireQuery, virtualHostBucket: virtualHostBucket))
    }

    /// The paths a request may have signed: the raw path, and for a path-style request on a bucket
    /// (`PUT /bucket`) also `/bucket/`, which is what botocore signs there (its `auth_path`) while
    /// AWS's rule and other clients take the path as sent. Both name the same bucket.
    static func signedPaths(_ rawPath: String, virtualHostBucket: String?) -> [String] {
        let segments = rawPath.split(separator: "/", omittingEmptySubsequences: false)
        guard virtualHostBucket == nil, segments.count == 2, segments[0].isEmpty, !segments[1].isEmpty else { return [rawPath] }
        return [rawPath, rawPath + "/"]
    }

    /// Accepts the request when the signature matches one of the `candidates` strings to sign; the
    /// error shows the first, the one AWS's rule gives.
    private func check(_ provided: String, _ candidates: [String], accessKey: String, secret: String) throws(S3Error) {
        let sts = candidates[0]
        guard candidates.contains(where: { constantTimeEqual(SigV2.signature(secret: secret, stringToSign: $0), provided) }) else {
            throw S3Error.signatureDoesNotMatch(accessKey: accessKey, stringToSign: sts, provided: provided)
        }
    }

    /// `Date` / `x-amz-date` as SigV2 clients send them: RFC 1123 (`Fri, 04 Dec 2026 13:39:25 GMT`),
    /// the other spellings HTTP allows, or SigV4's compact form.
    public static func parseHTTPDate(_ s: String) -> Date? {
        SigV4Verifier.httpDateToAmz(s).flatMap(SigV4.parseAmzDate) ?? SigV4.parseAmzDate(s)
    }
}
