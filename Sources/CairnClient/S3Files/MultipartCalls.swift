import Foundation

/// CreateMultipartUpload, CompleteMultipartUpload and AbortMultipartUpload as the `cairn s3`
/// transfers that build an object from parts (server-side copies, stdin) call them.
enum MultipartCalls {
    static func create(_ client: S3Client, bucket: String, key: String, headers: [(String, String)]) async throws -> String {
        var req = S3Request(method: "POST", bucket: bucket, key: key, query: [("uploads", "")], headers: headers)
        req.errorIn200 = true
        let resp = try await Transfer.send(client, "CreateMultipartUpload", req)
        guard let id = XMLElement.parse(Data(resp.body))?.child("UploadId")?.text else {
            throw ClientFailure("CreateMultipartUpload returned no UploadId")
        }
        return id
    }

    /// Completes with `etags[i]` (as the server returned it, quotes included) as part i + 1.
    static func complete(_ client: S3Client, bucket: String, key: String, uploadID: String, etags: [String]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, e) in etags.enumerated() { xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(xmlEscape(e))</ETag></Part>" }
        xml += "</CompleteMultipartUpload>"
        var req = S3Request(method: "POST", bucket: bucket, key: key, query: [("uploadId", uploadID)], body: .bytes(Array(xml.utf8)))
        req.errorIn200 = true
        _ = try await Transfer.send(client, "CompleteMultipartUpload", req)
    }

    /// Best effort: a failed transfer leaves no upload behind (s3transfer aborts too).
    static func abort(_ client: S3Client, bucket: String, key: String, uploadID: String) async {
        _ = try? await client.send(S3Request(method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)]))
    }
}
