import ArgumentParser
import CairnClient
import Foundation

/// The aws CLI's global options that choose the endpoint and identity, shared by the client
/// commands that are not `s3api` (which parses its own, as the aws CLI does).
struct ClientOptions: ParsableArguments {
    @Option(name: .customLong("endpoint-url"), help: "Override the endpoint URL.") var endpointURL: String?
    @Option(help: "The region to use.") var region: String?
    @Option(help: "A profile from the aws credentials/config files.") var profile: String?
    @Flag(name: .customLong("no-verify-ssl"), help: "Do not verify TLS certificates.") var noVerifySSL = false
    @Option(name: .customLong("ca-bundle"), help: "PEM certificates to trust when verifying TLS (else AWS_CA_BUNDLE, the profile's ca_bundle).")
    var caBundle: String?
    @Flag(help: "Log the requests on stderr.") var debug = false
    @Flag(name: .customLong("no-sign-request"), help: "Send the requests unsigned (anonymous).") var noSignRequest = false
    @Option(name: .customLong("cli-connect-timeout"), help: "Seconds to wait for a connection (0: no limit).") var connectTimeout: Double?
    @Option(name: .customLong("cli-read-timeout"), help: "Seconds to wait for a read (0: no limit).") var readTimeout: Double?
    // The aws CLI's other global options, which its s3 commands accept and do not use.
    @Option(help: .hidden) var output: String?
    @Option(help: .hidden) var query: String?
    @Option(help: .hidden) var color: String?
    @Flag(name: .customLong("no-paginate"), help: .hidden) var noPaginate = false

    /// The resolved configuration, or exit 255 with the resolver's message (as the aws CLI does).
    func resolve(env: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientConfig {
        var g = GlobalOptions()
        g.endpointURL = endpointURL
        g.region = region
        g.profile = profile
        g.noVerifySSL = noVerifySSL
        g.caBundle = caBundle
        g.debug = debug
        g.noSignRequest = noSignRequest
        g.connectTimeout = connectTimeout
        g.readTimeout = readTimeout
        do { return try ConfigResolver.resolve(g, env: env) } catch {
            FileHandle.standardError.write(Data("\n\(error)\n".utf8))
            throw ExitCode(255)
        }
    }

    /// Writes a client command's failure on stderr in the aws CLI's words and returns its exit
    /// code: 254 for a service error (named after `operation` when it names none), 255 otherwise.
    static func report(_ error: Error, operation: String) -> Int32 {
        guard var e = error as? S3ServiceError else {
            FileHandle.standardError.write(Data("\n\(error)\n".utf8))
            return 255
        }
        if e.operation.isEmpty { e.operation = operation }
        FileHandle.standardError.write(Data("\n\(e.description)\n".utf8))
        return 254
    }
}
