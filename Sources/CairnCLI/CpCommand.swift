import ArgumentParser
import CairnClient
import Foundation

/// `cairn cp FILE s3://bucket/key` and `cairn cp s3://bucket/key FILE`: parallel multipart
/// transfers with verification, a progress bar on a terminal, and `--resume`.
struct CpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy a local file to S3 or an S3 object to a local file (parallel multipart, verified, resumable).")

    @Argument(help: "Source: a local file or s3://bucket/key.") var source: String
    @Argument(help: "Destination: s3://bucket/key (or s3://bucket/ to keep the file name) or a local path.") var destination: String

    @Option(name: .customLong("part-size"), help: "Part size, e.g. 8MiB, 16MB, 5242880.") var partSize: String = "8MiB"
    @Option(help: "Parts in flight at once.") var concurrency: Int = 4
    @Flag(help: "Continue an interrupted upload (find it, keep the parts that match the local file, send the rest) or download (keep the ranges already written that still match).") var resume = false
    @Flag(name: .customLong("no-progress"), help: "No progress bar even on a terminal.") var noProgress = false
    @Flag(name: .customLong("quiet"), help: "Print nothing on success.") var quiet = false
    @Option(name: .customLong("max-bandwidth"), help: "Limit the transfer rate, e.g. 1MiB (per second).") var maxBandwidth: String?

    @OptionGroup var client: ClientOptions

    static func parseSize(_ s: String) throws -> Int64 {
        guard let v = ByteCount.parse(s) else { throw ValidationError("invalid size: \(s)") }
        return v
    }

    static func splitS3(_ url: String) -> (String, String)? {
        guard url.hasPrefix("s3://") else { return nil }
        let rest = url.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/") else { return (String(rest), "") }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let config = try client.resolve(env: env)
        var options = TransferOptions(stateDirectory: TransferOptions.defaultStateDirectory(env: env))
        options.partSize = try Self.parseSize(partSize)
        guard options.partSize > 0 else { throw ValidationError("--part-size must be positive") }
        options.concurrency = max(1, concurrency)
        options.resume = resume
        options.progress = !noProgress && !quiet && isatty(STDOUT_FILENO) != 0
        options.maxBandwidth = try maxBandwidth.map(Self.parseSize)
        let client = S3Client(config: config, connectionsPerHost: max(8, options.concurrency))
        let transfer = Transfer(client: client, options: options)
        var code: Int32 = 0
        do {
            if let (bucket, keyPart) = Self.splitS3(destination), Self.splitS3(source) == nil {
                let key = keyPart.isEmpty || keyPart.hasSuffix("/") ? keyPart + (source as NSString).lastPathComponent : keyPart
                try await transfer.upload(path: source, bucket: bucket, key: key)
                if !quiet { print("upload: \(source) to s3://\(bucket)/\(key)") }
            } else if let (bucket, key) = Self.splitS3(source), Self.splitS3(destination) == nil {
                var dest = destination
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dest, isDirectory: &isDir), isDir.boolValue || dest.hasSuffix("/") {
                    dest = (dest as NSString).appendingPathComponent((key as NSString).lastPathComponent)
                }
                try await transfer.download(bucket: bucket, key: key, path: dest)
                if !quiet { print("download: s3://\(bucket)/\(key) to \(dest)") }
            } else {
                FileHandle.standardError.write(Data("cairn: error: cp needs one local path and one s3://bucket/key\n".utf8))
                code = 252
            }
        } catch {
            code = ClientOptions.report(error, operation: "cp")
        }
        await client.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
