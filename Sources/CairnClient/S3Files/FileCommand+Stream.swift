import Foundation

extension FileCommand {
    /// `cp - s3://bucket/key` (stdin) or `cp s3://bucket/key -` (stdout): no result line, as the
    /// aws CLI prints none for a stream (only failures, and `--dryrun`'s line).
    func stream(source: String, destination: String) async throws -> Int32 {
        guard name == .cp && !options.recursive else {
            throw ClientFailure("Streaming currently is only compatible with non-recursive cp commands")
        }
        let upload = source == "-"
        guard (upload ? destination : source).hasPrefix("s3://") else { throw UsageError("cp - needs an s3:// path on the other side") }
        var (bucket, key) = S3URI.split(String((upload ? destination : source).dropFirst(5)))
        if upload && (key.isEmpty || key.hasSuffix("/")) { key += "-" }  // awscli names the object after the `-`
        let location = upload ? "- to s3://\(bucket)/\(key)" : "s3://\(bucket)/\(key) to -"
        let label = upload ? "upload" : "download"
        if options.dryRun {
            if options.level != .quiet { print("(dryrun) \(label): \(location)") }
            return 0
        }
        var transfer = StreamTransfer(client: client, settings: settings)
        transfer.customerKey = try options.objectHeaders.customerKeyHeaders()
        transfer.expectedSize = options.expectedSize
        transfer.checksumAlgorithm = options.objectHeaders.checksumAlgorithm
        do {
            if upload {
                try await transfer.upload(bucket: bucket, key: key, headers: try options.objectHeaders.headers(forCopy: false))
            } else {
                try await transfer.download(bucket: bucket, key: key)
            }
            return 0
        } catch {
            ResultPrinter(level: options.level).failure("\(label) failed: \(location) \(error)")
            return 1
        }
    }
}
