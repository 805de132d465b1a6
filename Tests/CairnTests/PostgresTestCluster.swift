import CairnMetadataPostgres
import Foundation
import Logging
import PostgresNIO
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster for this test process: `initdb` into a temporary folder, `pg_ctl
/// start` on a free loopback port, one fresh database per test. Started once, on first use. It is
/// stopped when the process exits (an atexit hook), and a watchdog process stops it and removes
/// the folder if the process dies without exiting cleanly, so nothing outlives `swift test`.
///
/// PostgreSQL refuses to run as root: as root, every PostgreSQL command runs as `nobody`.
/// Missing binaries are an error, not a skip: CI installs PostgreSQL, and a run without it must fail.
final class PostgresTestCluster: Sendable {
    let port: Int
    let folder: String
    let admin: PostgresClient
    static let user = "cairn"

    /// The one cluster of this process.
    static let shared = Task<PostgresTestCluster, any Error> { try start() }

    struct SetupError: Error, CustomStringConvertible {
        var description: String
    }

    /// Folders searched after PATH: Debian installs the server binaries off PATH.
    static let extraBinFolders: [String] = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }
    }()

    static func binary(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + extraBinFolders
        guard let found = path.map({ "\($0)/\(name)" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw SetupError(description: "PostgreSQL's \(name) is not on PATH nor in /usr/lib/postgresql/*/bin: apt-get install postgresql")
        }
        return found
    }

    private static func start() throws -> PostgresTestCluster {
        let initdb = try binary("initdb"), pgCtl = try binary("pg_ctl")
        // Short: the server's Unix socket lives here too, and socket paths are limited to ~100 bytes.
        let folder = "/tmp/cairn-pg-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let data = "\(folder)/data"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        commandLogFolder = folder
        let asUser: [String]
        if getuid() == 0 {
            guard let nobody = getpwnam("nobody") else { throw SetupError(description: "running as root and there is no user nobody") }
            chown(folder, nobody.pointee.pw_uid, nobody.pointee.pw_gid)
            asUser = [try binary("runuser"), "-u", "nobody", "--"]
        } else {
            asUser = []
        }
        try run(asUser + [initdb, "-D", data, "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"])
        let port = try freePort()
        let options = "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400"
        try run(asUser + [pgCtl, "-D", data, "-l", "\(folder)/server.log", "-w", "-o", options, "start"])
        stopCommand = asUser + [pgCtl, "-D", data, "-m", "immediate", "stop"]
        atexit { PostgresTestCluster.stopAtExit() }
        try startWatchdog(stop: stopCommand, folder: folder)
        var config = PostgresClient.Configuration(host: "127.0.0.1", port: port, username: user, password: nil, database: "postgres", tls: .disable)
        config.options.maximumConnections = 2
        return PostgresTestCluster(port: port, folder: folder, admin: PostgresClient(configuration: config))
    }

    private init(port: Int, folder: String, admin: PostgresClient) {
        self.port = port
        self.folder = folder
        self.admin = admin
        Task { await admin.run() }
    }

    /// A new, empty database and how to connect to it.
    func freshDatabase() async throws -> PostgresClient.Configuration {
        let name = "t_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        var config = PostgresClient.Configuration(host: "127.0.0.1", port: port, username: Self.user, password: nil, database: name, tls: .disable)
        config.options.maximumConnections = 8
        return config
    }

    // MARK: process plumbing

    nonisolated(unsafe) private static var stopCommand: [String] = []
    /// The cluster's folder, where the commands' output goes (removed with it).
    nonisolated(unsafe) private static var commandLogFolder = NSTemporaryDirectory()

    private static func stopAtExit() {
        try? run(stopCommand)
    }

    /// A shell that waits for this process to end, however it ends, then stops the cluster and
    /// removes its folder. Not waited for: it outlives this process by design.
    private static func startWatchdog(stop: [String], folder: String) throws {
        let quoted = stop.map { "'\($0)'" }.joined(separator: " ")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done; \(quoted) >/dev/null 2>&1; rm -rf '\(folder)'"
        _ = try spawn(["/bin/sh", "-c", script], output: "/dev/null")
    }

    /// Runs a command to its end. Its output goes to a file, not a pipe: `pg_ctl start` leaves the
    /// server holding what it inherited, so a pipe would never reach end-of-file. posix_spawn and
    /// waitpid rather than Foundation's Process, whose waitUntilExit can miss the child's exit.
    private static func run(_ command: [String]) throws {
        let outputPath = "\(commandLogFolder)/commands.log"
        let pid = try spawn(command, output: outputPath)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED && WEXITSTATUS == 0
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8))?.suffix(2000) ?? ""
            throw SetupError(description: "\(command.joined(separator: " ")) failed (status \(status)): \(text)")
        }
    }

    /// Starts a command with no input and its output appended to a file.
    private static func spawn(_ command: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = command.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, command[0], &actions, nil, argv, environ)
        guard rc == 0 else { throw SetupError(description: "could not start \(command[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// A loopback port nobody listens on now (the kernel's pick for port 0).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SetupError(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw SetupError(description: "could not find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
