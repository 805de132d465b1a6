import CairnModel
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird

/// A POST Object upload whose form was read up to the file and whose signature and policy held:
/// the object it writes (the URL's bucket, the form's key with `${filename}` replaced), how to
/// answer, and the file part, read as the upload's body.
struct PostObjectUpload: Sendable {
    let address: ObjectAddress
    let successAction: PostSuccessAction
    let file: PostFileBody
}

extension S3Responder {
    /// Reads a browser form upload up to its file (the fields S3 allows before it, at most 20 KB),
    /// verifies the signature over its policy and the policy's conditions, and names the key. The
    /// authorize step then decides `s3:PutObject` on that key for the form's signer (or, for an
    /// unsigned form, for anyone a bucket policy lets in). The form's fields that are PutObject
    /// headers (`acl` as `x-amz-acl`, ...) come back as the request's typed headers.
    func readPostObject(_ request: Request, context: S3RequestContext,
                        bucket: BucketName) async throws -> (principal: Principal, headers: RequestHeaders, upload: PostObjectUpload) {
        let boundary = try MultipartBoundary.parse(contentType: request.headers[.contentType])
        // The form is the credentials: nothing can be decided before reading it.
        context.channel.triggerUserOutboundEvent(SendContinue(), promise: nil)
        let reader = PostFormReader(body: request.body, boundary: boundary)
        let form = try await reader.readFields()
        let key = try form.key()
        let auth = try authenticator.authenticatePost(fields: form.byName)
        try auth.policy?.check(fields: form.fields, bucket: bucket.rawValue)
        let upload = PostObjectUpload(address: ObjectAddress(bucket: bucket, key: key), successAction: form.successAction,
                                      file: PostFileBody(reader: reader, lengthRange: auth.policy?.contentLengthRange))
        return (auth.principal, try form.requestHeaders(), upload)
    }

    /// POST Object: the file streams into storage like a PutObject body; the answer is
    /// `success_action_redirect` (303) or `success_action_status` (200, 201 with a PostResponse
    /// document, 204 by default).
    func postObject(_ call: S3Call) async throws -> Response {
        guard let upload = call.postUpload else { preconditionFailure("PostObject dispatched without its form") }
        let record = try await storeObject(call, key: upload.address.key, body: upload.file, check: try PayloadVerifier(call: call))
        var h = putObjectHeaders(record, call)
        let scheme = call.secure ? "https" : "http"
        let host = call.request.head.authority ?? "localhost"
        let bucket = upload.address.bucket.rawValue, key = upload.address.key.rawValue
        let location = "\(scheme)://\(host)/\(URIEncoding.encode(bucket))/\(URIEncoding.encode(key, keepSlash: true))"
        h[.location] = location
        switch upload.successAction {
        case .redirect(let url):
            let query = URIEncoding.formatQuery([("bucket", bucket), ("key", key), ("etag", record.etag.quoted)])
            h[.location] = url + (url.contains("?") ? "&" : "?") + query
            return Responses.empty(.seeOther, headers: h)
        case .status(201):
            var w = XMLWriter()
            w.group("PostResponse") { w in
                w.element("Location", location)
                w.element("Bucket", bucket)
                w.element("Key", key)
                w.element("ETag", record.etag.quoted)
            }
            return Responses.xml(w, status: .created, headers: h)
        case .status(200):
            return Responses.empty(.ok, headers: h)
        case .status:
            return Responses.empty(.noContent, headers: h)
        }
    }
}
