import AsyncHTTPClient
import CairnModel
import CairnSigV4
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// One S3 request before signing: path-style addressing (`/bucket/key`).
public struct S3Request: Sendable {
    public var method: String
    public var bucket: String?
    public var key: String?
    /// Decoded query parameters; an empty value is sent as a bare name (`?uploads`).
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: RequestBody
    /// botocore's `_handle_200_error`: a 200 whose body is not XML, or is an `<Error>`, is a 500
    /// (retried like one). Set for operations whose output is parsed from XML.
    public var errorIn200 = false
    /// The operation's host prefix, labels filled in (WriteGetObjectResponse: `route.`).
    public var hostPrefix: String?
    /// The SigV4 service name (`s3-object-lambda` for WriteGetObjectResponse).
    public var signingName = "s3"

    public init(method: String, bucket: String? = nil, key: String? = nil, query: [(String, String)] = [],
                headers: [(String, String)] = [], body: RequestBody = .empty) {
        self.method = method
        self.bucket = bucket
        self.key = key
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The encoded path: `/bucket/key` with the key's `/` kept.
    public var rawPath: String {
        var p = "/"
        if let bucket { p += URIEncoding.encode(bucket) }
        if let key { p += "/" + URIEncoding.encode(key, keepSlash: true) }
        return p
    }
}

/// A request body the client can send again on a retry: bytes in memory, or a byte range of a
/// file read in bounded buffers.
public enum RequestBody: Sendable {
    case empty
    case bytes([UInt8])
    case file(path: String, offset: Int64, length: Int64, progress: (@Sendable (Int) async -> Void)?)
    /// A shared buffer sent as is (no copy per request) with `UNSIGNED-PAYLOAD`: `cairn bench`
    /// sends slices of one generated buffer and must not spend its CPU hashing them.
    case buffer(ByteBuffer)

    var length: Int64 {
        switch self {
        case .empty: return 0
        case .bytes(let b): return Int64(b.count)
        case .buffer(let b): return Int64(b.readableBytes)
        case .file(_, _, let n, _): return n
        }
    }
}

/// A response with its (small) body collected.
public struct S3Response: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public func header(_ name: String) -> String? {
        let l = name.lowercased()
        return headers.first { $0.0.lowercased() == l }?.1
    }
}

/// The async S3 client: signs with SigV4 (CairnSigV4), streams file bodies, turns S3 error XML into
/// `S3ServiceError`, and retries 5xx, throttling and connection errors with exponential backoff
/// and jitter (botocore's "legacy" mode: `maxAttempts` attempts in all).
public final class S3Client: Sendable {
    public let config: ClientConfig
    let http: HTTPClient
    /// Bytes per read when streaming a file body.
    static let fileChunk = 256 * 1024
    /// Why `--ca-bundle`'s file cannot be used, in Python's words as the aws CLI prints them.
    let caBundleProblem: String?

    static func unreadable(_ path: String) -> String? {
        guard access(path, R_OK) != 0 else { return nil }
        let code = errno
        return "[Errno \(code)] \(String(cString: strerror(code)))"
    }

