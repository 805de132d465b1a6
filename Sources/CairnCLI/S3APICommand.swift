import ArgumentParser
import CairnClient

/// `cairn s3api <operation> [parameters]`: the aws CLI's s3api commands (see CairnClient's
/// S3APIRunner). The arguments are parsed by CairnClient, as the aws CLI parses them, so that
/// usage errors, `--cli-input-json` merging and exit codes match it.
struct S3APICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "s3api",
        abstract: "S3 API operations, as `aws s3api` (upload-part, create-multipart-upload, list-parts, ...).",
        discussion: "Operations: " + S3Model.shared.cliNames.joined(separator: ", "))

    @Argument(parsing: .captureForPassthrough, help: "<operation> [--option value ...] [global options]")
    var arguments: [String] = []

    func run() async throws {
        let code = await S3APIRunner.run(arguments)
        if code != 0 { throw ExitCode(code) }
    }
}
