import CairnProtocol
import CairnSigV4
import CairnStorage
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Everything `cairn server` needs, already opened: storage, users, address.
public struct S3ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var users: UserDirectory
    public var domain: String?
    /// Lifecycle day length (tests shorten it) and how often the sweeper runs.
    public var lifecycleClock: LifecycleClock
    public var lifecycleSweepSeconds: Double
    /// PEM certificate chain and private key: with both, the server speaks HTTPS only.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Accept SSE-C over plain HTTP (tests only; AWS refuses it).
    public var allowInsecureSSEC = false
    /// A connection that sends nothing for this long while its request is being read, or between
    /// requests, is closed (0: never). Without it a client that vanishes mid-body (no FIN: a
    /// partition, a crashed NAT) holds its upload's buffers and temporary blob, and every graceful
    /// shutdown waits for it, forever. The interrupted upload is discarded like any other. Longer
    /// than the clients' own pool idle time (60 s for cairn's), so that a client rarely reuses a
    /// connection the server is closing at that moment.
    public var idleTimeoutSeconds: Double = 75
    /// `--max-connections`: client connections beyond this get 503 SlowDown and are closed.
    public var maxConnections = 4096
    /// The admin listener (`/metrics`, `/health`, `/ready`); nil: none, and no metrics are kept.
    public var adminAddress: (host: String, port: Int)?
    /// When set, `/metrics` asks for `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// The web console behind a reverse proxy: the origins its pages are served from
    /// (`--console-origin`, answered CORS on the S3 listener besides the admin port's own) and the
    /// S3 URL its browser reaches (`--console-s3-url`; else the admin page's host on the S3 port).
    public var consoleOrigins: [String] = []
    public var consoleS3URL: String?
    /// `--access-log`: a file to append JSON lines to, or `-` for standard output.
    public var accessLogPath: String?
    /// What `/ready` checks (the CLI knows the data folder and the metadata store).
    public var readinessChecks: [ReadinessCheck] = []
    /// This node: its id (also its `tmp/<id>/`), the address it reports, when it started.
    public var node = NodeInfo(id: NodeID("local")!, address: "", started: Date())
    /// How often the node writes its heartbeat and renews the background lease (`NodeMembership`).
    public var heartbeatSeconds: Double = 5
    /// This machine's name (default node ids are `hostname-pid`).
    public var hostname = ""

    public init(host: String, port: Int, users: UserDirectory, domain: String? = nil,
                lifecycleClock: LifecycleClock = LifecycleClock(), lifecycleSweepSeconds: Double = 3600) {
        self.host = host
        self.port = port
        self.users = users
        self.domain = domain
        self.lifecycleClock = lifecycleClock
        self.lifecycleSweepSeconds = lifecycleSweepSeconds
    }
}