    public init(config: ClientConfig, connectionsPerHost: Int = 8) {
        self.config = config
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = config.verifySSL ? .fullVerification : .none
        if config.verifySSL, let bundle = config.caBundle { tls.trustRoots = .file(bundle) }
        caBundleProblem = config.verifySSL ? config.caBundle.flatMap(Self.unreadable) : nil
        var c = HTTPClient.Configuration(tlsConfiguration: tls,
                                         timeout: .init(connect: .milliseconds(Int64(config.connectTimeout * 1000)),
                                                        read: config.readTimeout > 0 ? .milliseconds(Int64(config.readTimeout * 1000)) : nil))
        c.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        c.httpVersion = .http1Only
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: c)
    }

    public func shutdown() async {
        try? await http.shutdown()
    }

    /// Sends a request and collects the response body (S3 XML; bounded to 64 MiB). Non-2xx
    /// statuses throw `S3ServiceError`.
    public func send(_ request: S3Request) async throws -> S3Response {
        try await perform(request) { response in
            var collected = [UInt8]()
            for try await buf in response.body {
                collected.append(contentsOf: buf.readableBytesView)
                if collected.count > 64 << 20 { throw ClientFailure("response body too large") }
            }
            if request.errorIn200, response.status.code == 200, !collected.isEmpty {
                let headers = response.headers.map { ($0.name, $0.value) }
                let root = XMLElement.parse(Data(collected))
                if root == nil || root?.name == "Error" { throw S3ServiceError.from(status: 500, body: collected, headers: headers) }
            }
            return S3Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: collected)
        }
    }

    /// Sends a request and hands a 2xx response (headers and streaming body) to `handle`.
    /// A failure inside `handle` (e.g. a connection reset mid-body) is retried like any other.
    public func perform<T: Sendable>(_ request: S3Request, handle: @Sendable (HTTPClientResponse) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            // A retried file body is read and counted again: take back what this attempt counted.
            let (attemptRequest, counted) = Self.countingProgress(request)
            if let problem = caBundleProblem, config.endpoint.scheme?.lowercased() == "https" {
                throw ClientFailure("SSL validation failed for \(config.url(for: request)) \(problem)")
            }
            do {
                let response = try await http.execute(try build(attemptRequest), timeout: .hours(24))
                let status = Int(response.status.code)
                if status >= 300 && status != 304 {
                    var body = [UInt8]()
                    for try await buf in response.body {
                        if body.count < 1 << 20 { body.append(contentsOf: buf.readableBytesView) }
                    }
                    let headers = response.headers.map { ($0.name, $0.value) }
                    debugLog("< HTTP \(status)\n" + headers.map { "< \($0.0): \($0.1)" }.joined(separator: "\n") + "\n< " + String(decoding: body, as: UTF8.self))
                    throw S3ServiceError.from(status: status, body: body, headers: headers)
                }
                debugLog("< HTTP \(status)\n" + response.headers.map { "< \($0.name): \($0.value)" }.joined(separator: "\n"))
                return try await handle(response)
            } catch var e as S3ServiceError {
                guard Self.retryable(e) else { throw e }
                guard attempt < config.maxAttempts else {
                    // botocore's MaxAttemptsReached: said even when only one attempt was allowed.
                    e.retries = attempt - 1
                    throw e
                }
                debugLog("retrying after \(e.code) (attempt \(attempt) of \(config.maxAttempts))")
            } catch is CancellationError {
                throw CancellationError()
            } catch let e as ClientFailure {
                throw e
            } catch {
                guard attempt < config.maxAttempts else {
                    debugLog("giving up after \(attempt) attempts: \(error)")
                    throw ClientFailure(TransportError.message(for: error, url: config.url(for: request)))
                }
                debugLog("retrying after connection error \(error) (attempt \(attempt) of \(config.maxAttempts))")
            }
            await counted?.rewind()
            let backoff = min(20.0, 0.1 * pow(2.0, Double(attempt - 1))) * Double.random(in: 0.5...1.0)
            try await Task.sleep(nanoseconds: UInt64(backoff * 1e9))
        }
    }

    /// The request with its file body's progress callback wrapped to count this attempt's bytes.
    static func countingProgress(_ request: S3Request) -> (S3Request, AttemptBytes?) {
        guard case .file(let path, let offset, let length, let progress?) = request.body else { return (request, nil) }
        let counted = AttemptBytes(progress)
        var r = request
        r.body = .file(path: path, offset: offset, length: length, progress: { n in await counted.add(n) })
        return (r, counted)
    }

    static func retryable(_ e: S3ServiceError) -> Bool {
        [500, 502, 503, 504, 429].contains(e.status)
            || ["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "InternalError", "ServiceUnavailable"].contains(e.code)
    }

    func build(_ r: S3Request) throws -> HTTPClientRequest {
        let urlString = config.url(for: r)
        var req = HTTPClientRequest(url: urlString)
        req.method = HTTPMethod(rawValue: r.method)
        var headers = r.headers + config.commonHeaders
        headers.append(("host", config.hostHeader(prefix: r.hostPrefix)))
        let amzDate = SigV4.amzDate(Date())
        headers.append(("x-amz-date", amzDate))
        let payloadHash: String
        switch r.body {
        case .empty: payloadHash = SigV4.emptySHA256
        case .bytes(let b): payloadHash = Hex.sha256(b)
        case .file, .buffer: payloadHash = "UNSIGNED-PAYLOAD"  // integrity comes from Content-MD5 / the checksum header
        }
        headers.append(("x-amz-content-sha256", payloadHash))
        if let token = config.sessionToken { headers.append(("x-amz-security-token", token)) }
        if !config.accessKey.isEmpty {
            let sreq = SigV4Request(method: r.method, rawPath: config.signedPath(for: r), query: r.query, headers: headers)
            let scope = CredentialScope(date: String(amzDate.prefix(8)), region: config.region, service: r.signingName)
            let auth = SigV4.authorizationHeader(for: sreq, credentials: SigningCredentials(accessKey: config.accessKey, secretKey: config.secretKey),
                                                 scope: scope, amzDate: amzDate, payloadHash: payloadHash)
            headers.append(("Authorization", auth))
        }
        headers.append(("User-Agent", ClientVersion.userAgent))
        for (k, v) in headers { req.headers.add(name: k, value: v) }
        switch r.body {
        case .empty:
            if r.method == "PUT" || r.method == "POST" { req.body = .bytes(ByteBuffer()) }
        case .bytes(let b): req.body = .bytes(ByteBuffer(bytes: b))
        case .buffer(let b): req.body = .bytes(b)
        case .file(let path, let offset, let length, let progress):
            req.body = .stream(FileChunks(path: path, offset: offset, length: length, progress: progress), length: .known(length))
        }
        debugLog("> \(r.method) \(urlString)\n" + headers.map { "> \($0.0): \($0.1)" }.joined(separator: "\n"))
        return req
    }

    func debugLog(_ s: @autoclosure () -> String) {
        guard config.debug else { return }
        let stamp = UTCDate(Date()).iso8601(milliseconds: false)
        FileHandle.standardError.write(Data("\(stamp) - cairn.client - DEBUG - \(s())\n".utf8))
    }
}

