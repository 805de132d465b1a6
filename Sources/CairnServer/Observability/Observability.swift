import CoreMetrics
import Logging
import Prometheus

/// What observes the server, made from its configuration: the request observers (debug log,
/// metrics when there is an admin listener to export them, the access log when asked for) and the
/// registry `/metrics` reads.
struct Observability {
    let registry = PrometheusCollectorRegistry()
    /// The Prometheus factory with the admin listener; swift-metrics' no-op one without (nothing
    /// could read the numbers).
    let metrics: any MetricsFactory
    let accessLog: AccessLog?
    let observers: [any RequestObserver]

    init(configuration c: S3ServerConfiguration, logger: Logger) throws {
        var observers: [any RequestObserver] = [LoggingRequestObserver(logger: logger)]
        if c.adminAddress != nil {
            var prometheus = PrometheusMetricsFactory(registry: registry)
            prometheus.durationHistogramBuckets = [S3Metrics.requestDurationName: S3Metrics.durationBuckets,
                                                   S3Metrics.firstByteName: S3Metrics.durationBuckets]
            metrics = prometheus
            observers.append(S3Metrics(factory: prometheus))
        } else {
            metrics = NOOPMetricsHandler.instance
        }
        let metrics = self.metrics
        let accessLog = try c.accessLogPath.map { try AccessLog(path: $0, logger: logger, metrics: metrics) }
        if let accessLog { observers.append(accessLog) }
        self.accessLog = accessLog
        self.observers = observers
    }
}
