import CairnHashing
import CairnModel
import CairnPolicy
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    func listBuckets(_ call: S3Call, _ r: ListBucketsRequest) async throws -> Response {
        let query = ListBucketsQuery(prefix: r.prefix ?? "", after: r.after, region: r.region, maxBuckets: r.maxBuckets)
        let page = try await storage.listBuckets(owner: call.owner, query: query)
        var w = XMLWriter()
        w.group("ListAllMyBucketsResult", xmlns: XMLWriter.s3Namespace) { w in
            w.group("Owner") { w in
                w.element("ID", call.owner.id)
                w.element("DisplayName", call.owner.displayName)
            }
            w.group("Buckets") { w in
                for b in page.buckets {
                    w.group("Bucket") { w in
                        w.element("Name", b.name.rawValue)
                        w.element("CreationDate", S3Dates.iso8601(b.createdAt))
                        w.element("BucketRegion", b.region)
                    }
                }
            }
            if page.truncated, let last = page.buckets.last {
                w.element("ContinuationToken", ContinuationToken.encode(last.name.rawValue))
            }
            if let prefix = r.prefix { w.element("Prefix", prefix) }
        }
        return Responses.xml(w)
    }

    func createBucket(_ call: S3Call, _ bucket: BucketName) async throws -> Response {
        call.sendContinue()
        let body = try await collectXMLBody(call)
        if !body.isEmpty {
            let config = try RequestXML.decode(CreateBucketConfigurationXML.self, from: body)
            if let lc = config.LocationConstraint?.value, !lc.isEmpty, lc != storage.region {
                throw S3Error(.illegalLocationConstraint, "The \(lc) location constraint is incompatible for the region specific endpoint this request was sent to.",
                              fields: [("LocationConstraint", lc)])
            }
        }
        let ownership = try call.headers.objectOwnership()
        let acl = try users.resolve(try call.headers.aclRequest())
        let (effective, grants) = try BucketAccessSettings.newBucket(ownership: ownership, acl: acl, owner: call.owner)
        try await storage.createBucket(bucket, owner: call.owner, objectLock: call.headers.objectLockEnabled,
                                       ownership: effective, acl: grants)
        var h = HTTPFields()
        h["Location"] = "/\(bucket.rawValue)"
        return Responses.empty(headers: h)
    }

    func deleteBucket(_ call: S3Call) async throws -> Response {
        try await storage.deleteBucket(call.bucket)
        return Responses.empty(.noContent)
    }

    func headBucket(_ call: S3Call) async throws -> Response {
        let b = call.bucket.record
        var h = HTTPFields()
        h["x-amz-bucket-region"] = b.region
        h["x-amz-access-point-alias"] = "false"
        return Responses.empty(headers: h)
    }

    func getBucketLocation(_ call: S3Call) async throws -> Response {
        let b = call.bucket.record
        var w = XMLWriter()
        // us-east-1 is reported as an empty LocationConstraint, as AWS does.
        if b.region == "us-east-1" {
            w.empty("LocationConstraint xmlns=\"\(XMLWriter.s3Namespace)\"")
        } else {
            w.group("LocationConstraint", xmlns: XMLWriter.s3Namespace) { $0.text(b.region) }
        }
        return Responses.xml(w)
    }

    /// Reads a small XML request body (at most 2 MiB, enough for 1,000 DeleteObjects keys), verifying
    /// Content-MD5, the signed SHA-256 and any checksum like any other body.
    func collectXMLBody(_ call: S3Call, limit: Int = 2 * 1024 * 1024, checksumHeaders: Bool = true) async throws -> Data {
        let (body, trailers) = try BodyDecoding.body(call)
        let check = try PayloadVerifier(call: call, trailers: trailers, checksumHeaders: checksumHeaders)
        var hasher = BodyHasher(sha256: check.needsSHA256, checksum: check.checksumAlgorithm)
        var data = Data()
        for try await var buffer in body {
            buffer.withUnsafeReadableBytes { hasher.update($0) }
            if data.count + buffer.readableBytes > limit { throw S3Error(.malformedXML, "The XML you provided was larger than the maximum allowed.") }
            data.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
        try check.verify(hasher.finalize())
        return data
    }
}

extension XMLWriter {
    mutating func text(_ s: String) { XMLWriter.escape(s, into: &textStorage) }
}
