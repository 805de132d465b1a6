import CairnModel

/// The object `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, with an
/// optional `?versionId=`. Parsed once, before authorization, which reads its bucket.
public struct CopySource: Sendable, Equatable {
    /// The source object, with the version `?versionId=` names (nil: the current one).
    public var address: ObjectAddress

    public init(_ address: ObjectAddress) {
        self.address = address
    }

    public var versionID: VersionID? { address.versionID }

    public init(header raw: String) throws(S3Error) {
        var path = raw
        var versionID: VersionID?
        if let q = raw.firstIndex(of: "?") {
            for (k, v) in URIEncoding.parseQuery(raw[raw.index(after: q)...]) where k == "versionId" { versionID = try VersionID(parsing: v) }
            path = String(raw[..<q])
        }
        let decoded = URIEncoding.decode(path.hasPrefix("/") ? String(path.dropFirst()) : path)
        guard let slash = decoded.firstIndex(of: "/"), slash != decoded.startIndex, decoded.index(after: slash) != decoded.endIndex else {
            throw S3Error(.invalidArgument, "Invalid copy source object key", fields: [("ArgumentName", "x-amz-copy-source"), ("ArgumentValue", path)])
        }
        address = ObjectAddress(bucket: BucketName(unchecked: String(decoded[..<slash])),
                                key: ObjectKey(unchecked: String(decoded[decoded.index(after: slash)...])), versionID: versionID)
    }
}
