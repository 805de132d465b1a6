import CairnProtocol

/// The signature version a request claims, from its shape, for the access log: the same rule as
/// `RequestAuthenticator` (an `AWS ` Authorization header or `AWSAccessKeyId`/`Signature` in the
/// query is SigV2; any other signature is SigV4), read without verifying anything, so that a
/// refused request is logged with the version it tried.
enum SignatureVersion {
    static func of(authorization: String?, rawQuery: String) -> String? {
        if let authorization { return authorization.hasPrefix("AWS ") ? "SigV2" : "SigV4" }
        var v2 = false
        for pair in rawQuery.split(separator: "&") {
            let name = pair.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            if name == "X-Amz-Signature" || name == "X-Amz-Algorithm" || name == "X-Amz-Credential" { return "SigV4" }
            if name == "AWSAccessKeyId" || name == "Signature" { v2 = true }
        }
        return v2 ? "SigV2" : nil
    }
}

/// The object size a request reveals, for the access log's "Object Size": what a successful write
/// sent (the decoded length of an aws-chunked body), or the whole size of a successful read (the
/// total of `Content-Range`, else `Content-Length`). nil for anything else.
enum ObjectSize {
    static func of(_ endpoint: S3Endpoint?, status: Int, requestDeclared: Int64?,
                   contentRange: String?, contentLength: String?) -> Int64? {
        guard let endpoint, (200..<300).contains(status) else { return nil }
        switch endpoint {
        case .putObject, .uploadPart:
            return requestDeclared
        case .getObject, .headObject:
            if let contentRange, let slash = contentRange.lastIndex(of: "/"),
               let total = Int64(contentRange[contentRange.index(after: slash)...]) {
                return total
            }
            return contentLength.flatMap { Int64($0) }
        default:
            return nil
        }
    }
}
