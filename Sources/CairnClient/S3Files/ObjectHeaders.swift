import CairnModel
import Crypto
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
    /// `--checksum-algorithm`: the checksum uploads carry and copies are given (the header
    /// `x-amz-checksum-algorithm` on CopyObject and CreateMultipartUpload).
    public var checksumAlgorithm: ChecksumAlgorithm?
    /// `COPY` or `REPLACE`, for copies; `REPLACE` when `metadata` is given without it (as awscli).
    public var metadataDirective: String?
    /// SSE-C (`--sse-c AES256 --sse-c-key KEY`): the key of the objects written or read; the raw
    /// key, or `fileb://path` for its bytes. The copy-source pair reads a copy's source.
    public var sseC: String?
    public var sseCKey: String?
    public var sseCCopySource: String?
    public var sseCCopySourceKey: String?
    /// `--acl`: a canned ACL (`x-amz-acl`) for the objects written.
    public var acl: String?
    /// `--grants read=uri=...`: `(permission, grantee)` pairs, each sent verbatim as
    /// `x-amz-grant-<permission>` (awscli's `_set_grant_params`).
    public var grants: [(String, String)] = []

    public init() {}

    /// awscli's grant permissions and the header each becomes.
    static let grantHeaders = ["read": "x-amz-grant-read", "full": "x-amz-grant-full-control",
                               "readacl": "x-amz-grant-read-acp", "writeacl": "x-amz-grant-write-acp"]

    /// `--grants`: each value `permission=grantee`, in awscli's words when it is not.
    public static func parseGrants(_ values: [String]) throws -> [(String, String)] {
        try values.map { v in
            guard let eq = v.firstIndex(of: "=") else { throw UsageError("grants should be of the form permission=principal") }
            let permission = String(v[..<eq])
            guard grantHeaders[permission] != nil else { throw UsageError("permission must be one of: read|readacl|writeacl|full") }
            return (permission, String(v[v.index(after: eq)...]))
        }
    }

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

    /// The SSE-C headers of the objects written (or, for downloads, read).
    public func customerKeyHeaders() throws -> [(String, String)] {
        try Self.customerKey(sseC, sseCKey, prefix: "x-amz-server-side-encryption-customer-")
    }

    /// The SSE-C headers that let a copy read its source (`x-amz-copy-source-...`), and the same
    /// key as a HeadObject of the source sends it.
    public func copySourceKeyHeaders() throws -> (copy: [(String, String)], head: [(String, String)]) {
        (try Self.customerKey(sseCCopySource, sseCCopySourceKey, prefix: "x-amz-copy-source-server-side-encryption-customer-"),
         try Self.customerKey(sseCCopySource, sseCCopySourceKey, prefix: "x-amz-server-side-encryption-customer-"))
    }

    /// algorithm, key (base64) and key-MD5 (base64), as botocore derives them from the raw key.
    static func customerKey(_ algorithm: String?, _ key: String?, prefix: String) throws -> [(String, String)] {
        guard let algorithm, let key else { return [] }
        var bytes = Array(key.utf8)
        if key.hasPrefix("fileb://") {
            guard let d = FileManager.default.contents(atPath: String(key.dropFirst(8))) else {
                throw UsageError("cannot read the key file \(key.dropFirst(8))")
            }
            bytes = Array(d)
        }
        return [(prefix + "algorithm", algorithm), (prefix + "key", Data(bytes).base64EncodedString()),
                (prefix + "key-MD5", Data(Insecure.MD5.hash(data: bytes)).base64EncodedString())]
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
        if let acl { h.append(("x-amz-acl", acl)) }
        for (permission, grantee) in grants { h.append((Self.grantHeaders[permission]!, grantee)) }
        if let expires {
            guard let date = BotoTimestamp.format(expires, as: "rfc822") else { throw UsageError("--expires: not a timestamp: \(expires)") }
            h.append(("Expires", date))
        }
        for (k, v) in metadata { h.append(("x-amz-meta-" + k, v)) }
        if forCopy, let checksumAlgorithm { h.append(("x-amz-checksum-algorithm", checksumAlgorithm.rawValue)) }
        if forCopy, let directive = metadataDirective ?? (metadata.isEmpty ? nil : "REPLACE") {
            h.append(("x-amz-metadata-directive", directive))
        }
        return h
    }
}
