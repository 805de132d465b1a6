import ArgumentParser
import CairnClient
import Foundation

/// The options `aws s3 cp | mv | rm | sync` share.
struct S3FileOptions: ParsableArguments {
    @Flag(name: .customLong("dryrun"), help: "Print the operations that would be performed, without running them.") var dryRun = false
    @Flag(help: "Print nothing (failures included); the exit code tells.") var quiet = false
    @Flag(name: .customLong("only-show-errors"), help: "Print only failures and warnings.") var onlyShowErrors = false
    @Flag(name: .customLong("no-progress"), help: "No progress line (there is one only on a terminal).") var noProgress = false
    @Option(help: "Exclude files or objects matching this pattern (repeatable; filters apply in the order given, the last match wins).") var exclude: [String] = []
    @Option(help: "Include files or objects matching this pattern again (repeatable; see --exclude).") var include: [String] = []
    @Flag(name: .customLong("follow-symlinks"), inversion: .prefixedNo, help: "Follow symbolic links when walking local folders.") var followSymlinks = true
    @Option(name: .customLong("page-size"), help: "Keys per ListObjectsV2 page (default: the server's, 1000).") var pageSize: Int?
    @Flag(name: .customLong("no-guess-mime-type"), help: "Do not guess an upload's Content-Type from its file name.") var noGuessMimeType = false
    @Option(name: .customLong("content-type"), help: "Content-Type of every uploaded or copied object (default: guessed from the file name).") var contentType: String?
    @Option(name: .customLong("cache-control"), help: "Cache-Control of the new objects.") var cacheControl: String?
    @Option(name: .customLong("content-disposition"), help: "Content-Disposition of the new objects.") var contentDisposition: String?
    @Option(name: .customLong("content-encoding"), help: "Content-Encoding of the new objects.") var contentEncoding: String?
    @Option(name: .customLong("content-language"), help: "Content-Language of the new objects.") var contentLanguage: String?
    @Option(help: "Expires of the new objects (a timestamp, sent as an HTTP date).") var expires: String?
    @Option(name: .customLong("website-redirect"), help: "x-amz-website-redirect-location of the new objects.") var websiteRedirect: String?
    @Option(name: .customLong("storage-class"), help: "Storage class of the new objects (STANDARD, ...).") var storageClass: String?
    @Option(help: "Server-side encryption of the new objects: AES256 or aws:kms.") var sse: String?
    @Option(name: .customLong("sse-kms-key-id"), help: "The KMS key for --sse aws:kms.") var sseKMSKeyID: String?
    @Option(name: .customLong("sse-c"), help: "SSE-C: the algorithm (AES256) of --sse-c-key, for the objects written or read.") var sseC: String?
    @Option(name: .customLong("sse-c-key"), help: "SSE-C: the customer key (raw, or fileb://path).") var sseCKey: String?
    @Option(name: .customLong("sse-c-copy-source"), help: "SSE-C: the algorithm (AES256) of a copy source's key.") var sseCCopySource: String?
    @Option(name: .customLong("sse-c-copy-source-key"), help: "SSE-C: the copy source's key (raw, or fileb://path).") var sseCCopySourceKey: String?
    @Option(help: "User metadata of the new objects: k1=v1,k2=v2 or a JSON object.") var metadata: String?
    @Option(name: .customLong("expected-size"), help: "The size in bytes of a stream from stdin, so that a very large one gets larger parts.") var expectedSize: Int64?
    @Option(name: .customLong("metadata-directive"), help: "Copies: COPY the source's metadata or REPLACE it (REPLACE when --metadata is given).") var metadataDirective: String?

    func validate() throws {
        if let sse, !["AES256", "aws:kms"].contains(sse) { throw ValidationError("--sse must be AES256 or aws:kms") }
        if let d = metadataDirective, !["COPY", "REPLACE"].contains(d) { throw ValidationError("--metadata-directive must be COPY or REPLACE") }
        // awscli's pairing rules for the SSE-C options.
        for (alg, key, name) in [(sseC, sseCKey, "--sse-c"), (sseCCopySource, sseCCopySourceKey, "--sse-c-copy-source")] {
            if alg != nil && key == nil { throw ValidationError("It is required that if you specify \(name) you must also specify \(name)-key") }
            if alg == nil && key != nil { throw ValidationError("It is required that if you specify \(name)-key you must also specify \(name)") }
            if let alg, alg != "AES256" { throw ValidationError("\(name) must be AES256") }
        }
    }

