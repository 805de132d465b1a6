import CairnModel

/// One S3 operation, parsed once from method + path + query + headers. Cases carry only what came
/// from the URL; headers are read by the handler through typed accessors.
public enum S3Endpoint: Sendable, Equatable {
    case listBuckets
    case createBucket(String)
    case deleteBucket(String)
    case headBucket(String)
    case getBucketLocation(String)
    case listObjectsV1(String)
    case listObjectsV2(String)
    case listObjectVersions(String)
    case deleteObjects(String)
    case listMultipartUploads(String)
    case putBucketLifecycle(String)
    case getBucketLifecycle(String)
    case deleteBucketLifecycle(String)
    case putBucketRequestPayment(String)
    case getBucketRequestPayment(String)
    case putBucketEncryption(String)
    case getBucketEncryption(String)
    case deleteBucketEncryption(String)
    case putObject(String, String)
    case copyObject(String, String)
    /// `partNumber`: GET/HEAD `?partNumber=N`, one part of a multipart object.
    case getObject(String, String, partNumber: PartNumber?)
    case headObject(String, String, partNumber: PartNumber?)
    case getObjectAttributes(String, String)
    case deleteObject(String, String)
    case createMultipartUpload(String, String)
    case uploadPart(String, String, partNumber: PartNumber, uploadID: UploadID)
    case uploadPartCopy(String, String, partNumber: PartNumber, uploadID: UploadID)
    case completeMultipartUpload(String, String, uploadID: UploadID)
    case abortMultipartUpload(String, String, uploadID: UploadID)
    case listParts(String, String, uploadID: UploadID)
    /// A valid S3 request Cairn does not implement (the name is the subresource or operation).
    case notImplemented(String)

    /// The bucket the request addresses, if any.
    public var bucket: String? {
        switch self {
        case .listBuckets, .notImplemented: return nil
        case .createBucket(let b), .deleteBucket(let b), .headBucket(let b), .getBucketLocation(let b), .listObjectsV1(let b),
             .listObjectsV2(let b), .listObjectVersions(let b), .deleteObjects(let b), .listMultipartUploads(let b),
             .putBucketLifecycle(let b), .getBucketLifecycle(let b), .deleteBucketLifecycle(let b),
             .putBucketRequestPayment(let b), .getBucketRequestPayment(let b), .putBucketEncryption(let b),
             .getBucketEncryption(let b), .deleteBucketEncryption(let b):
            return b
        case .putObject(let b, _), .copyObject(let b, _), .getObject(let b, _, _), .headObject(let b, _, _), .deleteObject(let b, _),
             .getObjectAttributes(let b, _),
             .createMultipartUpload(let b, _):
            return b
        case .uploadPart(let b, _, _, _), .uploadPartCopy(let b, _, _, _), .completeMultipartUpload(let b, _, _),
             .abortMultipartUpload(let b, _, _), .listParts(let b, _, _):
            return b
        }
    }

    /// AWS's operation name, for logs and metrics.
    public var operationName: String {
        switch self {
        case .listBuckets: return "ListBuckets"
        case .createBucket: return "CreateBucket"
        case .deleteBucket: return "DeleteBucket"
        case .headBucket: return "HeadBucket"
        case .getBucketLocation: return "GetBucketLocation"
        case .listObjectsV1: return "ListObjects"
        case .listObjectsV2: return "ListObjectsV2"
        case .listObjectVersions: return "ListObjectVersions"
        case .deleteObjects: return "DeleteObjects"
        case .listMultipartUploads: return "ListMultipartUploads"
        case .putBucketLifecycle: return "PutBucketLifecycleConfiguration"
        case .getBucketLifecycle: return "GetBucketLifecycleConfiguration"
        case .deleteBucketLifecycle: return "DeleteBucketLifecycle"
        case .putBucketRequestPayment: return "PutBucketRequestPayment"
        case .getBucketRequestPayment: return "GetBucketRequestPayment"
        case .putBucketEncryption: return "PutBucketEncryption"
        case .getBucketEncryption: return "GetBucketEncryption"
        case .deleteBucketEncryption: return "DeleteBucketEncryption"
        case .putObject: return "PutObject"
        case .copyObject: return "CopyObject"
        case .getObject: return "GetObject"
        case .headObject: return "HeadObject"
        case .getObjectAttributes: return "GetObjectAttributes"
        case .deleteObject: return "DeleteObject"
        case .createMultipartUpload: return "CreateMultipartUpload"
        case .uploadPart: return "UploadPart"
        case .uploadPartCopy: return "UploadPartCopy"
        case .completeMultipartUpload: return "CompleteMultipartUpload"
        case .abortMultipartUpload: return "AbortMultipartUpload"
        case .listParts: return "ListParts"
        case .notImplemented(let n): return n
        }
    }
}

/// Where bucket and key are in the URL: path-style always; virtual-hosted when a domain is set.
public struct AddressingConfig: Sendable {
    /// With `example.com`, `Host: bucket.example.com` names the bucket.
    public var domain: String?
    public init(domain: String? = nil) { self.domain = domain }
}

/// Bucket subresources that Cairn does not implement: answered with 501 NotImplemented, never
/// mistaken for a plain GET/PUT of the bucket.
let unimplementedBucketSubresources: Set<String> = [
    "accelerate", "acl", "analytics", "cors", "intelligent-tiering", "inventory",
    "logging", "metrics", "notification", "object-lock", "ownershipControls", "policy", "policyStatus",
    "publicAccessBlock", "replication", "tagging", "versioning", "website", "metadataTable",
    "session",
]
let unimplementedObjectSubresources: Set<String> = [
    "acl", "legal-hold", "retention", "tagging", "torrent", "restore", "select", "renameObject",
]

