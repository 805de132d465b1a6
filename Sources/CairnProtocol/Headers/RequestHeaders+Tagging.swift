import CairnModel
import Foundation

extension RequestHeaders {
    /// `x-amz-tagging` of PutObject, CreateMultipartUpload and a REPLACE CopyObject: the tag set as
    /// a URL query (`k1=v1&k2=v2`), validated as an object's. nil when the header is absent.
    public func tagging() throws(S3Error) -> TagSet? {
        guard let raw = self["x-amz-tagging"] else { return nil }
        return try TagSet(validating: Self.parseTagQuery(raw), for: .object)
    }

    /// The pairs of an `x-amz-tagging` value. It is form-encoded (`+` is a space, as Java's
    /// URLEncoder and Python's urlencode write it; a literal plus is `%2B`); a name without `=`
    /// has the empty value. A pair with a second `=`, or a name given twice, is InvalidArgument
    /// with S3's message (observed: aws/aws-cli#2841).
    static func parseTagQuery(_ raw: String) throws(S3Error) -> [TagSet.Tag] {
        let malformed = S3Error(.invalidArgument,
                                "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.",
                                fields: [("ArgumentName", "x-amz-tagging"), ("ArgumentValue", raw)])
        func decode(_ s: Substring) -> String { URIEncoding.decode(s.replacingOccurrences(of: "+", with: " ")) }
        var tags: [TagSet.Tag] = []
        var names = Set<String>()
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let sides = pair.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            guard sides.count <= 2 else { throw malformed }
            let tag = TagSet.Tag(key: decode(sides[0]), value: sides.count == 2 ? decode(sides[1]) : "")
            guard names.insert(tag.key).inserted else { throw malformed }
            tags.append(tag)
        }
        return tags
    }

    /// CopyObject's `x-amz-tagging-directive`: COPY (the default) or REPLACE.
    public func taggingDirective() throws(S3Error) -> TaggingDirective {
        try directive("x-amz-tagging-directive", default: .copy, unknown: "Unknown tagging directive.")
    }
}

/// Whether a copy keeps the source's tags or takes the request's `x-amz-tagging`.
public enum TaggingDirective: String, Sendable {
    case copy = "COPY"
    case replace = "REPLACE"
}
