import CairnModel

/// The object `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, with an
/// optional `?versionId=`. Parsed once, before authorization, which reads its bucket.
public struct CopySource: Sendable, Equatable {
    public var bucket: String
    public var key: String
    public var versionID: String?

    public init(bucket: String, key: String, versionID: String? = nil) {
        self.bucket = bucket
        self.key = key
        self.versionID = versionID
    }

    public init(header raw: String) throws(S3Error) {
        var path = raw
        var versionID: String?
        if let q = raw.firstIndex(of: "?") {
            for (k, v) in URIEncoding.parseQuery(raw[raw.index(after: q)...]) where k == "versionId" { versionID = v }
            path = String(raw[..<q])
        }
        let decoded = URIEncoding.decode(path.hasPrefix("/") ? String(path.dropFirst()) : path)
        guard let slash = decoded.firstIndex(of: "/"), slash != decoded.startIndex, decoded.index(after: slash) != decoded.endIndex else {
            throw S3Error(.invalidArgument, "Invalid copy source object key", fields: [("ArgumentName", "x-amz-copy-source"), ("ArgumentValue", path)])
        }
        bucket = String(decoded[..<slash])
        key = String(decoded[decoded.index(after: slash)...])
        self.versionID = versionID
    }
}
