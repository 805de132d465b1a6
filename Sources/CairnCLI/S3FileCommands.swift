import ArgumentParser
import CairnClient
import Foundation

/// The arguments of `cp` and `mv`: a source, a destination, `--recursive` and the shared options.
struct S3TransferArguments: ParsableArguments {
    @Argument(help: "Source: a local path or s3://bucket/key.") var source: String
    @Argument(help: "Destination: a local path or s3://bucket/key.") var destination: String
    @Flag(help: "Every file under the folder or every object under the prefix.") var recursive = false
    @OptionGroup var files: S3FileOptions
    @OptionGroup var objects: S3ObjectOptions
    @OptionGroup var client: ClientOptions

    func run(_ name: FileCommand.Name) async throws {
        try await S3FileOptions.run(name, try files.fileOptions(recursive: recursive, objects: objects),
                                    source: source, destination: destination, client: client, requestPayer: files.requestPayer,
                                    sourceRegion: objects.sourceRegion)
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
    // Cairn's buckets are named directly (no access point ARNs or aliases to resolve), so the
    // check that an object is not moved onto itself always compares the real buckets.
    @Flag(name: .customLong("validate-same-s3-paths"), help: "Check that an object is not moved onto itself (always done: bucket names need no resolving here).") var validateSameS3Paths = false

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
        try await S3FileOptions.run(.rm, try files.fileOptions(recursive: recursive), source: path, destination: path, client: client, requestPayer: files.requestPayer)
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
    @OptionGroup var objects: S3ObjectOptions
    @OptionGroup var client: ClientOptions

    func run() async throws {
        var o = try files.fileOptions(recursive: true, objects: objects)
        o.delete = delete
        o.syncRule = sizeOnly ? .sizeOnly : exactTimestamps ? .exactTimestamps : .sizeAndLastModified
        try await S3FileOptions.run(.sync, o, source: source, destination: destination, client: client, requestPayer: files.requestPayer,
                                    sourceRegion: objects.sourceRegion)
    }
}
