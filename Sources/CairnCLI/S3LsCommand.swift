import ArgumentParser
import CairnClient
import Foundation

/// `cairn s3 ls [s3://bucket[/prefix]]`: buckets, or a prefix's folders and objects, printed as
/// `aws s3 ls` prints them.
struct S3LsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List buckets, or the objects and common prefixes under a prefix (as `aws s3 ls`).")

    @Argument(help: "s3://bucket[/prefix]; none lists the buckets.") var path = "s3://"
    @Flag(help: "List every object under the prefix (full keys, no PRE lines).") var recursive = false
    @Flag(name: .customLong("human-readable"), help: "Sizes as 1.5 MiB instead of bytes.") var humanReadable = false
    @Flag(help: "Print the number of objects and their total size at the end.") var summarize = false
    @Option(name: .customLong("page-size"), help: "Keys (or buckets) per page.") var pageSize: Int?
    @Option(name: .customLong("bucket-name-prefix"), help: "List only the buckets whose names start with this.") var bucketNamePrefix: String?
    @Option(name: .customLong("bucket-region"), help: "List only the buckets in this region.") var bucketRegion: String?
    @Option(name: .customLong("request-payer"), help: "requester: confirm that you pay for the requests.") var requestPayer: String?
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if let r = requestPayer, r != "requester" { throw ValidationError("argument --request-payer: Invalid choice, valid choices are:\n\nrequester") }
    }

    func run() async throws {
        var config = try client.resolve()
        if let requestPayer { config.commonHeaders.append(("x-amz-request-payer", requestPayer)) }
        let s3 = S3Client(config: config)
        var code: Int32
        do {
            code = try await ListingPrinter(client: s3, humanReadable: humanReadable, pageSize: pageSize)
                .run(path: path, recursive: recursive, summarize: summarize, bucketPrefix: bucketNamePrefix, bucketRegion: bucketRegion)
        } catch {
            code = ClientOptions.report(error, operation: "ListObjectsV2")
        }
        await s3.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
