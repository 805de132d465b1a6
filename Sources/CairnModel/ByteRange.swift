import Foundation

/// A resolved, satisfiable byte range of a representation: `first...last`, inclusive.
public struct ByteRange: Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    public var count: Int64 { last - first + 1 }
    public init(first: Int64, last: Int64) {
        self.first = first
        self.last = last
    }
}

/// A `Range` header as requested, before the object's size is known.
public enum RangeRequest: Sendable, Equatable {
    case fromTo(Int64, Int64?)   // bytes=first-last, bytes=first-
    case suffix(Int64)           // bytes=-n

    /// Parses `bytes=a-b`, `bytes=a-`, `bytes=-n`. Returns nil for anything S3 ignores (it serves the
    /// whole object for a syntactically invalid or multi-range header, as HTTP allows).
    public static func parse(_ header: String) -> RangeRequest? {
        let h = header.trimmingCharacters(in: " ")
        guard h.hasPrefix("bytes=") else { return nil }
        let spec = h.dropFirst(6)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return nil }
        let a = spec[..<dash].trimmingCharacters(in: " "), b = spec[spec.index(after: dash)...].trimmingCharacters(in: " ")
        if a.isEmpty {
            guard let n = Int64(b), n >= 0 else { return nil }
            return .suffix(n)
        }
        guard let first = Int64(a), first >= 0 else { return nil }
        if b.isEmpty { return .fromTo(first, nil) }
        guard let last = Int64(b), last >= first else { return nil }
        return .fromTo(first, last)
    }

    /// The satisfiable range within `size` bytes, or nil when unsatisfiable (416 InvalidRange).
    public func resolve(size: Int64) -> ByteRange? {
        switch self {
        case .fromTo(let first, let last):
            guard first < size else { return nil }
            return ByteRange(first: first, last: min(last ?? size - 1, size - 1))
        case .suffix(let n):
            guard n > 0, size > 0 else { return nil }
            return ByteRange(first: max(0, size - n), last: size - 1)
        }
    }
}

extension Substring {
    func trimmingCharacters(in char: Character) -> String { String(self).trimmingCharacters(in: char) }
}
