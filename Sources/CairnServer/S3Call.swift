import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

/// One authenticated request on its way through a handler: what was parsed, who sent it, and typed
/// access to its headers and query.
struct S3Call: Sendable {
    let request: Request
    let context: S3RequestContext
    let endpoint: S3Endpoint
    let principal: Principal
    /// The bucket (and copy source) the request addresses, read and authorized before dispatch.
    let access: RequestAccess
    let payload: PayloadMode
    let query: [String: String]
    /// The `x-amz-*` parameters of a presigned URL's query (lowercased names), which S3 applies as
    /// headers: botocore's SigV2 presigned PUT carries `x-amz-meta-*` and
    /// `x-amz-server-side-encryption` there, and the AWS SDK for JavaScript hoists them into SigV4
    /// URLs. They are covered by the URL's signature. A header of the same name wins.
    var queryHeaders: [(String, String)] = []
    /// Whether the connection is HTTPS (SSE-C requires it unless the server allows otherwise).
    let secure: Bool
    let allowInsecureSSEC: Bool

    /// Who owns what the request creates: the signed user (an anonymous writer, once policies
    /// allow one, gives the bucket's owner its objects, as S3 does).
    var owner: Owner {
        principal.user?.owner ?? access.bucket?.owner ?? Owner(id: "anonymous", displayName: "anonymous")
    }

    /// The bucket the endpoint addresses. Dispatch runs only after `authorize` loaded it for every
    /// endpoint that `needsBucket`, so a handler of such an endpoint always has it.
    var bucket: BucketContext {
        guard let b = access.bucket else { preconditionFailure("\(endpoint.operationName) dispatched without its bucket") }
        return b
    }

    func header(_ name: String) -> String? {
        guard let n = HTTPField.Name(name) else { return nil }
        if let v = request.headers[n] { return v }
        let lower = name.lowercased()
        return queryHeaders.first { $0.0 == lower }?.1
    }

    /// The `x-amz-*` query parameters of a presigned request (`X-Amz-Signature` or `Signature` in
    /// the query), less the signature's own parameters.
    static func presignedQueryHeaders(_ query: [(String, String)]) -> [(String, String)] {
        guard query.contains(where: { $0.0 == "X-Amz-Signature" || $0.0 == "Signature" }) else { return [] }
        let own: Set<String> = ["x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-expires",
                                "x-amz-signedheaders", "x-amz-signature"]
        return query.compactMap { name, value in
            let lower = name.lowercased()
            return lower.hasPrefix("x-amz-") && !own.contains(lower) ? (lower, value) : nil
        }
    }

    /// Every header the request carries, with a presigned URL's `x-amz-*` query parameters that
    /// were not also sent as headers.
    var allHeaders: [(String, String)] {
        let sent = request.headers.map { ($0.name.canonicalName, $0.value) }
        let names = Set(sent.map(\.0))
        return sent + queryHeaders.filter { !names.contains($0.0) }
    }

    /// Asks the client for the body (`100 Continue`) now that the request is accepted.
    func sendContinue() {
        context.channel.triggerUserOutboundEvent(SendContinue(), promise: nil)
    }

    /// Every `x-amz-meta-*` header, the prefix removed; S3 limits their total size to 2 KB.
    func userMetadata() throws(S3Error) -> [String: String] {
        var meta: [String: String] = [:]
        var size = 0
        for (name, value) in allHeaders {
            guard name.hasPrefix("x-amz-meta-") else { continue }
            let k = String(name.dropFirst("x-amz-meta-".count))
            meta[k] = meta[k].map { "\($0),\(value)" } ?? value
            size += k.utf8.count + value.utf8.count
        }
        if size > 2048 {
            throw S3Error(.metadataTooLarge, fields: [("Size", String(size)), ("MaxSizeAllowed", "2048")])
        }
        return meta
    }

    /// The representation headers an upload stores.
    func objectHeaders() throws(S3Error) -> ObjectHeaders {
        let storageClass = header("x-amz-storage-class")
        if let sc = storageClass, !Self.storageClasses.contains(sc) {
            throw S3Error.invalidStorageClass(sc)
        }
        return ObjectHeaders(contentType: header("content-type"), contentEncoding: storedContentEncoding(),
                             contentDisposition: header("content-disposition"), contentLanguage: header("content-language"),
                             cacheControl: header("cache-control"), expires: header("expires"),
                             websiteRedirectLocation: header("x-amz-website-redirect-location"),
                             userMetadata: try userMetadata(), storageClass: storageClass == "STANDARD" ? nil : storageClass)
    }

    /// The Content-Encoding to store, as sent (`deflate, gzip` stays `deflate, gzip`), except that
    /// `aws-chunked`, transfer framing rather than a property of the object, is taken out with its comma.
    func storedContentEncoding() -> String? {
        guard let ce = header("content-encoding") else { return nil }
        let codings = ce.split(separator: ",", omittingEmptySubsequences: false)
        guard codings.contains(where: { $0.trimmingHTTPWhitespace == "aws-chunked" }) else { return ce }
        let kept = codings.filter { $0.trimmingHTTPWhitespace != "aws-chunked" }.joined(separator: ",")
        let trimmed = kept.trimmingHTTPWhitespace
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    static let storageClasses: Set<String> = [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER",
        "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE",
    ]
}

extension S3Error {
    static func invalidStorageClass(_ storageClass: String) -> S3Error {
        S3Error(.invalidStorageClass, "The storage class you specified is not valid",
                fields: [("StorageClassRequested", storageClass)])
    }
}
