import CairnModel
import Foundation

/// The server's one authenticate step: picks the scheme a request was signed with from its shape
/// and hands it to that verifier.
///
/// - no Authorization header and no signature in the query: the anonymous principal (what it may
///   do is the authorizer's decision);
/// - `Authorization: AWS AKID:sig`, or a query with `AWSAccessKeyId` / `Signature`: SigV2;
/// - anything else (`AWS4-HMAC-SHA256` header, `X-Amz-*` query): SigV4, which also answers
///   malformed requests.
public struct RequestAuthenticator: Sendable {
    public var sigV4: SigV4Verifier
    public var sigV2: SigV2Verifier

    public init(credentials: any CredentialProvider) {
        self.sigV4 = SigV4Verifier(credentials: credentials)
        self.sigV2 = SigV2Verifier(credentials: credentials)
    }

    /// Who sent the request and how its payload is checked. `virtualHostBucket`: the bucket the
    /// Host header names, if virtual-hosted (SigV2 signs it).
    public func authenticate(_ r: SigV4Request, virtualHostBucket: String?, now: Date = Date()) throws(S3Error) -> Authentication {
        let signed = r.header("authorization") != nil
            || r.query.contains { ["AWSAccessKeyId", "Signature", "X-Amz-Signature", "X-Amz-Algorithm", "X-Amz-Credential"].contains($0.0) }
        guard signed else { return .anonymous }
        let verified = try verify(r, virtualHostBucket: virtualHostBucket, now: now)
        return Authentication(principal: .user(verified.user), payload: verified.payload)
    }

    /// Verifies a signed request (SigV2 or SigV4); an unsigned one is AccessDenied here.
    public func verify(_ r: SigV4Request, virtualHostBucket: String?, now: Date = Date()) throws(S3Error) -> VerifiedRequest {
        let auth = r.header("authorization")
        let v2Query = r.query.contains { $0.0 == "AWSAccessKeyId" || $0.0 == "Signature" }
        let v4Query = r.query.contains { $0.0 == "X-Amz-Signature" || $0.0 == "X-Amz-Algorithm" }
        if let auth, v2Query || v4Query {
            throw S3Error(.invalidArgument,
                          "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
                          fields: [("ArgumentName", "Authorization"), ("ArgumentValue", auth)])
        }
        if auth?.hasPrefix("AWS ") ?? (v2Query && !v4Query) {
            return try sigV2.verify(r, virtualHostBucket: virtualHostBucket, now: now)
        }
        return try sigV4.verify(r, now: now)
    }
}

/// The outcome of authentication: the principal, and what its payload promises.
public struct Authentication: Sendable {
    public var principal: Principal
    public var payload: PayloadMode

    /// Nobody: an unsigned request, or a CORS preflight (which browsers send without credentials
    /// to any URL, a presigned one included, whose signature is not for `OPTIONS`).
    public static let anonymous = Authentication(principal: .anonymous, payload: .unsigned)
}