/// The S3 HTTP server: Hummingbird over one responder.
public enum S3Server {
    public static func run(storage: Storage, configuration c: S3ServerConfiguration, logger: Logger) async throws {
        MallocTuning.apply()
        let observability = try Observability(configuration: c, logger: logger)
        defer { observability.accessLog?.close() }
        let membership = NodeMembership(info: c.node, hostname: c.hostname, heartbeatSeconds: c.heartbeatSeconds,
                                        metadata: storage.metadata, logger: logger)
        try await membership.join()
        try await storage.recover(node: c.node.id, isDead: membership.isDead)
        await membership.tick()
        let heartbeats = Task { await membership.run() }
        defer { heartbeats.cancel() }
        // Users and keys live in the metadata store (when there is a master key to seal secrets
        // with); the configured ones are imported into it at each start.
        var keys: KeyDirectory?
        if storage.keys != nil {
            try await storage.importUsers(c.users.users, admins: c.users.adminIDs)
            let directory = KeyDirectory(storage: storage, logger: logger)
            try await directory.refreshIfChanged()
            keys = directory
        }
        var responder = S3Responder(storage: storage, authenticator: RequestAuthenticator(credentials: keys.map { $0 as any CredentialProvider } ?? c.users),
                                    addressing: AddressingConfig(domain: c.domain), lifecycleClock: c.lifecycleClock,
                                    secure: c.tlsCertificatePath != nil && c.tlsKeyPath != nil,
                                    allowInsecureSSEC: c.allowInsecureSSEC, logger: logger,
                                    observers: observability.observers, users: c.users)
        responder.keys = keys
        // The web console (on the admin listener, when there is an admin API) is answered CORS.
        if let admin = c.adminAddress, keys != nil { responder.console = ConsoleOrigin(adminPort: admin.port, origins: c.consoleOrigins) }
        if let keys { responder.users = keys }
        let idle: TimeAmount? = c.idleTimeoutSeconds > 0 ? .milliseconds(Int64((c.idleTimeoutSeconds * 1000).rounded(.up))) : nil
        let gate = ConnectionGate(maximum: c.maxConnections)
        var server = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [ConnectionLimitHandler(gate: gate), HTTPParseErrorHandler(), LargeReadsHandler(), ContinueHandler()]
                + (idle.map { [StalledWriteHandler(timeout: $0)] } ?? []),
            idleTimeout: idle,
            httpDecoderConfiguration: .init(maxHeaderFieldSize: HTTPParseErrorHandler.maximumHeaderBytes,
                                            maxHeaderListSize: HTTPParseErrorHandler.maximumHeaderBytes)))
        if let cert = c.tlsCertificatePath, let key = c.tlsKeyPath {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            // Closing an idle connection sends close_notify and then waits for the client's. HTTP
            // clients keep pooled connections open without reading them, so swift-nio-ssl's 5 s
            // default held every SIGTERM for 5 s; nothing is left to deliver by then anyway.
            tls.shutdownTimeout = .milliseconds(250)
            server = try .tls(server, tlsConfiguration: tls)
        }
        let scheme = c.tlsCertificatePath != nil && c.tlsKeyPath != nil ? "https" : "http"
        let app = Application(
            responder: responder,
            server: server,
            configuration: .init(address: .hostname(c.host, port: c.port), serverName: nil),
            onServerRunning: { channel in
                // Tests and scripts wait for this line.
                print("cairn listening on \(scheme)://\(channel.localAddress?.ipAddress ?? c.host):\(channel.localAddress?.port ?? c.port)")
                fflushStdout()
            },
            logger: logger)
        let sweeper = Task { await backgroundWork(storage: storage, membership: membership, configuration: c, logger: logger) }
        defer { sweeper.cancel() }
        // Another node's change to users or keys, seen within a second; pending usage deltas
        // folded every few seconds.
        let upkeep = Task { [keys] in
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                ticks += 1
                do {
                    try await keys?.refreshIfChanged()
                    if ticks % 5 == 0 { try await storage.metadata.foldUsage() }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("key directory / usage upkeep failed: \(error)")
                }
            }
        }
        defer { upkeep.cancel() }
        // logrotate's `postrotate kill -HUP`: the access log opens its file again by name.
        let hangups = Task { [accessLog = observability.accessLog] in
            guard let accessLog else { return }
            for await _ in await UnixSignalsSequence(trapping: .sighup) { accessLog.reopen() }
        }
        defer { hangups.cancel() }
        // Stopped in reverse order on SIGTERM: the S3 listener drains first, while /health and
        // /metrics still answer.
        var services: [any Service] = []
        if let admin = c.adminAddress {
            services.append(AdminServer.application(host: admin.host, port: admin.port, registry: observability.registry,
                                                    process: ProcessMetrics(factory: observability.metrics),
                                                    token: c.metricsToken, checks: c.readinessChecks,
                                                    api: keys.map { AdminAPIHandler(storage: storage, keys: $0) },
                                                    storageMetrics: StorageMetrics(registry: observability.registry, storage: storage),
                                                    console: .init(s3Port: c.port, s3Scheme: scheme, region: storage.region, s3URL: c.consoleS3URL),
                                                    logger: logger))
        }
        services.append(app)
        do {
            try await ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                        logger: logger)).run()
        } catch {
            sweeper.cancel()
            heartbeats.cancel()
            await membership.leave()
            throw error
        }
        sweeper.cancel()
        heartbeats.cancel()
        await membership.leave()
    }

    /// The work one node does at a time, on the holder of the background lease: lifecycle sweeps
    /// every `lifecycleSweepSeconds`; the temporary files of dead nodes and unreferenced blobs at
    /// most every ten minutes (they list the data folder).
    static func backgroundWork(storage: Storage, membership: NodeMembership, configuration c: S3ServerConfiguration,
                               logger: Logger) async {
        let maintenanceEvery = Duration.seconds(max(c.lifecycleSweepSeconds, 600))
        var lastMaintenance = ContinuousClock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(Int(c.lifecycleSweepSeconds * 1000)))
            guard membership.holdsLease else { continue }
            do {
                let n = try await storage.sweepIncompleteUploads(clock: c.lifecycleClock)
                if n > 0 { logger.info("lifecycle: aborted \(n) incomplete multipart uploads") }
                let e = try await storage.sweepExpirations(clock: c.lifecycleClock)
                if e > 0 { logger.info("lifecycle: expired \(e) object versions") }
                if ContinuousClock.now - lastMaintenance >= maintenanceEvery {
                    lastMaintenance = .now
                    let dead = try await storage.removeDeadNodes(except: c.node.id, isDead: membership.isDead)
                    if !dead.isEmpty { logger.info("removed dead nodes and their temporary files: \(dead.map(\.rawValue).joined(separator: ", "))") }
                    let orphans = try await storage.sweepUnreferencedBlobs()
                    if orphans > 0 { logger.info("deleted \(orphans) unreferenced blobs") }
                }
            } catch is CancellationError {
                break  // shutting down
            } catch {
                logger.error("background work failed: \(error)")
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Flushes stdout so a reader of the pipe sees the "listening" line at once.
func fflushStdout() { fflush(nil) }
