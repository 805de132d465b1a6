/// If-Match / If-None-Match on a write (PutObject, CopyObject, CompleteMultipartUpload) or a
/// DeleteObject: checked in the transaction that writes, against the key's current version (a
/// delete marker counts as no object), so of two racing conditional writes one wins and the other
/// sees its result.
public struct WriteConditions: Sendable, Equatable {
    public var ifMatch: ETagCondition?
    public var ifNoneMatch: ETagCondition?

    public init(ifMatch: ETagCondition? = nil, ifNoneMatch: ETagCondition? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
    }

    public var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil }

    /// S3's answers: If-Match on a missing key is 404 NoSuchKey, a different ETag 412; If-None-Match
    /// on an existing key (`*`, or its ETag) 412.
    public func check(current etag: ETag?, key: ObjectKey) throws(S3Error) {
        if let m = ifMatch {
            guard let etag else { throw S3Error(.noSuchKey, fields: [("Key", key.rawValue)]) }
            if !m.matches(etag) { throw S3Error(.preconditionFailed, fields: [("Condition", "If-Match")]) }
        }
        if let n = ifNoneMatch, let etag, n.matches(etag) {
            throw S3Error(.preconditionFailed, fields: [("Condition", "If-None-Match")])
        }
    }
}
