import CairnModel
import Foundation

/// S3 -> S3 copies done by the server, so no byte passes through the client: CopyObject up to the
/// multipart threshold, above it CreateMultipartUpload + UploadPartCopy of each range in parallel
/// + CompleteMultipartUpload (the aws CLI's s3transfer does the same).
public struct ObjectCopy: Sendable {
    let client: S3Client
    /// Reads the source (HeadObject, GetObjectTagging): a client for `--source-region`.
    let sourceClient: S3Client
    let settings: TransferSettings
    let copyProps: CopyProps

    public init(client: S3Client, sourceClient: S3Client? = nil, settings: TransferSettings, copyProps: CopyProps = .default) {
        self.client = client
        self.sourceClient = sourceClient ?? client
        self.settings = settings
        self.copyProps = copyProps
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
        let given = headers.first { $0.0.lowercased() == "x-amz-metadata-directive" }?.1
        if size < settings.multipartThreshold {
            // --copy-props: CopyObject takes metadata and tags from the source unless told to replace them.
            var props: [(String, String)] = []
            if copyProps == .none && given == nil { props.append(("x-amz-metadata-directive", "REPLACE")) }
            if copyProps != .default { props.append(("x-amz-tagging-directive", "REPLACE")) }
            var req = S3Request(method: "PUT", bucket: destBucket, key: destKey,
                                headers: [("x-amz-copy-source", source)] + headers + props + customerKey + sourceKey.copy)
            req.errorIn200 = true
            _ = try await Transfer.send(client, "CopyObject", req)
            return
        }
        // CopyObject keeps the source's content headers and metadata (directive COPY); a multipart
        // copy has to carry them itself (as aws CLI v2 does, from a HeadObject of the source),
        // except those given on the command line and, with REPLACE, all of them.
        var create = headers.filter { $0.0.lowercased() != "x-amz-metadata-directive" }
        if given != "REPLACE" && copyProps != .none {
            let head = try await Transfer.send(sourceClient, "HeadObject", S3Request(method: "HEAD", bucket: bucket, key: key, headers: sourceKey.head))
            let given = Set(create.map { $0.0.lowercased() })
            for name in ["Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires"]
            where !given.contains(name.lowercased()) {
                if let v = head.header(name) { create.append((name, v)) }
            }
            for (k, v) in head.headers where k.lowercased().hasPrefix("x-amz-meta-") { create.append((k, v)) }
        }
        if copyProps == .default, let tagging = try await sourceTagging(bucket: bucket, key: key) { create.append(("x-amz-tagging", tagging)) }
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

    /// The source's tags as an `x-amz-tagging` value (`k1=v1&k2=v2`), nil when it has none.
    func sourceTagging(bucket: String, key: String) async throws -> String? {
        let resp = try await Transfer.send(sourceClient, "GetObjectTagging", S3Request(method: "GET", bucket: bucket, key: key, query: [("tagging", "")]))
        let tags = XMLElement.parse(Data(resp.body))?.child("TagSet")?.children("Tag") ?? []
        guard !tags.isEmpty else { return nil }
        return tags.map { t in
            URIEncoding.encode(t.child("Key")?.text ?? "") + "=" + URIEncoding.encode(t.child("Value")?.text ?? "")
        }.joined(separator: "&")
    }
}