/// The bytes one attempt of a request reported to a progress callback, so that a retry can take
/// them back (the retried body is read and reported again from its start).
final class AttemptBytes: @unchecked Sendable {  // `lock` guards `count` and `closed`
    private let progress: @Sendable (Int) async -> Void
    private let lock = NSLock()
    private var count = 0
    private var closed = false
    init(_ progress: @escaping @Sendable (Int) async -> Void) { self.progress = progress }

    func add(_ n: Int) async {
        // AsyncHTTPClient does not cancel a failed request's body stream, so a read already in
        // flight may report after the rewind: such bytes belong to the dead attempt.
        let counted = lock.withLock { () -> Bool in
            if !closed { count += n }
            return !closed
        }
        if counted { await progress(n) }
    }

    /// Takes back what this attempt reported; later reports from it are ignored.
    func rewind() async {
        let n = lock.withLock { () -> Int in
            defer { count = 0; closed = true }
            return count
        }
        if n > 0 { await progress(-n) }
    }
}

/// A byte range of a file as an async sequence of bounded buffers (pread; the file is opened
/// when iteration starts and closed when it ends or is abandoned).
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let path: String
    let offset: Int64
    let length: Int64
    let progress: (@Sendable (Int) async -> Void)?

    final class FD: @unchecked Sendable {
        let fd: Int32
        init(_ fd: Int32) { self.fd = fd }
        deinit { if fd >= 0 { close(fd) } }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let fd: FD
        var position: Int64
        let end: Int64
        let progress: (@Sendable (Int) async -> Void)?

        mutating func next() async throws -> ByteBuffer? {
            guard position < end else { return nil }
            guard fd.fd >= 0 else { throw ClientFailure("cannot open file") }
            let n = Int(Swift.min(Int64(S3Client.fileChunk), end - position))
            var buf = ByteBufferAllocator().buffer(capacity: n)
            let got = buf.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { ptr in
                pread(fd.fd, ptr.baseAddress, n, off_t(position))
            }
            guard got > 0 else { throw ClientFailure("unexpected end of file or read error") }
            position += Int64(got)
            await progress?(got)
            return buf
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(fd: FD(open(path, O_RDONLY)), position: offset, end: offset + length, progress: progress)
    }
}
