import ArgumentParser
import CairnMetadataPostgres
import CairnModel
import CairnServer
import CairnStorage
import CairnStorageFS
import Foundation
import Logging

/// `cairn server`: the store on a data folder (blob files) with SQLite metadata in it, or metadata
/// in PostgreSQL (`--metadata postgres://...`).
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the S3 server on a data folder (blob files; SQLite or PostgreSQL metadata).")

    @Option(help: "Data folder (created if missing).")
    var data: String = "./cairn-data"

    @Option(name: .customLong("metadata"),
            help: "Metadata in PostgreSQL: postgres://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=disable|prefer|require|verify-full] (default: $CAIRN_METADATA_URL, else SQLite in the data folder).")
    var metadataURL: String?

    @Option(name: .customLong("metadata-pool-size"), help: "PostgreSQL connections this node keeps at most.")
    var metadataPoolSize: Int = 20

    @Option(name: .customLong("node-id"),
            help: "This node's name among the nodes sharing the metadata and data folder (letters, digits, . _ -; its temporary files go in DATA/tmp/ID/). Default: HOSTNAME-PID.")
    var nodeID: String?

    @Option(name: .customLong("heartbeat-seconds"),
            help: "How often the node writes its heartbeat and renews the background lease (the lease runs out after 3 of these, a node is dead after 10).")
    var heartbeatSeconds: Double = 5

    @Option(help: "Address to listen on, HOST:PORT.")
    var address: String = "127.0.0.1:9000"

    @Option(name: .customLong("access-key"), help: "Access key of the single user (default: $CAIRN_ACCESS_KEY).")
    var accessKey: String?

    @Option(name: .customLong("secret-key"), help: "Secret key of the single user (default: $CAIRN_SECRET_KEY).")
    var secretKey: String?

    @Option(help: "JSON users file, imported into the metadata store at start: {\"users\": [{\"accessKey\", \"secretKey\", \"id\", \"displayName\", \"admin\"}]}.")
    var users: String?

    @Option(help: "Domain for virtual-hosted-style requests (bucket.DOMAIN).")
    var domain: String?

    @Option(name: .customLong("region"), help: "Region the server reports.")
    var region: String = "us-east-1"

    @Option(name: .customLong("min-part-size"), help: "Minimum size of every part but the last, in bytes (AWS: 5 MiB). Lower it for tests only.")
    var minPartSize: Int64 = 5 * 1024 * 1024

    @Option(name: .customLong("lifecycle-day-seconds"), help: "Length of a lifecycle day in seconds (tests only).")
    var lifecycleDaySeconds: Double = 86_400

    @Option(name: .customLong("lifecycle-sweep-seconds"), help: "How often expired incomplete multipart uploads are aborted.")
    var lifecycleSweepSeconds: Double = 3600

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (with --tls-key).")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(name: .customLong("buffered-writes"),
          help: "Write blob files through the page cache instead of O_DIRECT: a GET right after an upload is served from memory, at more CPU per uploaded GB (BENCHMARKS.md).")
    var bufferedWrites = false

    @Option(name: .customLong("inline-max"),
            help: "Bodies up to this many bytes (objects and parts) are kept in the metadata store instead of one file each: one commit per small write instead of a file created, synced and renamed. 0: every body is a file.")
    var inlineMax: Int = Storage.defaultInlineLimit

    @Flag(name: .customLong("sse-c-insecure-http"), help: "Accept SSE-C keys over plain HTTP (testing only; AWS refuses them).")
    var sseCInsecureHTTP = false

    @Option(name: .customLong("idle-timeout"),
            help: "Seconds a connection may send nothing (mid-request or between requests) before it is closed; 0: never.")
    var idleTimeout: Double = 75

    @Option(name: .customLong("inject-faults"),
            help: ArgumentHelp("Tests only: fail every Nth blob commit or write, e.g. commit:3,write:50.", visibility: .hidden))
    var injectFaults: String?

    @Option(name: .customLong("max-connections"),
            help: "Client connections open at once; one more gets 503 SlowDown and is closed.")
    var maxConnections = 4096

    @Option(name: .customLong("admin-address"),
            help: "Admin listener, HOST:PORT: /metrics (Prometheus), /health, /ready, the admin API (/admin/v1/). Off by default; never the S3 port.")
    var adminAddress: String?

    @Option(name: .customLong("console-origin"),
            help: "The web console's origin behind a reverse proxy, e.g. https://console.example.com (repeatable): answered CORS on the S3 listener.")
    var consoleOrigins: [String] = []

    @Option(name: .customLong("console-s3-url"),
            help: "The S3 URL the console's browser reaches behind a reverse proxy, e.g. https://s3.example.com (default: the console's host on the S3 port).")
    var consoleS3URL: String?

    @Option(name: .customLong("metrics-token"),
            help: "Ask /metrics for 'Authorization: Bearer TOKEN' (default: $CAIRN_METRICS_TOKEN; none: open).")
    var metricsToken: String?

    @Option(name: .customLong("access-log"), help: "Append one JSON line per request to FILE, or to standard output with '-'.")
    var accessLog: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    static let defaultAccessKey = "cairnadmin"
    static let defaultSecretKey = "cairnadmin-secret-key"

    func validate() throws {
        guard parseAddress() != nil else { throw ValidationError("--address must be HOST:PORT, e.g. 127.0.0.1:9000") }
        if let adminAddress {
            guard let admin = Self.parseHostPort(adminAddress) else {
                throw ValidationError("--admin-address must be HOST:PORT, e.g. 127.0.0.1:9001")
            }
            guard admin.1 == 0 || admin.1 != parseAddress()!.1 else {
                throw ValidationError("--admin-address must not be the S3 port: metrics and health are never served there")
            }
            guard metricsToken?.isEmpty != true else { throw ValidationError("--metrics-token must not be empty") }
        } else if metricsToken != nil {
            throw ValidationError("--metrics-token needs --admin-address (where /metrics is served)")
        }
        for origin in consoleOrigins + [consoleS3URL].compactMap({ $0 }) where !Self.isOrigin(origin) {
            throw ValidationError("--console-origin and --console-s3-url take an origin, SCHEME://HOST[:PORT] with http or https and no path: '\(origin)'")
        }
        if adminAddress == nil, !consoleOrigins.isEmpty || consoleS3URL != nil {
            throw ValidationError("--console-origin and --console-s3-url need --admin-address (where the console is served)")
        }
        if let url = MetadataChoice.url(option: metadataURL) {
            do { _ = try PostgresURL.configuration(url) } catch { throw ValidationError("--metadata / CAIRN_METADATA_URL: \(error)") }
        }
        if let nodeID, NodeID(nodeID) == nil {
            throw ValidationError("--node-id is 1 to 64 letters, digits, '.', '_' or '-' (it names a folder), not '.' or '..'")
        }
        guard heartbeatSeconds >= 0.05, heartbeatSeconds <= 3600 else { throw ValidationError("--heartbeat-seconds is 0.05 to 3600") }
        guard (1...1000).contains(metadataPoolSize) else { throw ValidationError("--metadata-pool-size is 1 to 1000") }
        if accessLog?.isEmpty == true { throw ValidationError("--access-log is a file name, or '-' for standard output") }
        if (accessKey == nil) != (secretKey == nil) { throw ValidationError("--access-key and --secret-key go together") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        guard minPartSize >= 0 else { throw ValidationError("--min-part-size must not be negative") }
        guard lifecycleDaySeconds > 0, lifecycleSweepSeconds > 0 else { throw ValidationError("lifecycle times must be positive") }
        guard idleTimeout == 0 || (idleTimeout >= 0.01 && idleTimeout <= 86_400) else {
            throw ValidationError("--idle-timeout is 0 (never) or 0.01 to 86400 seconds")
        }
    }

    func parseAddress() -> (String, Int)? { Self.parseHostPort(address) }

    /// An origin as a browser sends it in `Origin`: `http` or `https`, a lowercase host, an optional
    /// port, no path (the match is exact, so anything else could never match).
    static func isOrigin(_ s: String) -> Bool {
        guard let u = URLComponents(string: s), let scheme = u.scheme, ["http", "https"].contains(scheme),
              let host = u.host, !host.isEmpty, u.path.isEmpty, u.query == nil, u.fragment == nil, u.user == nil else { return false }
        return s == s.lowercased()
    }

    static func parseHostPort(_ address: String) -> (String, Int)? {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(address[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() async throws {
        var logger = Logger(label: "cairn")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let directory = try loadUsers(logger: logger)
        let (host, port) = parseAddress()!
        let root = URL(fileURLWithPath: data).standardizedFileURL.path
        let node = nodeID.flatMap(NodeID.init) ?? NodeID.default(hostname: Self.hostname(), pid: getpid())
        let files = try FileBlobStore(root: root, node: node, directWrites: !bufferedWrites)
        let blobs: any BlobStore = try injectFaults.map { try FaultInjectingBlobStore(wrapping: files, spec: $0) } ?? files
        let keys = try FileKeyring(dataFolder: root, region: region,
                                   masterKeyBase64: ProcessInfo.processInfo.environment["CAIRN_MASTER_KEY"])
        // Opened last of what can fail: an open connection must be closed before it goes away.
        let (metadata, metadataDescription) = try await MetadataChoice.open(url: MetadataChoice.url(option: metadataURL), dataFolder: root,
                                                                            poolSize: metadataPoolSize, logger: logger)
        var limits = StorageLimits()
        limits.minPartSize = minPartSize
        let storage = Storage(blobs: blobs, metadata: metadata, region: region, limits: limits, keys: keys, inlineLimit: max(0, inlineMax))
        logger.info("data folder \(root), \(metadataDescription)")
        var configuration = S3ServerConfiguration(host: host, port: port, users: directory, domain: domain,
                                                  lifecycleClock: LifecycleClock(daySeconds: lifecycleDaySeconds),
                                                  lifecycleSweepSeconds: lifecycleSweepSeconds)
        configuration.tlsCertificatePath = tlsCert
        configuration.tlsKeyPath = tlsKey
        configuration.allowInsecureSSEC = sseCInsecureHTTP
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.maxConnections = maxConnections
        configuration.adminAddress = adminAddress.flatMap(Self.parseHostPort).map { (host: $0.0, port: $0.1) }
        let envToken = ProcessInfo.processInfo.environment["CAIRN_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.metricsToken = configuration.adminAddress == nil ? nil : metricsToken ?? envToken
        configuration.consoleOrigins = consoleOrigins
        configuration.consoleS3URL = consoleS3URL
        configuration.accessLogPath = accessLog
        configuration.node = NodeInfo(id: node, address: address, started: Date())
        configuration.heartbeatSeconds = heartbeatSeconds
        configuration.hostname = Self.hostname()
        configuration.readinessChecks = [
            // One indexed read: the store answers (the bucket need not exist).
            ReadinessCheck(name: "metadata") { _ = try await metadata.bucket(BucketName(unchecked: "cairn-readiness-probe")) },
            // The node's tmp/<node>/, which its every start empties: a probe file a crash left behind goes with it.
            .writableFolder(files.tmpDir),
        ]
        do {
            try await S3Server.run(storage: storage, configuration: configuration, logger: logger)
        } catch {
            try? await metadata.close()
            throw error
        }
        try await metadata.close()
    }

    static func hostname() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "" }
        return String(cString: name)
    }

    func loadUsers(logger: Logger) throws -> UserDirectory {
        if let users { return try UserDirectory.load(path: users) }
        let env = ProcessInfo.processInfo.environment
        var key = accessKey ?? env["CAIRN_ACCESS_KEY"]
        var secret = secretKey ?? env["CAIRN_SECRET_KEY"]
        if key == nil || secret == nil {
            key = Self.defaultAccessKey
            secret = Self.defaultSecretKey
            logger.warning("no credentials configured: using the default pair \(Self.defaultAccessKey) / \(Self.defaultSecretKey); set CAIRN_ACCESS_KEY and CAIRN_SECRET_KEY")
        }
        // The single configured pair is the operator's: an admin (it can use `cairn admin`).
        let id = UserDirectory.canonicalID(for: key!)
        return UserDirectory(users: [UserIdentity(accessKey: key!, secretKey: secret!, id: id, displayName: key!)], adminIDs: [id])
    }
}
