import Foundation

/// `aws s3 cp | mv | rm | sync` after their arguments are parsed: list the files (filters
/// applied), for sync compare both sides, then run one operation per file. Exit codes are the
/// aws CLI's: 0, 1 when a file failed or a listing could not be made (`fatal error: ...`), 2
/// when files were skipped with a warning.
public struct FileCommand: Sendable {
    public enum Name: String, Sendable { case cp, mv, rm, sync }

    public struct Options: Sendable {
        public var recursive = false
        public var dryRun = false
        public var rules: [FileFilter.Rule] = []
        public var followSymlinks = true
        public var pageSize: Int?
        public var delete = false
        public var syncRule = SyncRule.sizeAndLastModified
        public var level = ResultPrinter.Level.all
        /// Draw the progress line (only ever on a terminal).
        public var progress = false
        public var guessMimeType = true
        public var objectHeaders = ObjectHeaders()
        /// `--expected-size` of a stream from stdin.
        public var expectedSize: Int64?
        /// Continue interrupted multipart uploads and ranged downloads (state files in `stateDirectory`).
        public var resume = false
        public var stateDirectory = TransferOptions.defaultStateDirectory(env: ProcessInfo.processInfo.environment)
        /// `--checksum-mode ENABLED`: downloads ask for the object's checksum and check it.
        public var checksumMode = false
        public var copyProps = CopyProps.default
        public var glacier = GlacierRule.warn
        public var caseConflict = CaseConflict.ignore
        public init() {}
    }

    let name: Name
    let options: Options
    let client: S3Client
    /// Lists and reads the source side (`--source-region`: a client signing for that region);
    /// requests to the destination, and the transfers themselves, go through `client`.
    let sourceClient: S3Client
    let settings: TransferSettings

    public init(_ name: Name, options: Options, client: S3Client, sourceClient: S3Client? = nil, settings: TransferSettings) {
        self.name = name
        self.options = options
        self.client = client
        self.sourceClient = sourceClient ?? client
        self.settings = settings
    }

    /// Runs the command on `source` (and `destination`, the same as `source` for rm). Throws
    /// a `UsageError` or `ClientFailure` for arguments the aws CLI rejects before any work.
    public func run(source rawSource: String, destination rawDestination: String) async throws -> Int32 {
        let source = S3URI.normalise(rawSource)
        let destination = S3URI.normalise(rawDestination)
        if source == "-" || destination == "-" { return try await stream(source: source, destination: destination) }
        let directory = options.recursive || name == .sync
        try validate(source: source, destination: destination, directory: directory)
        let printer = ResultPrinter(level: options.level, progress: options.progress)
        let warnings = Counter()
        var lister = FileLister(client: client, followSymlinks: options.followSymlinks, pageSize: options.pageSize) { line in
            warnings.add()
            printer.failure(line)
        }
        let pair = FilePair(source: source, destination: destination, directory: directory)
        // A single encrypted (SSE-C) source is looked up with its key: the download's, or a copy's source key.
        lister.headHeaders = pair.destination.isS3 ? try options.objectHeaders.copySourceKeyHeaders().head
            : try options.objectHeaders.customerKeyHeaders()
        let filter = FileFilter(rules: options.rules, pair: pair)
        var sourceLister = lister
        sourceLister.client = sourceClient
        var tasks: [FileTask]
        do {
            tasks = try await plan(pair, filter: filter, source: sourceLister, destination: lister)
        } catch {
            printer.failure("fatal error: \(error)")
            return 1
        }
        // A key such as `../x` would be written outside the destination folder: skipped with
        // awscli's warning (`_warn_parent_reference`).
        tasks = tasks.filter { t in
            guard t.kind == .download, LocalPath.escapesRoot(t.entry.compareKey) else { return true }
            warnings.add()
            printer.failure("warning: Skipping file \(t.entry.compareKey). File references a parent directory.")
            return false
        }
        let rules = TransferRules(glacier: options.glacier, caseConflict: options.caseConflict,
                                  operation: pair.destination.isS3 ? "copy" : "download")
        do {
            tasks = try rules.apply(tasks, caseChecked: directory, warn: { line in
                warnings.add()
                printer.failure(line)
            }, note: { printer.failure($0) })
        } catch {
            printer.failure("fatal error: \(error)")
            return 1
        }
        var runner = FileTaskRunner(client: client, settings: settings, printer: printer, dryRun: options.dryRun)
        runner.sourceClient = sourceClient
        runner.guessMimeType = options.guessMimeType
        runner.objectHeaders = options.objectHeaders
        runner.resume = options.resume
        runner.stateDirectory = options.stateDirectory
        runner.checksumMode = options.checksumMode
        runner.copyProps = options.copyProps
        let failed = await runner.run(tasks)
        if failed > 0 { return 1 }
        return warnings.value > 0 ? 2 : 0
    }

    /// The operations, one per file: what the source has (rm: deletes of it); for sync, what
    /// the comparison with the destination says to send and, with `--delete`, to remove.
    func plan(_ pair: FilePair, filter: FileFilter, source lister: FileLister, destination: FileLister) async throws -> [FileTask] {
        let kind = FileTask.kind(sourceIsS3: pair.source.isS3, destinationIsS3: pair.destination.isS3)
        switch name {
        case .rm:
            return try await lister.list(pair, filter: filter, forDelete: true).map { FileTask(kind: .delete, entry: $0) }
        case .cp, .mv:
            return try await lister.list(pair, filter: filter).map { FileTask(kind: kind, isMove: name == .mv, entry: $0) }
        case .sync:
            let src = try await lister.list(pair, filter: filter)
            let dst = try await destination.list(pair.reversed, filter: filter)
            let (send, remove) = SyncComparator.compare(source: src, destination: dst, rule: options.syncRule,
                                                        delete: options.delete, download: kind == .download)
            return send.map { FileTask(kind: kind, entry: $0) } + remove.map { FileTask(kind: .delete, entry: $0) }
        }
    }

    /// The aws CLI's checks of the paths (`_validate_path_args` and the usage of each command).
    func validate(source: String, destination: String, directory: Bool) throws {
        let srcS3 = source.hasPrefix("s3://"), dstS3 = destination.hasPrefix("s3://")
        switch name {
        case .rm:
            guard srcS3 else { throw UsageError("rm needs an s3:// path") }
        case .cp, .mv, .sync:
            guard srcS3 || dstS3 else { throw UsageError("\(name.rawValue) needs at least one s3:// path (local to local is not supported)") }
        }
        if name == .mv && srcS3 && dstS3 {
            let same = source == destination
                || (destination.hasSuffix("/") && source == destination + (source as NSString).lastPathComponent)
            if same { throw ClientFailure("Cannot mv a file onto itself: \(source) - \(destination)") }
        }
        if !srcS3 && dstS3 && !FileManager.default.fileExists(atPath: source) {
            throw ClientFailure("The user-provided path \(source) does not exist.")
        }
        if srcS3 && !dstS3 && directory && !FileManager.default.fileExists(atPath: destination) {
            try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        }
    }
}

/// A count shared by concurrent tasks.
final class Counter: @unchecked Sendable {  // `lock` guards `count`
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
