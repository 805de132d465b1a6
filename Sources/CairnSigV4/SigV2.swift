import CairnModel
import Crypto
import Foundation

/// Signature Version 2 (S3's HMAC-SHA1 REST authentication): the string to sign and its signature.
/// The verifier and the tests use these functions; the definition is AWS's "Signing and
/// authenticating REST requests" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html):
///
///     StringToSign = HTTP-Verb + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n"
///                    + CanonicalizedAmzHeaders + CanonicalizedResource
public enum SigV2 {
    /// The query parameters that are part of the signed resource. AWS's documented list plus the
    /// ones botocore's `HmacV1Auth.QSAOfInterest` adds (AWS accepts botocore's signatures, so it
    /// must sign what botocore signs); any other parameter (`prefix`, `list-type`, ...) is not signed.
    public static let subresources: Set<String> = [
        "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location",
        "logging", "metrics", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment",
        "restore", "select", "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId",
        "versioning", "versions", "website",
        "response-content-type", "response-content-language", "response-expires", "response-cache-control",
        "response-content-disposition", "response-content-encoding",
    ]

    /// The string to sign from its parts; `canonicalAmzHeaders` already ends each line with "\n".
    public static func stringToSign(method: String, contentMD5: String, contentType: String, date: String,
                                    canonicalAmzHeaders: String, resource: String) -> String {
        "\(method)\n\(contentMD5)\n\(contentType)\n\(date)\n\(canonicalAmzHeaders)\(resource)"
    }

    /// `name:value\n` for every `x-amz-*` header: names lowercased and sorted, the values of a
    /// repeated name joined with "," in the order sent, each value unfolded and trimmed.
    public static func canonicalAmzHeaders(_ headers: [(String, String)]) -> String {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            guard lower.hasPrefix("x-amz-") else { continue }
            values[lower, default: []].append(canonicalValue(value))
        }
        return values.keys.sorted(by: utf8Less).map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
    }

    /// A header value as signed: folded lines (CRLF + whitespace, obsolete in HTTP/1.1 but in AWS's
    /// rule) become one space, and the whitespace around the value is trimmed. Inner runs of spaces
    /// are kept (unlike SigV4, which collapses them).
    static func canonicalValue(_ v: String) -> String {
        // Scalars, not Characters: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard v.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { return String(v.trimmingHTTPWhitespace) }
        var out = ""
        var folding = false
        for ch in v.unicodeScalars {
            if ch == "\r" || ch == "\n" {
                folding = true
            } else if folding && (ch == " " || ch == "\t") {
                continue
            } else {
                if folding { out.append(" ") }
                folding = false
                out.unicodeScalars.append(ch)
            }
        }
        return String(out.trimmingHTTPWhitespace)
    }

    /// `/bucket/key` as in the raw (still encoded) request path, then the signed subresources sorted
    /// by name: `?acl`, `?partNumber=2&uploadId=...` (values decoded, a bare name stays bare).
    /// A virtual-hosted request (`Host: bucket.DOMAIN`) signs its bucket as the first path segment.
    public static func canonicalResource(rawPath: String, rawQuery: String, virtualHostBucket: String?) -> String {
        var resource = rawPath.isEmpty ? "/" : rawPath
        if let bucket = virtualHostBucket { resource = "/" + bucket + resource }
        var signed: [(offset: Int, name: String, value: String?)] = []
        for (offset, item) in rawQuery.split(separator: "&", omittingEmptySubsequences: true).enumerated() {
            let eq = item.firstIndex(of: "=")
            let name = URIEncoding.decode(item[..<(eq ?? item.endIndex)])
            guard subresources.contains(name) else { continue }
            signed.append((offset, name, eq.map { URIEncoding.decode(item[item.index(after: $0)...]) }))
        }
        guard !signed.isEmpty else { return resource }
        // A stable sort by name, as botocore's: parameters of the same name keep their order.
        signed.sort { $0.name == $1.name ? $0.offset < $1.offset : utf8Less($0.name, $1.name) }
        let items = signed.map { (p: (offset: Int, name: String, value: String?)) -> String in
            guard let value = p.value else { return p.name }
            return p.name + "=" + value
        }
        return resource + "?" + items.joined(separator: "&")
    }

    /// Base64 of HMAC-SHA1(secret, stringToSign).
    public static func signature(secret: String, stringToSign: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(stringToSign.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// `AWS AKID:signature`.
    public static func authorizationHeader(accessKey: String, secret: String, stringToSign: String) -> String {
        "AWS \(accessKey):\(signature(secret: secret, stringToSign: stringToSign))"
    }

    /// The string to sign as AWS echoes it in `StringToSignBytes`: two lowercase hex digits per
    /// UTF-8 byte, separated by spaces.
    /// Byte order (S3 sorts names as bytes, not by Unicode collation).
    static func utf8Less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}
