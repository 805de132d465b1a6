import CairnModel
import CairnProtocol
import Foundation

/// The condition keys a bucket policy can test, read off one request (names lowercased, as IAM
/// compares them): who, from where, over what, when, and the S3-specific keys of the operation.
/// The keys are made only when a policy is evaluated (`values`): most buckets have none, and
/// formatting the time and filling the map on every request cost a small request measurably.
struct PolicyConditionKeys: Sendable {
    let endpoint: S3Endpoint
    let principal: Principal
    let headers: RequestHeaders
    let remoteAddress: String?
    let secure: Bool
    /// The request asks to lift a GOVERNANCE retention.
    let bypassGovernance: Bool
    /// The request sets the new object's tags (`x-amz-tagging`).
    let setsTags: Bool

    init(endpoint: S3Endpoint, principal: Principal, headers: RequestHeaders, remoteAddress: String?, secure: Bool) {
        self.endpoint = endpoint
        self.principal = principal
        self.headers = headers
        self.remoteAddress = remoteAddress
        self.secure = secure
        bypassGovernance = headers.bypassGovernance
        setsTags = headers.conditionValue("x-amz-tagging") != nil
    }

    /// The keys, for a policy to test.
    var values: [String: [String]] {
        var values: [String: [String]] = [:]
        let now = Date()
        values["aws:currenttime"] = [UTCDate(now).iso8601(milliseconds: false)]
        values["aws:epochtime"] = [String(Int(now.timeIntervalSince1970))]
        values["aws:securetransport"] = [secure ? "true" : "false"]
        if let remoteAddress { values["aws:sourceip"] = [remoteAddress] }
        if let user = principal.user {
            values["aws:username"] = [user.displayName]
            values["aws:userid"] = [user.id]
            values["aws:principaltype"] = ["User"]
        } else {
            values["aws:principaltype"] = ["Anonymous"]
        }
        switch endpoint {
        case .listObjectsV1(_, let r), .listObjectsV2(_, let r):
            values["s3:prefix"] = [r.scope.prefix]
            if let d = r.scope.delimiter { values["s3:delimiter"] = [d] }
            values["s3:max-keys"] = [String(r.maxKeys)]
        case .listObjectVersions(_, let r):
            values["s3:prefix"] = [r.scope.prefix]
            if let d = r.scope.delimiter { values["s3:delimiter"] = [d] }
            values["s3:max-keys"] = [String(r.maxKeys)]
        default:
            break
        }
        if let v = endpoint.address?.versionID { values["s3:versionid"] = [v.rawValue] }
        for (key, header) in [("s3:x-amz-server-side-encryption", "x-amz-server-side-encryption"),
                              ("s3:x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-aws-kms-key-id"),
                              ("s3:x-amz-acl", "x-amz-acl"), ("s3:x-amz-storage-class", "x-amz-storage-class"),
                              ("s3:x-amz-copy-source", "x-amz-copy-source"), ("s3:x-amz-metadata-directive", "x-amz-metadata-directive"),
                              ("s3:x-amz-grant-read", "x-amz-grant-read"), ("s3:x-amz-grant-write", "x-amz-grant-write"),
                              ("s3:x-amz-grant-read-acp", "x-amz-grant-read-acp"), ("s3:x-amz-grant-write-acp", "x-amz-grant-write-acp"),
                              ("s3:x-amz-grant-full-control", "x-amz-grant-full-control"),
                              ("s3:x-amz-object-ownership", "x-amz-object-ownership")] {
            if let v = headers.conditionValue(header) { values[key] = [v] }
        }
        return values
    }
}
