import CairnModel
import Foundation

/// What every key listing shares: the prefix, the delimiter (an empty one is none) and whether
/// keys go out percent-encoded (`encoding-type=url`).
public struct ListingScope: Sendable, Equatable {
    public var prefix: String
    public var delimiter: String?
    public var urlEncoded: Bool

    public init(prefix: String = "", delimiter: String? = nil, urlEncoded: Bool = false) {
        self.prefix = prefix
        self.delimiter = delimiter
        self.urlEncoded = urlEncoded
    }

    init(_ q: QueryArguments) throws(S3Error) {
        prefix = q["prefix"] ?? ""
        delimiter = q["delimiter"].flatMap { $0.isEmpty ? nil : $0 }
        urlEncoded = try q.encodingType()
    }
}

/// ListObjects (v1) and ListObjectsV2.
public struct ListObjectsRequest: Sendable, Equatable {
    public var scope: ListingScope
    public var maxKeys: Int
    /// v1's `marker`, as sent.
    public var marker: String?
    /// v2's `continuation-token`, as sent, and the key it stands for.
    public var continuationToken: String?
    public var startAfter: String?
    /// The key the page starts after: the token's, else `start-after` (v2); `marker` (v1).
    public var after: String?
    public var fetchOwner: Bool

    public init(scope: ListingScope = ListingScope(), maxKeys: Int = 1000, marker: String? = nil, continuationToken: String? = nil,
                startAfter: String? = nil, after: String? = nil, fetchOwner: Bool = false) {
        self.scope = scope
        self.maxKeys = maxKeys
        self.marker = marker
        self.continuationToken = continuationToken
        self.startAfter = startAfter
        self.after = after
        self.fetchOwner = fetchOwner
    }

    init(_ q: QueryArguments, version: Int) throws(S3Error) {
        scope = try ListingScope(q)
        maxKeys = try q.int("max-keys", default: 1000, range: 0...1000)
        if version == 2 {
            marker = nil
            continuationToken = q["continuation-token"]
            startAfter = q["start-after"]
            after = try continuationToken.map { (t) throws(S3Error) in try ContinuationToken.decode(t) } ?? startAfter
            fetchOwner = q["fetch-owner"] == "true"
        } else {
            marker = q["marker"]
            continuationToken = nil
            startAfter = nil
            after = marker
            fetchOwner = true
        }
    }
}

/// ListObjectVersions.
public struct ListVersionsRequest: Sendable, Equatable {
    public var scope: ListingScope
    public var maxKeys: Int
    public var keyMarker: String?
    /// Counts only with a key marker: the page starts after this version of that key.
    public var versionIDMarker: VersionID?

    init(_ q: QueryArguments) throws(S3Error) {
        scope = try ListingScope(q)
        maxKeys = try q.int("max-keys", default: 1000, range: 0...1000)
        keyMarker = q["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        if let raw = q["version-id-marker"], !raw.isEmpty {
            guard keyMarker != nil else {
                throw S3Error(.invalidArgument, "A version-id marker cannot be specified without a key marker.",
                              fields: [("ArgumentName", "version-id-marker"), ("ArgumentValue", raw)])
            }
            versionIDMarker = try VersionID(parsing: raw)
        }
    }
}

/// ListMultipartUploads. An upload-id marker counts only with a key marker, as on S3.
public struct ListUploadsRequest: Sendable, Equatable {
    public var scope: ListingScope
    public var maxUploads: Int
    public var keyMarker: String?
    public var uploadIDMarker: UploadID?

    init(_ q: QueryArguments) throws(S3Error) {
        scope = try ListingScope(q)
        maxUploads = try q.int("max-uploads", default: 1000, range: 0...1000)
        keyMarker = q["key-marker"].flatMap { $0.isEmpty ? nil : $0 }
        uploadIDMarker = keyMarker == nil ? nil : q["upload-id-marker"].flatMap { $0.isEmpty ? nil : UploadID($0) }
    }
}

/// ListParts.
public struct ListPartsRequest: Sendable, Equatable {
    public var maxParts: Int
    public var partNumberMarker: Int

