import CairnModel
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

    /// Completes with `parts[i]` as part i + 1: its ETag as the server returned it (quotes
    /// included) and its checksum when the upload has an algorithm.
    static func complete(_ client: S3Client, bucket: String, key: String, uploadID: String,
                         parts: [(etag: String, checksum: Checksum?)]) async throws {
        var xml = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for (i, p) in parts.enumerated() {
            let checksum = p.checksum.map { "<\($0.algorithm.xmlName)>\($0.base64)</\($0.algorithm.xmlName)>" } ?? ""
            xml += "<Part><PartNumber>\(i + 1)</PartNumber><ETag>\(xmlEscape(p.etag))</ETag>\(checksum)</Part>"
        }
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
