import CairnModel

/// One S3 operation, parsed once from method + path + query + headers, with typed values: bucket
/// names, object addresses, part numbers and upload ids. Cases carry only what came from the URL.
public enum S3Endpoint: Sendable, Equatable {
    case listBuckets(ListBucketsRequest)
    /// The name is validated (InvalidBucketName) when parsed: the only case that creates a name.
    case createBucket(BucketName)
    case deleteBucket(BucketName)
    case headBucket(BucketName)
    case getBucketLocation(BucketName)
    case listObjectsV1(BucketName, ListObjectsRequest)
    case listObjectsV2(BucketName, ListObjectsRequest)
    case listObjectVersions(BucketName, ListVersionsRequest)
    case deleteObjects(BucketName)
    case listMultipartUploads(BucketName, ListUploadsRequest)
    case putBucketLifecycle(BucketName)
    case getBucketLifecycle(BucketName)
    case deleteBucketLifecycle(BucketName)
    case putBucketRequestPayment(BucketName)
    case getBucketRequestPayment(BucketName)
    case putBucketEncryption(BucketName)
    case getBucketEncryption(BucketName)
    case deleteBucketEncryption(BucketName)
    case putBucketVersioning(BucketName)
    case getBucketVersioning(BucketName)
    case putObjectLockConfiguration(BucketName)
    case getObjectLockConfiguration(BucketName)
    case putBucketPolicy(BucketName)
    case getBucketPolicy(BucketName)
    case deleteBucketPolicy(BucketName)
    case getBucketPolicyStatus(BucketName)
    case putBucketTagging(BucketName)
    case getBucketTagging(BucketName)
    case deleteBucketTagging(BucketName)
    /// `?acl`, `?ownershipControls` and `?publicAccessBlock` of a bucket (S3Endpoint+AccessControl).
    case putBucketAcl(BucketName)
    case getBucketAcl(BucketName)
    case putBucketOwnershipControls(BucketName)
    case getBucketOwnershipControls(BucketName)
    case deleteBucketOwnershipControls(BucketName)
    case putPublicAccessBlock(BucketName)
    case getPublicAccessBlock(BucketName)
    case deletePublicAccessBlock(BucketName)
    /// `?cors`: the bucket's CORS rules.
    case putBucketCors(BucketName)
    case getBucketCors(BucketName)
    case deleteBucketCors(BucketName)
    /// `OPTIONS` on a bucket or an object: a browser's CORS preflight, answered from the bucket's
    /// rules to anyone (no signature, no permission).
    case corsPreflight(BucketName, key: ObjectKey?)
    /// `POST /bucket` with a `multipart/form-data` body: a browser form upload. The key, the
    /// credentials and the object's headers are form fields, read before authorization.
    case postObject(BucketName)
    /// Operations that write a key validate it when parsed (KeyTooLongError, empty key).
    case putObject(ObjectAddress)
    case copyObject(ObjectAddress)
    /// `partNumber`: GET/HEAD `?partNumber=N`, one part of a multipart object.
    case getObject(ObjectAddress, partNumber: PartNumber?, overrides: ResponseOverrides = ResponseOverrides())
    case headObject(ObjectAddress, partNumber: PartNumber?, overrides: ResponseOverrides = ResponseOverrides())
    case getObjectAttributes(ObjectAddress)
    case deleteObject(ObjectAddress)
    /// `?tagging` of an object, or of the version the address names.
    case putObjectTagging(ObjectAddress)
    case getObjectTagging(ObjectAddress)
    case deleteObjectTagging(ObjectAddress)
    /// `?acl` of an object, or of the version the address names.
    case putObjectAcl(ObjectAddress)
    case getObjectAcl(ObjectAddress)
    /// `?retention` and `?legal-hold` of an object version (Object Lock).
    case putObjectRetention(ObjectAddress)
    case getObjectRetention(ObjectAddress)
    case putObjectLegalHold(ObjectAddress)
    case getObjectLegalHold(ObjectAddress)
    case createMultipartUpload(ObjectAddress)
    case uploadPart(ObjectAddress, partNumber: PartNumber, uploadID: UploadID)
    case uploadPartCopy(ObjectAddress, partNumber: PartNumber, uploadID: UploadID)
    case completeMultipartUpload(ObjectAddress, uploadID: UploadID)
    case abortMultipartUpload(ObjectAddress, uploadID: UploadID)
    case listParts(ObjectAddress, uploadID: UploadID, ListPartsRequest)
    /// A valid S3 request Cairn does not implement (the name is the subresource or operation).
    case notImplemented(String)

