import CairnModel

extension SigV4 {
    /// The longest a SigV4 presigned URL may live: 7 days.
    public static let maxPresignExpiry = 604_800

    /// The query of a presigned URL (AWS's "Authenticating Requests: Using Query Parameters"): the
    /// request's own parameters, then `X-Amz-Algorithm`, `-Credential`, `-Date`, `-SignedHeaders`
    /// (only `host`), `-Expires`, `-Security-Token` when there is one, and `-Signature` last: the
    /// order botocore's presigned URLs have (the order is not signed; the same bytes ease comparing).
    /// The payload is `UNSIGNED-PAYLOAD`.
    public static func presignedQuery(method: String, rawPath: String, query: [(String, String)], host: String,
                                      credentials: SigningCredentials, sessionToken: String?, scope: CredentialScope,
                                      amzDate: String, expiresIn: Int) -> [(String, String)] {
        var q = query + [
            ("X-Amz-Algorithm", algorithm),
            ("X-Amz-Credential", "\(credentials.accessKey)/\(scope.string)"),
            ("X-Amz-Date", amzDate),
            ("X-Amz-SignedHeaders", "host"),
            ("X-Amz-Expires", String(expiresIn)),
        ]
        if let sessionToken { q.append(("X-Amz-Security-Token", sessionToken)) }
        let r = SigV4Request(method: method, rawPath: rawPath, query: q, headers: [("host", host)])
        let creq = canonicalRequest(r, signedHeaders: ["host"], payloadHash: "UNSIGNED-PAYLOAD")
        let sts = stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: creq)
        q.append(("X-Amz-Signature", signature(key: signingKey(secret: credentials.secretKey, scope: scope), stringToSign: sts)))
        return q
    }
}
