import ArgumentParser
import CairnClient
import CairnModel
import Foundation

/// `cairn s3 website s3://bucket --index-document index.html [--error-document error.html]`:
/// PutBucketWebsite, as `aws s3 website` (nothing printed on success).
struct S3WebsiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "website", abstract: "Set the website configuration of a bucket (as `aws s3 website`).")

    @Argument(help: "s3://bucket (or the bucket name)") var path: String
    @Option(name: .customLong("index-document"), help: "The suffix served for a request for a folder (index.html).") var indexDocument: String?
    @Option(name: .customLong("error-document"), help: "The key served on a 4XX error.") var errorDocument: String?
    @OptionGroup var client: ClientOptions

    /// The configuration document, in the order botocore writes it.
    var document: String {
        var xml = "<WebsiteConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        if let errorDocument { xml += "<ErrorDocument><Key>\(XMLEscaping.escape(errorDocument))</Key></ErrorDocument>" }
        if let indexDocument { xml += "<IndexDocument><Suffix>\(XMLEscaping.escape(indexDocument))</Suffix></IndexDocument>" }
        return xml + "</WebsiteConfiguration>"
    }

    func run() async throws {
        var bucket = path.hasPrefix("s3://") ? String(path.dropFirst(5)) : path
        if bucket.hasSuffix("/") { bucket.removeLast() }
        let config = try client.resolve()
        let s3 = S3Client(config: config)
        let body = Array(document.utf8)
        // PutBucketWebsite requires a Content-MD5 (botocore's httpChecksumRequired).
        let md5 = FileDigest.of(body, checksum: nil).md5Base64
        var code: Int32 = 0
        do {
            _ = try await s3.send(S3Request(method: "PUT", bucket: bucket, query: [("website", "")], headers: [("Content-MD5", md5)], body: .bytes(body)))
        } catch {
            code = ClientOptions.report(error, operation: "PutBucketWebsite")
        }
        await s3.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
