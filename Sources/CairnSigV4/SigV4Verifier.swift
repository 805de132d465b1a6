import CairnModel
import Crypto
import Foundation

/// How the request body is to be checked after the signature over the headers was accepted.
public enum PayloadMode: Sendable, Equatable {
    /// `x-amz-content-sha256` holds the hex SHA-256 of the body: compare once the body has streamed.
    case signed(sha256Hex: String)
    /// `UNSIGNED-PAYLOAD` (or a presigned URL): nothing to check.
    case unsigned
    /// An `aws-chunked` body (`STREAMING-...`); the chunk signatures chain from `seedSignature`.
    case streaming(StreamingPayload)
}

public struct StreamingPayload: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case unsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        case signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        case signedTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
    }
    public var kind: Kind
    public var seedSignature: String
    public var amzDate: String
    public var scope: CredentialScope
    /// The derived signing key, so chunk signatures need no secret.
    public var signingKey: SymmetricKey { SymmetricKey(data: signingKeyBytes) }
    /// The raw key bytes (SymmetricKey is not Sendable).
    public var signingKeyBytes: [UInt8]

    public init(kind: Kind, seedSignature: String, amzDate: String, scope: CredentialScope, signingKeyBytes: [UInt8]) {
        self.kind = kind
        self.seedSignature = seedSignature
        self.amzDate = amzDate
        self.scope = scope
        self.signingKeyBytes = signingKeyBytes
    }

    public static func == (a: StreamingPayload, b: StreamingPayload) -> Bool {
        a.kind == b.kind && a.seedSignature == b.seedSignature
    }
}

/// A request whose signature was accepted.
public struct VerifiedRequest: Sendable {
    public var user: UserIdentity
    public var payload: PayloadMode
}

/// Looks up users by access key.
public protocol CredentialProvider: Sendable {
    func user(forAccessKey key: String) -> UserIdentity?
}

/// Verifies SigV4 on the server: the Authorization header form and the presigned-URL form.
/// SigV2 requests never reach it: `RequestAuthenticator` sends them to `SigV2Verifier`.
public struct SigV4Verifier: Sendable {
    public let credentials: any CredentialProvider
    /// AWS allows 15 minutes between the request's time and the server's.
    public var maxSkew: TimeInterval = 15 * 60

    public init(credentials: any CredentialProvider) { self.credentials = credentials }

    public func verify(_ r: SigV4Request, now: Date = Date()) throws(S3Error) -> VerifiedRequest {
        if let auth = r.header("authorization") {
            return try verifyHeader(auth, r, now: now)
        }
        if r.query.contains(where: { $0.0 == "X-Amz-Signature" }) {
            return try verifyPresigned(r, now: now)
        }
        throw S3Error(.accessDenied, "Anonymous access is not allowed on this server.")
    }