    /// The shared options as the library takes them.
    func fileOptions(recursive: Bool) throws -> FileCommand.Options {
        var o = FileCommand.Options()
        o.recursive = recursive
        o.dryRun = dryRun
        o.rules = FileFilter.Rule.inCommandLineOrder(CommandLine.arguments, exclude: exclude, include: include)
        o.followSymlinks = followSymlinks
        o.pageSize = pageSize
        o.level = quiet ? .quiet : onlyShowErrors ? .onlyErrors : .all
        o.progress = !noProgress && isatty(STDOUT_FILENO) != 0
        o.guessMimeType = !noGuessMimeType
        var h = ObjectHeaders()
        h.contentType = contentType
        h.cacheControl = cacheControl
        h.contentDisposition = contentDisposition
        h.contentEncoding = contentEncoding
        h.contentLanguage = contentLanguage
        h.expires = expires
        h.websiteRedirect = websiteRedirect
        h.storageClass = storageClass
        h.sse = sse
        h.sseKMSKeyID = sseKMSKeyID
        h.metadataDirective = metadataDirective
        h.sseC = sseC
        h.sseCKey = sseCKey
        h.sseCCopySource = sseCCopySource
        h.sseCCopySourceKey = sseCCopySourceKey
        do { _ = try (h.customerKeyHeaders(), h.copySourceKeyHeaders()) } catch { throw ValidationError("\(error)") }
        do { h.metadata = try metadata.map(ObjectHeaders.parseMetadata) ?? [] } catch { throw ValidationError("\(error)") }
        if let e = expires, (try? h.headers(forCopy: false)) == nil { throw ValidationError("--expires: not a timestamp: \(e)") }
        o.objectHeaders = h
        o.expectedSize = expectedSize
        return o
    }

    /// Resolves the endpoint and transfer settings, runs `name` and exits with its code.
    static func run(_ name: FileCommand.Name, _ options: FileCommand.Options, source: String, destination: String,
                    client clientOptions: ClientOptions) async throws {
        let env = ProcessInfo.processInfo.environment
        let config = try clientOptions.resolve(env: env)
        let settings: TransferSettings
        do { settings = try TransferSettings.resolve(profile: clientOptions.profile, env: env) } catch {
            FileHandle.standardError.write(Data("\n\(error)\n".utf8))
            throw ExitCode(255)
        }
        let client = S3Client(config: config, connectionsPerHost: max(8, settings.maxConcurrentRequests))
        var code: Int32
        do {
            code = try await FileCommand(name, options: options, client: client, settings: settings).run(source: source, destination: destination)
        } catch let e as UsageError {
            FileHandle.standardError.write(Data("cairn: error: \(e)\n".utf8))
            code = 252
        } catch {
            code = ClientOptions.report(error, operation: name.rawValue)
        }
        await client.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}

/// The arguments of `cp` and `mv`: a source, a destination, `--recursive` and the shared options.
struct S3TransferArguments: ParsableArguments {
    @Argument(help: "Source: a local path or s3://bucket/key.") var source: String
    @Argument(help: "Destination: a local path or s3://bucket/key.") var destination: String
    @Flag(help: "Every file under the folder or every object under the prefix.") var recursive = false
    @OptionGroup var files: S3FileOptions
    @OptionGroup var client: ClientOptions

    func run(_ name: FileCommand.Name) async throws {
        try await S3FileOptions.run(name, try files.fileOptions(recursive: recursive), source: source, destination: destination, client: client)
    }
}

/// `cairn s3 cp`: as `aws s3 cp`, one file or (`--recursive`) a folder or prefix, local to S3,
/// S3 to local or S3 to S3 (copied by the server).
struct S3CpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy files and objects: local -> S3, S3 -> local, S3 -> S3 (as `aws s3 cp`).")

    @OptionGroup var arguments: S3TransferArguments

    func run() async throws { try await arguments.run(.cp) }
}

/// `cairn s3 mv`: `cp`, then the source is deleted once its copy has succeeded.
struct S3MvCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mv",
        abstract: "Move files and objects: copy, then delete the source (as `aws s3 mv`).")

    @OptionGroup var arguments: S3TransferArguments

    func run() async throws { try await arguments.run(.mv) }
}

/// `cairn s3 rm`: deletes an object or (`--recursive`) every object under a prefix.
struct S3RmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete an object, or every object under a prefix (as `aws s3 rm`).")

    @Argument(help: "s3://bucket/key, or with --recursive s3://bucket[/prefix].") var path: String
    @Flag(help: "Delete every object under the prefix.") var recursive = false
    @OptionGroup var files: S3FileOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await S3FileOptions.run(.rm, try files.fileOptions(recursive: recursive), source: path, destination: path, client: client)
    }
}

/// `cairn s3 sync`: sends what is missing or different at the destination (size, or a newer
/// source), and with `--delete` removes what the source no longer has.
struct S3SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Make a destination folder or prefix match the source (as `aws s3 sync`).")

    @Argument(help: "Source: a local folder or s3://bucket[/prefix].") var source: String
    @Argument(help: "Destination: a local folder or s3://bucket[/prefix].") var destination: String
    @Flag(help: "Delete destination files the source does not have (filters apply to them too).") var delete = false
    @Flag(name: .customLong("size-only"), help: "Send a file only when its size differs.") var sizeOnly = false
    @Flag(name: .customLong("exact-timestamps"), help: "S3 -> local: also send same-size objects whose time differs from the file's.") var exactTimestamps = false
    @OptionGroup var files: S3FileOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var o = try files.fileOptions(recursive: true)
        o.delete = delete
        o.syncRule = sizeOnly ? .sizeOnly : exactTimestamps ? .exactTimestamps : .sizeAndLastModified
        try await S3FileOptions.run(.sync, o, source: source, destination: destination, client: client)
    }
}
