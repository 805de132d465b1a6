import CairnModel
import Foundation

/// A bucket's CORS configuration (PutBucketCors): rules tried in order, the first that matches a
/// request's origin, method and headers answers it. Stored as this type's JSON, written back as
/// S3's XML by GetBucketCors.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSRule.html
public struct CORSConfiguration: Codable, Sendable, Equatable {
    public var rules: [CORSRule]
    public init(rules: [CORSRule]) { self.rules = rules }

    /// The methods a rule may allow: S3 refuses any other (OPTIONS included: preflights are
    /// answered from the rules, never allowed by them).
    public static let allowedMethods: Set<String> = ["GET", "PUT", "POST", "DELETE", "HEAD"]

    /// Parses and validates a `<CORSConfiguration>` body as S3 does: at most 100 rules, each with
    /// at least one AllowedOrigin and AllowedMethod (MalformedXML otherwise), methods from
    /// `allowedMethods`, at most one `*` in an origin or a header, no `*` in an ExposeHeader
    /// (InvalidRequest with S3's messages).
    public init(xml data: Data) throws(S3Error) {
        let doc = try RequestXML.decode(CORSConfigurationXML.self, from: data)
        guard !doc.CORSRule.isEmpty else { throw S3Error(.malformedXML) }
        guard doc.CORSRule.count <= 100 else {
            throw S3Error(.invalidRequest, "The number of CORS rules should not exceed allowed limit of 100 rules.")
        }
        rules = try doc.CORSRule.map { r throws(S3Error) in
            guard !r.AllowedOrigin.isEmpty, !r.AllowedMethod.isEmpty else { throw S3Error(.malformedXML) }
            if let bad = r.AllowedMethod.first(where: { !Self.allowedMethods.contains($0) }) {
                throw S3Error(.invalidRequest, "Found unsupported HTTP method in CORS config. Unsupported method is \(bad)")
            }
            for o in r.AllowedOrigin where o.filter({ $0 == "*" }).count > 1 {
                throw S3Error(.invalidRequest, "AllowedOrigin \"\(o)\" can not have more than one wildcard.")
            }
            for h in r.AllowedHeader where h.filter({ $0 == "*" }).count > 1 {
                throw S3Error(.invalidRequest, "AllowedHeader \"\(h)\" can not have more than one wildcard.")
            }
            if let e = r.ExposeHeader.first(where: { $0.contains("*") }) {
                throw S3Error(.invalidRequest, "ExposeHeader \"\(e)\" contains wildcard. We currently do not support wildcard for ExposeHeader.")
            }
            if let id = r.ID, id.count > 255 {
                throw S3Error(.invalidArgument, "ID length should not exceed allowed limit of 255")
            }
            let maxAge = r.MaxAgeSeconds?.value
            if let maxAge, maxAge < 0 { throw S3Error(.malformedXML) }
            return CORSRule(id: r.ID, allowedOrigins: r.AllowedOrigin, allowedMethods: r.AllowedMethod,
                            allowedHeaders: r.AllowedHeader, exposeHeaders: r.ExposeHeader, maxAgeSeconds: maxAge)
        }
    }

    /// The stored form.
    public func json() -> String {
        String(decoding: (try? JSONEncoder().encode(self)) ?? Data(), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(CORSConfiguration.self, from: Data(json.utf8))
    }

    /// GetBucketCors's body.
    public func xml() -> XMLWriter {
        var w = XMLWriter()
        w.group("CORSConfiguration", xmlns: XMLWriter.s3Namespace) { w in
            for r in rules {
                w.group("CORSRule") { w in
                    w.element("ID", r.id)
                    for h in r.allowedHeaders { w.element("AllowedHeader", h) }
                    for m in r.allowedMethods { w.element("AllowedMethod", m) }
                    for o in r.allowedOrigins { w.element("AllowedOrigin", o) }
                    for e in r.exposeHeaders { w.element("ExposeHeader", e) }
                    if let a = r.maxAgeSeconds { w.element("MaxAgeSeconds", a) }
                }
            }
        }
        return w
    }
}

/// One `<CORSRule>`.
public struct CORSRule: Codable, Sendable, Equatable {
    public var id: String?
    public var allowedOrigins: [String]
    public var allowedMethods: [String]
    public var allowedHeaders: [String]
    public var exposeHeaders: [String]
    public var maxAgeSeconds: Int?

    public init(id: String? = nil, allowedOrigins: [String], allowedMethods: [String], allowedHeaders: [String] = [],
                exposeHeaders: [String] = [], maxAgeSeconds: Int? = nil) {
        self.id = id
        self.allowedOrigins = allowedOrigins
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposeHeaders = exposeHeaders
        self.maxAgeSeconds = maxAgeSeconds
    }
}

/// `<CORSConfiguration>` as sent; element text kept exactly.
struct CORSConfigurationXML: Decodable {
    struct Rule: Decodable {
        var ID: String?
        var AllowedOrigin: [String]
        var AllowedMethod: [String]
        var AllowedHeader: [String]
        var ExposeHeader: [String]
        var MaxAgeSeconds: XMLToken<Int>?

        enum CodingKeys: String, CodingKey {
            case ID, AllowedOrigin, AllowedMethod, AllowedHeader, ExposeHeader, MaxAgeSeconds
        }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ID = try c.decodeIfPresent(String.self, forKey: .ID)
            AllowedOrigin = try c.decodeIfPresent([String].self, forKey: .AllowedOrigin) ?? []
            AllowedMethod = try c.decodeIfPresent([String].self, forKey: .AllowedMethod) ?? []
            AllowedHeader = try c.decodeIfPresent([String].self, forKey: .AllowedHeader) ?? []
            ExposeHeader = try c.decodeIfPresent([String].self, forKey: .ExposeHeader) ?? []
            MaxAgeSeconds = try c.decodeIfPresent(XMLToken<Int>.self, forKey: .MaxAgeSeconds)
        }
    }
    var CORSRule: [Rule]

    enum CodingKeys: String, CodingKey { case CORSRule }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        CORSRule = try c.decodeIfPresent([Rule].self, forKey: .CORSRule) ?? []
    }
}
