import CairnModel
import Foundation

extension RequestHeaders {
    /// If-Match & co. on GET / HEAD, or their `x-amz-copy-source-if-*` forms for a copy's source.
    public func preconditions(copySource: Bool = false) -> Preconditions {
        let prefix = copySource ? "x-amz-copy-source-" : ""
        func date(_ name: String) -> Date? { self[prefix + name].flatMap(S3Dates.parse) }
        return Preconditions(ifMatch: self[prefix + "if-match"].map(ETagCondition.init(header:)),
                             ifNoneMatch: self[prefix + "if-none-match"].map(ETagCondition.init(header:)),
                             ifModifiedSince: date("if-modified-since"), ifUnmodifiedSince: date("if-unmodified-since"))
    }

    /// If-Match / If-None-Match of a write or a delete. S3 takes only `*` in a write's
    /// If-None-Match (501 NotImplemented otherwise).
    public func writeConditions() throws(S3Error) -> WriteConditions {
        let ifNoneMatch = self["if-none-match"].map(ETagCondition.init(header:))
        if let n = ifNoneMatch, n != .any {
            throw S3Error(.notImplemented, "A header you provided implies functionality that is not implemented",
                          fields: [("Header", "If-None-Match")])
        }
        return WriteConditions(ifMatch: self["if-match"].map(ETagCondition.init(header:)), ifNoneMatch: ifNoneMatch)
    }
}
