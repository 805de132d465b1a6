import CairnModel

/// Answering browsers from a bucket's rules: a preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) and the CORS headers of an actual request.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html#cors-eval-criteria
extension CORSConfiguration {
    /// `Vary` on every response of a bucket with CORS rules to a request with an `Origin`, as S3
    /// sends it: caches must keep one answer per origin and preflight question.
    public static let vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"

    /// The first rule allowing `origin`, `method` and every header of `requestHeaders`.
    public func rule(origin: String, method: String, requestHeaders: [String] = []) -> CORSRule? {
        rules.first { r in
            r.allowedOrigins.contains { CORSWildcard.matches($0, origin) }
                && r.allowedMethods.contains(method)
                && requestHeaders.allSatisfy { h in r.allowedHeaders.contains { CORSWildcard.matches($0.lowercased(), h.lowercased()) } }
        }
    }

    /// The preflight's answer: the headers of the matching rule, or S3's 403 AccessForbidden
    /// (`resourceType` is `OBJECT` or `BUCKET`, as S3 names it in the error).
    public func preflight(_ request: CORSPreflight, resourceType: String) throws(S3Error) -> [(String, String)] {
        guard let rule = rule(origin: request.origin, method: request.method, requestHeaders: request.requestHeaders) else {
            throw S3Error(.accessForbidden, fields: [("Method", request.method), ("ResourceType", resourceType)])
        }
        var h = Self.originHeaders(rule, origin: request.origin)
        if !request.requestHeaders.isEmpty { h.append(("Access-Control-Allow-Headers", request.requestHeaders.joined(separator: ", "))) }
        h.append(("Vary", Self.vary))
        return h
    }

    /// The CORS headers of an actual request (errors included): the first rule allowing the origin
    /// and the request's method; none when no rule does (the browser then refuses the response).
    public func actualResponseHeaders(origin: String, method: String) -> [(String, String)] {
        guard let rule = rule(origin: origin, method: method) else { return [("Vary", Self.vary)] }
        return Self.originHeaders(rule, origin: origin) + [("Vary", Self.vary)]
    }

    /// `Access-Control-Allow-Origin` (`*` when the rule allows any origin, else the origin itself,
    /// with `Access-Control-Allow-Credentials: true`), `-Allow-Methods`, `-Expose-Headers`, `-Max-Age`.
    static func originHeaders(_ rule: CORSRule, origin: String) -> [(String, String)] {
        var h: [(String, String)] = []
        if rule.allowedOrigins.contains("*") {
            h.append(("Access-Control-Allow-Origin", "*"))
        } else {
            h.append(("Access-Control-Allow-Origin", origin))
            h.append(("Access-Control-Allow-Credentials", "true"))
        }
        h.append(("Access-Control-Allow-Methods", rule.allowedMethods.joined(separator: ", ")))
        if !rule.exposeHeaders.isEmpty { h.append(("Access-Control-Expose-Headers", rule.exposeHeaders.joined(separator: ", "))) }
        if let age = rule.maxAgeSeconds { h.append(("Access-Control-Max-Age", String(age))) }
        return h
    }
}

/// A preflight's question, from its headers.
public struct CORSPreflight: Sendable, Equatable {
    public var origin: String
    public var method: String
    /// `Access-Control-Request-Headers`, split at commas, trimmed, lowercased.
    public var requestHeaders: [String]

    /// S3's 400s: no `Origin` ("Insufficient information. Origin request header needed."), a
    /// missing or unknown `Access-Control-Request-Method`.
    public init(origin: String?, method: String?, requestHeaders: String?) throws(S3Error) {
        guard let origin else { throw S3Error(.badRequest, "Insufficient information. Origin request header needed.") }
        guard let method, CORSConfiguration.allowedMethods.contains(method) else {
            throw S3Error(.badRequest, "Invalid Access-Control-Request-Method: \(method ?? "null")")
        }
        self.origin = origin
        self.method = method
        self.requestHeaders = (requestHeaders ?? "").split(separator: ",").map { String($0.trimmingHTTPWhitespace).lowercased() }
            .filter { !$0.isEmpty }
    }
}

/// S3's CORS wildcard: at most one `*`, matching any run of characters.
enum CORSWildcard {
    static func matches(_ pattern: String, _ value: String) -> Bool {
        guard let star = pattern.firstIndex(of: "*") else { return pattern == value }
        let prefix = pattern[..<star], suffix = pattern[pattern.index(after: star)...]
        return value.count >= prefix.count + suffix.count && value.hasPrefix(prefix) && value.hasSuffix(suffix)
    }
}
