import Foundation

/// Runs one bench: creates the bucket if missing, prepares the objects the workload reads, runs
/// `concurrency` workers until the run stops, measures the server's /proc figures around that
/// phase only, then removes what the run created (unless --noclear).
public final class BenchRunner: Sendable {
    let config: BenchConfig
    let client: S3Client
    let s3: BenchS3
    let payload: BenchPayload
    /// Keys of this run start with it: `prefix + 8 hex digits + "/"`.
    let runPrefix: String
    let recorder = LatencyRecorder()
    let pool = ObjectPool()
    let control: BenchControl

    /// `client` should have retries off (`maxAttempts` 1): a retried request would hide an error
    /// and report the sum of its attempts as one latency.
    public init(config: BenchConfig, client: S3Client) throws {
        self.config = config
        self.client = client
        s3 = BenchS3(client: client, bucket: config.bucket)
        guard config.largestBody <= Int64(Int32.max) else { throw ClientFailure("bodies above 2 GiB are not supported") }
        payload = BenchPayload(size: Int(config.largestBody))
        var p = config.prefix
        if !p.isEmpty && !p.hasSuffix("/") { p += "/" }
        runPrefix = p + String(format: "%08x", UInt32.random(in: 0...UInt32.max)) + "/"
        control = try BenchControl(workload: config.workload, count: config.count, mix: config.mix)
    }

    /// Ends the measured phase early (a signal): requests in flight finish, then the report and
    /// the cleanup run as usual. Before the measured phase it ends that phase as soon as it starts.
    /// Returns how many times it has been called, so a second signal can quit outright.
    @discardableResult
    public func interrupt() -> Int { control.interrupt() }

    func newKey() -> String { runPrefix + String(format: "%09d", control.nextKeyNumber()) }

    /// The whole run; the report includes any cleanup failure rather than losing the measurements.
    public func run() async throws -> BenchReport {
        let createdBucket = try await s3.ensureBucket()
        do { try await prepare() } catch {
            // What the preparation did upload must not be left behind either.
            if !config.noClear { try? await cleanup(uploads: [], deleteBucket: createdBucket) }
            throw error
        }
        let before = config.serverPID.flatMap(ProcessStats.read)
        let allocator = UploadAllocator(s3: s3, partsPerUpload: config.partsPerUpload, recorder: recorder,
                                        newKey: { [self] in newKey() })
        let start = DispatchTime.now().uptimeNanoseconds
        let progress = BenchProgress(draw: config.progress, label: config.workload.rawValue)
        let ticker = Task { await monitor(start: start, progress: progress) }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, config.concurrency) {
                group.addTask { [self] in
                    while let op = control.next() { await perform(op, allocator: allocator) }
                }
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        ticker.cancel()
        progress.clear()
        let after = config.serverPID.flatMap(ProcessStats.read)
        var report = BenchReport(config: config, endpoint: client.config.endpoint.absoluteString, prefix: runPrefix,
                                 seconds: elapsed, stoppedBy: control.reason ?? .count, samples: recorder.snapshot)
        if let pid = config.serverPID, let before, let after {
            report.server = ServerUsage(pid: pid, before: before, after: after, requests: report.total.count + report.total.errors)
        }
        if !config.noClear {
            do { try await cleanup(uploads: await allocator.created, deleteBucket: createdBucket) } catch {
                report.cleanupError = String(describing: error)
            }
        }
        return report
    }

    /// Uploads the objects get/stat/list/delete/mixed work on; a failure here ends the run, since
    /// measuring reads of objects that are not there would measure nothing.
    func prepare() async throws {
        let n = config.objectsToPrepare
        guard n > 0 else { return }
        let keys = (0..<n).map { _ in newKey() }
        let sizes = keys.map { _ in config.sizes.sample() }
        _ = try await boundedConcurrently(n, limit: max(1, config.concurrency)) { [self] i in
            try await s3.put(keys[i], payload.body(sizes[i]))
            pool.add(keys[i], size: sizes[i])
        }
    }

