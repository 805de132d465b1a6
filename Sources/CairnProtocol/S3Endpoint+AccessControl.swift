import CairnModel

/// Parsing of the access-control subresources: `?acl` (bucket and object), `?ownershipControls`
/// and `?publicAccessBlock`.
extension S3Endpoint {
    static func parseBucketAccessControl(_ method: String, _ b: BucketName, _ q: [String: String]) throws(S3Error) -> S3Endpoint? {
        if q["acl"] != nil {
            switch method {
            case "PUT": return .putBucketAcl(b)
            case "GET": return .getBucketAcl(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "ACL")])
            }
        }
        if q["ownershipControls"] != nil {
            switch method {
            case "PUT": return .putBucketOwnershipControls(b)
            case "GET": return .getBucketOwnershipControls(b)
            case "DELETE": return .deleteBucketOwnershipControls(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "OWNERSHIPCONTROLS")])
            }
        }
        if q["publicAccessBlock"] != nil {
            switch method {
            case "PUT": return .putPublicAccessBlock(b)
            case "GET": return .getPublicAccessBlock(b)
            case "DELETE": return .deletePublicAccessBlock(b)
            default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "PUBLICACCESSBLOCK")])
            }
        }
        return nil
    }

    static func parseObjectAccessControl(_ method: String, _ a: ObjectAddress, _ q: [String: String]) throws(S3Error) -> S3Endpoint? {
        guard q["acl"] != nil else { return nil }
        switch method {
        case "PUT": return .putObjectAcl(a)
        case "GET": return .getObjectAcl(a)
        default: throw S3Error(.methodNotAllowed, fields: [("Method", method), ("ResourceType", "ACL")])
        }
    }
}

extension S3Endpoint {
    /// Whether the operation writes an object whose owner and ACL the bucket's Object Ownership
    /// decides (from `x-amz-acl` / `x-amz-grant-*`).
    public var writesObject: Bool {
        switch self {
        case .putObject, .copyObject, .createMultipartUpload, .postObject: return true
        default: return false
        }
    }
}
