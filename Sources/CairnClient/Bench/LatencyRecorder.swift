import Foundation

/// Nearest-rank percentiles of a sorted sample (the value below which `p` percent of the samples
/// fall, never an interpolated value nobody measured).
public enum Percentile {
    /// `p` in 0...100 of `sorted` (ascending); 0 for an empty sample.
    public static func of<T: BinaryInteger>(_ sorted: [T], _ p: Double) -> T {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}

/// What one operation kind did during the measured phase.
public struct OperationSamples: Sendable {
    /// Latency of every successful request, in nanoseconds (8 bytes a request: a minute at 20k
    /// requests/s is under 10 MB, so no histogram is needed for exact percentiles).
    public var latenciesNs: [UInt64] = []
    public var bytes: Int64 = 0
    public var errors = 0
    public var firstError: String?

    public init() {}
}

/// Collects the measurements of all workers; a lock, since every request records once and the
/// critical section is an append.
public final class LatencyRecorder: @unchecked Sendable {  // `lock` guards `samples`
    private let lock = NSLock()
    private var samples: [BenchOperation: OperationSamples] = [:]
    private var completed = 0
    private var completedBytes: Int64 = 0
    private var failed = 0

    public init() {}

    public func success(_ op: BenchOperation, nanoseconds: UInt64, bytes: Int64) {
        lock.withLock {
            samples[op, default: OperationSamples()].latenciesNs.append(nanoseconds)
            samples[op, default: OperationSamples()].bytes += bytes
            completed += 1
            completedBytes += bytes
        }
    }

    public func failure(_ op: BenchOperation, _ error: Error) {
        lock.withLock {
            samples[op, default: OperationSamples()].errors += 1
            if samples[op]!.firstError == nil { samples[op]!.firstError = String(describing: error) }
            completed += 1
            failed += 1
        }
    }

    /// Requests finished (successful or not), bytes moved and errors so far, for progress and --autoterm.
    public var totals: (requests: Int, bytes: Int64, errors: Int) { lock.withLock { (completed, completedBytes, failed) } }

    public var snapshot: [BenchOperation: OperationSamples] { lock.withLock { samples } }
}
