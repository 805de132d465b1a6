import CairnModel
import Foundation

/// S3 -> S3 copies done by the server, so no byte passes through the client: CopyObject up to the
/// multipart threshold, above it CreateMultipartUpload + UploadPartCopy of each range in parallel
/// + CompleteMultipartUpload (the aws CLI's s3transfer does the same).
public struct ObjectCopy: Sendable {
    let client: S3Client
    let settings: TransferSettings

    public init(client: S3Client, settings: TransferSettings) {
        self.client = client
        self.settings = settings
    }

    /// `x-amz-copy-source`: `bucket/key` percent-encoded with `/` kept (botocore quotes it so).
    static func copySource(bucket: String, key: String) -> String {
        URIEncoding.encode(bucket + "/" + key, keepSlash: true)
    }

    /// Copies `bucket/key` (of `size` bytes) to `destBucket/destKey`; `headers` go with the new
    /// object. SSE-C: `customerKey` encrypts the new object, `sourceKey` reads the source.
    public func copy(bucket: String, key: String, size: Int64, to destBucket: String, _ destKey: String,
                     headers: [(String, String)] = [], customerKey: [(String, String)] = [],
                     sourceKey: (copy: [(String, String)], head: [(String, String)]) = ([], [])) async throws {
        let source = Self.copySource(bucket: bucket, key: key)
        if size < settings.multipartThreshold {
            var req = S3Request(method: "PUT", bucket: destBucket, key: destKey,
                                headers: [("x-amz-copy-source", source)] + headers + customerKey + sourceKey.copy)
            req.errorIn200 = true
            _ = try await Transfer.send(client, "CopyObject", req)
            return
        }
        // CopyObject keeps the source's content headers and metadata (directive COPY); a multipart
        // copy has to carry them itself (as aws CLI v2 does, from a HeadObject of the source),
        // except those given on the command line and, with REPLACE, all of them.
        let directive = headers.first { $0.0.lowercased() == "x-amz-metadata-directive" }?.1
        var create = headers.filter { $0.0.lowercased() != "x-amz-metadata-directive" }
        if directive != "REPLACE" {
            let head = try await Transfer.send(client, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, headers: sourceKey.head))
            let given = Set(create.map { $0.0.lowercased() })
            for name in ["Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"]
            where !given.contains(name.lowercased()) {
                if let v = head.header(name) { create.append((name, v)) }
            }
            for (k, v) in head.headers where k.lowercased().hasPrefix("x-amz-meta-") { create.append((k, v)) }
        }
        create += customerKey
        let id = try await MultipartCalls.create(client, bucket: destBucket, key: destKey, headers: create)
        let chunk = settings.chunkSize(for: size)
        let count = Int((size + chunk - 1) / chunk)
        let client = self.client
        do {
            let parts = try await boundedConcurrently(count, limit: settings.maxConcurrentRequests) { i -> (etag: String, checksum: Checksum?) in
                let first = Int64(i) * chunk
                let last = min(size, first + chunk) - 1
                var req = S3Request(method: "PUT", bucket: destBucket, key: destKey,
                                    query: [("partNumber", String(i + 1)), ("uploadId", id)],
                                    headers: [("x-amz-copy-source", source), ("x-amz-copy-source-range", "bytes=\(first)-\(last)")]
                                        + customerKey + sourceKey.copy)
                req.errorIn200 = true
                let resp = try await Transfer.send(client, "UploadPartCopy", req)
                let result = XMLElement.parse(Data(resp.body))
                guard let etag = result?.child("ETag")?.text else { throw ClientFailure("UploadPartCopy returned no ETag") }
                // With a checksum algorithm, each part's checksum goes into the completion.
                let checksum = ChecksumAlgorithm.allCases.lazy.compactMap { a in
                    result?.child(a.xmlName).map { Checksum(a, base64: $0.text) }
                }.first
                return (etag, checksum)
            }
            try await MultipartCalls.complete(client, bucket: destBucket, key: destKey, uploadID: id, parts: parts)
        } catch {
            await MultipartCalls.abort(client, bucket: destBucket, key: destKey, uploadID: id)
            throw error
        }
    }
}
