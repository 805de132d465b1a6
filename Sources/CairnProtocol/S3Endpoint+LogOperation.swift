/// The operation as S3's server access log names it: `REST.<HTTP method>.<resource>`, e.g.
/// `REST.PUT.PART` for UploadPart, `REST.POST.UPLOAD` for CompleteMultipartUpload.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
extension S3Endpoint {
    /// `method` is the request's HTTP method: it names the operations Cairn does not implement
    /// (`REST.GET.TAGGING`); every other case knows its own.
    public func logOperation(method: String) -> String {
        let (verb, resource) = logParts(method: method.uppercased())
        return "REST.\(verb).\(resource)"
    }

    private func logParts(method: String) -> (String, String) {
        switch self {
        case .listBuckets: return ("GET", "SERVICE")
        case .createBucket: return ("PUT", "BUCKET")
        case .deleteBucket: return ("DELETE", "BUCKET")
        case .headBucket: return ("HEAD", "BUCKET")
        case .getBucketLocation: return ("GET", "LOCATION")
        case .listObjectsV1, .listObjectsV2: return ("GET", "BUCKET")
        case .listObjectVersions: return ("GET", "BUCKETVERSIONS")
        case .deleteObjects: return ("POST", "MULTI_OBJECT_DELETE")
        case .listMultipartUploads: return ("GET", "UPLOADS")
        case .putBucketLifecycle: return ("PUT", "LIFECYCLE")
        case .getBucketLifecycle: return ("GET", "LIFECYCLE")
        case .deleteBucketLifecycle: return ("DELETE", "LIFECYCLE")
        case .putBucketRequestPayment: return ("PUT", "REQUEST_PAYMENT")
        case .getBucketRequestPayment: return ("GET", "REQUEST_PAYMENT")
        case .putBucketEncryption: return ("PUT", "ENCRYPTION")
        case .getBucketEncryption: return ("GET", "ENCRYPTION")
        case .deleteBucketEncryption: return ("DELETE", "ENCRYPTION")
        case .putBucketVersioning: return ("PUT", "VERSIONING")
        case .getBucketVersioning: return ("GET", "VERSIONING")
        case .putObjectLockConfiguration: return ("PUT", "OBJECT_LOCK_CONFIGURATION")
        case .getObjectLockConfiguration: return ("GET", "OBJECT_LOCK_CONFIGURATION")
        case .putObjectRetention: return ("PUT", "RETENTION")
        case .getObjectRetention: return ("GET", "RETENTION")
        case .putObjectLegalHold: return ("PUT", "LEGAL_HOLD")
        case .getObjectLegalHold: return ("GET", "LEGAL_HOLD")
        case .putBucketPolicy: return ("PUT", "BUCKETPOLICY")
        case .getBucketPolicy: return ("GET", "BUCKETPOLICY")
        case .deleteBucketPolicy: return ("DELETE", "BUCKETPOLICY")
        case .getBucketPolicyStatus: return ("GET", "BUCKETPOLICYSTATUS")
        case .putBucketTagging: return ("PUT", "TAGGING")
        case .getBucketTagging: return ("GET", "TAGGING")
        case .deleteBucketTagging: return ("DELETE", "TAGGING")
        case .putObjectTagging: return ("PUT", "OBJECT_TAGGING")
        case .getObjectTagging: return ("GET", "OBJECT_TAGGING")
        case .deleteObjectTagging: return ("DELETE", "OBJECT_TAGGING")
        case .putBucketAcl: return ("PUT", "ACL")
        case .getBucketAcl: return ("GET", "ACL")
        case .putObjectAcl: return ("PUT", "ACL")
        case .getObjectAcl: return ("GET", "ACL")
        case .putBucketOwnershipControls: return ("PUT", "OWNERSHIP_CONTROLS")
        case .getBucketOwnershipControls: return ("GET", "OWNERSHIP_CONTROLS")
        case .deleteBucketOwnershipControls: return ("DELETE", "OWNERSHIP_CONTROLS")
        case .putPublicAccessBlock: return ("PUT", "PUBLIC_ACCESS_BLOCK")
        case .getPublicAccessBlock: return ("GET", "PUBLIC_ACCESS_BLOCK")
        case .deletePublicAccessBlock: return ("DELETE", "PUBLIC_ACCESS_BLOCK")
        case .putObject: return ("PUT", "OBJECT")
        // S3 logs a copy as its own verb (and the read of the source as REST.COPY.OBJECT_GET).
        case .copyObject: return ("COPY", "OBJECT")
        case .getObject: return ("GET", "OBJECT")
        case .headObject: return ("HEAD", "OBJECT")
        case .getObjectAttributes: return ("GET", "OBJECT_ATTRIBUTES")
        case .deleteObject: return ("DELETE", "OBJECT")
        case .createMultipartUpload: return ("POST", "UPLOADS")
        case .uploadPart: return ("PUT", "PART")
        case .uploadPartCopy: return ("COPY", "PART")
        case .completeMultipartUpload: return ("POST", "UPLOAD")
        case .abortMultipartUpload: return ("DELETE", "UPLOAD")
        case .listParts: return ("GET", "UPLOAD")
        case .putBucketCors: return ("PUT", "CORS")
        case .getBucketCors: return ("GET", "CORS")
        case .deleteBucketCors: return ("DELETE", "CORS")
        case .corsPreflight: return ("OPTIONS", "PREFLIGHT")
        case .postObject: return ("POST", "OBJECT")
        case .notImplemented(let name): return (method, Self.logResource(name))
        }
    }

    /// A subresource as S3's log spells it: `ownershipControls` -> `OWNERSHIP_CONTROLS`,
    /// `legal-hold` -> `LEGAL_HOLD`.
    static func logResource(_ subresource: String) -> String {
        var out = ""
        for ch in subresource {
            if ch == "-" {
                out.append("_")
            } else if ch.isUppercase, !out.isEmpty {
                out.append("_")
                out.append(ch)
            } else {
                out.append(contentsOf: ch.uppercased())
            }
        }
        return out
    }
}
