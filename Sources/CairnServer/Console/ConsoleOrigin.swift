import CairnProtocol
import HTTPTypes

/// The web console (served by the admin listener) is a real S3 client of the S3 listener: a
/// different port, so a different origin, and the browser asks CORS of every bucket it touches.
/// The S3 listener therefore answers CORS for the console's own origin as if every bucket had one
/// rule allowing it, whatever the bucket's own rules (and before any bucket is read, so that
/// CreateBucket and a missing bucket's error reach the page). CORS grants no access: every actual
/// request is still SigV4-authenticated and authorized by the one authorize step, exactly as any
/// other client's.
///
/// The console's origin is the admin port on the host name the browser used for the S3 listener
/// (`http://HOST:ADMINPORT` for a request to `HOST:S3PORT`): the page built the S3 URL from its own
/// `location.hostname`, so the two always agree, whatever the listeners are bound to.
///
/// Behind a reverse proxy (TLS in front, which a remote browser needs for WebCrypto) the page's
/// origin is the proxy's: the operator names it with `--console-origin`, matched exactly.
struct ConsoleOrigin: Sendable {
    let adminPort: Int
    var origins: [String] = []

    /// Headers the page reads from S3's answers (`Access-Control-Expose-Headers` cannot be `*`
    /// when credentials are allowed; user metadata is added per response).
    static let exposed = [
        "ETag", "Content-Length", "Content-Type", "Last-Modified", "x-amz-request-id", "x-amz-version-id",
        "x-amz-delete-marker", "x-amz-mp-parts-count", "x-amz-checksum-type", "x-amz-checksum-crc32",
        "x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme", "x-amz-checksum-sha1", "x-amz-checksum-sha256",
        "x-amz-server-side-encryption", "x-amz-storage-class",
    ]

    /// Whether `origin` is the console's for a request addressed to `authority` (the Host header).
    func matches(origin: String, authority: String?) -> Bool {
        if origins.contains(origin) { return true }
        guard let authority else { return false }
        return origin == "http://\(Self.hostname(authority)):\(adminPort)"
    }

    /// `HOST` of `HOST:PORT`, `[::1]` of `[::1]:PORT`.
    static func hostname(_ authority: String) -> Substring {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return authority[...end] }
        return authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0]
    }

    /// The rule the console's origin gets on every bucket; `responseHeaders` adds the answer's own
    /// `x-amz-meta-*` names to the exposed ones, so the page can show user metadata.
    func configuration(origin: String, responseHeaders: HTTPFields = [:]) -> CORSConfiguration {
        let metadata = responseHeaders.map(\.name.canonicalName).filter { $0.hasPrefix("x-amz-meta-") }
        return CORSConfiguration(rules: [CORSRule(
            allowedOrigins: [origin], allowedMethods: ["GET", "PUT", "POST", "DELETE", "HEAD"], allowedHeaders: ["*"],
            exposeHeaders: Self.exposed + metadata, maxAgeSeconds: 600)])
    }
}
