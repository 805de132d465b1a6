import CairnModel
import Crypto
import Foundation

/// The SigV4 algorithm itself: canonical request, string to sign, signing key, signature.
/// Both the server (to verify) and the client (to sign) use these functions, so they cannot drift.
public enum SigV4 {
    public static let algorithm = "AWS4-HMAC-SHA256"
    public static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Canonical URI for S3: the decoded path re-encoded once, `/` kept (S3 does not normalise
    /// `.`/`..` segments or double slashes, unlike other services).
    public static func canonicalURI(rawPath: String) -> String {
        let path = rawPath.isEmpty ? "/" : rawPath
        return URIEncoding.encode(URIEncoding.decode(path), keepSlash: true)
    }

    public static func canonicalQuery(_ query: [(String, String)], excluding: Set<String> = []) -> String {
        var pairs: [(String, String)] = []
        for (name, value) in query where !excluding.contains(name) {
            pairs.append((URIEncoding.encode(name), URIEncoding.encode(value)))
        }
        pairs.sort { (a: (String, String), b: (String, String)) -> Bool in
            a.0 == b.0 ? a.1 < b.1 : a.0 < b.0
        }
        return pairs.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Trims and collapses inner runs of spaces, as the spec requires.
    static func canonicalHeaderValue(_ v: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in v.trimmingHTTPWhitespace {
            if ch == " " || ch == "\t" {
                if !lastSpace { out.append(" ") }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out
    }

    public static func canonicalRequest(_ r: SigV4Request, signedHeaders: [String], payloadHash: String,
                                        excludingQuery: Set<String> = []) -> String {
        var headerLines = ""
        for name in signedHeaders {
            let values = r.headers.filter { $0.0.lowercased() == name }.map { canonicalHeaderValue($0.1) }
            headerLines += "\(name):\(values.joined(separator: ","))\n"
        }
        return [
            r.method,
            canonicalURI(rawPath: r.rawPath),
            canonicalQuery(r.query, excluding: excludingQuery),
            headerLines,
            signedHeaders.joined(separator: ";"),
            payloadHash,
        ].joined(separator: "\n")
    }

    public static func stringToSign(amzDate: String, scope: CredentialScope, canonicalRequest: String) -> String {
        let hash = Hex.encode(SHA256.hash(data: Data(canonicalRequest.utf8)))
        return "\(algorithm)\n\(amzDate)\n\(scope.string)\n\(hash)"
    }

    public static func signingKey(secret: String, scope: CredentialScope) -> SymmetricKey {
        func hmac(_ key: SymmetricKey, _ s: String) -> SymmetricKey {
            SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Data(s.utf8), using: key))
        }
        var k = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        k = hmac(k, scope.date)
        k = hmac(k, scope.region)
        k = hmac(k, scope.service)
        return hmac(k, "aws4_request")
    }

    public static func signature(key: SymmetricKey, stringToSign: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    /// Signs `request` with an Authorization header, returning the header value.
    /// The request must already carry `host`, `x-amz-date` and (for S3) `x-amz-content-sha256`.
    public static func authorizationHeader(for r: SigV4Request, credentials: SigningCredentials,
                                           scope: CredentialScope, amzDate: String, payloadHash: String) -> String {
        let signed = Set(r.headers.map { $0.0.lowercased() }).filter {
            $0 == "host" || $0.hasPrefix("x-amz-") || $0 == "content-md5" || $0 == "content-type" || $0 == "range" || $0 == "date"
        }.sorted()
        let creq = canonicalRequest(r, signedHeaders: signed, payloadHash: payloadHash)
        let sts = stringToSign(amzDate: amzDate, scope: scope, canonicalRequest: creq)
        let sig = signature(key: signingKey(secret: credentials.secretKey, scope: scope), stringToSign: sts)
        return "\(algorithm) Credential=\(credentials.accessKey)/\(scope.string), SignedHeaders=\(signed.joined(separator: ";")), Signature=\(sig)"
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func amzDate(_ date: Date) -> String { UTCDate(date).amz }

    /// Parses `yyyyMMdd'T'HHmmss'Z'`.
    public static func parseAmzDate(_ s: String) -> Date? { UTCDate.parseAmz(s) }
}

