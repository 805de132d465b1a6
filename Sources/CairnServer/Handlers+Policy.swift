import CairnModel
import CairnPolicy
import CairnProtocol
import CairnStorage
import Foundation
import Hummingbird

extension S3Responder {
    /// PutBucketPolicy: the document is validated as S3 does (MalformedPolicy) and stored as sent.
    func putBucketPolicy(_ call: S3Call) async throws -> Response {
        call.sendContinue()
        // S3's limit is 20 KB; a larger document is a malformed policy, not malformed XML.
        let body: Data
        do {
            body = try await collectXMLBody(call, limit: 20 * 1024)
        } catch let e as S3Error where e.code == .malformedXML {
            throw S3Error(.malformedPolicy, "Policy exceeds the maximum allowed document size.")
        }
        let text = String(decoding: body, as: UTF8.self)
        try BucketPolicy(json: text, bucket: call.bucket.name).admit(under: call.bucket.record.publicAccessBlock)
        try await storage.setBucketPolicy(call.bucket, text)
        return Responses.empty(.noContent)
    }

    func getBucketPolicy(_ call: S3Call) async throws -> Response {
        guard let text = call.bucket.record.policy else { throw S3Error.noSuchBucketPolicy(call.bucket.name) }
        var h = HTTPFields()
        h[.contentType] = "application/json"
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    func deleteBucketPolicy(_ call: S3Call) async throws -> Response {
        try await storage.setBucketPolicy(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    /// GetBucketPolicyStatus: public when a statement allows everyone without a condition.
    func getBucketPolicyStatus(_ call: S3Call) async throws -> Response {
        guard let policy = try policies.policy(of: call.bucket.record) else { throw S3Error.noSuchBucketPolicy(call.bucket.name) }
        var w = XMLWriter()
        w.group("PolicyStatus", xmlns: XMLWriter.s3Namespace) { $0.element("IsPublic", policy.isPublic) }
        return Responses.xml(w)
    }
}

extension S3Error {
    static func noSuchBucketPolicy(_ bucket: BucketName) -> S3Error {
        S3Error(.noSuchBucketPolicy, fields: [("BucketName", bucket.rawValue)])
    }
}