    public init(maxParts: Int = 1000, partNumberMarker: Int = 0) {
        self.maxParts = maxParts
        self.partNumberMarker = partNumberMarker
    }

    init(_ q: QueryArguments) throws(S3Error) {
        maxParts = try q.int("max-parts", default: 1000, range: 0...1000)
        partNumberMarker = try q.int("part-number-marker", default: 0, range: 0...PartNumber.max)
    }
}

/// A request's query parameters (the first of repeated names), read with S3's errors.
/// ListBuckets, paged as S3 has since 2024.
public struct ListBucketsRequest: Sendable, Equatable {
    /// `prefix` as sent (echoed in the response when present).
    public var prefix: String?
    public var region: String?
    /// 1 ... 10,000; nil = every bucket on one page.
    public var maxBuckets: Int?
    /// The bucket name the `continuation-token` stands for.
    public var after: String?

    public init(prefix: String? = nil, region: String? = nil, maxBuckets: Int? = nil, after: String? = nil) {
        self.prefix = prefix
        self.region = region
        self.maxBuckets = maxBuckets
        self.after = after
    }

    init(_ q: QueryArguments) throws(S3Error) {
        prefix = q["prefix"]
        region = q["bucket-region"]
        if let raw = q["max-buckets"] {
            guard let n = Int(raw), (1...10000).contains(n) else {
                throw S3Error(.invalidArgument, "Argument max-buckets must be an integer between 1 and 10000",
                              fields: [("ArgumentName", "max-buckets"), ("ArgumentValue", raw)])
            }
            maxBuckets = n
        }
        after = try q["continuation-token"].map(ContinuationToken.decode)
    }
}

/// GET / HEAD `response-*` query parameters: header values the response takes instead of the
/// stored ones (a presigned download naming its file, for instance).
public struct ResponseOverrides: Sendable, Equatable {
    /// (response header name, value), in S3's order.
    public var headers: [(name: String, value: String)]

    static let parameters = [
        ("response-content-type", "Content-Type"), ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"), ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"), ("response-content-encoding", "Content-Encoding"),
    ]

    public init(headers: [(name: String, value: String)] = []) { self.headers = headers }

    init(_ q: [String: String]) {
        headers = Self.parameters.compactMap { param, header in q[param].map { (name: header, value: $0) } }
    }

    public static func == (a: ResponseOverrides, b: ResponseOverrides) -> Bool {
        a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}

struct QueryArguments {
    let values: [String: String]

    subscript(name: String) -> String? { values[name] }

    /// An integer of at least `range.lowerBound`, capped at `range.upperBound` (S3 caps
    /// max-keys and friends silently); otherwise InvalidArgument.
    func int(_ name: String, default def: Int, range: ClosedRange<Int>) throws(S3Error) -> Int {
        guard let raw = values[name] else { return def }
        guard let v = Int(raw), v >= range.lowerBound else {
            throw S3Error(.invalidArgument, "Provided \(name) not an integer or within integer range",
                          fields: [("ArgumentName", name), ("ArgumentValue", raw)])
        }
        return min(v, range.upperBound)
    }

    /// `encoding-type`: only `url` exists.
    func encodingType() throws(S3Error) -> Bool {
        guard let e = values["encoding-type"] else { return false }
        guard e == "url" else {
            throw S3Error(.invalidArgument, "Invalid Encoding Method specified in Request",
                          fields: [("ArgumentName", "encoding-type"), ("ArgumentValue", e)])
        }
        return true
    }
}

/// The opaque `continuation-token` of ListObjectsV2 and ListBuckets: base64 of the last name of
/// the page, so a token keeps any key byte for byte (a key may hold anything a query may not).
public enum ContinuationToken {
    public static func encode(_ lastName: String) -> String {
        Data(lastName.utf8).base64EncodedString()
    }

    /// The name a token stands for; a token this server did not make is InvalidArgument, as S3 says.
    public static func decode(_ token: String) throws(S3Error) -> String {
        guard let d = Data(base64Encoded: token), let s = String(data: d, encoding: .utf8) else {
            throw S3Error(.invalidArgument, "The continuation token provided is incorrect",
                          fields: [("ArgumentName", "continuation-token")])
        }
        return s
    }
}
