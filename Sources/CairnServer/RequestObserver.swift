import CairnModel
import CairnProtocol
import Logging

/// One answered request, as observers see it.
struct ObservedRequest: Sendable {
    var requestID: String
    /// nil when the request could not be parsed into an operation.
    var endpoint: S3Endpoint?
    var principal: Principal
    var status: Int
    var duration: Duration

    /// AWS's operation name, or `-` for a request that named none.
    var operationName: String { endpoint?.operationName ?? "-" }
}

/// Told of every request once its response is ready, at the one place every request passes
/// (S3Responder.respond): where metrics and the access log observe the server.
protocol RequestObserver: Sendable {
    func observe(_ request: ObservedRequest)
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
