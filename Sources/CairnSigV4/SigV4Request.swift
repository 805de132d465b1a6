import CairnModel

/// The parts of an HTTP request that SigV4 signs, with no dependency on an HTTP library.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as it came on the wire (still percent-encoded).
    public var rawPath: String
    /// Decoded query parameters, in order.
    public var query: [(String, String)]
    /// Header names (any case) and values; repeated names are joined with "," when canonicalised.
    public var headers: [(String, String)]
    /// The query as it came on the wire, when known: SigV2 signs a subresource as sent (`?acl` and
    /// `?acl=` differ). Without it, `query` is re-encoded with bare names for empty values.
    public var rawQuery: String?

    public init(method: String, rawPath: String, query: [(String, String)], headers: [(String, String)]) {
        self.method = method
        self.rawPath = rawPath
        self.query = query
        self.headers = headers
    }

    /// The raw query, or `query` encoded again when the raw form is not known.
    public var wireQuery: String {
        rawQuery ?? URIEncoding.formatQuery(query)
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }
}

/// Access key, secret and the scope a signature covers.
public struct SigningCredentials: Sendable {
    public var accessKey: String
    public var secretKey: String
    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }
}

/// `yyyymmdd/region/service/aws4_request`.
public struct CredentialScope: Sendable, Equatable {
    public var date: String
    public var region: String
    public var service: String
    public var string: String { "\(date)/\(region)/\(service)/aws4_request" }

    public init(date: String, region: String, service: String) {
        self.date = date
        self.region = region
        self.service = service
    }

    /// Parses `AKID/date/region/service/aws4_request` into the key id and the scope.
    public static func parseCredential(_ s: String) -> (accessKey: String, scope: CredentialScope)? {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 5, parts.last == "aws4_request" else { return nil }
        // An access key never contains '/', but be tolerant and take the last four as the scope.
        let n = parts.count
        let key = parts[0..<(n - 4)].joined(separator: "/")
        return (key, CredentialScope(date: parts[n - 4], region: parts[n - 3], service: parts[n - 2]))
    }
}
