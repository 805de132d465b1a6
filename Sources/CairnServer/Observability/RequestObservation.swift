import CairnModel
import CairnProtocol
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOSSL

/// The observation of one request, from its arrival until its response body is written: it counts
/// the body bytes both ways and hands one `ObservedRequest` to the observers at the end.
///
/// Why at the end of the body and not when `respond` returns: a GET's bytes are written after
/// the responder has returned, and the access log's bytes sent and total time, like the
/// duration histogram, mean the whole response.
final class RequestObservation: @unchecked Sendable {
    private let observers: [any RequestObserver]
    /// The connection, kept only to read its TLS version when an observer wants it.
    private let tlsChannel: (any Channel)?
    private let started = ContinuousClock.now
    // Everything below is guarded by `lock`: the request body is counted by the handler's task and
    // the response body by the connection's writer.
    private let lock = NSLock()
    private var record: ObservedRequest
    private var requestDeclaredSize: Int64?
    private var reported = false

    /// `channel`: the request's connection (its peer address; over TLS, its protocol version).
    init(request: Request, channel: (any Channel)?, secure: Bool, requestID: String, observers: [any RequestObserver]) {
        self.observers = observers
        tlsChannel = secure && observers.contains { $0.wantsTLSVersion } ? channel : nil
        let remoteAddress = channel?.remoteAddress?.ipAddress
        let headers = request.headers
        let rawQuery = request.uri.query ?? ""
        record = ObservedRequest(
            requestID: requestID, endpoint: nil, principal: .anonymous, status: 0, duration: .zero,
            timeToFirstByte: .zero, received: Date(), method: request.method.rawValue,
            rawPath: request.uri.path, rawQuery: rawQuery, host: request.head.authority,
            userAgent: headers[.userAgent], remoteAddress: remoteAddress,
            signatureVersion: SignatureVersion.of(authorization: headers[.authorization], rawQuery: rawQuery),
            errorCode: nil, bytesReceived: 0, bytesSent: 0, objectSize: nil, versionID: nil)
        requestDeclaredSize = (headers[HTTPField.Name("x-amz-decoded-content-length")!] ?? headers[.contentLength])
            .flatMap { Int64($0) }
    }

    /// The request body, counted as the handler reads it.
    func counting(_ body: RequestBody) -> RequestBody {
        RequestBody(asyncSequence: CountingRequestBody(base: body, observation: self))
    }

    /// The request was authenticated and parsed: from now on it is in flight as this operation.
    func named(_ endpoint: S3Endpoint) {
        lock.withLock { record.endpoint = endpoint }
        for observer in observers { observer.began(operation: endpoint.operationName) }
    }

    /// Who sent the request (known before the operation: a request whose arguments fail to parse
    /// still has a requester).
    func authenticated(_ principal: Principal) {
        lock.withLock { record.principal = principal }
    }

    /// The response is an S3 error with this code.
    func failed(_ code: S3ErrorCode) {
        guard code != .notModified else { return }
        lock.withLock { record.errorCode = code.rawValue }
    }

    /// Bodies of at most this many declared bytes are taken whole before the response leaves.
    static let smallBodyLimit = 64 * 1024

    /// Takes the response's head facts and wraps its body so that the observers are told once the
    /// last byte has been handed to the connection (or the write failed).
    ///
    /// A small body of known length (XML, an error document, an empty body) is collected into one
    /// buffer instead, and the request reported at once: Hummingbird writes a one-buffer body
    /// together with the head in a single write, and a wrapped body would cost every small response
    /// a second write (and packet).
    func respond(_ response: Response) async -> Response {
        var response = response
        let now = ContinuousClock.now
        var tlsVersion: String?
        if let tlsChannel { tlsVersion = await Self.tlsVersion(of: tlsChannel) }
        lock.withLock {
            record.tlsVersion = tlsVersion
            record.status = response.status.code
            record.timeToFirstByte = now - started
            record.versionID = response.headers[HTTPField.Name("x-amz-version-id")!]
            record.objectSize = ObjectSize.of(record.endpoint, status: record.status, requestDeclared: requestDeclaredSize,
                                              contentRange: response.headers[.contentRange],
                                              contentLength: response.headers[.contentLength])
        }
        let body = response.body
        if let length = body.contentLength, length <= Self.smallBodyLimit {
            let collected = CollectedBody()
            do {
                try await body.write(CollectingResponseBodyWriter(into: collected))
                response.body = collected.body
                addSent(collected.count)
            } catch {
                // Only a closure body can fail; it fails for the connection as it would have.
                response.body = ResponseBody(contentLength: length) { _ in throw error }
            }
            report()
            return response
        }
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            let counted = CountingResponseBodyWriter(base: writer, observation: self)
            do {
                try await body.write(counted)
            } catch {
                self.report()
                throw error
            }
            self.report()
        }
        return response
    }

    /// S3's spelling of the connection's protocol version (`TLSv1.3`).
    static func tlsVersion(of channel: any Channel) async -> String? {
        switch try? await channel.nioSSL_tlsVersion().get() {
        case .tlsv13: return "TLSv1.3"
        case .tlsv12: return "TLSv1.2"
        case .tlsv11: return "TLSv1.1"
        case .tlsv1: return "TLSv1"
        default: return nil
        }
    }

    func addReceived(_ n: Int) { lock.withLock { record.bytesReceived += Int64(n) } }
    func addSent(_ n: Int) { lock.withLock { record.bytesSent += Int64(n) } }

    private func report() {
        let now = ContinuousClock.now
        let done: ObservedRequest? = lock.withLock {
            guard !reported else { return nil }
            reported = true
            record.duration = now - started
            return record
        }
        guard let done else { return }
        for observer in observers { observer.observe(done) }
    }

    // A response the server dropped without writing its body (the connection went away before the
    // head was written) is still observed, so that no request stays "in flight" forever.
    deinit { report() }
}

/// A request body that tells its observation how many bytes were read.
struct CountingRequestBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let observation: RequestObservation

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let observation: RequestObservation
        mutating func next() async throws -> ByteBuffer? {
            let buffer = try await base.next()
            if let buffer { observation.addReceived(buffer.readableBytes) }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator(), observation: observation) }
}

/// A response body writer that tells its observation how many bytes were written.
struct CountingResponseBodyWriter: ResponseBodyWriter {
    var base: any ResponseBodyWriter
    let observation: RequestObservation

    mutating func write(_ buffer: ByteBuffer) async throws {
        try await base.write(buffer)
        observation.addSent(buffer.readableBytes)
    }

    mutating func write(contentsOf buffers: some Sequence<ByteBuffer>) async throws {
        for buffer in buffers { try await write(buffer) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        try await base.finish(trailingHeaders)
    }
}

/// What a small response body wrote, as one buffer (and its trailers, if it sent any).
final class CollectedBody: @unchecked Sendable {
    // Written by one writer before `body` is read.
    var buffer = ByteBuffer()
    var trailers: HTTPFields?
    var count: Int { buffer.readableBytes }

    /// The body again, in the form Hummingbird writes with the head in one go.
    var body: ResponseBody {
        guard let trailers else { return buffer.readableBytes == 0 ? ResponseBody() : ResponseBody(byteBuffer: buffer) }
        let buffer = buffer
        return ResponseBody(contentLength: buffer.readableBytes) { writer in
            try await writer.write(buffer)
            try await writer.finish(trailers)
        }
    }
}

struct CollectingResponseBodyWriter: ResponseBodyWriter {
    let into: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        into.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        into.trailers = trailingHeaders
    }
}
