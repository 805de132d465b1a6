import Foundation
import Logging
import PostgresNIO

/// PostgreSQL cannot be used: not reachable, the login refused, no such database, TLS failed. Its
/// description is one line naming the problem (never the password).
public struct PostgresUnavailable: Error, CustomStringConvertible {
    public var description: String
}

/// One connection, opened before the pool, so that a wrong URL stops `cairn server` at once with
/// the reason. The pool itself never reports a failed connect: it retries with backoff forever,
/// and every request would wait on it (a node that seems to start but answers nothing).
enum PostgresStartupCheck {
    /// The bound on TCP connect, TLS and login together; a reachable PostgreSQL takes milliseconds.
    static let timeoutSeconds: Int64 = 5

    static func check(_ target: PostgresTarget, logger: Logger) async throws {
        let configuration = try target.connectionConfiguration(timeout: .seconds(timeoutSeconds))
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw PostgresUnavailable(description: "PostgreSQL at \(target.address): \(explain(error, target))")
        }
        try? await connection.close()
    }

    /// postgres-nio's errors describe themselves generically (to keep server details out of
    /// logs); this is the operator's own startup, so say what happened.
    static func explain(_ error: any Error, _ target: PostgresTarget) -> String {
        guard let error = error as? PSQLError else { return explain(cause: error, target) }
        switch error.code {
        case .server:
            // PostgreSQL's own words, e.g. `password authentication failed for user "x"` or
            // `database "x" does not exist`, with the SQLSTATE.
            let message = error.serverInfo?[.message] ?? "refused the connection"
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        case .sslUnsupported:
            return "the server does not offer TLS, and the URL's sslmode requires it"
        case .authMechanismRequiresPassword:
            return "the server asks for a password and the URL has none"
        case .unsupportedAuthMechanism:
            return "the server asks for an authentication method Cairn does not support (use scram-sha-256, md5 or password)"
        case .saslError:
            return "SCRAM authentication failed" + (error.underlying.map { ": \($0)" } ?? "")
        case .serverClosedConnection, .uncleanShutdown:
            return error.underlying.map { explain(cause: $0, target) } ?? "the server closed the connection during the handshake"
        default:
            return error.underlying.map { explain(cause: $0, target) } ?? "\(error.code)"
        }
    }

    /// A transport error under postgres-nio's: DNS, TCP, the deadline, TLS.
    static func explain(cause: any Error, _ target: PostgresTarget) -> String {
        switch cause {
        case let error as PSQLError:
            return explain(error, target)
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return explain(cause: first.error, target) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "cannot resolve the host name \(target.host)" }
            return "cannot connect"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode)).lowercased()
        case ChannelError.connectTimeout:
            return "no answer within \(timeoutSeconds) s"
        case let error as NIOSSLError:
            return "TLS failed: \(error)"
        default:
            return "\(cause)"
        }
    }
}
