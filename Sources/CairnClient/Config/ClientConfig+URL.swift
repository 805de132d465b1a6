import CairnModel
import Foundation

/// Where a request goes: path-style URLs on the endpoint (a path on the endpoint URL itself is
/// kept as a prefix), shared by sent requests and presigned URLs.
extension ClientConfig {
    /// The full URL of `r`, query included.
    public func url(for r: S3Request) -> String {
        var base = endpoint.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        // botocore puts an operation's host prefix (`{RequestRoute}.`) before the endpoint's host.
        if let prefix = r.hostPrefix, let host = endpoint.host, let range = base.range(of: "://" + host) {
            base.replaceSubrange(range, with: "://" + prefix + host)
        }
        let q = URIEncoding.formatQuery(r.query)
        return base + r.rawPath + (q.isEmpty ? "" : "?" + q)
    }

    /// The path a signature covers: the endpoint's own path, then `/bucket/key`.
    func signedPath(for r: S3Request) -> String {
        var prefix = endpoint.path
        while prefix.hasSuffix("/") { prefix.removeLast() }
        return prefix + r.rawPath
    }

    /// The Host header: the endpoint's host, with its port unless it is the scheme's default.
    var hostHeader: String { hostHeader(prefix: nil) }

    /// The Host header of a request with a host prefix.
    func hostHeader(prefix: String?) -> String {
        let host = (prefix ?? "") + (endpoint.host ?? "")
        let h = host.contains(":") ? "[\(host)]" : host
        if let port = endpoint.port, !(endpoint.scheme == "http" && port == 80) && !(endpoint.scheme == "https" && port == 443) {
            return "\(h):\(port)"
        }
        return h
    }
}
