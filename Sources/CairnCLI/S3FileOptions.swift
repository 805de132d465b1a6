import ArgumentParser
import CairnClient
import Foundation

/// The options `aws s3 cp | mv | rm | sync` all have: which files, and what is printed.
struct S3FileOptions: ParsableArguments {
    @Flag(name: .customLong("dryrun"), help: "Print the operations that would be performed, without running them.") var dryRun = false
    @Flag(help: "Print nothing (failures included); the exit code tells.") var quiet = false
    @Flag(name: .customLong("only-show-errors"), help: "Print only failures and warnings.") var onlyShowErrors = false
    @Option(help: "Exclude files or objects matching this pattern (repeatable; filters apply in the order given, the last match wins).") var exclude: [String] = []
    @Option(help: "Include files or objects matching this pattern again (repeatable; see --exclude).") var include: [String] = []
    @Option(name: .customLong("page-size"), help: "Keys per ListObjectsV2 page (default: the server's, 1000).") var pageSize: Int?
    @Option(name: .customLong("request-payer"), help: "requester: confirm that you pay for the requests (x-amz-request-payer on each).") var requestPayer: String?

    func validate() throws {
        if let r = requestPayer, r != "requester" { throw ValidationError("argument --request-payer: Invalid choice, valid choices are:\n\nrequester") }
    }

    /// The options as the library takes them (`objects` adds those of cp, mv and sync).
    func fileOptions(recursive: Bool, objects: S3ObjectOptions? = nil) throws -> FileCommand.Options {
        var o = FileCommand.Options()
        o.recursive = recursive
        o.dryRun = dryRun
        o.rules = FileFilter.Rule.inCommandLineOrder(CommandLine.arguments, exclude: exclude, include: include)
        o.pageSize = pageSize
        o.level = quiet ? .quiet : onlyShowErrors ? .onlyErrors : .all
        o.progress = isatty(STDOUT_FILENO) != 0  // rm has no --no-progress, as aws's
        try objects?.apply(to: &o)
        return o
    }

    /// Resolves the endpoint and transfer settings, runs `name` and exits with its code.
    static func run(_ name: FileCommand.Name, _ options: FileCommand.Options, source: String, destination: String,
                    client clientOptions: ClientOptions, requestPayer: String? = nil, sourceRegion: String? = nil) async throws {
        let env = ProcessInfo.processInfo.environment
        var config = try clientOptions.resolve(env: env)
        if let requestPayer { config.commonHeaders.append(("x-amz-request-payer", requestPayer)) }
        let settings: TransferSettings
        do { settings = try TransferSettings.resolve(profile: clientOptions.profile, env: env) } catch {
            FileHandle.standardError.write(Data("\n\(error)\n".utf8))
            throw ExitCode(255)
        }
        let client = S3Client(config: config, connectionsPerHost: max(8, settings.maxConcurrentRequests))
        var sourceConfig = config
        if let region = sourceRegion { sourceConfig.region = region }
        let sourceClient = sourceRegion.map { _ in S3Client(config: sourceConfig, connectionsPerHost: max(8, settings.maxConcurrentRequests)) }
        var code: Int32
        do {
            code = try await FileCommand(name, options: options, client: client, sourceClient: sourceClient, settings: settings)
                .run(source: source, destination: destination)
        } catch let e as UsageError {
            FileHandle.standardError.write(Data("cairn: error: \(e)\n".utf8))
            code = 252
        } catch {
            code = ClientOptions.report(error, operation: name.rawValue)
        }
        await client.shutdown()
        await sourceClient?.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
