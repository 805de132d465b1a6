import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL

/// What a request that got no HTTP response says, in botocore's words for the same cause
/// (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError,
/// SSLError), so that "server down", "server hung", "connection dropped" and "certificate not
/// trusted" read differently. `--debug` still logs the underlying error.
enum TransportError {
    static func message(for error: any Error, url: String) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return "Connect timeout on endpoint URL: \"\(url)\""
            case .readTimeout, .deadlineExceeded: return "Read timeout on endpoint URL: \"\(url)\""
            case .remoteConnectionClosed:
                return "Connection was closed before we received a valid response from endpoint URL: \"\(url)\"."
            default: break
            }
        }
        if let e = error as? NIOSSLError { return "SSL validation failed for \(url) \(e)" }
        if error is BoringSSLError { return "SSL validation failed for \(url) \(error)" }
        if let e = error as? IOError, [ECONNRESET, EPIPE].contains(e.errnoCode) {
            return "Connection was closed before we received a valid response from endpoint URL: \"\(url)\"."
        }
        return "Could not connect to the endpoint URL: \"\(url)\""
    }
}
