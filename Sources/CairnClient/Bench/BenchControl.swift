import Foundation

/// Why the measured phase ended.
public enum StopReason: String, Sendable, Codable {
    case count, duration, autoterm
    /// A delete run ran out of prepared objects before its duration.
    case objectsExhausted = "objects-exhausted"
    /// Ctrl-C (SIGINT) or SIGTERM: the run still reports and cleans up.
    case interrupted
}

/// Hands the workers their next operation until the run must stop: after `--count` requests, at
/// the deadline or on --autoterm (set by the monitor), or when a delete run has nothing left.
final class BenchControl: @unchecked Sendable {  // `lock` guards all state
    private let lock = NSLock()
    private let limit: Int?
    private var issued = 0
    private var keyCounter = 0
    private var scheduler: MixedScheduler?
    private let fixed: BenchOperation
    private var stopReason: StopReason?
    private var interruptions = 0

    init(workload: BenchWorkload, count: Int?, mix: MixWeights) throws {
        limit = count
        switch workload {
        case .put: fixed = .putObject
        case .get: fixed = .getObject
        case .stat: fixed = .headObject
        case .delete: fixed = .deleteObject
        case .list: fixed = .listObjectsV2
        case .multipart: fixed = .uploadPart
        case .mixed:
            fixed = .getObject
            scheduler = try MixedScheduler(mix)
        }
    }

    /// The next operation to run, or nil once the run is over.
    func next() -> BenchOperation? {
        lock.withLock {
            guard stopReason == nil else { return nil }
            if let limit, issued >= limit {
                stopReason = .count
                return nil
            }
            issued += 1
            return scheduler?.next() ?? fixed
        }
    }

    /// Ends the run; the first reason given is the one reported.
    func stop(_ why: StopReason) {
        lock.withLock { if stopReason == nil { stopReason = why } }
    }

    /// A signal: stops the run (unless it has already stopped) and counts the signals.
    func interrupt() -> Int {
        lock.withLock {
            if stopReason == nil { stopReason = .interrupted }
            interruptions += 1
            return interruptions
        }
    }

    var stopped: Bool { lock.withLock { stopReason != nil } }

    var reason: StopReason? { lock.withLock { stopReason } }

    /// A new key number, unique within the run.
    func nextKeyNumber() -> Int {
        lock.withLock {
            keyCounter += 1
            return keyCounter
        }
    }
}

/// Hands out (upload, part number) for the multipart workload: `partsPerUpload` parts per upload,
/// the next upload created by the first caller that needs it while the others wait on the same
/// task (an actor's state is only safe between awaits, so the task is stored before awaiting).
actor UploadAllocator {
    private let s3: BenchS3
    private let partsPerUpload: Int
    private let recorder: LatencyRecorder
    private let newKey: @Sendable () -> String
    private var current: Task<(key: String, id: String), Error>?
    private var nextPart = 1
    /// Every upload created, so cleanup can abort them.
    private(set) var created: [(key: String, id: String)] = []

    init(s3: BenchS3, partsPerUpload: Int, recorder: LatencyRecorder, newKey: @escaping @Sendable () -> String) {
        self.s3 = s3
        self.partsPerUpload = max(1, partsPerUpload)
        self.recorder = recorder
        self.newKey = newKey
    }

    func next() async throws -> (key: String, id: String, part: Int) {
        if current == nil || nextPart > partsPerUpload {
            let (s3, recorder, key) = (s3, recorder, newKey())
            current = Task {
                let start = DispatchTime.now().uptimeNanoseconds
                do {
                    let id = try await s3.createUpload(key)
                    recorder.success(.createMultipartUpload, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, bytes: 0)
                    return (key, id)
                } catch {
                    recorder.failure(.createMultipartUpload, error)
                    throw error
                }
            }
            nextPart = 1
        }
        let part = nextPart
        nextPart += 1
        let upload = try await current!.value
        if part == 1 { created.append(upload) }
        return (upload.key, upload.id, part)
    }
}
