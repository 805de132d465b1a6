import CairnModel

/// The object `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, with an
/// optional `?versionId=`. Parsed once, before authorization, which reads its bucket.
public struct CopySource: Sendable, Equatable {
    public var address: ObjectAddress
    public var versionID: String?

    public init(_ address: ObjectAddress, versionID: String? = nil) {
        self.address = address
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
        address = ObjectAddress(bucket: BucketName(unchecked: String(decoded[..<slash])),
                                key: ObjectKey(unchecked: String(decoded[decoded.index(after: slash)...])))
        self.versionID = versionID
    }
}
