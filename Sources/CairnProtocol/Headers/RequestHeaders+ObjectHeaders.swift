import CairnModel

extension RequestHeaders {
    /// The representation headers an upload stores (PutObject, CreateMultipartUpload, a REPLACE copy).
    public func objectHeaders() throws(S3Error) -> ObjectHeaders {
        var storageClass: StorageClass?
        if let raw = self["x-amz-storage-class"] {
            guard let sc = StorageClass(rawValue: raw) else { throw S3Error.invalidStorageClass(raw) }
            storageClass = sc
        }
        return ObjectHeaders(contentType: self["content-type"], contentEncoding: storedContentEncoding,
                             contentDisposition: self["content-disposition"], contentLanguage: self["content-language"],
                             cacheControl: self["cache-control"], expires: self["expires"],
                             websiteRedirectLocation: self["x-amz-website-redirect-location"],
                             userMetadata: try userMetadata(), storageClass: storageClass == .standard ? nil : storageClass)
    }

    /// Every `x-amz-meta-*` header, the prefix removed (repeated names joined with commas, as HTTP
    /// folds them); S3 limits their total size to 2 KB.
    public func userMetadata() throws(S3Error) -> [String: String] {
        var meta: [String: String] = [:]
        var size = 0
        for (name, value) in fields {
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

    /// The Content-Encoding to store, as sent (`deflate, gzip` stays `deflate, gzip`), except that
    /// `aws-chunked`, transfer framing rather than a property of the object, is taken out with its comma.
    var storedContentEncoding: String? {
        guard let ce = self["content-encoding"] else { return nil }
        let codings = ce.split(separator: ",", omittingEmptySubsequences: false)
        guard codings.contains(where: { $0.trimmingHTTPWhitespace == "aws-chunked" }) else { return ce }
        let kept = codings.filter { $0.trimmingHTTPWhitespace != "aws-chunked" }.joined(separator: ",")
        let trimmed = kept.trimmingHTTPWhitespace
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// CopyObject's `x-amz-metadata-directive`: COPY (the default) or REPLACE.
    public func metadataDirective() throws(S3Error) -> MetadataDirective {
        try directive("x-amz-metadata-directive", default: .copy, unknown: "Unknown metadata directive.")
    }

    /// A CopyObject directive header (`COPY` / `REPLACE`): `value` when absent, InvalidArgument
    /// with `unknown` when not one of the enum's values.
    func directive<D: RawRepresentable<String>>(_ name: String, default value: D, unknown: String) throws(S3Error) -> D {
        guard let raw = self[name] else { return value }
        guard let d = D(rawValue: raw) else {
            throw S3Error(.invalidArgument, unknown, fields: [("ArgumentName", name), ("ArgumentValue", raw)])
        }
        return d
    }
}

/// Whether a copy keeps the source's headers or takes the request's.
public enum MetadataDirective: String, Sendable {
    case copy = "COPY"
    case replace = "REPLACE"
}

extension S3Error {
    public static func invalidStorageClass(_ storageClass: String) -> S3Error {
        S3Error(.invalidStorageClass, "The storage class you specified is not valid",
                fields: [("StorageClassRequested", storageClass)])
    }
}
