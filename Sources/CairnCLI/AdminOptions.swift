import ArgumentParser
import CairnClient
import CairnModel
import Foundation

/// What every `cairn admin` command takes: the admin listener's URL, credentials resolved as the
/// other client commands resolve them (environment, `--profile`, ~/.aws files), and `--json`.
struct AdminOptions: ParsableArguments {
    @Option(help: "The admin listener's URL (default: $CAIRN_ADMIN_ENDPOINT, else http://127.0.0.1:9001).")
    var endpoint: String?
    @Option(help: "A profile from the aws credentials/config files.") var profile: String?
    @Option(help: "The region to sign for.") var region: String?
    @Flag(help: "Print the API's JSON instead of a table.") var json = false
    @Flag(help: "Log the requests on stderr.") var debug = false

    /// Runs `body` with a client, printing a failure in the aws CLI's words (exit 254 / 255).
    func run(_ operation: String, _ body: (AdminClient) async throws -> Void) async throws {
        let env = ProcessInfo.processInfo.environment
        var g = GlobalOptions()
        g.endpointURL = endpoint ?? env["CAIRN_ADMIN_ENDPOINT"] ?? "http://127.0.0.1:9001"
        g.region = region
        g.profile = profile
        g.debug = debug
        let config: ClientConfig
        do { config = try ConfigResolver.resolve(g, env: env) } catch {
            FileHandle.standardError.write(Data("\n\(error)\n".utf8))
            throw ExitCode(255)
        }
        let s3 = S3Client(config: config, connectionsPerHost: 1)
        do {
            try await body(AdminClient(client: s3))
            await s3.shutdown()
        } catch {
            await s3.shutdown()
            throw ExitCode(ClientOptions.report(error, operation: operation))
        }
    }

    /// The value as the API's JSON (pretty, keys sorted) or as a table.
    func print<T: Encodable>(_ value: T, table: () -> AdminTable) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Swift.print(String(decoding: (try? encoder.encode(value)) ?? Data(), as: UTF8.self))
        } else {
            Swift.print(table().render(), terminator: "")
        }
    }
}

/// A plain text table: a header row and columns padded to their widest cell.
struct AdminTable {
    var header: [String]
    var rows: [[String]]

    func render() -> String {
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return ([header] + rows).map(line).joined()
    }

    /// Bytes as people read them (1024-based), exact below 1 KiB.
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(n)
        var u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : String(format: "%.1f %@", v, units[u])
    }
}
