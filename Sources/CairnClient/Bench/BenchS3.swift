import Crypto
import Foundation
import NIOCore

/// The S3 calls of a bench, one method per operation, over the shared `S3Client`. Each returns the
/// body bytes it moved and throws when the response is not what was asked for (a short GET body,
/// a listing that misses objects), so such a request counts as an error, not as a fast success.
struct BenchS3: Sendable {
    let client: S3Client
    let bucket: String

    /// One request, its errors named after `operation` as the aws CLI names them.
    func send(_ operation: String, _ request: S3Request) async throws -> S3Response {
        try await Transfer.send(client, operation, request)
    }

    /// Creates the bucket unless it exists; true when this call created it.
    func ensureBucket() async throws -> Bool {
        do {
            _ = try await send("HeadBucket", S3Request(method: "HEAD", bucket: bucket))
            return false
        } catch let e as S3ServiceError where e.status == 404 {
            let region = client.config.region
            // us-east-1 is the one region that takes no LocationConstraint (and rejects one).
            let body: RequestBody = region.isEmpty || region == "us-east-1" ? .empty : .bytes(Array(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>\(xmlEscape(region))</LocationConstraint></CreateBucketConfiguration>".utf8))
            _ = try await send("CreateBucket", S3Request(method: "PUT", bucket: bucket, body: body))
            return true
        }
    }

    func deleteBucket() async throws {
        _ = try await send("DeleteBucket", S3Request(method: "DELETE", bucket: bucket))
    }

    func put(_ key: String, _ body: RequestBody) async throws {
        _ = try await send("PutObject", S3Request(method: "PUT", bucket: bucket, key: key, body: body))
    }

    /// Reads the whole body, counting it without keeping it.
    func get(_ key: String, expectedSize: Int64) async throws -> Int64 {
        let n = try await client.perform(S3Request(method: "GET", bucket: bucket, key: key)) { response in
            var n: Int64 = 0
            for try await buf in response.body { n += Int64(buf.readableBytes) }
            return n
        }
        guard n == expectedSize else { throw ClientFailure("GetObject \(key): \(n) bytes, expected \(expectedSize)") }
        return n
    }

    func head(_ key: String, expectedSize: Int64) async throws {
        let r = try await send("HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key))
        guard r.header("Content-Length") == String(expectedSize) else {
            throw ClientFailure("HeadObject \(key): Content-Length \(r.header("Content-Length") ?? "none"), expected \(expectedSize)")
        }
    }

    func delete(_ key: String) async throws {
        _ = try await send("DeleteObject", S3Request(method: "DELETE", bucket: bucket, key: key))
    }

    /// Every key under `prefix` (ListObjectsV2, all pages); `requests` counts the pages.
    func listAll(prefix: String) async throws -> (keys: [String], requests: Int) {
        var keys: [String] = []
        var token: String?
        var requests = 0
        repeat {
            var q = [("list-type", "2"), ("prefix", prefix)]
            if let token { q.append(("continuation-token", token)) }
            let r = try await send("ListObjectsV2", S3Request(method: "GET", bucket: bucket, query: q))
            requests += 1
            guard let root = XMLElement.parse(Data(r.body)) else { throw ClientFailure("ListObjectsV2: unreadable response") }
            keys += root.children("Contents").compactMap { $0.child("Key")?.text }
            token = root.child("IsTruncated")?.text == "true" ? root.child("NextContinuationToken")?.text : nil
        } while token != nil
        return (keys, requests)
    }

    func createUpload(_ key: String) async throws -> String {
        let r = try await send("CreateMultipartUpload", S3Request(method: "POST", bucket: bucket, key: key, query: [("uploads", "")]))
        guard let id = XMLElement.parse(Data(r.body))?.child("UploadId")?.text else {
            throw ClientFailure("CreateMultipartUpload returned no UploadId")
        }
        return id
    }

    func uploadPart(_ key: String, uploadID: String, part: Int, _ body: RequestBody) async throws {
        _ = try await send("UploadPart", S3Request(method: "PUT", bucket: bucket, key: key,
                                            query: [("partNumber", String(part)), ("uploadId", uploadID)], body: body))
    }

    func abortUpload(_ key: String, uploadID: String) async throws {
        _ = try await send("AbortMultipartUpload", S3Request(method: "DELETE", bucket: bucket, key: key, query: [("uploadId", uploadID)]))
    }

    /// Deletes `keys` with DeleteObjects, 1,000 a request (quiet: only failures come back).
    func deleteAll(_ keys: [String]) async throws {
        for start in stride(from: 0, to: keys.count, by: 1000) {
            var xml = "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
            for k in keys[start..<min(keys.count, start + 1000)] { xml += "<Object><Key>\(xmlEscape(k))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            // S3 requires Content-MD5 (or a checksum) on DeleteObjects.
            let md5 = Data(Insecure.MD5.hash(data: body)).base64EncodedString()
            let r = try await send("DeleteObjects", S3Request(method: "POST", bucket: bucket, query: [("delete", "")],
                                                    headers: [("Content-MD5", md5)], body: .bytes(body)))
            if let failed = XMLElement.parse(Data(r.body))?.children("Error").first {
                throw ClientFailure("DeleteObjects: \(failed.child("Key")?.text ?? ""): \(failed.child("Code")?.text ?? "") \(failed.child("Message")?.text ?? "")")
            }
        }
    }
}
