import CairnModel
import CairnPolicy
import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The one responder: every request is parsed into an `S3Endpoint`, authenticated, dispatched to its
/// handler, and any error becomes S3's XML here and nowhere else.
struct S3Responder: HTTPResponder {
    typealias Context = S3RequestContext
    let storage: Storage
    let authenticator: RequestAuthenticator
    let addressing: AddressingConfig
    let lifecycleClock: LifecycleClock
    let secure: Bool
    let allowInsecureSSEC: Bool
    let logger: Logger
    /// Told of every request once it is answered (metrics and access logs hook in here).
    var observers: [any RequestObserver] = []
    /// The stored access keys (nil: only the configured ones, which `authenticator` holds).
    var keys: KeyDirectory?
    /// Parsed bucket policies, by document text.
    let policies = PolicyCache()
    /// The users, by canonical id, that ACL grants may name.
    var users: any GranteeDirectory = UserDirectory(users: [])
    /// The web console's origin, answered CORS on every bucket (nil: no admin listener).
    var console: ConsoleOrigin?

    func respond(to request: Request, context: S3RequestContext) async throws -> Response {
        let requestID = RequestID.next()
        // Metrics and the access log: the observation counts the body bytes and reports the request
        // once its response body is written.
        let observation = RequestObservation(request: request, channel: context.channel, secure: secure,
                                             requestID: requestID, observers: observers)
        var request = request
        request.body = observation.counting(request.body)
        let rawPath = request.uri.path
        let isHead = request.method == .head
        let fromConsole = consoleOrigin(of: request)
        if request.method == .options, let fromConsole {
            // Named PreflightCORS in metrics and the access log when the path names a bucket.
            if let parsed = try? S3Endpoint.parse(method: "OPTIONS", rawPath: rawPath, query: [], host: request.head.authority,
                                                  hasCopySource: false, addressing: addressing) {
                observation.named(parsed)
            }
            return await observation.respond(stamped(consolePreflight(request, fromConsole.console, origin: fromConsole.origin,
                                                                      requestID: requestID), requestID))
        }
        var response: Response
        // For the CORS headers of the answer, whatever it is: the bucket as far as it is known.
        var addressed: S3Endpoint?
        var bucketRecord: BucketRecord?
        do {
            let query = URIEncoding.parseQuery(request.uri.query ?? "")
            // Authenticate, then parse: a request that is not who it claims to be learns nothing
            // about its arguments (an UploadPart with partNumber=0 and a bad signature is
            // SignatureDoesNotMatch, not InvalidArgument).
            var sigRequest = SigV4Request(method: request.method.rawValue, rawPath: rawPath, query: query,
                                          headers: Self.signableHeaders(request))
            sigRequest.rawQuery = request.uri.query ?? ""
            // A CORS preflight is never authenticated: it carries the URL the browser will use,
            // presigned for another method.
            let authentication = request.method == .options ? .anonymous : try await authenticate(
                sigRequest, virtualHostBucket: S3Endpoint.virtualHostedBucket(host: request.head.authority, addressing: addressing))
            observation.authenticated(authentication.principal)
            let parsed = try S3Endpoint.parse(method: request.method.rawValue, rawPath: rawPath, query: query,
                                              host: request.head.authority,
                                              hasCopySource: request.headers[HTTPField.Name("x-amz-copy-source")!] != nil,
                                              addressing: addressing)
            addressed = parsed
            observation.named(parsed)
            var principal = authentication.principal
            var headers = RequestHeaders(headers: request.headers.map { ($0.name.canonicalName, $0.value) },
                                         presignedQuery: S3Call.presignedQueryHeaders(query))
            // A browser form upload carries its key, credentials and headers in the form.
            var postUpload: PostObjectUpload?
            if case .postObject(let bucket) = parsed {
                (principal, headers, postUpload) = try await readPostObject(request, context: context, bucket: bucket)
                observation.authenticated(principal)
            }
            let conditionKeys = PolicyConditionKeys(endpoint: parsed, principal: principal, headers: headers,
                                                    remoteAddress: context.channel.remoteAddress?.ipAddress, secure: secure)
            let access = try await authorize(parsed, principal: principal, conditionKeys: conditionKeys,
                                             copySourceHeader: request.headers[HTTPField.Name("x-amz-copy-source")!],
                                             object: postUpload?.address)
            bucketRecord = access.bucket?.record
            let call = S3Call(request: request, context: context, endpoint: parsed, principal: principal,
                              access: access, payload: authentication.payload, query: Dictionary(query, uniquingKeysWith: { a, _ in a }),
                              headers: headers, secure: secure, allowInsecureSSEC: allowInsecureSSEC, postUpload: postUpload)
            do {
                response = try await dispatch(call)
            } catch let e as S3Error where e.code == .noSuchKey {
                throw missingKey(e, call, conditionKeys: conditionKeys)
            }
            if let charged = requestChargedHeader(call) { response.headers["x-amz-request-charged"] = charged }
        } catch let error as S3Error {
            observation.failed(error.code)
            response = errorResponse(error, resource: URIEncoding.decode(rawPath), requestID: requestID, head: isHead)
        } catch let full as StorageFull {
            logger.error("storage full", metadata: ["request-id": "\(requestID)", "error": "\(full)"])
            observation.failed(.serviceUnavailable)
            response = errorResponse(S3Error(.serviceUnavailable, "The server's storage is full; nothing was stored. Retry once space is freed."),
                                     resource: URIEncoding.decode(rawPath), requestID: requestID, head: isHead)
        } catch MetadataError.busy {
            // The metadata store stayed locked past its bound (another process, a long transaction).
            observation.failed(.slowDown)
            response = errorResponse(S3Error(.slowDown), resource: URIEncoding.decode(rawPath), requestID: requestID, head: isHead)
        } catch let error as MetadataError where error == .unavailable || error == .outcomeUnknown {
            // The metadata database is down or unreachable (PostgreSQL): answered within
            // PostgresLease's bound, and SDKs retry 503.
            logger.error("metadata database unavailable", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
            observation.failed(.serviceUnavailable)
            let message = error == .unavailable
                ? "The server cannot reach its metadata database; nothing was changed. Please retry."
                : "The connection to the metadata database broke while the change was committed; it may or may not have been applied. Please retry."
            response = errorResponse(S3Error(.serviceUnavailable, message), resource: URIEncoding.decode(rawPath), requestID: requestID, head: isHead)
        } catch {
            logger.error("request failed", metadata: ["request-id": "\(requestID)", "error": "\(error)"])
            observation.failed(.internalError)
            response = errorResponse(S3Error(.internalError), resource: URIEncoding.decode(rawPath), requestID: requestID, head: isHead)
        }
        // A browser's cross-origin request gets the bucket's CORS headers on any answer, errors
        // included (a preflight's answer has its own).
        if let origin = request.headers[HTTPField.Name("origin")!], request.method != .options {
            let bucket = addressed?.bucket ?? S3Endpoint.splitBucketKey(rawPath: rawPath, host: request.head.authority, addressing: addressing).0
                .map { BucketName(unchecked: $0) }
            let cors: [(String, String)]
            if let console = fromConsole?.console {
                cors = console.configuration(origin: origin, responseHeaders: response.headers)
                    .actualResponseHeaders(origin: origin, method: request.method.rawValue)
            } else {
                cors = await corsHeaders(origin: origin, method: request.method.rawValue, bucket: bucket, known: bucketRecord)
            }
            for (name, value) in cors { response.headers[name] = value }
        }
        return await observation.respond(stamped(response, requestID))
    }

    /// The headers every answer carries.
    func stamped(_ response: Response, _ requestID: String) -> Response {
        var response = response
        response.headers[HTTPField.Name("x-amz-request-id")!] = requestID
        response.headers[HTTPField.Name("x-amz-id-2")!] = RequestID.hostID
        response.headers[.server] = "Cairn"
        return response
    }

    /// Authenticates; a key this node does not know may have been created on another node a
    /// moment ago, so the key directory is reloaded (if the store changed) before answering
    /// InvalidAccessKeyId.
    func authenticate(_ r: SigV4Request, virtualHostBucket: String?) async throws -> Authentication {
        do {
            return try authenticator.authenticate(r, virtualHostBucket: virtualHostBucket)
        } catch let e as S3Error where e.code == .invalidAccessKeyId {
            guard let keys, try await keys.refreshIfChanged() else { throw e }
            return try authenticator.authenticate(r, virtualHostBucket: virtualHostBucket)
        }
    }

    func dispatch(_ call: S3Call) async throws -> Response {
        switch call.endpoint {
        case .listBuckets(let r): return try await listBuckets(call, r)
        case .createBucket(let b): return try await createBucket(call, b)
        case .deleteBucket: return try await deleteBucket(call)
        case .headBucket: return try await headBucket(call)
        case .getBucketLocation: return try await getBucketLocation(call)
        case .listObjectsV1(_, let r): return try await listObjects(call, r, version: 1)
        case .listObjectsV2(_, let r): return try await listObjects(call, r, version: 2)
        case .listObjectVersions(_, let r): return try await listObjectVersions(call, r)
        case .deleteObjects: return try await deleteObjects(call)
        case .putObject(let a): return try await putObject(call, a)
        case .copyObject(let a): return try await copyObject(call, a)
        case .getObject(let a, let n, let o): return try await getObject(call, a, partNumber: n, overrides: o, head: false)
        case .headObject(let a, let n, let o): return try await getObject(call, a, partNumber: n, overrides: o, head: true)
        case .getObjectAttributes(let a): return try await getObjectAttributes(call, a)
        case .deleteObject(let a): return try await deleteObject(call, a)
        case .putObjectTagging(let a): return try await putObjectTagging(call, a)
        case .getObjectTagging(let a): return try await getObjectTagging(call, a)
        case .deleteObjectTagging(let a): return try await deleteObjectTagging(call, a)
        case .putBucketTagging: return try await putBucketTagging(call)
        case .getBucketTagging: return try await getBucketTagging(call)
        case .deleteBucketTagging: return try await deleteBucketTagging(call)
        case .putBucketCors: return try await putBucketCors(call)
        case .getBucketCors: return try await getBucketCors(call)
        case .deleteBucketCors: return try await deleteBucketCors(call)
        case .corsPreflight(_, let key): return try await corsPreflight(call, key: key)
        case .postObject: return try await postObject(call)
        case .listMultipartUploads(_, let r): return try await listMultipartUploads(call, r)
        case .putBucketLifecycle: return try await putBucketLifecycle(call)
        case .getBucketLifecycle: return try await getBucketLifecycle(call)
        case .deleteBucketLifecycle: return try await deleteBucketLifecycle(call)
        case .putObjectLockConfiguration: return try await putObjectLockConfiguration(call)
        case .getObjectLockConfiguration: return try await getObjectLockConfiguration(call)
        case .putObjectRetention(let a): return try await putObjectRetention(call, a)
        case .getObjectRetention(let a): return try await getObjectRetention(call, a)
        case .putObjectLegalHold(let a): return try await putObjectLegalHold(call, a)
        case .getObjectLegalHold(let a): return try await getObjectLegalHold(call, a)
        case .putBucketPolicy: return try await putBucketPolicy(call)
        case .getBucketPolicy: return try await getBucketPolicy(call)
        case .deleteBucketPolicy: return try await deleteBucketPolicy(call)
        case .getBucketPolicyStatus: return try await getBucketPolicyStatus(call)
        case .putBucketAcl: return try await putBucketAcl(call)
        case .getBucketAcl: return try await getBucketAcl(call)
        case .putObjectAcl(let a): return try await putObjectAcl(call, a)
        case .getObjectAcl(let a): return try await getObjectAcl(call, a)
        case .putBucketOwnershipControls: return try await putBucketOwnershipControls(call)
        case .getBucketOwnershipControls: return try await getBucketOwnershipControls(call)
        case .deleteBucketOwnershipControls: return try await deleteBucketOwnershipControls(call)
        case .putPublicAccessBlock: return try await putPublicAccessBlock(call)
        case .getPublicAccessBlock: return try await getPublicAccessBlock(call)
        case .deletePublicAccessBlock: return try await deletePublicAccessBlock(call)
        case .putBucketVersioning: return try await putBucketVersioning(call)
        case .getBucketVersioning: return try await getBucketVersioning(call)
        case .putBucketRequestPayment: return try await putBucketRequestPayment(call)
        case .getBucketRequestPayment: return try await getBucketRequestPayment(call)
        case .putBucketEncryption: return try await putBucketEncryption(call)
        case .getBucketEncryption: return try await getBucketEncryption(call)
        case .deleteBucketEncryption: return try await deleteBucketEncryption(call)
        case .createMultipartUpload(let a): return try await createMultipartUpload(call, a)
        case .uploadPart(let a, let n, let u): return try await uploadPart(call, a, partNumber: n, uploadID: u)
        case .uploadPartCopy(let a, let n, let u): return try await uploadPartCopy(call, a, partNumber: n, uploadID: u)
        case .completeMultipartUpload(let a, let u): return try await completeMultipartUpload(call, a, uploadID: u)
        case .abortMultipartUpload(let a, let u): return try await abortMultipartUpload(call, a, uploadID: u)
        case .listParts(let a, let u, let r): return try await listParts(call, a, uploadID: u, r)
        case .notImplemented:
            throw S3Error(.notImplemented, "\(call.endpoint.operationName) is not implemented by this server yet.")
        }
    }

    func errorResponse(_ error: S3Error, resource: String, requestID: String, head: Bool) -> Response {
        var headers = HTTPFields()
        for (n, v) in error.headers { if let name = HTTPField.Name(n) { headers[name] = v } }
        let status = HTTPResponse.Status(code: error.code.httpStatus)
        if head || error.code == .notModified {
            return Response(status: status, headers: headers)
        }
        headers[.contentType] = "application/xml"
        let body = error.xml(resource: resource, requestID: requestID, hostID: RequestID.hostID)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func signableHeaders(_ request: Request) -> [(String, String)] {
        var out = request.headers.map { ($0.name.canonicalName, $0.value) }
        if let authority = request.head.authority { out.append(("host", authority)) }
        return out
    }
}

/// Request ids: unique per process and sortable, like AWS's 16-character ids.
enum RequestID {
    private static let counter = Counter()
    private static let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
    static let hostID = String(UUID().uuidString.prefix(8)).lowercased()
    /// 16 upper-case hex digits: the second, then a counter. (`String(format:)` went through
    /// Foundation's formatter, 3% of a HEAD's CPU.)
    static func next() -> String {
        let high = UInt64(UInt32(truncatingIfNeeded: Int(Date().timeIntervalSince1970)))
        let value = high << 32 | UInt64(counter.increment())
        return String(unsafeUninitializedCapacity: 16) { out in
            for i in 0..<16 { out[i] = digits[Int(value >> (60 - 4 * UInt64(i)) & 0xF)] }
            return 16
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value: UInt32 = 0
        func increment() -> UInt32 {
            lock.lock(); defer { lock.unlock() }
            value &+= 1
            return value
        }
    }
}

/// XML and empty responses.
enum Responses {
    static func xml(_ w: XMLWriter, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/xml"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: w.text)))
    }

    static func empty(_ status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentLength] = "0"
        return Response(status: status, headers: h)
    }
}

extension HTTPFields {
    subscript(name: String) -> String? {
        get { self[HTTPField.Name(name)!] }
        set { self[HTTPField.Name(name)!] = newValue }
    }
}