    private func verifyHeader(_ auth: String, _ r: SigV4Request, now: Date) throws(S3Error) -> VerifiedRequest {
        guard auth.hasPrefix(SigV4.algorithm + " ") else {
            throw S3Error(.authorizationHeaderMalformed, "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.")
        }
        var fields: [String: String] = [:]
        for part in auth.dropFirst(SigV4.algorithm.count + 1).split(separator: ",") {
            let kv = part.trimmingHTTPWhitespace
            if let eq = kv.firstIndex(of: "=") { fields[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]) }
        }
        guard let cred = fields["Credential"], let signedList = fields["SignedHeaders"], let sig = fields["Signature"],
              let (accessKey, scope) = CredentialScope.parseCredential(cred) else {
            throw S3Error(.authorizationHeaderMalformed, "The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.")
        }
        guard let user = credentials.user(forAccessKey: accessKey) else { throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)]) }
        guard let amzDate = r.header("x-amz-date") ?? r.header("date").flatMap(Self.httpDateToAmz),
              let date = SigV4.parseAmzDate(amzDate) else {
            throw S3Error(.accessDenied, "AWS authentication requires a valid Date or x-amz-date header")
        }
        try checkSkew(date, now: now)
        guard scope.service == "s3", amzDate.hasPrefix(scope.date) else {
            throw S3Error(.authorizationHeaderMalformed, "The authorization header is malformed; the credential scope \(scope.string) is not valid for this request.")
        }
        guard let payloadHash = r.header("x-amz-content-sha256") else {
            throw S3Error(.invalidRequest, "Missing required header for this request: x-amz-content-sha256")
        }
        let signed = signedList.split(separator: ";").map { String($0) }
        let creq = SigV4.canonicalRequest(r, signedHeaders: signed, payloadHash: payloadHash)
        let sts = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: creq)
        let key = SigningKeyCache.shared.key(secret: user.secretKey, scope: scope)
        guard constantTimeEqual(SigV4.signature(key: key, stringToSign: sts), sig) else {
            throw S3Error.signatureDoesNotMatch(accessKey: accessKey, stringToSign: sts, provided: sig, canonicalRequest: creq)
        }
        return VerifiedRequest(user: user, payload: try payloadMode(payloadHash, seed: sig, amzDate: amzDate, scope: scope, key: key))
    }

    private func verifyPresigned(_ r: SigV4Request, now: Date) throws(S3Error) -> VerifiedRequest {
        func q(_ name: String) -> String? { r.query.first { $0.0 == name }?.1 }
        guard q("X-Amz-Algorithm") == SigV4.algorithm, let cred = q("X-Amz-Credential"), let amzDate = q("X-Amz-Date"),
              let signedList = q("X-Amz-SignedHeaders"), let sig = q("X-Amz-Signature"),
              let (accessKey, scope) = CredentialScope.parseCredential(cred), let date = SigV4.parseAmzDate(amzDate) else {
            throw S3Error(.authorizationQueryParametersError, "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
        }
        guard let user = credentials.user(forAccessKey: accessKey) else { throw S3Error(.invalidAccessKeyId, fields: [("AWSAccessKeyId", accessKey)]) }
        let expires = q("X-Amz-Expires").flatMap { Int($0) } ?? 604_800
        guard expires >= 1, expires <= 604_800 else {
            throw S3Error(.authorizationQueryParametersError, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
        }
        if date.timeIntervalSince(now) > maxSkew {
            throw S3Error(.accessDenied, "Request is not valid yet")
        }
        if now.timeIntervalSince(date) > TimeInterval(expires) {
            throw S3Error(.accessDenied, "Request has expired", fields: [
                ("X-Amz-Expires", String(expires)),
                ("Expires", Self.iso8601(date.addingTimeInterval(TimeInterval(expires)))),
                ("ServerTime", Self.iso8601(now)),
            ])
        }
        let payloadHash = q("X-Amz-Content-Sha256") ?? r.header("x-amz-content-sha256") ?? "UNSIGNED-PAYLOAD"
        let signed = signedList.split(separator: ";").map { String($0) }
        let creq = SigV4.canonicalRequest(r, signedHeaders: signed, payloadHash: payloadHash, excludingQuery: ["X-Amz-Signature"])
        let sts = SigV4.stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: creq)
        let key = SigningKeyCache.shared.key(secret: user.secretKey, scope: scope)
        guard constantTimeEqual(SigV4.signature(key: key, stringToSign: sts), sig) else {
            throw S3Error.signatureDoesNotMatch(accessKey: accessKey, stringToSign: sts, provided: sig, canonicalRequest: creq)
        }
        return VerifiedRequest(user: user, payload: try payloadMode(payloadHash, seed: sig, amzDate: amzDate, scope: scope, key: key))
    }

    private func payloadMode(_ hash: String, seed: String, amzDate: String, scope: CredentialScope,
                             key: SymmetricKey) throws(S3Error) -> PayloadMode {
        if hash == "UNSIGNED-PAYLOAD" { return .unsigned }
        if let kind = StreamingPayload.Kind(rawValue: hash) {
            return .streaming(StreamingPayload(kind: kind, seedSignature: seed, amzDate: amzDate, scope: scope, signingKeyBytes: key.withUnsafeBytes { Array($0) }))
        }
        if hash.hasPrefix("STREAMING-") {
            throw S3Error(.notImplemented, "The x-amz-content-sha256 value \(hash) is not supported.", fields: [("Header", "x-amz-content-sha256")])
        }
        let lower = hash.lowercased()
        guard lower.utf8.count == 64, Hex.decode(lower) != nil else {
            throw S3Error(.invalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, or a valid sha256 value.",
                          fields: [("ArgumentName", "x-amz-content-sha256"), ("ArgumentValue", hash)])
        }
        return .signed(sha256Hex: lower)
    }

    private func checkSkew(_ date: Date, now: Date) throws(S3Error) {
        guard abs(date.timeIntervalSince(now)) <= maxSkew else {
            throw S3Error.requestTimeTooSkewed(requestTime: SigV4.amzDate(date), now: now)
        }
    }

    static func iso8601(_ d: Date) -> String { UTCDate(d).iso8601(milliseconds: false) }

    /// Converts an RFC 1123 `Date` header to SigV4's compact form (clients that sign `date` instead of `x-amz-date`).
    static func httpDateToAmz(_ s: String) -> String? {
        // Exact RFC 1123, else the other spellings clients may sign (`UTC`, `+0000`, one-digit days).
        (UTCDate.parseRFC1123(s) ?? UTCDate.parseHTTPDateVariant(s)).map(SigV4.amzDate)
    }
}

@inline(__always) func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in 0..<x.count { d |= x[i] ^ y[i] }
    return d == 0
}
