import CairnProtocol
import CairnSigV4
import CairnStorage
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Everything `cairn server` needs, already opened: storage, users, address.
public struct S3ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var users: UserDirectory
    public var domain: String?

    public init(host: String, port: Int, users: UserDirectory, domain: String? = nil) {
        self.host = host
        self.port = port
        self.users = users
        self.domain = domain
    }
}

/// The S3 HTTP server: Hummingbird over one responder.
public enum S3Server {
    public static func run(storage: Storage, configuration c: S3ServerConfiguration, logger: Logger) async throws {
        try await storage.recover()
        let responder = S3Responder(storage: storage, verifier: SigV4Verifier(credentials: c.users),
                                    addressing: AddressingConfig(domain: c.domain), logger: logger)
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(additionalChannelHandlers: [ContinueHandler()])),
            configuration: .init(address: .hostname(c.host, port: c.port), serverName: nil),
            onServerRunning: { channel in
                // Tests and scripts wait for this line.
                print("cairn listening on http://\(channel.localAddress?.ipAddress ?? c.host):\(channel.localAddress?.port ?? c.port)")
                fflushStdout()
            },
            logger: logger)
        try await app.runService()
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Flushes stdout so a reader of the pipe sees the "listening" line at once.
func fflushStdout() { fflush(nil) }
