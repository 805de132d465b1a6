import Foundation

/// Runs the file operations of an `aws s3` command, `max_concurrent_requests` files at a time,
/// each through the single-file code (`Transfer` for uploads and downloads, `ObjectCopy` for
/// S3 -> S3), printing one line per file as it finishes. A failed file is reported and the others
/// go on; the counts give the aws CLI's exit code (1 when any failed).
public struct FileTaskRunner: Sendable {
    let client: S3Client
    let settings: TransferSettings
    let printer: ResultPrinter
    let dryRun: Bool
    /// Guess each upload's Content-Type from its name (`--no-guess-mime-type` turns it off).
    public var guessMimeType = true
    /// What every upload and copy sends (`--content-type`, `--storage-class`, `--metadata`, ...).
    public var objectHeaders = ObjectHeaders()
    /// Resume interrupted transfers of files above the multipart threshold (`--resume`).
    public var resume = false
    public var stateDirectory = NSTemporaryDirectory()
    public var checksumMode = false
    public var copyProps = CopyProps.default
    /// Reads a copy's source and deletes a moved object (`--source-region`); `client` otherwise.
    public var sourceClient: S3Client?

    public init(client: S3Client, settings: TransferSettings, printer: ResultPrinter, dryRun: Bool) {
        self.client = client
        self.settings = settings
        self.printer = printer
        self.dryRun = dryRun
    }

    /// Runs `tasks`; returns how many failed.
    public func run(_ tasks: [FileTask]) async -> Int {
        if dryRun {
            for t in tasks { printer.result("(dryrun) \(t.label): \(t.location)") }
            return 0
        }
        let transfers = tasks.filter { $0.kind != .delete }
        printer.startProgress(bytes: transfers.reduce(0) { $0 + max(0, $1.entry.size) }, files: tasks.count, countsBytes: !transfers.isEmpty)
        let results = try? await boundedConcurrently(tasks.count, limit: settings.maxConcurrentRequests) { i -> Bool in
            let t = tasks[i]
            do {
                try await perform(t)
                printer.result("\(t.label): \(t.location)")
                return true
            } catch {
                printer.failure("\(t.label) failed: \(t.location) \(error)", fileDone: true)
                return false
            }
        }
        printer.finish()
        return results?.filter { !$0 }.count ?? tasks.count
    }

    func transfer(size: Int64) throws -> Transfer {
        var options = TransferOptions(stateDirectory: stateDirectory)
        options.partSize = settings.chunkSize(for: size)
        options.multipartThreshold = settings.multipartThreshold
        // Small files go in one request either way: only multipart transfers have parts to keep.
        options.resume = resume && size >= settings.multipartThreshold
        options.checksumMode = checksumMode
        options.maxBandwidth = settings.maxBandwidth
        options.concurrency = settings.maxConcurrentRequests
        options.progress = false
        options.onBytes = { [printer] n in printer.add(bytes: n) }
        options.customerKeyHeaders = try objectHeaders.customerKeyHeaders()
        options.checksumAlgorithm = objectHeaders.checksumAlgorithm
        return Transfer(client: client, options: options)
    }

    func perform(_ t: FileTask) async throws {
        let e = t.entry
        switch t.kind {
        case .upload:
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: e.source, isDirectory: &isDir), isDir.boolValue {
                throw ClientFailure("[Errno 21] Is a directory: '\(e.source)'")  // Python's words, as aws prints them
            }
            let (bucket, key) = S3URI.split(e.destination)
            var headers = try objectHeaders.headers(forCopy: false)
            if guessMimeType, objectHeaders.contentType == nil, let type = MimeTypes.guess(e.source) {
                headers.append(("Content-Type", type))
            }
            try await transfer(size: e.size).upload(path: e.source, bucket: bucket, key: key, headers: headers)
        case .download:
            let (bucket, key) = S3URI.split(e.source)
            let dir = (e.destination as NSString).deletingLastPathComponent
            try LocalPath.makeDirectories(dir)
            try await transfer(size: e.size).download(bucket: bucket, key: key, path: e.destination, knownSize: e.size)
            // The file takes the object's time (whole seconds, as awscli sets it), which is what
            // lets the next sync see that it is up to date.
            let whole = e.lastModified.rounded(.down)
            var times = [timespec(tv_sec: Int(whole), tv_nsec: 0), timespec(tv_sec: Int(whole), tv_nsec: 0)]
            _ = utimensat(AT_FDCWD, e.destination, &times, 0)
        case .copy:
            let (bucket, key) = S3URI.split(e.source)
            let (destBucket, destKey) = S3URI.split(e.destination)
            try await ObjectCopy(client: client, sourceClient: sourceClient, settings: settings, copyProps: copyProps).copy(bucket: bucket, key: key, size: e.size,
                                                                          to: destBucket, destKey, headers: try objectHeaders.headers(forCopy: true),
                                                                          customerKey: try objectHeaders.customerKeyHeaders(),
                                                                          sourceKey: try objectHeaders.copySourceKeyHeaders())
            printer.add(bytes: e.size)
        case .delete:
            try await delete(e.source, isS3: e.sourceIsS3)
        }
        if t.isMove { try await delete(e.source, isS3: e.sourceIsS3) }
    }

    func delete(_ path: String, isS3: Bool) async throws {
        if isS3 {
            let (bucket, key) = S3URI.split(path)
            _ = try await Transfer.send(sourceClient ?? client, "DeleteObject", S3Request(method: "DELETE", bucket: bucket, key: key))
        } else if unlink(path) != 0 {
            throw ClientFailure("[Errno \(errno)] \(String(cString: strerror(errno))): '\(path)'")
        }
    }
}
