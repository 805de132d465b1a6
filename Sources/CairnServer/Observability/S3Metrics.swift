import CoreMetrics
import Foundation

/// The per-operation request metrics, through swift-metrics (exported by swift-prometheus on the
/// admin listener). Every series is labelled `operation` with AWS's operation name (`UploadPart`),
/// `-` for a request refused before it named one (a bad signature).
final class S3Metrics: RequestObserver, @unchecked Sendable {
    static let requestDurationName = "cairn_s3_request_duration_seconds"
    static let firstByteName = "cairn_s3_time_to_first_byte_seconds"
    /// From a cached small GET (~1 ms) to a 5 GiB part on a slow link.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]

    /// The series of one operation, made once: a registry lookup per request and series would take
    /// the registry's lock and hash the labels each time.
    private struct Operation {
        let requests: Counter
        let received: Counter
        let sent: Counter
        let duration: CoreMetrics.Timer
        let firstByte: CoreMetrics.Timer
        let inFlight: Meter
    }

    private let factory: any MetricsFactory
    private let lock = NSLock()
    private var operations: [String: Operation] = [:]
    private var errors: [ErrorKey: Counter] = [:]

    private struct ErrorKey: Hashable {
        var operation: String
        var code: String
        var status: Int
    }

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func began(operation: String) {
        series(operation).inFlight.increment()
    }

    func observe(_ r: ObservedRequest) {
        let op = series(r.operationName)
        if r.endpoint != nil { op.inFlight.decrement() }
        op.requests.increment()
        op.received.increment(by: r.bytesReceived)
        op.sent.increment(by: r.bytesSent)
        op.duration.recordNanoseconds(Self.nanoseconds(r.duration))
        op.firstByte.recordNanoseconds(Self.nanoseconds(r.timeToFirstByte))
        if let code = r.errorCode {
            errorCounter(ErrorKey(operation: r.operationName, code: code, status: r.status)).increment()
        }
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func series(_ operation: String) -> Operation {
        lock.withLock {
            if let op = operations[operation] { return op }
            let labels = [("operation", operation)]
            let op = Operation(
                requests: Counter(label: "cairn_s3_requests_total", dimensions: labels, factory: factory),
                received: Counter(label: "cairn_s3_received_bytes_total", dimensions: labels, factory: factory),
                sent: Counter(label: "cairn_s3_sent_bytes_total", dimensions: labels, factory: factory),
                duration: CoreMetrics.Timer(label: Self.requestDurationName, dimensions: labels, factory: factory),
                firstByte: CoreMetrics.Timer(label: Self.firstByteName, dimensions: labels, factory: factory),
                inFlight: Meter(label: "cairn_s3_requests_in_flight", dimensions: labels, factory: factory))
            operations[operation] = op
            return op
        }
    }

    private func errorCounter(_ key: ErrorKey) -> Counter {
        lock.withLock {
            if let c = errors[key] { return c }
            let c = Counter(label: "cairn_s3_errors_total",
                            dimensions: [("operation", key.operation), ("code", key.code), ("status", String(key.status))],
                            factory: factory)
            errors[key] = c
            return c
        }
    }
}
