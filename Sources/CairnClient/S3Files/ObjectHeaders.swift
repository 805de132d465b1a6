import Foundation

/// The object options of `aws s3 cp | mv | sync` as request headers (awscli's
/// `RequestParamsMapper`): they go with every PutObject, CreateMultipartUpload and CopyObject.
public struct ObjectHeaders: Sendable {
    public var contentType: String?
    public var cacheControl: String?
    public var contentDisposition: String?
    public var contentEncoding: String?
    public var contentLanguage: String?
    /// Any timestamp botocore accepts; sent as an HTTP date.
    public var expires: String?
    public var websiteRedirect: String?
    public var storageClass: String?
    /// `AES256` or `aws:kms`.
    public var sse: String?
    public var sseKMSKeyID: String?
    public var metadata: [(String, String)] = []
    /// `COPY` or `REPLACE`, for copies; `REPLACE` when `metadata` is given without it (as awscli).
    public var metadataDirective: String?

    public init() {}

    /// `--metadata`: the aws shorthand `k1=v1,k2=v2` or a JSON object.
    public static func parseMetadata(_ text: String) throws -> [(String, String)] {
        if text.trimmingCharacters(in: .whitespaces).hasPrefix("{") {
            guard let o = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw UsageError("--metadata: not a JSON object of strings: \(text)")
            }
            return try o.keys.sorted().map { k in
                guard let v = o[k] as? String else { throw UsageError("--metadata: the value of \(k) is not a string") }
                return (k, v)
            }
        }
        return try text.split(separator: ",").map { pair in
            guard let eq = pair.firstIndex(of: "=") else { throw UsageError("--metadata: expected key=value, got \(pair)") }
            return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
        }
    }

    /// The headers of an upload (`forCopy` false) or of a copy.
    public func headers(forCopy: Bool) throws -> [(String, String)] {
        var h: [(String, String)] = []
        let plain: [(String, String?)] = [
            ("Content-Type", contentType), ("Cache-Control", cacheControl), ("Content-Disposition", contentDisposition),
            ("Content-Encoding", contentEncoding), ("Content-Language", contentLanguage),
            ("x-amz-website-redirect-location", websiteRedirect), ("x-amz-storage-class", storageClass),
            ("x-amz-server-side-encryption", sse), ("x-amz-server-side-encryption-aws-kms-key-id", sseKMSKeyID),
        ]
        for case let (name, value?) in plain { h.append((name, value)) }
        if let expires {
            guard let date = BotoTimestamp.format(expires, as: "rfc822") else { throw UsageError("--expires: not a timestamp: \(expires)") }
            h.append(("Expires", date))
        }
        for (k, v) in metadata { h.append(("x-amz-meta-" + k, v)) }
        if forCopy, let directive = metadataDirective ?? (metadata.isEmpty ? nil : "REPLACE") {
            h.append(("x-amz-metadata-directive", directive))
        }
        return h
    }
}
