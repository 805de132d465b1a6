import Foundation

/// RFC 7232 conditional headers, evaluated the way S3 does.
public struct Preconditions: Sendable {
    public var ifMatch: ETagCondition?
    public var ifNoneMatch: ETagCondition?
    public var ifModifiedSince: Date?
    public var ifUnmodifiedSince: Date?

    public init(ifMatch: ETagCondition? = nil, ifNoneMatch: ETagCondition? = nil, ifModifiedSince: Date? = nil, ifUnmodifiedSince: Date? = nil) {
        self.ifMatch = ifMatch
        self.ifNoneMatch = ifNoneMatch
        self.ifModifiedSince = ifModifiedSince
        self.ifUnmodifiedSince = ifUnmodifiedSince
    }

    public var isEmpty: Bool { ifMatch == nil && ifNoneMatch == nil && ifModifiedSince == nil && ifUnmodifiedSince == nil }

    public enum Outcome: Sendable, Equatable { case proceed, notModified, failed }

    /// S3's order: If-Match (true overrides If-Unmodified-Since), then If-None-Match (false overrides
    /// If-Modified-Since). Dates compare at one-second precision, as HTTP dates have.
    public func evaluate(etag: ETag, lastModified: Date) -> Outcome {
        let modified = lastModified.timeIntervalSince1970.rounded(.down)
        if let m = ifMatch {
            if !m.matches(etag) { return .failed }
        } else if let d = ifUnmodifiedSince, modified > d.timeIntervalSince1970 {
            return .failed
        }
        if let n = ifNoneMatch {
            if n.matches(etag) { return .notModified }
        } else if let d = ifModifiedSince, modified <= d.timeIntervalSince1970 {
            return .notModified
        }
        return .proceed
    }
}
