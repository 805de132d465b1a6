/// botocore's `decode_list_object`, `decode_list_object_v2` and `decode_list_object_versions`:
/// when the client itself chose `EncodingType=url` (the user did not), the keys S3 encoded are
/// decoded again before anyone sees them. Each listing names its own fields.
enum ListingDecoding {
    /// Per operation: the top-level fields, then (list, field) pairs.
    static let keys: [String: (top: [String], nested: [(String, String)])] = [
        "ListObjects": (["Delimiter", "Marker", "NextMarker"], [("Contents", "Key"), ("CommonPrefixes", "Prefix")]),
        "ListObjectsV2": (["Delimiter", "Prefix", "StartAfter"], [("Contents", "Key"), ("CommonPrefixes", "Prefix")]),
        "ListObjectVersions": (["KeyMarker", "NextKeyMarker", "Prefix", "Delimiter"],
                               [("Versions", "Key"), ("DeleteMarkers", "Key"), ("CommonPrefixes", "Prefix")]),
    ]

    static func decode(_ o: inout JSONObject, operation: String) {
        guard o["EncodingType"]?.stringValue == "url", let k = keys[operation] else { return }
        func dec(_ v: JSONValue?) -> JSONValue? {
            guard case .string(let s) = v ?? .null else { return v }
            return .string(URIEncodingBridge.decodeForm(s))
        }
        for key in k.top where o[key] != nil { o[key] = dec(o[key]) }
        for (top, child) in k.nested {
            guard case .array(let a) = o[top] ?? .null else { continue }
            o[top] = .array(a.map { el in
                guard case .object(var e) = el else { return el }
                e[child] = dec(e[child])
                return .object(e)
            })
        }
    }
}
