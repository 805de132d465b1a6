import ArgumentParser
import CairnClient
import Foundation

/// `cairn s3 <command>`: the aws CLI's high-level `aws s3` commands.
struct S3Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3",
        abstract: "High-level S3 commands, as `aws s3`.",
        subcommands: [S3LsCommand.self, S3CpCommand.self, S3MvCommand.self, S3RmCommand.self, S3SyncCommand.self,
                      S3MbCommand.self, S3RbCommand.self, S3WebsiteCommand.self, PresignCommand.self])
}

/// `cairn s3 presign s3://bucket/key [--expires-in N]`: prints a URL that GETs the object without
/// credentials until it expires; SigV4 query authentication, as aws CLI v2's `aws s3 presign`.
/// Also reachable as `cairn presign`.
struct PresignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presign",
        abstract: "Print a presigned URL for GET of an S3 object (SigV4).")

    @Argument(help: "The object: s3://bucket/key.") var path: String
    @Option(name: .customLong("expires-in"), help: "Seconds the URL stays valid (1 to 604800).") var expiresIn = 3600
    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard (1...Presign.maxExpiry).contains(expiresIn) else {
            throw ValidationError("--expires-in must be between 1 and \(Presign.maxExpiry) seconds (7 days)")
        }
    }

    func run() async throws {
        guard let (bucket, key) = CpCommand.splitS3(path), !bucket.isEmpty else {
            FileHandle.standardError.write(Data("cairn: error: presign needs an s3://bucket/key\n".utf8))
            throw ExitCode(252)
        }
        let config = try client.resolve()
        print(Presign.url(config: config, bucket: bucket, key: key, expiresIn: expiresIn))
    }
}