    /// One request, timed and recorded. Keys are chosen before the clock starts.
    func perform(_ op: BenchOperation, allocator: UploadAllocator) async {
        var readKey: String?
        defer { if let readKey { pool.endRead(readKey) } }
        do {
            let work: () async throws -> Int64
            switch op {
            case .putObject:
                let (key, size) = (newKey(), config.sizes.sample())
                work = { [self] in try await s3.put(key, payload.body(size)); pool.add(key, size: size); return size }
            case .getObject, .headObject:
                guard let target = pool.beginRead() else { throw ClientFailure("no object left to read") }
                let (key, size) = (target.key, target.size)
                readKey = key
                if op == .getObject {
                    work = { [s3] in try await s3.get(key, expectedSize: size) }
                } else {
                    work = { [s3] in try await s3.head(key, expectedSize: size); return 0 }
                }
            case .deleteObject:
                guard let key = pool.takeForDelete() else {
                    if config.workload == .delete { control.stop(.objectsExhausted); return }
                    throw ClientFailure("no object free to delete")
                }
                work = { [s3] in try await s3.delete(key); return 0 }
            case .listObjectsV2:
                let expected = pool.count
                work = { [s3, runPrefix] in
                    let keys = try await s3.listAll(prefix: runPrefix).keys
                    guard keys.count == expected else { throw ClientFailure("ListObjectsV2 found \(keys.count) objects, expected \(expected)") }
                    return 0
                }
            case .uploadPart:
                let (key, id, part) = try await allocator.next()
                guard part <= 10_000 else { throw ClientFailure("part number above 10,000: lower --parts") }
                work = { [self] in try await s3.uploadPart(key, uploadID: id, part: part, payload.body(config.partSize)); return config.partSize }
            case .createMultipartUpload:
                return  // timed by the allocator, never dealt by BenchControl
            }
            let start = DispatchTime.now().uptimeNanoseconds
            let bytes = try await work()
            recorder.success(op, nanoseconds: DispatchTime.now().uptimeNanoseconds - start, bytes: bytes)
        } catch {
            recorder.failure(op, error)
        }
    }

    /// Once a second: the live line, the deadline, and --autoterm's stability check.
    func monitor(start: UInt64, progress: BenchProgress) async {
        var autoterm = config.autoterm
        var last = recorder.totals
        var lastTime = 0.0
        func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        while !Task.isCancelled && !control.stopped {
            // Wake at the deadline rather than on the next whole second, so a short --duration
            // is kept to.
            let nap = min(1.0, max(0.005, (config.duration ?? .infinity) - seconds()))
            try? await Task.sleep(nanoseconds: UInt64(nap * 1e9))
            let now = recorder.totals
            let elapsed = seconds()
            progress.draw(elapsed: elapsed, requests: now.requests, bytes: now.bytes, errors: now.errors)
            if let d = config.duration, elapsed >= d { control.stop(.duration) }
            // Bytes/s is the steadier measure when bodies move; requests/s for HEAD, DELETE, LIST.
            let interval = max(0.001, elapsed - lastTime)
            let rate = (now.bytes > 0 ? Double(now.bytes - last.bytes) : Double(now.requests - last.requests)) / interval
            if autoterm?.add(rate) == true { control.stop(.autoterm) }
            (last, lastTime) = (now, elapsed)
        }
    }

    /// Deletes every object under the run prefix (a listing, so objects of failed or interrupted
    /// requests that did land are found too), aborts the multipart uploads, and deletes the bucket
    /// if this run created it.
    func cleanup(uploads: [(key: String, id: String)], deleteBucket: Bool) async throws {
        for u in uploads { try await s3.abortUpload(u.key, uploadID: u.id) }
        try await s3.deleteAll(try await s3.listAll(prefix: runPrefix).keys)
        if deleteBucket { try await s3.deleteBucket() }
    }
}
