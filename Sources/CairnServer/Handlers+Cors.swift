import CairnModel
import CairnProtocol
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

extension S3Responder {
    /// PutBucketCors: validated as S3 does (`CORSConfiguration(xml:)`), stored as JSON. Like S3, the
    /// request must carry Content-MD5 or a checksum.
    func putBucketCors(_ call: S3Call) async throws -> Response {
        try call.headers.requireIntegrityHeader(for: "Put Bucket Cors")
        call.sendContinue()
        let config = try CORSConfiguration(xml: try await collectXMLBody(call, limit: 64 * 1024))
        try await storage.setBucketCors(call.bucket, config.json())
        return Responses.empty()
    }

    func getBucketCors(_ call: S3Call) async throws -> Response {
        guard let config = try corsConfiguration(call.bucket.record) else {
            throw S3Error(.noSuchCORSConfiguration, fields: [("BucketName", call.bucket.name.rawValue)])
        }
        return Responses.xml(config.xml())
    }

    func deleteBucketCors(_ call: S3Call) async throws -> Response {
        try await storage.setBucketCors(call.bucket, nil)
        return Responses.empty(.noContent)
    }

    /// A browser's preflight: 200 with the matching rule's headers, else 403 AccessForbidden
    /// ("CORS is not enabled for this bucket." when it has no rules at all).
    func corsPreflight(_ call: S3Call, key: ObjectKey?) async throws -> Response {
        let question = try call.headers.corsPreflight()
        let resourceType = key == nil ? "BUCKET" : "OBJECT"
        guard let config = try corsConfiguration(call.bucket.record) else {
            throw S3Error(.accessForbidden, "CORSResponse: CORS is not enabled for this bucket.",
                          fields: [("Method", question.method), ("ResourceType", resourceType)])
        }
        var h = HTTPFields()
        for (name, value) in try config.preflight(question, resourceType: resourceType) { h[name] = value }
        return Responses.empty(headers: h)
    }
}

extension S3Responder {
    /// The bucket's CORS rules, from the JSON read with its record.
    func corsConfiguration(_ record: BucketRecord) throws -> CORSConfiguration? {
        try record.cors.map(CORSConfiguration.init(json:))
    }

    /// The CORS headers of an actual response (success or error) to a request with an `Origin`:
    /// the first rule allowing the origin and the method decides them. `known` is the bucket as the
    /// authorize step read it; a request that failed before that (a bad signature, AccessDenied)
    /// has its bucket read here, so the browser can still read the error.
    func corsHeaders(origin: String, method: String, bucket: BucketName?, known: BucketRecord?) async -> [(String, String)] {
        var record = known
        if record == nil, let bucket { record = try? await storage.bucketContext(bucket).record }
        guard let record, let config = try? corsConfiguration(record) else { return [] }
        return config.actualResponseHeaders(origin: origin, method: method)
    }
}

extension S3Responder {
    /// The console's rule and the request's `Origin`, when that is the web console's (`ConsoleOrigin`).
    func consoleOrigin(of request: Request) -> (console: ConsoleOrigin, origin: String)? {
        guard let console, let origin = request.headers[HTTPField.Name("origin")!],
              console.matches(origin: origin, authority: request.head.authority) else { return nil }
        return (console, origin)
    }

    /// The console's preflight, on any path (CreateBucket's, ListBuckets', a missing bucket's):
    /// answered from the console's rule before anything is read; S3's 400 for a malformed question.
    func consolePreflight(_ request: Request, _ console: ConsoleOrigin, origin: String, requestID: String) -> Response {
        let headers = RequestHeaders(headers: request.headers.map { ($0.name.canonicalName, $0.value) })
        do throws(S3Error) {
            let question = try headers.corsPreflight()
            var h = HTTPFields()
            for (name, value) in try console.configuration(origin: origin).preflight(question, resourceType: "OBJECT") {
                h[name] = value
            }
            return Responses.empty(headers: h)
        } catch {
            return errorResponse(error, resource: URIEncoding.decode(request.uri.path), requestID: requestID, head: false)
        }
    }
}
