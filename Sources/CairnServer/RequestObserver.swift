import CairnModel
import CairnProtocol
import Foundation
import Logging

/// One answered request, as observers see it: what the S3 server access log and the metrics need.
/// Built once per request by `RequestObservation` when the response body has been written.
struct ObservedRequest: Sendable {
    var requestID: String
    /// nil when the request could not be parsed into an operation (e.g. a bad signature).
    var endpoint: S3Endpoint?
    var principal: Principal
    var status: Int
    /// From the request's arrival to the last byte of the response handed to the connection.
    var duration: Duration
    /// From the request's arrival to the response head being ready (S3's "turn-around time").
    var timeToFirstByte: Duration
    /// Wall-clock arrival time, for the log line.
    var received: Date
    var method: String
    /// The request target as sent (encoded path and raw query), secrets included: log it only
    /// through `AccessLogLine.redactedURI`.
    var rawPath: String
    var rawQuery: String
    var host: String?
    var userAgent: String?
    var remoteAddress: String?
    /// `SigV4`, `SigV2`, or nil for an anonymous request (from the request's shape).
    var signatureVersion: String?
    /// The S3 error code sent, nil for a success (and for 304 Not Modified, which S3 counts as one).
    var errorCode: String?
    /// Body bytes read from the request (the wire bytes: an aws-chunked body with its framing).
    var bytesReceived: Int64
    /// Body bytes written into the response (0 for HEAD).
    var bytesSent: Int64
    /// The object's size when the request reveals it: the body of a write, or the full size of a read.
    var objectSize: Int64?
    var versionID: String?
    /// `TLSv1.2` / `TLSv1.3` over HTTPS when an observer asked for it (`wantsTLSVersion`), else nil.
    var tlsVersion: String?

    /// AWS's operation name, or `-` for a request that named none.
    var operationName: String { endpoint?.operationName ?? "-" }
}

/// Told of every request at the one place every request passes (S3Responder.respond): where
/// metrics and the access log observe the server.
protocol RequestObserver: Sendable {
    /// Whether `observe` needs `tlsVersion`: reading it asks the connection's event loop, a cost
    /// only the access log pays.
    var wantsTLSVersion: Bool { get }
    /// The request named its operation (it was authenticated and parsed); `observe` follows once
    /// its response is written. Requests refused before that are only observed.
    func began(operation: String)
    func observe(_ request: ObservedRequest)
}

extension RequestObserver {
    var wantsTLSVersion: Bool { false }
    func began(operation: String) {}
}

/// A one-line record of each request at debug level (`--log-level debug`): operation, bucket, key,
/// who, status and time.
struct LoggingRequestObserver: RequestObserver {
    let logger: Logger

    func observe(_ r: ObservedRequest) {
        guard logger.logLevel <= .debug else { return }
        logger.debug("request", metadata: [
            "request-id": "\(r.requestID)", "operation": "\(r.operationName)",
            "bucket": "\(r.endpoint?.bucket?.rawValue ?? "-")", "key": "\(r.endpoint?.address?.key.rawValue ?? "-")",
            "principal": "\(r.principal.user?.accessKey ?? "anonymous")", "status": "\(r.status)",
            "ms": "\(r.duration / .milliseconds(1))",
        ])
    }
}
