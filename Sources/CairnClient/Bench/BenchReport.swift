import Foundation

/// Latency percentiles of one operation, in milliseconds.
public struct LatencySummary: Codable, Sendable, Equatable {
    public var p50Ms: Double, p90Ms: Double, p99Ms: Double, maxMs: Double

    init(sortedNs: [UInt64]) {
        func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
        p50Ms = ms(Percentile.of(sortedNs, 50))
        p90Ms = ms(Percentile.of(sortedNs, 90))
        p99Ms = ms(Percentile.of(sortedNs, 99))
        maxMs = ms(sortedNs.last ?? 0)
    }
}

/// One row of the result: an operation (or all of them, `Total`).
public struct OperationReport: Codable, Sendable, Equatable {
    public var operation: String
    /// Successful requests (errors are counted apart and not in the rates or latencies).
    public var count: Int
    public var errors: Int
    public var bytes: Int64
    public var opsPerSecond: Double
    /// Decimal megabytes (10^6 bytes) per second of body data.
    public var mbPerSecond: Double
    public var latency: LatencySummary
    public var firstError: String?

    init(operation: String, samples: OperationSamples, seconds: Double) {
        self.operation = operation
        count = samples.latenciesNs.count
        errors = samples.errors
        bytes = samples.bytes
        opsPerSecond = seconds > 0 ? Double(count) / seconds : 0
        mbPerSecond = seconds > 0 ? Double(bytes) / seconds / 1e6 : 0
        latency = LatencySummary(sortedNs: samples.latenciesNs.sorted())
        firstError = samples.firstError
    }
}

/// The server's cost over the measured phase (Linux /proc of `--server-pid`).
public struct ServerUsage: Codable, Sendable, Equatable {
    public var pid: Int32
    public var cpuMs: Double
    /// Server CPU milliseconds per request of the measured phase (all operations together, failed
    /// requests included: they cost the server too).
    public var cpuMsPerRequest: Double
    /// VmHWM after the run: the process's peak RSS over its whole life, preparation included.
    public var peakRssBytes: Int64
    public var rssBytes: Int64

    public init(pid: Int32, before: ProcessStats, after: ProcessStats, requests: Int) {
        self.pid = pid
        cpuMs = after.cpuMs - before.cpuMs
        cpuMsPerRequest = requests > 0 ? cpuMs / Double(requests) : 0
        peakRssBytes = after.peakRSSBytes
        rssBytes = after.rssBytes
    }
}

/// The result of a run: what `--json` prints and the table is made from.
public struct BenchReport: Codable, Sendable {
    public var workload: String
    public var endpoint: String
    public var bucket: String
    public var prefix: String
    public var concurrency: Int
    public var objectSize: String
    public var seconds: Double
    public var stoppedBy: StopReason
    public var operations: [OperationReport]
    public var total: OperationReport
    public var server: ServerUsage?
    public var cleanupError: String?

    public init(config: BenchConfig, endpoint: String, prefix: String, seconds: Double, stoppedBy: StopReason,
                samples: [BenchOperation: OperationSamples]) {
        workload = config.workload.rawValue
        self.endpoint = endpoint
        bucket = config.bucket
        self.prefix = prefix
        concurrency = config.concurrency
        objectSize = config.workload == .multipart ? "\(config.partSize) B parts" : config.sizes.description
        self.seconds = seconds
        self.stoppedBy = stoppedBy
        operations = samples.keys.sorted().map { OperationReport(operation: $0.rawValue, samples: samples[$0]!, seconds: seconds) }
        var all = OperationSamples()
        for s in samples.values {
            all.latenciesNs += s.latenciesNs
            all.bytes += s.bytes
            all.errors += s.errors
            all.firstError = all.firstError ?? s.firstError
        }
        total = OperationReport(operation: "Total", samples: all, seconds: seconds)
    }

    /// JSON with snake_case keys, sorted, for scripts and tests.
    public func json() throws -> String {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }

    /// The table printed at the end of a run.
    public func table() -> String {
        var out = "\(workload) on \(endpoint) bucket \(bucket), \(concurrency) workers, \(objectSize), "
            + String(format: "%.2f s (stopped by %@)\n", seconds, stoppedBy.rawValue)
        let header = ["Operation", "Count", "Ops/s", "MB/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "Errors"]
        var rows = [header]
        for r in operations + (operations.count > 1 ? [total] : []) {
            rows.append([r.operation, String(r.count), String(format: "%.1f", r.opsPerSecond), String(format: "%.2f", r.mbPerSecond),
                         String(format: "%.2f", r.latency.p50Ms), String(format: "%.2f", r.latency.p90Ms),
                         String(format: "%.2f", r.latency.p99Ms), String(format: "%.2f", r.latency.maxMs), String(r.errors)])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        for row in rows {
            // The operation name left-aligned, the numbers right-aligned.
            let cells = row.enumerated().map { c, v in
                let pad = String(repeating: " ", count: widths[c] - v.count)
                return c == 0 ? v + pad : pad + v
            }
            out += cells.joined(separator: "  ") + "\n"
        }
        for r in operations where r.errors > 0 {
            out += "first \(r.operation) error: \(r.firstError ?? "")\n"
        }
        if let s = server {
            out += String(format: "server pid %d: %.0f CPU-ms, %.3f CPU-ms per request, peak RSS %.1f MiB (VmHWM)\n",
                          s.pid, s.cpuMs, s.cpuMsPerRequest, Double(s.peakRssBytes) / 1_048_576)
        }
        if let c = cleanupError { out += "cleanup failed: \(c)\n" }
        return out
    }
}
