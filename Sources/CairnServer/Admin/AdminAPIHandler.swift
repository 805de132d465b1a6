import CairnModel
import CairnSigV4
import CairnStorage
import Crypto
import Foundation
import Hummingbird

/// The admin API (`/admin/v1/...`, JSON) on the admin listener. Every request is SigV4-signed
/// with an access key of an admin user (the same signing as S3's, service `s3`, so any SigV4
/// signer works); anything else is 401 or 403, never served anonymously. Bodies are small JSON
/// documents whose SHA-256 the signature covers.
struct AdminAPIHandler: Sendable {
    let storage: Storage
    let keys: KeyDirectory
    let authenticator: RequestAuthenticator

    init(storage: Storage, keys: KeyDirectory) {
        self.storage = storage
        self.keys = keys
        self.authenticator = RequestAuthenticator(credentials: keys)
    }

    static let maxBody = 1 << 20

    func respond(_ request: Request) async -> Response {
        do {
            var request = request
            let body = try await request.collectBody(upTo: Self.maxBody)
            try await authorize(request, body: body)
            let path = request.uri.path
            guard path.hasPrefix(AdminAPI.prefix + "/") else { throw AdminError(.notFound, "no such admin resource") }
            let segments = path.dropFirst(AdminAPI.prefix.count + 1).split(separator: "/", omittingEmptySubsequences: false)
                .map { URIEncoding.decode(String($0)) }
            let query = Dictionary(URIEncoding.parseQuery(request.uri.query ?? ""), uniquingKeysWith: { a, _ in a })
            return try await route(request.method, segments, query: query, body: body)
        } catch let e as AdminError {
            return Self.error(e)
        } catch let e as S3Error {
            return Self.error(AdminError(.invalid, e.message), code: e.code.rawValue, status: .init(code: e.code.httpStatus))
        } catch let e as AdminAuthError {
            return Self.error(AdminError(.invalid, e.message), code: e.code, status: e.status)
        } catch {
            return Self.error(AdminError(.unavailable, "\(error)"), code: "InternalError", status: .internalServerError)
        }
    }

    /// SigV4 (header or presigned) by an enabled key of an admin user; the body's SHA-256 must be
    /// the signed one.
    func authorize(_ request: Request, body: ByteBuffer) async throws {
        var sig = SigV4Request(method: request.method.rawValue, rawPath: request.uri.path,
                               query: URIEncoding.parseQuery(request.uri.query ?? ""), headers: S3Responder.signableHeaders(request))
        sig.rawQuery = request.uri.query ?? ""
        guard sig.header("authorization") != nil || sig.query.contains(where: { $0.0 == "X-Amz-Signature" }) else {
            throw AdminAuthError(code: "AccessDenied", message: "the admin API needs a SigV4-signed request from an admin user's key",
                                 status: .unauthorized)
        }
        let verified: VerifiedRequest
        do {
            verified = try authenticator.verify(sig, virtualHostBucket: nil)
        } catch let e as S3Error where e.code == .invalidAccessKeyId {
            guard try await keys.refreshIfChanged() else { throw AdminAuthError(e) }
            do { verified = try authenticator.verify(sig, virtualHostBucket: nil) } catch { throw AdminAuthError(error) }
        } catch {
            throw AdminAuthError(error)
        }
        if case .signed(let expected) = verified.payload {
            let digest = Hex.encode(SHA256.hash(data: Array(buffer: body)))
            guard digest == expected.lowercased() else {
                throw AdminAuthError(code: "XAmzContentSHA256Mismatch", message: "the body's SHA-256 is not the signed one",
                                     status: .badRequest)
            }
        } else if case .streaming = verified.payload {
            throw AdminAuthError(code: "InvalidRequest", message: "the admin API takes plain bodies, not aws-chunked", status: .badRequest)
        }
        guard keys.isAdmin(verified.user.id) else {
            throw AdminAuthError(code: "AccessDenied", message: "\(verified.user.displayName) is not an admin user", status: .forbidden)
        }
    }

    static func error(_ e: AdminError, code: String? = nil, status: HTTPResponse.Status? = nil) -> Response {
        let status = status ?? {
            switch e.kind {
            case .notFound: .notFound
            case .conflict: .conflict
            case .invalid: .badRequest
            case .unavailable: .serviceUnavailable
            }
        }()
        return json(AdminAPI.ErrorBody(code: code ?? e.kind.rawValue, message: e.message), status: status)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func noContent() -> Response { Response(status: .noContent, headers: [.cacheControl: "no-store"]) }
}

/// An authentication failure of the admin API, with S3's code for it.
struct AdminAuthError: Error {
    var code: String
    var message: String
    var status: HTTPResponse.Status

    init(code: String, message: String, status: HTTPResponse.Status) {
        self.code = code
        self.message = message
        self.status = status
    }

    init(_ error: any Error) {
        if let e = error as? S3Error {
            self.init(code: e.code.rawValue, message: e.message, status: .init(code: e.code.httpStatus))
        } else {
            self.init(code: "AccessDenied", message: "\(error)", status: .forbidden)
        }
    }
}