    /// The object the request addresses, if any.
    public var address: ObjectAddress? {
        switch self {
        case .putObject(let a), .copyObject(let a), .getObject(let a, _, _), .headObject(let a, _, _), .getObjectAttributes(let a),
             .deleteObject(let a), .createMultipartUpload(let a), .uploadPart(let a, _, _), .uploadPartCopy(let a, _, _),
             .completeMultipartUpload(let a, _), .abortMultipartUpload(let a, _), .listParts(let a, _, _),
             .putObjectTagging(let a), .getObjectTagging(let a), .deleteObjectTagging(let a),
             .putObjectRetention(let a), .getObjectRetention(let a), .putObjectLegalHold(let a), .getObjectLegalHold(let a),
             .putObjectAcl(let a), .getObjectAcl(let a):
            return a
        default:
            return nil
        }
    }

    /// The bucket the request addresses, if any.
    public var bucket: BucketName? {
        switch self {
        case .listBuckets, .notImplemented: return nil
        case .createBucket(let b), .deleteBucket(let b), .headBucket(let b), .getBucketLocation(let b), .listObjectsV1(let b, _),
             .listObjectsV2(let b, _), .listObjectVersions(let b, _), .deleteObjects(let b), .listMultipartUploads(let b, _),
             .putBucketLifecycle(let b), .getBucketLifecycle(let b), .deleteBucketLifecycle(let b),
             .putBucketRequestPayment(let b), .getBucketRequestPayment(let b), .putBucketEncryption(let b),
             .getBucketEncryption(let b), .deleteBucketEncryption(let b), .putBucketVersioning(let b), .getBucketVersioning(let b),
             .putObjectLockConfiguration(let b), .getObjectLockConfiguration(let b),
             .putBucketPolicy(let b), .getBucketPolicy(let b), .deleteBucketPolicy(let b), .getBucketPolicyStatus(let b),
             .putBucketTagging(let b), .getBucketTagging(let b), .deleteBucketTagging(let b),
             .putBucketAcl(let b), .getBucketAcl(let b), .putBucketOwnershipControls(let b), .getBucketOwnershipControls(let b),
             .deleteBucketOwnershipControls(let b), .putPublicAccessBlock(let b), .getPublicAccessBlock(let b),
             .deletePublicAccessBlock(let b),
             .putBucketCors(let b), .getBucketCors(let b), .deleteBucketCors(let b), .corsPreflight(let b, _), .postObject(let b):
            return b
        default:
            return address?.bucket
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
        case .putBucketVersioning: return "PutBucketVersioning"
        case .getBucketVersioning: return "GetBucketVersioning"
        case .putObjectLockConfiguration: return "PutObjectLockConfiguration"
        case .getObjectLockConfiguration: return "GetObjectLockConfiguration"
        case .putObjectRetention: return "PutObjectRetention"
        case .getObjectRetention: return "GetObjectRetention"
        case .putObjectLegalHold: return "PutObjectLegalHold"
        case .getObjectLegalHold: return "GetObjectLegalHold"
        case .putBucketPolicy: return "PutBucketPolicy"
        case .getBucketPolicy: return "GetBucketPolicy"
        case .deleteBucketPolicy: return "DeleteBucketPolicy"
        case .getBucketPolicyStatus: return "GetBucketPolicyStatus"
        case .putBucketTagging: return "PutBucketTagging"
        case .getBucketTagging: return "GetBucketTagging"
        case .deleteBucketTagging: return "DeleteBucketTagging"
        case .putBucketCors: return "PutBucketCors"
        case .getBucketCors: return "GetBucketCors"
        case .deleteBucketCors: return "DeleteBucketCors"
        case .corsPreflight: return "PreflightCORS"
        case .postObject: return "PostObject"
        case .putObjectTagging: return "PutObjectTagging"
        case .getObjectTagging: return "GetObjectTagging"
        case .deleteObjectTagging: return "DeleteObjectTagging"
        case .putBucketAcl: return "PutBucketAcl"
        case .getBucketAcl: return "GetBucketAcl"
        case .putObjectAcl: return "PutObjectAcl"
        case .getObjectAcl: return "GetObjectAcl"
        case .putBucketOwnershipControls: return "PutBucketOwnershipControls"
        case .getBucketOwnershipControls: return "GetBucketOwnershipControls"
        case .deleteBucketOwnershipControls: return "DeleteBucketOwnershipControls"
        case .putPublicAccessBlock: return "PutPublicAccessBlock"
        case .getPublicAccessBlock: return "GetPublicAccessBlock"
        case .deletePublicAccessBlock: return "DeletePublicAccessBlock"
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
    "accelerate", "analytics", "intelligent-tiering", "inventory",
    "logging", "metrics", "notification", "replication", "website", "metadataTable",
    "session",
]
let unimplementedObjectSubresources: Set<String> = [
    "torrent", "restore", "select", "renameObject",
]

/// A bucket configuration subresource: its Put, Get and (when it has one) Delete operation, and the
/// resource type a MethodNotAllowed names. Tried in this order.
struct BucketConfigurationEndpoints: Sendable {
    let subresource: String
    let resourceType: String
    let put: @Sendable (BucketName) -> S3Endpoint
    let get: @Sendable (BucketName) -> S3Endpoint
    let delete: (@Sendable (BucketName) -> S3Endpoint)?
}

let bucketConfigurations: [BucketConfigurationEndpoints] = [
    .init(subresource: "cors", resourceType: "CORS", put: S3Endpoint.putBucketCors, get: S3Endpoint.getBucketCors, delete: S3Endpoint.deleteBucketCors),
    .init(subresource: "lifecycle", resourceType: "LIFECYCLE", put: S3Endpoint.putBucketLifecycle, get: S3Endpoint.getBucketLifecycle,
          delete: S3Endpoint.deleteBucketLifecycle),
    .init(subresource: "encryption", resourceType: "ENCRYPTION", put: S3Endpoint.putBucketEncryption, get: S3Endpoint.getBucketEncryption,
          delete: S3Endpoint.deleteBucketEncryption),
    .init(subresource: "object-lock", resourceType: "OBJECTLOCK", put: S3Endpoint.putObjectLockConfiguration,
          get: S3Endpoint.getObjectLockConfiguration, delete: nil),
    .init(subresource: "policy", resourceType: "POLICY", put: S3Endpoint.putBucketPolicy, get: S3Endpoint.getBucketPolicy,
          delete: S3Endpoint.deleteBucketPolicy),
    .init(subresource: "versioning", resourceType: "VERSIONING", put: S3Endpoint.putBucketVersioning, get: S3Endpoint.getBucketVersioning,
          delete: nil),
    .init(subresource: "tagging", resourceType: "TAGGING", put: S3Endpoint.putBucketTagging, get: S3Endpoint.getBucketTagging,
          delete: S3Endpoint.deleteBucketTagging),
    .init(subresource: "requestPayment", resourceType: "REQUESTPAYMENT", put: S3Endpoint.putBucketRequestPayment,
          get: S3Endpoint.getBucketRequestPayment, delete: nil),
]

extension S3Endpoint {
    /// Parses a request. `rawPath` is the encoded path from the request line.
    public static func parse(method: String, rawPath: String, query: [(String, String)], host: String?,
                             hasCopySource: Bool, addressing: AddressingConfig) throws(S3Error) -> S3Endpoint {
        let (bucketOrNil, keyOrNil) = splitBucketKey(rawPath: rawPath, host: host, addressing: addressing)
        let q = Dictionary(query, uniquingKeysWith: { a, _ in a })
        guard let bucket = bucketOrNil else {
            guard method == "GET" else { throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "SERVICE")]) }
            return .listBuckets(try ListBucketsRequest(QueryArguments(values: q)))
        }
        guard let key = keyOrNil else { return try parseBucket(method, bucket, q) }
        return try parseObject(method, ObjectAddress(bucket: BucketName(unchecked: bucket), key: ObjectKey(unchecked: key)), q,
                               hasCopySource: hasCopySource)
    }

    static func parseBucket(_ method: String, _ name: String, _ q: [String: String]) throws(S3Error) -> S3Endpoint {
        let b = BucketName(unchecked: name)
        if method == "OPTIONS" { return .corsPreflight(b, key: nil) }
        if let sub = q.keys.first(where: unimplementedBucketSubresources.contains) { return .notImplemented(sub) }
        if let e = try parseBucketAccessControl(method, b, q) { return e }
        if q["policyStatus"] != nil {
            guard method == "GET" else { throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "POLICYSTATUS")]) }
            return .getBucketPolicyStatus(b)
        }
        for config in bucketConfigurations where q[config.subresource] != nil {
            switch method {
            case "PUT": return config.put(b)
            case "GET": return config.get(b)
            case "DELETE" where config.delete != nil: return config.delete!(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", config.resourceType)])
            }
        }
        switch method {
        case "GET":
            if q["location"] != nil { return .getBucketLocation(b) }
            let args = QueryArguments(values: q)
            if q["uploads"] != nil { return .listMultipartUploads(b, try ListUploadsRequest(args)) }
            if q["versions"] != nil { return .listObjectVersions(b, try ListVersionsRequest(args)) }
            if q["list-type"] == "2" { return .listObjectsV2(b, try ListObjectsRequest(args, version: 2)) }
            return .listObjectsV1(b, try ListObjectsRequest(args, version: 1))
        case "HEAD": return .headBucket(b)
        case "PUT": return .createBucket(try BucketName(validating: name))
        case "DELETE": return .deleteBucket(b)
        case "POST":
            if q["delete"] != nil { return .deleteObjects(b) }
            return .postObject(b)
        default:
            throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "BUCKET")])
        }
    }

    static func parseObject(_ method: String, _ a: ObjectAddress, _ q: [String: String],
                            hasCopySource: Bool) throws(S3Error) -> S3Endpoint {
        if method == "OPTIONS" { return .corsPreflight(a.bucket, key: a.key) }
        if let sub = q.keys.first(where: unimplementedObjectSubresources.contains) { return .notImplemented(sub) }
        let uploadID = q["uploadId"].map { UploadID($0) }
        // The version a read or a delete names (`versionId=null` included).
        var a = a
        a.versionID = try q["versionId"].map(VersionID.init(parsing:))
        // Parsed only where the operation reads it (InvalidArgument when not 1 ... 10,000).
        func partNumber() throws(S3Error) -> PartNumber? {
            guard let raw = q["partNumber"] else { return nil }
            return try PartNumber(parsing: raw)
        }
        /// The address of an operation that writes its key: the key must be a valid one.
        func written() throws(S3Error) -> ObjectAddress {
            ObjectAddress(bucket: a.bucket, key: try ObjectKey(validating: a.key.rawValue))
        }
        for (sub, put, get) in [("retention", S3Endpoint.putObjectRetention, S3Endpoint.getObjectRetention),
                                ("legal-hold", S3Endpoint.putObjectLegalHold, S3Endpoint.getObjectLegalHold)] where q[sub] != nil {
            switch method {
            case "PUT": return put(a)
            case "GET": return get(a)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", sub.uppercased())])
            }
        }
        if let e = try parseObjectAccessControl(method, a, q) { return e }
        if q["tagging"] != nil {
            switch method {
            case "PUT": return .putObjectTagging(a)
            case "GET": return .getObjectTagging(a)
            case "DELETE": return .deleteObjectTagging(a)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "TAGGING")])
            }
        }
        switch method {
        case "GET":
            if let u = uploadID { return .listParts(a, uploadID: u, try ListPartsRequest(QueryArguments(values: q))) }
            if q["attributes"] != nil { return .getObjectAttributes(a) }
            return .getObject(a, partNumber: try partNumber(), overrides: ResponseOverrides(q))
        case "HEAD": return .headObject(a, partNumber: try partNumber(), overrides: ResponseOverrides(q))
        case "PUT":
            if let u = uploadID, let n = try partNumber() {
                return hasCopySource ? .uploadPartCopy(a, partNumber: n, uploadID: u) : .uploadPart(a, partNumber: n, uploadID: u)
            }
            return hasCopySource ? .copyObject(try written()) : .putObject(try written())
        case "POST":
            if q["uploads"] != nil { return .createMultipartUpload(try written()) }
            if let u = uploadID { return .completeMultipartUpload(a, uploadID: u) }
            return .notImplemented("PostObject")
        case "DELETE":
            if let u = uploadID { return .abortMultipartUpload(a, uploadID: u) }
            return .deleteObject(a)
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
