import ArgumentParser
import CairnClient
import CairnModel
import Foundation

private func xmlEscaped(_ s: String) -> String { XMLEscaping.escape(s) }

/// The bucket named by `s3://bucket` (an `mb`/`rb` argument), or exit 252 with the aws CLI's words.
private func bucketArgument(_ path: String, usage: String) throws -> (bucket: String, key: String) {
    guard path.hasPrefix("s3://") else {
        FileHandle.standardError.write(Data("\n\(usage)\nError: Invalid argument type\n".utf8))
        throw ExitCode(252)
    }
    return S3URI.split(String(path.dropFirst(5)))
}

/// `cairn s3 mb s3://bucket`: CreateBucket (with the region as LocationConstraint outside
/// us-east-1, as the aws CLI sends it).
struct S3MbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mb", abstract: "Create a bucket (as `aws s3 mb`).")

    @Argument(help: "s3://bucket") var path: String
    @Option(parsing: .upToNextOption, help: "--tags KEY VALUE: a tag of the new bucket (repeatable).") var tags: [String] = []
    @OptionGroup var client: ClientOptions

    func validate() throws {
        if tags.count % 2 != 0 { throw ValidationError("argument --tags: expected 2 arguments") }
    }

    func run() async throws {
        let (bucket, _) = try bucketArgument(path, usage: "<S3Uri>")
        let config = try client.resolve()
        let s3 = S3Client(config: config)
        // CreateBucketConfiguration as awscli builds it: LocationConstraint outside us-east-1, Tags when given.
        var xml = config.region != "us-east-1" ? "<LocationConstraint>\(xmlEscaped(config.region))</LocationConstraint>" : ""
        if !tags.isEmpty {
            xml += "<Tags>" + stride(from: 0, to: tags.count, by: 2).map {
                "<Tag><Key>\(xmlEscaped(tags[$0]))</Key><Value>\(xmlEscaped(tags[$0 + 1]))</Value></Tag>"
            }.joined() + "</Tags>"
        }
        var body = RequestBody.empty
        if !xml.isEmpty {
            body = .bytes(Array(("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + xml
                + "</CreateBucketConfiguration>").utf8))
        }
        var failed = false
        do {
            _ = try await s3.send(S3Request(method: "PUT", bucket: bucket, body: body))
            print("make_bucket: \(bucket)")
        } catch var e as S3ServiceError {
            e.operation = "CreateBucket"
            FileHandle.standardError.write(Data("make_bucket failed: \(path) \(e)\n".utf8))
            failed = true
        } catch {
            FileHandle.standardError.write(Data("make_bucket failed: \(path) \(error)\n".utf8))
            failed = true
        }
        await s3.shutdown()
        if failed { throw ExitCode(1) }
    }
}

/// `cairn s3 rb s3://bucket [--force]`: DeleteBucket; `--force` first deletes every object
/// (`rm --recursive`, printing its lines) and keeps the bucket if any delete failed.
struct S3RbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rb", abstract: "Delete a bucket (as `aws s3 rb`).")

    @Argument(help: "s3://bucket") var path: String
    @Flag(help: "Delete every object in the bucket first.") var force = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let (bucket, key) = try bucketArgument(path, usage: "<S3Uri>")
        guard key.isEmpty else {
            FileHandle.standardError.write(Data("\nPlease specify a valid bucket name only. E.g. s3://\(bucket)\n".utf8))
            throw ExitCode(255)
        }
        let env = ProcessInfo.processInfo.environment
        let config = try client.resolve(env: env)
        let s3 = S3Client(config: config, connectionsPerHost: 10)
        var code: Int32 = 0
        if force {
            let settings = (try? TransferSettings.resolve(profile: client.profile, env: env)) ?? TransferSettings()
            var o = FileCommand.Options()
            o.recursive = true
            let rm = try? await FileCommand(.rm, options: o, client: s3, settings: settings).run(source: path, destination: path)
            if rm != 0 {
                FileHandle.standardError.write(Data("\nremove_bucket failed: Unable to delete all objects in the bucket, bucket will not be deleted.\n".utf8))
                code = 255
            }
        }
        if code == 0 {
            do {
                _ = try await s3.send(S3Request(method: "DELETE", bucket: bucket))
                print("remove_bucket: \(bucket)")
            } catch var e as S3ServiceError {
                e.operation = "DeleteBucket"
                FileHandle.standardError.write(Data("remove_bucket failed: \(path) \(e)\n".utf8))
                code = 1
            } catch {
                FileHandle.standardError.write(Data("remove_bucket failed: \(path) \(error)\n".utf8))
                code = 1
            }
        }
        await s3.shutdown()
        if code != 0 { throw ExitCode(code) }
    }
}
