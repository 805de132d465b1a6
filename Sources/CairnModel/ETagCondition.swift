/// An If-Match / If-None-Match value, parsed once where the request is read: `*`, or a list of
/// entity tags (quoted or not, weak `W/` ones compared by their tag, as S3 does).
public enum ETagCondition: Sendable, Equatable {
    case any
    case tags([String])

    /// RFC 9110's list: comma-separated, optional white space around each item.
    public init(header: String) {
        var tags: [String] = []
        for item in header.split(separator: ",", omittingEmptySubsequences: false) {
            let t = String(item.trimmingHTTPWhitespace)
            if t == "*" { self = .any; return }
            tags.append(ETag.unquote(t))
        }
        self = .tags(tags)
    }

    public func matches(_ etag: ETag) -> Bool {
        switch self {
        case .any: return true
        case .tags(let tags): return tags.contains(etag.value)
        }
    }
}

extension ETagCondition: ExpressibleByStringLiteral {
    /// A header value written in code (tests, fixed conditions).
    public init(stringLiteral value: String) { self.init(header: value) }
}
