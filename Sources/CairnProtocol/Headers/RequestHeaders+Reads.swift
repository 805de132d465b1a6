import CairnModel

extension RequestHeaders {
    /// The `Range` header as S3 reads it: nil when absent or not a single byte range S3 honours
    /// (it then serves the whole object).
    public var range: (header: String, request: RangeRequest)? {
        guard let h = self["range"], let r = RangeRequest.parse(h) else { return nil }
        return (h, r)
    }

    /// Whether a `Range` header came at all (with `?partNumber`, any Range is InvalidRequest).
    public var rangeSent: Bool { self["range"] != nil }

    /// UploadPartCopy's `x-amz-copy-source-range`: `bytes=first-last` only (no open or suffix forms),
    /// within a source of `size` bytes.
    public func copySourceRange(size: Int64) throws(S3Error) -> ByteRange? {
        guard let header = self["x-amz-copy-source-range"] else { return nil }
        let invalid = S3Error(.invalidArgument, "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                              fields: [("ArgumentName", "x-amz-copy-source-range"), ("ArgumentValue", header)])
        guard header.hasPrefix("bytes=") else { throw invalid }
        let parts = header.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let first = Int64(parts[0]), let last = Int64(parts[1]), first >= 0, last >= first else { throw invalid }
        guard last < size else {
            // AWS answers a range past the source's end with 400 InvalidArgument, not 416.
            throw S3Error(.invalidArgument, "Range specified is not valid for source object of size: \(size)",
                          fields: [("ArgumentName", "x-amz-copy-source-range"), ("ArgumentValue", header)])
        }
        return ByteRange(first: first, last: last)
    }

    /// `x-amz-request-payer: requester`: the request accepts a requester-pays bucket's charges.
    public var requesterPays: Bool { self["x-amz-request-payer"]?.lowercased() == "requester" }

    /// GetObjectAttributes' `x-amz-object-attributes`: a non-empty set of known names, else
    /// InvalidArgument.
    public func objectAttributes() throws(S3Error) -> Set<ObjectAttribute> {
        var out = Set<ObjectAttribute>()
        for item in (self["x-amz-object-attributes"] ?? "").split(separator: ",") {
            guard let a = ObjectAttribute(rawValue: String(item.trimmingHTTPWhitespace)) else { out = []; break }
            out.insert(a)
        }
        guard !out.isEmpty else {
            throw S3Error(.invalidArgument, "Invalid attribute name specified.", fields: [("ArgumentName", "x-amz-object-attributes")])
        }
        return out
    }

    /// GetObjectAttributes' `x-amz-max-parts` (at most 1,000) and `x-amz-part-number-marker`.
    public func objectPartsPage() throws(S3Error) -> (maxParts: Int, marker: Int) {
        (try int("x-amz-max-parts", default: 1000, max: 1000), try int("x-amz-part-number-marker", default: 0, max: PartNumber.max))
    }
}

/// The attributes GetObjectAttributes can return.
public enum ObjectAttribute: String, Sendable, Hashable {
    case etag = "ETag"
    case checksum = "Checksum"
    case objectParts = "ObjectParts"
    case storageClass = "StorageClass"
    case objectSize = "ObjectSize"
}