extension S3Endpoint {
    /// Parses a request. `rawPath` is the encoded path from the request line.
    public static func parse(method: String, rawPath: String, query: [(String, String)], host: String?,
                             hasCopySource: Bool, addressing: AddressingConfig) throws(S3Error) -> S3Endpoint {
        let (bucketOrNil, keyOrNil) = splitBucketKey(rawPath: rawPath, host: host, addressing: addressing)
        let q = Dictionary(query, uniquingKeysWith: { a, _ in a })
        guard let bucket = bucketOrNil else {
            guard method == "GET" else { throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "SERVICE")]) }
            return .listBuckets
        }
        guard let key = keyOrNil else { return try parseBucket(method, bucket, q) }
        return try parseObject(method, bucket, key, q, hasCopySource: hasCopySource)
    }

    static func parseBucket(_ method: String, _ b: String, _ q: [String: String]) throws(S3Error) -> S3Endpoint {
        if let sub = q.keys.first(where: unimplementedBucketSubresources.contains) { return .notImplemented(sub) }
        if q["lifecycle"] != nil {
            switch method {
            case "PUT": return .putBucketLifecycle(b)
            case "GET": return .getBucketLifecycle(b)
            case "DELETE": return .deleteBucketLifecycle(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "LIFECYCLE")])
            }
        }
        if q["encryption"] != nil {
            switch method {
            case "PUT": return .putBucketEncryption(b)
            case "GET": return .getBucketEncryption(b)
            case "DELETE": return .deleteBucketEncryption(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "ENCRYPTION")])
            }
        }
        if q["requestPayment"] != nil {
            switch method {
            case "PUT": return .putBucketRequestPayment(b)
            case "GET": return .getBucketRequestPayment(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "REQUESTPAYMENT")])
            }
        }
        switch method {
        case "GET":
            if q["location"] != nil { return .getBucketLocation(b) }
            if q["uploads"] != nil { return .listMultipartUploads(b) }
            if q["versions"] != nil { return .listObjectVersions(b) }
            if q["list-type"] == "2" { return .listObjectsV2(b) }
            return .listObjectsV1(b)
        case "HEAD": return .headBucket(b)
        case "PUT": return .createBucket(b)
        case "DELETE": return .deleteBucket(b)
        case "POST":
            if q["delete"] != nil { return .deleteObjects(b) }
            return .notImplemented("PostObject")
        default:
            throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "BUCKET")])
        }
    }

    static func parseObject(_ method: String, _ b: String, _ k: String, _ q: [String: String],
                            hasCopySource: Bool) throws(S3Error) -> S3Endpoint {
        if let sub = q.keys.first(where: unimplementedObjectSubresources.contains) { return .notImplemented(sub) }
        let uploadID = q["uploadId"].map(UploadID.init)
        // Parsed only where the operation reads it (InvalidArgument when not 1 ... 10,000).
        func partNumber() throws(S3Error) -> PartNumber? {
            guard let raw = q["partNumber"] else { return nil }
            return try PartNumber(parsing: raw)
        }
        switch method {
        case "GET":
            if let u = uploadID { return .listParts(b, k, uploadID: u) }
            if q["attributes"] != nil { return .getObjectAttributes(b, k) }
            return .getObject(b, k, partNumber: try partNumber())
        case "HEAD": return .headObject(b, k, partNumber: try partNumber())
        case "PUT":
            if let u = uploadID, let n = try partNumber() {
                return hasCopySource ? .uploadPartCopy(b, k, partNumber: n, uploadID: u) : .uploadPart(b, k, partNumber: n, uploadID: u)
            }
            return hasCopySource ? .copyObject(b, k) : .putObject(b, k)
        case "POST":
            if q["uploads"] != nil { return .createMultipartUpload(b, k) }
            if let u = uploadID { return .completeMultipartUpload(b, k, uploadID: u) }
            return .notImplemented("PostObject")
        case "DELETE":
            if let u = uploadID { return .abortMultipartUpload(b, k, uploadID: u) }
            return .deleteObject(b, k)
        default:
            throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "OBJECT")])
        }
    }

    /// Bucket and key from the raw path (and Host for virtual-hosted style). The key is the decoded
    /// remainder of the path, kept byte for byte: empty segments and trailing slashes are part of it.
    public static func splitBucketKey(rawPath: String, host: String?, addressing: AddressingConfig) -> (String?, String?) {
        var path = Substring(rawPath)
        if let qi = path.firstIndex(of: "?") { path = path[..<qi] }
        if let bucket = virtualHostedBucket(host: host, addressing: addressing) {
            let key = path.hasPrefix("/") ? path.dropFirst() : path
            return (bucket, key.isEmpty ? nil : URIEncoding.decode(key))
        }
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : path
        guard !trimmed.isEmpty else { return (nil, nil) }
        guard let slash = trimmed.firstIndex(of: "/") else { return (URIEncoding.decode(trimmed), nil) }
        let bucket = URIEncoding.decode(trimmed[..<slash])
        let key = trimmed[trimmed.index(after: slash)...]
        return (bucket, key.isEmpty ? nil : URIEncoding.decode(key))
    }

    /// The bucket a virtual-hosted request names in its Host (`bucket.DOMAIN[:port]`), if any.
    public static func virtualHostedBucket(host: String?, addressing: AddressingConfig) -> String? {
        guard let domain = addressing.domain, let host = host.map(stripPort), host.hasSuffix("." + domain) else { return nil }
        return String(host.dropLast(domain.count + 1))
    }

    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("[") { return host }
        if let c = host.lastIndex(of: ":") { return String(host[..<c]) }
        return host
    }
}
